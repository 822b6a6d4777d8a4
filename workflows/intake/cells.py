"""Table cells to text, shared by the .docx and PDF readers (and the Word HTML reader).

A table is a list of rows, a row a list of cells, a cell the list of its lines (paragraphs,
soft breaks or, in a PDF, its printed lines). Two shapes come out:

- a duty or data table: one line per row, ``| cell | cell |``, as the parser reads tables.
  A cell's lines are joined with a space in the columns the parser reads as text (the header
  names the content, the time or the number, see :func:`workflows.parsing.tables.column_role`)
  and in tables without such a header; in the other columns (lead, partners, persons…) with
  "; " where a new item starts (a capital, a digit or a dash after a word) and a space where
  the text runs on (a lower-case start, a comma or dash before it): bodies written one per
  line stay separate names, as the parser splits them at ";".
- a layout table (the letterhead laid out as a two-column table, the "Nơi nhận | signature"
  block: at most three filled columns, with a letterhead or signature mark): column by column,
  one line per line and a blank line after each column, as the letterhead of a text plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflows.parsing.tables import column_role

Cell = list[str]
Row = list[Cell]

# A letterhead or signature block: national motto, "Số:", "Nơi nhận", "TM."/"KT." signers.
_LAYOUT_MARK = re.compile(
    r"CỘNG\s+H[OÒ][AÀ]|Nơi\s+nhận|^(?:TM|KT|TL|Q|TUQ)\.|^Số\s*:", re.IGNORECASE | re.MULTILINE
)
_LAYOUT_MAX_COLUMNS = 3
# A new item in a cell starts with a capital, a digit or a list mark…
_ITEM_START = re.compile(r"[\W_]*[^\W\d_a-zđ]|\d|[-+•*]")
# …unless the text before it asks for more ("Sở A,", "gồm:", "Sở Lao động –").
_RUNS_ON = re.compile(r"[,:;(–\-&/]$|\s(?:và|với|của)$")


def join_cell_lines(lines: list[str]) -> str:
    """One cell's lines as one line: "; " between items, a space where the text runs on."""
    out = ""
    for line in lines:
        line = " ".join(line.split())
        if not line:
            continue
        if out:
            new_item = _ITEM_START.match(line) and not _RUNS_ON.search(out)
            out += ("; " if new_item else " ") + line
        else:
            out = line
    return out


def table_lines(rows: list[Row]) -> Iterator[str]:
    """The lines of a table: a layout table column by column, any other one row by row."""
    if is_layout(rows):
        yield from _columns(rows)
        return
    runs_on = _text_columns(rows)
    for cells in rows:
        joined = [
            " ".join(" ".join(cell).split()) if runs_on[k] else join_cell_lines(cell)
            for k, cell in enumerate(cells)
        ]
        if any(joined):
            yield "| " + " | ".join(joined) + " |"


def _text_columns(rows: list[Row]) -> list[bool]:
    """Per cell position: True where lines run on as text (content, time, unknown)."""
    width = max((len(row) for row in rows), default=0)
    for row in rows[:3]:
        roles = [column_role(" ".join(cell)) for cell in row]
        if "content" in roles:
            return [k >= len(roles) or roles[k] in ("content", "due", "tt") for k in range(width)]
    return [True] * width


def is_layout(rows: list[Row]) -> bool:
    filled = max((sum(1 for cell in row if cell) for row in rows), default=0)
    if filled > _LAYOUT_MAX_COLUMNS:
        return False
    text = "\n".join(line.strip() for row in rows for cell in row for line in cell)
    return bool(_LAYOUT_MARK.search(text))


def _columns(rows: list[Row]) -> Iterator[str]:
    """A layout table column by column, a blank line after each (merged cells once)."""
    width = max(len(row) for row in rows)
    for k in range(width):
        seen: list[Cell] = []
        for row in rows:
            if k < len(row) and row[k] and not any(row[k] is s for s in seen):
                seen.append(row[k])
        lines = [line.strip() for cell in seen for line in cell if line.strip()]
        if lines:
            yield from lines
            yield ""
