"""Word .docx: body text in reading order, one paragraph per line, one table row per line.

Paragraphs and tables are read interleaved, as they appear in the body, as Word shows them:
a paragraph starts with its auto-number ("1.", "a)", "-", rendered from numbering.xml, see
:mod:`workflows.intake.docx_numbering`); field codes give their results, not their
instructions; a soft line break (``w:br``) starts a new line.

Tables become text as :mod:`workflows.intake.cells` says (one line per row, or a letterhead
table column by column); a horizontally merged cell is one ``w:tc`` and so appears once per
row; a vertically merged cell repeats the text of the cell it continues (a body spanning
several task rows then names each row's body). Headers, footers, footnotes and deleted
(tracked) text are not part of the body and are left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from lxml import etree

from workflows.intake.cells import join_cell_lines, table_lines
from workflows.intake.docx_numbering import Numbering, load_numbering
from workflows.intake.errors import explain, fail
from workflows.intake.zipcheck import check_docx_zip

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


# Wrappers whose children are ordinary body content (content controls, custom XML, tracked
# insertions). Deleted text and the VML fallback copy of a drawing are skipped.
_TRANSPARENT = {
    _w("sdt"),
    _w("sdtContent"),
    _w("customXml"),
    _w("ins"),
    _w("moveTo"),
    _w("smartTag"),
    _w("hyperlink"),
    _w("fldSimple"),
    _w("r"),
    _w("dir"),
    _w("bdo"),
    f"{{{_MC}}}AlternateContent",
    f"{{{_MC}}}Choice",
}
_SKIPPED = {
    _w("del"),
    _w("moveFrom"),
    f"{{{_MC}}}Fallback",
    _w("pPr"),
    _w("rPr"),
    _w("sdtPr"),
    _w("sdtEndPr"),
    _w("tblPr"),
    _w("trPr"),
    _w("tcPr"),
}
_TEXT = {
    _w("t"): None,
    _w("tab"): "\t",
    _w("ptab"): "\t",
    _w("br"): "\n",
    _w("cr"): "\n",
    _w("noBreakHyphen"): "-",
}


def read_docx(data: bytes, filename: str) -> str:
    """Body text of a .docx; the zip is vetted before python-docx inflates anything."""
    check_docx_zip(data, filename)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = load_numbering(_numbering_xml(document), document.styles.element)
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise fail("corrupt", filename, f"cấu trúc Word .docx bị hỏng ({explain(exc)}).") from exc
    if body is None:
        raise fail("corrupt", filename, "tệp Word không có phần thân (w:body).")
    return "\n".join(_Body(numbering).blocks(body))


def _numbering_xml(document: object) -> etree._Element | None:
    try:
        return document.part.numbering_part.element  # type: ignore[attr-defined]
    except (KeyError, NotImplementedError):
        return None  # a document without lists


class _Body:
    """Walks the body; holds the list counters, which run in document order."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering

    def blocks(self, container: etree._Element) -> Iterator[str]:
        """Lines of the paragraphs and tables under ``container``, in document order."""
        for child in container:
            tag = child.tag
            if tag == _w("p"):
                yield from self.paragraph_lines(child)
            elif tag == _w("tbl"):
                yield from self.table_lines(child)
            elif tag in _TRANSPARENT:
                yield from self.blocks(child)

    def paragraph_lines(self, p: etree._Element) -> Iterator[str]:
        parts: list[str] = []
        boxes: list[str] = []
        self.collect(p, parts, boxes)
        text = "".join(parts)
        number = self.numbering.prefix(p)
        if number:  # Word shows it even on an empty paragraph (a table's TT column)
            text = f"{number} {text.lstrip()}".rstrip()
        yield text
        # Text boxes anchored in the paragraph follow it, each of their paragraphs on a line.
        yield from boxes

    def collect(self, element: etree._Element, parts: list[str], boxes: list[str]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag in _TEXT:
                fixed = _TEXT[tag]
                parts.append((child.text or "") if fixed is None else fixed)
            elif tag == _w("txbxContent"):
                boxes.extend(self.blocks(child))
            elif tag not in (_w("p"), _w("tbl")):
                self.collect(child, parts, boxes)

    def table_lines(self, tbl: etree._Element) -> Iterator[str]:
        yield from table_lines(list(self.rows(tbl)))

    def rows(self, tbl: etree._Element) -> Iterator[list[list[str]]]:
        """The lines of each cell of each row; see the module docstring for merged cells."""
        above: dict[int, list[str]] = {}
        for tr in _children(tbl, "tr"):
            cells: list[list[str]] = []
            column = _int_attr(tr.find(f"{_w('trPr')}/{_w('gridBefore')}"), 0)
            current: dict[int, list[str]] = {}
            for tc in _children(tr, "tc"):
                props = tc.find(_w("tcPr"))
                span = max(1, min(_int_attr(_prop(props, "gridSpan"), 1), 64))
                if _merge_value(_prop(props, "hMerge")) == "continue":
                    column += span  # legacy horizontal merge: the first cell already holds it
                    continue
                vmerge = _prop(props, "vMerge")
                if _merge_value(vmerge) == "continue":
                    lines = above.get(column, [])
                else:
                    lines = self.cell_lines(tc)
                for k in range(column, column + span):
                    current[k] = lines
                cells.append(lines)
                column += span
            above = current
            yield cells

    def cell_lines(self, tc: etree._Element) -> list[str]:
        lines: list[str] = []
        for child in tc:
            if child.tag == _w("tbl"):
                lines.extend(" ".join(map(join_cell_lines, cells)) for cells in self.rows(child))
            elif child.tag != _w("tcPr"):
                lines.extend(self.cell_blocks(child))
        return [piece for line in lines for piece in line.split("\n") if piece.strip()]

    def cell_blocks(self, element: etree._Element) -> Iterator[str]:
        if element.tag == _w("p"):
            yield from self.paragraph_lines(element)
        elif element.tag in _TRANSPARENT:
            for child in element:
                if child.tag == _w("tbl"):
                    yield from (" ".join(map(join_cell_lines, c)) for c in self.rows(child))
                else:
                    yield from self.cell_blocks(child)


def _children(parent: etree._Element, name: str) -> Iterator[etree._Element]:
    """``w:name`` children, also those wrapped in content controls or custom XML."""
    for child in parent:
        if child.tag == _w(name):
            yield child
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            yield from _children(child, name)


def _prop(props: etree._Element | None, name: str) -> etree._Element | None:
    return None if props is None else props.find(_w(name))


def _merge_value(element: etree._Element | None) -> str | None:
    """ "restart" or "continue" for a merge mark (no w:val means continue), None if absent."""
    if element is None:
        return None
    return element.get(_w("val")) or "continue"


def _int_attr(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_w("val"), default))
    except (TypeError, ValueError):
        return default
