"""Word HTML (.htm/.html "Web Page" saved by Word or LibreOffice): block text, one block per
line, tables as rows (see :mod:`workflows.intake.cells`).

Whitespace collapses as a browser does; ``<p>``, headings, ``<div>``, ``<li>`` and ``<br>``
end a line. Word writes a list's number as text inside a ``mso-list:Ignore`` span, which is
kept (it is what the page shows); an ``<ol>``/``<ul>`` without such text (LibreOffice) gets
its "1.", "a." or "-" rendered. A cell spanning rows repeats its text in each, a cell spanning
columns appears once. Style sheets, scripts and the head are left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from workflows.intake.cells import Row, table_lines
from workflows.intake.docx_numbering import format_number
from workflows.intake.encoding import decode_text

_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "pre",
    "section", "article", "header", "footer", "title", "dt", "dd",
}  # fmt: skip
_SKIPPED = {"style", "script", "head", "xml", "template"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.I)
_OL_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman"}
_OL_FORMATS["I"] = "upperRoman"


def read_html(data: bytes, filename: str) -> str:
    parser = _WordHtml()
    parser.feed(_decode(data, filename))
    parser.close()
    return "\n".join(parser.finish())


def _decode(data: bytes, filename: str) -> str:
    """The page's declared charset (Word writes one), else the text-file detection."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, filename)


class _Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.cell: list[str] | None = None
        self.column = 0
        self.pending: dict[int, tuple[int, list[str]]] = {}  # column -> (rows left, lines)


class _WordHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.skip = 0
        self.tables: list[_Table] = []
        self.lists: list[list[str | int]] = []  # [format, next number]
        self.numbered = False  # the current line already shows Word's own list number

    # -- text --------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.line += re.sub(r"\s+", " ", data)

    def _break(self) -> None:
        text = " ".join(self.line.split())
        self.line = ""
        target = self.tables[-1].cell if self.tables and self.tables[-1].cell is not None else None
        if target is not None:
            if text:
                target.append(text)
        elif text:
            self.lines.append(text)
        self.numbered = False

    # -- tags --------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in _SKIPPED:
            self.skip += 1
            return
        if "mso-list:ignore" in values.get("style", "").replace(" ", "").lower():
            self.numbered = True
        if tag in ("ol", "ul"):
            fmt = "bullet" if tag == "ul" else _OL_FORMATS.get(values.get("type", "1"), "decimal")
            self.lists.append([fmt, int(values.get("start") or 1)])
        elif tag == "table":
            self._break()
            self.tables.append(_Table())
        elif tag in ("td", "th") and self.tables:
            self._start_cell(self.tables[-1], values)
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            table.rows.append([])
            table.column = 0
        elif tag == "br" and "clear" not in values:  # <br clear> only clears a floating picture
            self._break()
        elif tag in _BLOCKS:
            self._break()
            if tag == "li" and self.lists:
                self.line = self._list_number() + " "

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag in ("td", "th") and self.tables:
            self._break()
            self.tables[-1].cell = None
        elif tag == "tr" and self.tables and self.tables[-1].rows:
            _carry(self.tables[-1], self.tables[-1].rows[-1])
        elif tag == "table" and self.tables:
            self._break()
            table = self.tables.pop()
            for line in table_lines(table.rows):
                self._emit(line)
            self._emit("")
        elif tag in _BLOCKS:
            self._break()

    def _emit(self, line: str) -> None:
        if self.tables and self.tables[-1].cell is not None:
            if line:
                self.tables[-1].cell.append(line.strip("| ").replace(" | ", " "))
        else:
            self.lines.append(line)

    # -- lists and tables ---------------------------------------------------------------
    def _list_number(self) -> str:
        fmt, number = self.lists[-1]
        self.lists[-1][1] = int(number) + 1
        if fmt == "bullet":
            return "-" if len(self.lists) == 1 else "+"
        return format_number(int(number), str(fmt)) + "."

    def _start_cell(self, table: _Table, values: dict[str, str]) -> None:
        self._break()
        if not table.rows:
            table.rows.append([])
            table.column = 0
        row = table.rows[-1]
        _carry(table, row)
        table.cell = []
        row.append(table.cell)
        span = _int(values.get("rowspan"), 1)
        if span > 1:
            table.pending[table.column] = (span - 1, table.cell)
        table.column += _int(values.get("colspan"), 1)  # a wide cell appears once

    def finish(self) -> list[str]:
        self._break()
        return self.lines


def _carry(table: _Table, row: Row) -> None:
    """Cells of the rows above that span down into this position repeat their text here."""
    while table.column in table.pending:
        left, lines = table.pending[table.column]
        row.append(lines)
        if left <= 1:
            del table.pending[table.column]
        else:
            table.pending[table.column] = (left - 1, lines)
        table.column += 1


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or default), 1000))
    except ValueError:
        return default
