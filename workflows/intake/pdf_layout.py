"""One PDF page's text layer as plan text, from the geometry of its words (pdfplumber).

- Words are grouped into lines by their vertical position; a vertical gap clearly wider than
  the page's usual line pitch is a blank line (a paragraph break, as in a text plan).
- Ruled tables are found from their lines and read cell by cell: a cell spanning several
  columns appears once in its row, a cell spanning several rows repeats its text in each,
  and the rows become text as :mod:`workflows.intake.cells` says (``| a | b |`` rows, or a
  letterhead table column by column).
- Lines split by wide horizontal gaps into columns (the letterhead and the signature block
  laid out side by side without rules) are read column by column when they carry a
  letterhead or signature mark; any other such line keeps its words in order.
- A line that is only a page number, in the top or bottom margin, is dropped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from workflows.intake.cells import Cell, Row, is_layout, table_lines

# A gap between words this many times the line height separates columns, not words.
_COLUMN_GAP = 1.5
_MIN_COLUMN_GAP = 16.0
# A baseline step this much wider than a wrapped line's leaves a blank line.
_PARAGRAPH_GAP = 1.12
_PARAGRAPH_MIN = 2.0  # points
_SPACE = 3.0  # points: a space between words
_CELL_PADDING = 5.0  # points between a cell's text and its rules
_MARGIN = 0.09  # page-number lines live in the top and bottom 9 % of the page
_PAGE_NUMBER = re.compile(r"(?:Trang\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*/\s*\d{1,3})?", re.I)


@dataclass
class Segment:
    x0: float
    x1: float
    text: str
    first_x1: float = 0.0  # where the segment's first word ends

    def __post_init__(self) -> None:
        self.first_x1 = self.first_x1 or self.x1


@dataclass
class Line:
    top: float
    bottom: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class TableBlock:
    top: float
    bottom: float
    rows: list[Row]
    starts: list[list[float]] = field(default_factory=list)  # each cell's left edge
    left: float = 0.0  # the table's left edge


def page_blocks(page: Any) -> list[Line | TableBlock]:
    """The lines and ruled tables of one pdfplumber page, top down."""
    tables = [t for t in page.find_tables() if len(t.cells) > 1]
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    boxes = [t.bbox for t in tables]
    free = [w for w in words if not any(_inside(w, box) for box in boxes)]
    blocks: list[Line | TableBlock] = [
        *word_lines(free, float(page.height)),
        *(_table_block(t, words) for t in tables),
    ]
    blocks.sort(key=lambda b: b.top)
    return blocks


def word_lines(words: list[dict[str, Any]], height: float) -> list[Line]:
    """The lines of a page's words (from the text layer, or from OCR), page numbers left out."""
    return [line for line in group_lines(words) if not _is_page_number(line, height)]


def wrap_pitch(pages: list[list[Line | TableBlock]]) -> float:
    """The baseline step of a wrapped line: the low end of the steps between lines (most
    steps inside a paragraph are wraps; a paragraph break adds its spacing)."""
    steps: list[float] = []
    for blocks in pages:
        lines = [b for b in blocks if isinstance(b, Line)]
        steps.extend(
            b.top - a.top for a, b in itertools.pairwise(lines) if 0 < b.top - a.top < 4 * a.height
        )
    if not steps:
        return 0.0
    steps.sort()
    return steps[len(steps) // 5]


def flow(blocks: list[Line | TableBlock], pitch: float) -> list[str]:
    """One page's blocks as text lines, a blank line where a step is wider than a wrap."""
    return list(_flow(blocks, pitch))


def page_ends(pages: list[list[Line | TableBlock]], pitch: float) -> list[bool]:
    """For each page, whether its last line ends a paragraph that the page break hides: the
    page stops half a line or more short of the document's lowest line (a blank line, or
    a heading kept with its paragraph, went over), the page's last paragraph is a numbered
    heading or closes a sentence, and the next page opens like a paragraph (a capital, a
    number, a dash)."""
    lasts = [page[-1] if page else None for page in pages]
    floor = max((b.bottom for b in lasts if isinstance(b, Line)), default=0.0)
    ends = []
    for page, following in itertools.zip_longest(pages, pages[1:]):
        last = page[-1] if page else None
        first = following[0] if following else None
        ends.append(
            isinstance(last, Line)
            and isinstance(first, Line)
            and bool(pitch)
            and floor - last.bottom > pitch / 2
            and _closes_paragraph(page)
            and _opens_paragraph(first.text)
        )
    return ends


_LABEL = re.compile(r"[*_\s]*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s")
_SENTENCE_END = re.compile(r"[.:;!?…][\"”’)*_]*$")


def _opens_paragraph(text: str) -> bool:
    start = text.lstrip("*_ ")[:1]
    return start.isupper() or start.isdigit() or start in "(•+-–"


def _closes_paragraph(page: list[Line | TableBlock]) -> bool:
    """The page's last lines are a numbered heading (up to three lines, from its label) or
    end a sentence."""
    lines = page[-3:]
    if _SENTENCE_END.search(lines[-1].text.rstrip()):  # type: ignore[union-attr]
        return True
    return any(isinstance(b, Line) and _LABEL.match(b.text) for b in lines)


def group_lines(words: list[dict[str, Any]]) -> list[Line]:
    """Words (pdfplumber dicts with x0, x1, top, bottom, text) grouped into lines, top down;
    within a line, words far apart start a new segment (a column)."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        top, bottom = float(word["top"]), float(word["bottom"])
        line = lines[-1] if lines else None
        middle = (top + bottom) / 2
        if line is None or not (line.top - 1 <= middle <= line.bottom + 1):
            line = Line(top, bottom)
            lines.append(line)
        line.top, line.bottom = min(line.top, top), max(line.bottom, bottom)
        line.segments.append(Segment(float(word["x0"]), float(word["x1"]), str(word["text"])))
    for line in lines:
        line.segments = _segments(sorted(line.segments, key=lambda s: s.x0), line.height)
    return lines


def _segments(words: list[Segment], height: float) -> list[Segment]:
    gap = max(_COLUMN_GAP * height, _MIN_COLUMN_GAP)
    out: list[Segment] = []
    for word in words:
        if out and word.x0 - out[-1].x1 < gap:
            last = out[-1]
            out[-1] = Segment(last.x0, word.x1, f"{last.text} {word.text}", last.first_x1)
        else:
            out.append(Segment(word.x0, word.x1, word.text))
    return out


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (float(word["x0"]) + float(word["x1"])) / 2
    y = (float(word["top"]) + float(word["bottom"])) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _is_page_number(line: Line, height: float) -> bool:
    in_margin = line.bottom < height * _MARGIN or line.top > height * (1 - _MARGIN)
    return in_margin and bool(_PAGE_NUMBER.fullmatch(line.text.strip()))


def _flow(blocks: list[Line | TableBlock], pitch: float) -> Iterator[str]:
    previous: Line | TableBlock | None = None
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, TableBlock):
            if previous is not None:
                yield ""
            yield from table_lines(block.rows)
            yield ""
            previous = None  # a blank line already closes the table
            i += 1
            continue
        if isinstance(previous, Line) and _paragraph_break(previous, block, pitch):
            yield ""
        if len(block.segments) > 1:
            end, columns = _column_block(blocks, i, pitch)
            if columns is not None:
                if isinstance(previous, Line):
                    yield ""
                for column in columns:
                    yield from column
                    yield ""
                previous = None
                i = end
                continue
        yield block.text
        previous = block
        i += 1


def _paragraph_break(previous: Line, line: Line, pitch: float) -> bool:
    step = line.top - previous.top
    return bool(pitch) and step > _PARAGRAPH_GAP * pitch and step - pitch > _PARAGRAPH_MIN


def _column_block(
    blocks: list[Line | TableBlock], start: int, pitch: float
) -> tuple[int, list[list[str]] | None]:
    """Lines from ``start`` laid out side by side; their columns if they are a letterhead or a
    signature block, else None."""
    first = blocks[start]
    assert isinstance(first, Line)
    edges = [s.x0 for s in first.segments]
    columns: list[list[str]] = [[] for _ in edges]
    i = start
    previous = first
    while i < len(blocks):
        line = blocks[i]
        if not isinstance(line, Line):
            break
        if i > start and pitch and line.top - previous.top > 4 * pitch:
            break
        placed = [(_column_of(s, edges), s) for s in line.segments]
        if i > start and len(line.segments) == 1 and placed[0][0] is None:
            break  # a full-width line: the side-by-side block is over
        if any(k is None for k, _ in placed):
            break
        texts: dict[int, list[str]] = {}
        for k, segment in placed:  # two pieces in one column ("Số:   /KH-SCT") are one line
            texts.setdefault(k, []).append(segment.text)  # type: ignore[arg-type]
        for k, pieces in texts.items():
            columns[k].append(" ".join(pieces))
        previous = line
        i += 1
    rows: list[Row] = [[list(c) for c in columns]]
    if i - start < 1 or not is_layout(rows):
        return start, None
    return i, [c for c in columns if c]


def _column_of(segment: Segment, edges: list[float]) -> int | None:
    """The column a segment starts in, None when it runs across the next column's edge."""
    k = max((n for n, edge in enumerate(edges) if segment.x0 >= edge - 12), default=0)
    if k + 1 < len(edges) and segment.x1 > edges[k + 1] - 4:
        return None
    return k


def _table_block(table: Any, words: list[dict[str, Any]]) -> TableBlock:
    """A ruled table's rows of cells, merged cells filled (see the module docstring)."""
    cells = [tuple(float(v) for v in c) for c in table.cells]
    xs = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
    ys = sorted({round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells})
    columns, rows_at = _bands(xs), _bands(ys)
    grid: dict[tuple[int, int], tuple[tuple[float, ...], int]] = {}
    texts: dict[tuple[float, ...], Cell] = {}
    for cell in cells:
        r0, r1 = _span(cell[1], cell[3], rows_at)
        c0, c1 = _span(cell[0], cell[2], columns)
        texts[cell] = _cell_text(cell, words)
        for r in range(r0, r1):
            for c in range(c0, c1):
                grid[(r, c)] = (cell, c0)
    rows: list[Row] = []
    starts: list[list[float]] = []
    for r in range(len(rows_at)):
        row: Row = []
        row_starts: list[float] = []
        for c in range(len(columns)):
            if (r, c) not in grid:
                row.append([])
                row_starts.append(columns[c][0])
                continue
            cell, c0 = grid[(r, c)]
            if c0 == c:  # a cell merged across columns appears once, where it starts
                row.append(texts[cell])
                row_starts.append(columns[c][0])
        if any(row):
            rows.append(row)
            starts.append(row_starts)
    top, bottom = float(table.bbox[1]), float(table.bbox[3])
    return TableBlock(top, bottom, rows, starts, float(table.bbox[0]))


def join_page_tables(pages: list[list[Line | TableBlock]]) -> None:
    """A table running on from one page to the next is one table; a row cut by the page
    break (its part on the next page has an empty first cell) is one row again."""
    last: Line | TableBlock | None = None
    for page in pages:
        first = page[0] if page else None
        if (
            isinstance(last, TableBlock)
            and isinstance(first, TableBlock)
            and abs(last.left - first.left) <= 3
            and last.rows
            and first.rows
        ):
            rows, starts = first.rows, first.starts
            if _cut_by_the_page(last, rows[0], starts[0]):
                _append_row(last, rows[0], starts[0])
                rows, starts = rows[1:], starts[1:]
            last.rows.extend(rows)
            last.starts.extend(starts)
            del page[0]  # a page holding only this table is now empty: the table runs on
        if page:
            last = page[-1]


def _cut_by_the_page(table: TableBlock, row: Row, starts: list[float]) -> bool:
    """A row at the top of a page is the rest of the row above when its first cell is empty
    (no number of its own) or, laid out like that row, runs on in lower case."""
    if not row[0]:
        return True
    above = table.starts[-1]
    same = len(above) == len(starts) and all(
        abs(a - b) < 3 for a, b in zip(above, starts, strict=True)
    )
    return same and row[0][0].lstrip("*_ ")[:1].islower()


def _append_row(table: TableBlock, row: Row, starts: list[float]) -> None:
    """Add the cells of ``row`` to the table's last row, column by column."""
    target, target_starts = table.rows[-1], table.starts[-1]
    merged = [list(cell) for cell in target]  # spanned cells are shared: copy before adding
    for cell, column in zip(row, starts, strict=True):
        k = max((n for n, x in enumerate(target_starts) if x <= column + 3), default=0)
        merged[k].extend(cell)
    table.rows[-1] = merged


def _bands(edges: list[float]) -> list[tuple[float, float]]:
    """Consecutive edge pairs wider than a rule's thickness."""
    merged: list[float] = []
    for edge in edges:
        if not merged or edge - merged[-1] > 2:
            merged.append(edge)
    return list(itertools.pairwise(merged))


def _span(low: float, high: float, bands: list[tuple[float, float]]) -> tuple[int, int]:
    inside = [n for n, (a, b) in enumerate(bands) if a >= low - 2 and b <= high + 2]
    if not inside:
        middle = (low + high) / 2
        near = min(range(len(bands)), key=lambda n: abs((bands[n][0] + bands[n][1]) / 2 - middle))
        return near, near + 1
    return inside[0], inside[-1] + 1


def _cell_text(cell: tuple[float, ...], words: list[dict[str, Any]]) -> Cell:
    """A cell's paragraphs: printed lines joined where the line is only a wrap (the next
    line's first word would not have fitted at the end of it), kept apart where the writer
    broke the line (a body per line, a new item)."""
    inside = [w for w in words if _inside(w, (cell[0], cell[1], cell[2], cell[3]))]
    paragraphs: list[str] = []
    # the width a line of the cell can take: the padding seen on the left is taken on the right
    padding = min((float(w["x0"]) - cell[0] for w in inside), default=_CELL_PADDING)
    room = cell[2] - cell[0] - 2 * max(min(padding, 2 * _CELL_PADDING), 0.0)
    used = 0.0
    for line in group_lines(inside):
        first = line.segments[0]
        width = first.first_x1 - first.x0  # the next line's first word, as printed
        if paragraphs and used + _SPACE + width > room:  # whatever the alignment
            paragraphs[-1] += " " + line.text
        else:
            paragraphs.append(line.text)
        used = line.segments[-1].x1 - line.segments[0].x0
    return paragraphs
