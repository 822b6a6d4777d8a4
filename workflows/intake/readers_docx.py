"""Word .docx: body text in reading order, one paragraph per line, one table row per line.

Paragraphs and tables are read interleaved, as they appear in the body. A table row becomes
``| cell | cell |``; a cell's own line breaks become spaces. A horizontally merged cell is one
``w:tc`` and so appears once per row; a vertically merged cell repeats the text of the cell
it continues (a body spanning several task rows then names each row's body). Headers,
footers, footnotes and deleted (tracked) text are not part of the body and are left out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from lxml import etree

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
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise fail("corrupt", filename, f"cấu trúc Word .docx bị hỏng ({explain(exc)}).") from exc
    if body is None:
        raise fail("corrupt", filename, "tệp Word không có phần thân (w:body).")
    return "\n".join(_blocks(body))


def _blocks(container: etree._Element) -> Iterator[str]:
    """Lines of the paragraphs and tables under ``container``, in document order."""
    for child in container:
        tag = child.tag
        if tag == _w("p"):
            yield from _paragraph_lines(child)
        elif tag == _w("tbl"):
            yield from (_row_line(cells) for cells in _rows(child) if any(cells))
        elif tag in _TRANSPARENT:
            yield from _blocks(child)


def _paragraph_lines(p: etree._Element) -> Iterator[str]:
    parts: list[str] = []
    boxes: list[str] = []
    _collect(p, parts, boxes)
    yield "".join(parts)
    # Text boxes anchored in the paragraph follow it, each of their paragraphs on a line.
    yield from boxes


def _collect(element: etree._Element, parts: list[str], boxes: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag in _TEXT:
            fixed = _TEXT[tag]
            parts.append((child.text or "") if fixed is None else fixed)
        elif tag == _w("txbxContent"):
            boxes.extend(_blocks(child))
        elif tag not in (_w("p"), _w("tbl")):
            _collect(child, parts, boxes)


def _row_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rows(tbl: etree._Element) -> Iterator[list[str]]:
    """Cell texts of each row; see the module docstring for merged cells."""
    above: dict[int, str] = {}
    for tr in _children(tbl, "tr"):
        cells: list[str] = []
        column = _int_attr(tr.find(f"{_w('trPr')}/{_w('gridBefore')}"), 0)
        current: dict[int, str] = {}
        for tc in _children(tr, "tc"):
            props = tc.find(_w("tcPr"))
            span = max(1, min(_int_attr(_prop(props, "gridSpan"), 1), 64))
            if _merge_value(_prop(props, "hMerge")) == "continue":
                column += span  # legacy horizontal merge: the first cell already holds it
                continue
            vmerge = _prop(props, "vMerge")
            text = above.get(column, "") if _merge_value(vmerge) == "continue" else _cell(tc)
            for k in range(column, column + span):
                current[k] = text
            cells.append(text)
            column += span
        above = current
        yield cells


def _children(parent: etree._Element, name: str) -> Iterator[etree._Element]:
    """``w:name`` children, also those wrapped in content controls or custom XML."""
    for child in parent:
        if child.tag == _w(name):
            yield child
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            yield from _children(child, name)


def _cell(tc: etree._Element) -> str:
    pieces: list[str] = []
    for child in tc:
        if child.tag == _w("tbl"):
            pieces.extend(" ".join(cells) for cells in _rows(child))
        elif child.tag != _w("tcPr"):
            pieces.extend(_blocks_of(child))
    return " ".join(" ".join(pieces).split())


def _blocks_of(element: etree._Element) -> Iterator[str]:
    if element.tag == _w("p"):
        yield from _paragraph_lines(element)
    elif element.tag in _TRANSPARENT:
        for child in element:
            if child.tag == _w("tbl"):
                yield from (" ".join(cells) for cells in _rows(child))
            else:
                yield from _blocks_of(child)


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
