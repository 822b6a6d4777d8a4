"""Duty tables: find them in either text form and turn them into rows of cells keyed by role.

Two forms reach the parser:
- markdown-ish exports: a line holding only "|" separates cells, an empty gap between two such
  lines ends a row, and a cell's text may span several lines;
- the .docx reader: one line per row, ``| cell | cell | cell |``.

Only tables whose header names a content column and a lead or partner column are duty tables;
every other table (letterhead, signature block, report templates) stays in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.parsing.paragraph_joins import ROMAN
from workflows.parsing.text import strip_accents

_ROMAN_CELL = re.compile(rf"^{ROMAN}\.?$")
_SECTION_CELL = re.compile(rf"^({ROMAN})\.\s+(\S.*)$", re.S)
# A part's label in a table's first cell: a Roman number or a capital letter ("II", "B.").
_PART_CELL = re.compile(rf"^(?:{ROMAN}|[A-Z])\.?$")
_TT_CELL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[a-zđ][.)]?)$")
_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_ONE_LINE_ROW = re.compile(r"^\s*\|(.*\|.*)\|\s*$")
# More lines than any table cell holds (the longest real cells run ~15 lines): a "cell" this long
# is the document's text after a table whose end no blank line marked.
MAX_CELL_LINES = 40
_HEADER_WORDS = 6  # a column's name is a few words ("Đơn vị chủ trì thực hiện")


@dataclass
class Cell:
    text: str
    line: int


@dataclass
class TableRow:
    """A table row: a section row ("II | Xây dựng …") or a duty row, cells keyed by role."""

    line: int
    cells: dict[str, Cell]
    section: bool = False
    label: str = ""


@dataclass
class Table:
    line: int
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)


# A column of persons or posts ("Người thực hiện", "Cán bộ phụ trách", "Lãnh đạo phụ trách"):
# the people a row's duty falls to, the first of them accountable.
_PERSONS = re.compile(
    r"^(?:nguoi|can bo|chuyen vien|cong chuc|lanh dao|thanh vien|ho va ten|ho ten)"
    r"(?:\s+(?:thuc hien|phu trach|chiu trach nhiem|duoc giao))?$|^phu trach$"
)


def column_role(header: str) -> str | None:
    """The role of a header cell: tt, content, lead, partners, persons, due (or None)."""
    h = " ".join(strip_accents(header).lower().split())
    if "vai tro" in h:
        return None
    if re.fullmatch(r"(?:s\.?\s*)?tt|so tt|stt", h):
        return "tt"
    if _PERSONS.match(h):
        return "persons"
    if "phoi hop" in h:
        return "partners"
    # a law-making plan: the drafting body leads, the submitting one stands in for it
    if re.search(r"(co quan|don vi)\s+(?:chu tri\s+)?soan thao", h):
        return "lead"
    if re.fullmatch(r"(co quan|don vi)\s+trinh", h):
        return "submits"
    if re.search(r"(co quan|don vi)\s+tham tra", h):
        return "reviews"
    if "chu tri" in h or re.search(r"(co quan|don vi)[^,]*thuc hien", h) or h == "thuc hien":
        return "lead"
    if re.search(r"thoi (gian|han)|tien do|hoan thanh", h):
        return "due"
    if re.search(
        r"noi dung|nhiem vu|cong viec|hoat dong|ten (nhiem vu|de an|du an|van ban|chuong trinh)", h
    ):
        return "content"
    return None


def _is_duty_header(cells: list[str]) -> list[str | None] | None:
    roles = [column_role(c) for c in cells]
    if "content" in roles and ({"lead", "partners", "persons"} & set(roles)):
        return roles
    return None


def extract_tables(lines: list[str]) -> tuple[list[Table], list[str]]:
    """Duty tables found in ``lines``, and the lines with those tables blanked out."""
    out = list(lines)
    tables: list[Table] = []
    i = 0
    while i < len(out):
        if out[i].strip() == "|":
            read_rows = _pipe_block
        elif _ONE_LINE_ROW.match(out[i]):
            read_rows = _one_line_rows if _well_formed(out, i) else _cell_stream
        elif out[i].startswith("| ") and _stream_header(out, i) is not None:
            read_rows = _cell_stream  # its header wraps over lines
        else:
            i += 1
            continue
        end, raw_rows = read_rows(out, i)
        table = _build(raw_rows)
        if table is not None:
            tables.append(table)
            for k in range(i, end):
                out[k] = ""
        i = max(end, i + 1)
    return tables, out


def _pipe_block(lines: list[str], start: int) -> tuple[int, list[list[Cell]]]:
    """Rows of a markdown-ish table starting at a lone "|" line; returns (end index, rows)."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    buffer: list[tuple[str, int]] = []
    width = 0  # the most cells a finished row has had (a part's title row aside)
    numbered = False  # whether a finished row opened with a number cell ("1", "2.1")
    blank_cell = False  # a cell with nothing but markup is open
    i = start + 1
    while i < len(lines):
        stripped = lines[i].strip()
        if not lines[i]:
            break
        if not stripped:  # a rule line inside a cell ("--------" under a letterhead), or a
            blank_cell = blank_cell or not buffer  # cell of markup alone ("** **"): empty
            i += 1
            continue
        if stripped == "|":
            if blank_cell and not buffer:
                row.append(Cell("", i))
                blank_cell = False
                i += 1
                continue
            blank_cell = False
            if buffer:
                row.append(Cell("\n".join(t for t, _ in buffer), buffer[0][1]))
                buffer = []
                after = lines[i + 1].strip() if i + 1 < len(lines) else ""
                # The first row opening with a number may hold one cell more than those
                # before it: a header that left out the number column ("Nội dung | …").
                full = width + (0 if numbered or not _numbered(row) else 1)
                if rows and width and len(row) >= full and after and after != "|":
                    # A full last row not followed by a row break: the table ended here even
                    # though no blank line says so (PDF text layers have no blank lines).
                    i += 1
                    break
            else:
                if row:
                    rows.append(row)
                    width = _row_width(width, row)
                    numbered = numbered or _numbered(row)
                row = []
        else:
            if len(buffer) >= MAX_CELL_LINES and (row or rows):
                # No cell runs this long: the "|" before it closed the table's last cell and
                # this is the text after the table (a one-row table, e.g. a signature block
                # in the middle of a PDF text layer, where no blank line ends the table).
                end = buffer[0][1] - 1
                if row:
                    rows.append(row)
                return end, rows
            buffer.append((stripped, i + 1))
        i += 1
    if buffer:
        row.append(Cell("\n".join(t for t, _ in buffer), buffer[0][1]))
    if row:
        rows.append(row)
    return i, rows


def _row_width(width: int, row: list[Cell]) -> int:
    """The most cells a row of the table has had, ``row`` included unless it is a part's title
    row ("B | PHÁT TRIỂN …", "II | …": merged across the columns, so it says nothing of them)."""
    title = len(row) <= 2 and _PART_CELL.match(row[0].text.strip()) is not None
    return width if title else max(width, len(row))


def _one_line_rows(lines: list[str], start: int) -> tuple[int, list[list[Cell]]]:
    rows: list[list[Cell]] = []
    i = start
    while i < len(lines):
        match = _ONE_LINE_ROW.match(lines[i])
        if not match:
            if not lines[i].strip() and i + 1 < len(lines) and _ONE_LINE_ROW.match(lines[i + 1]):
                i += 1
                continue
            break
        cells = [c.strip() for c in match.group(1).split("|")]
        if not all(_SEPARATOR_CELL.match(c) or not c for c in cells):
            rows.append([Cell(c, i + 1) for c in cells])
        i += 1
    return i, rows


def _well_formed(lines: list[str], start: int) -> bool:
    """Every line of the block (up to a blank line) is a whole ``| cell | cell |`` row."""
    i = start
    while i < len(lines) and lines[i].strip():
        if not _ONE_LINE_ROW.match(lines[i]):
            return False
        i += 1
    return True


def _stream_header(lines: list[str], start: int) -> tuple[int, list[Cell]] | None:
    """The header row of a flattened duty table starting at ``start``: its cells and the index
    after it. A header may wrap over up to three lines (a PDF printed from such a text)."""
    for k in range(start, min(start + 3, len(lines))):
        if not lines[k].strip() or (k > start and lines[k].lstrip().startswith("|")):
            return None
        if lines[k].rstrip().endswith("|"):
            match = _ONE_LINE_ROW.match(" ".join(x.strip() for x in lines[start : k + 1]))
            if match is None:
                return None
            header = [Cell(c.strip(), start + 1) for c in match.group(1).split("|")]
            while header and not header[-1].text:
                header.pop()
            if _is_duty_header([c.text for c in header]) is None:
                return None
            return k + 1, header
    return None


def _cell_stream(lines: list[str], start: int) -> tuple[int, list[list[Cell]]]:
    """Rows of a table whose rows were flattened into "|"-separated pieces running over lines
    (web exports): after the header row, the cells in order, each row as many cells as the
    header has columns; empty cells between rows and a section title ("I. …") are skipped.
    The table ends at a blank line, or before a run of lines with no "|" longer than a cell."""
    found = _stream_header(lines, start)
    if found is None:
        return start + 1, []
    body, header = found
    end, plain = body, 0
    while end < len(lines) and lines[end].strip():
        plain = 0 if "|" in lines[end] else plain + 1
        if plain > MAX_CELL_LINES:
            end -= plain - 1
            break
        end += 1
    roles = [column_role(c.text) for c in header]
    width = len(header)
    content = roles.index("content") if "content" in roles else 0
    rows: list[list[Cell]] = [header]
    row: list[Cell] | None = None
    for cell in _stream_cells(lines, body, end):
        if row is None:
            if not cell.text:
                continue
            section = _SECTION_CELL.match(cell.text)
            if section:
                rows.append([Cell(section.group(1), cell.line), Cell(section.group(2), cell.line)])
                continue
            row = [cell] if _TT_CELL.match(cell.text) else [Cell("", cell.line)] * content + [cell]
        else:
            row.append(cell)
        if len(row) >= width:
            rows.append(row)
            row = None
    if row is not None:
        rows.append(row + [Cell("", row[-1].line)] * (width - len(row)))
    return end, rows


def _stream_cells(lines: list[str], start: int, end: int) -> list[Cell]:
    """The cells between "|" marks over ``lines[start:end]``; a cell may span lines."""
    cells: list[Cell] = []
    current: list[str] = []
    first = 0
    for k in range(start, end):
        for n, piece in enumerate(lines[k].split("|")):
            if n:
                cells.append(Cell("\n".join(current), first or k + 1))
                current, first = [], 0
            if piece.strip():
                current.append(piece.strip())
                first = first or k + 1
    if current:
        cells.append(Cell("\n".join(current), first))
    return cells


def _build(raw_rows: list[list[Cell]]) -> Table | None:
    for h, header in enumerate(raw_rows[:3]):  # noqa: B007 (h is used after the loop)
        roles = _is_duty_header([c.text for c in header])
        if roles is not None:
            break
    else:
        return None
    body = raw_rows[h + 1 :]
    columns = [r or "" for r in roles]
    if "tt" not in columns and _numbered_rows_wider(body, len(columns)):
        columns = ["tt", *columns]  # the STT column's header cell was merged away or left out
    table = Table(header[0].line, columns)
    content_index = columns.index("content")
    for cells in body:
        if _repeats_header(cells):
            continue  # the header repeated over a later part of the table
        row = _row(cells, columns, content_index)
        if row is not None:
            table.rows.append(row)
    return table


def _repeats_header(cells: list[Cell]) -> bool:
    """Whether a row is a duty table's header again: column names only ("Nội dung | Đơn vị
    thực hiện | …"), a few words each, not a duty whose cells happen to say "chủ trì"."""
    texts = [c.text for c in cells if c.text]
    names = all(len(t.split()) <= _HEADER_WORDS and column_role(t) for t in texts)
    return names and not _numbered(cells) and _is_duty_header(texts) is not None


def _numbered(row: list[Cell]) -> bool:
    """Whether ``row`` opens with a number cell ("1", "2.1", "a)")."""
    return bool(row) and _TT_CELL.match(row[0].text.strip()) is not None


def _numbered_rows_wider(rows: list[list[Cell]], width: int) -> bool:
    """Whether the rows opening with a number ("1", "2.1") have one cell more than the header:
    the header left out the number column."""
    numbered = [r for r in rows if _numbered(r)]
    wider = [r for r in numbered if len(r) == width + 1]
    return bool(numbered) and len(wider) * 2 > len(numbered)


def _row(cells: list[Cell], columns: list[str], content_index: int) -> TableRow | None:
    texts = [c.text for c in cells if c.text]
    if not texts:
        return None
    first = cells[0].text.strip()
    filled = [c for c in cells if c.text]
    if _ROMAN_CELL.match(first) and len(filled) <= 2:
        title = filled[1].text if len(filled) > 1 else ""
        head = {"content": Cell(title, cells[0].line)}
        return TableRow(cells[0].line, head, True, first.rstrip("."))
    # A row without a TT cell continues the row above: its merged cells on the left are skipped.
    aligned = len(cells) == len(columns) or _TT_CELL.match(first)
    offset = 0 if aligned else content_index
    keyed: dict[str, Cell] = {}
    for k, cell in enumerate(cells):
        index = offset + k
        if index < len(columns) and columns[index] and cell.text:
            keyed[columns[index]] = cell
    if "content" not in keyed:
        return None
    label = keyed.pop("tt").text if "tt" in keyed else ""
    return TableRow(cells[0].line, keyed, False, label)
