"""Text normalization: clean lines, cut tables out, and reflow hard-wrapped lines into paragraphs.

Every paragraph keeps the 1-based number of its FIRST source line, so tasks can cite it. Lines
are cleaned in line_cleaning.py; when a line joins the paragraph before it is paragraph_joins.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.parsing.line_cleaning import SPACES, clean_lines
from workflows.parsing.paragraph_joins import LABEL_ONLY, Layout, SourceLine, continues
from workflows.parsing.tables import Table, extract_tables

_PAGE_NUMBER = re.compile(r"^\s*[-–]?\s*\d{1,3}\s*[-–]?\s*$")


@dataclass
class Para:
    """A reflowed paragraph; ``line`` is the 1-based source line where it starts."""

    text: str
    line: int
    lines: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)  # how many words each of ``lines`` holds

    def line_at(self, offset: int) -> int:
        """The source line holding the character at ``offset`` of :attr:`text`."""
        before = len(self.text[:offset].split())
        if offset < len(self.text) and offset > 0 and not self.text[offset - 1].isspace():
            before -= 1  # the offset falls inside a word: that word's line
        for number, count in zip(self.lines, self.words, strict=False):
            if before < count:
                return number
            before -= count
        return self.lines[-1] if self.lines else self.line


@dataclass
class Document:
    """Normalized text: blocks (paragraphs and duty tables) in order, plus the cleaned lines."""

    blocks: list[Para | Table]
    lines: list[str]  # cleaned source lines (index 0 = line 1); tables' lines blanked

    @property
    def paragraphs(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]


def _is_pipe_line(line: str) -> bool:
    return bool(line.strip()) and set(line.strip()) <= {"|", " "}


def normalize(text: str) -> Document:
    """Clean, extract tables, reflow: the parser's view of a document."""
    cleaned = clean_lines(text)
    tables, lines = extract_tables(cleaned)
    units = _units(lines)
    # A table cut out of the text leaves empty lines that say nothing about the layout of the
    # rest: only the document's own blank lines count (a PDF text layer has none).
    cut = sum(1 for old, new in zip(cleaned, lines, strict=True) if old.strip() and not new)
    blanks = sum(1 for u in units if u == _BLANK) - cut
    # a table's rows ("| cell | cell |", one line each from an office file) are no wrapped prose
    prose = [
        u for u in units if isinstance(u, SourceLine) and not _TABLE_ROW.match(lines[u.number - 1])
    ]
    style = Layout.measure(prose, blanks)
    paras = _reflow(units, style)
    blocks: list[Para | Table] = []
    pending = sorted(tables, key=lambda t: t.line)
    taken = 0
    for para in paras:
        while taken < len(pending) and pending[taken].line < para.line:
            blocks.append(pending[taken])
            taken += 1
        blocks.append(para)
    blocks.extend(pending[taken:])
    return Document(blocks, lines)


_BREAK = "break"  # a pipe line or a cell boundary: always ends a paragraph
_BLANK = "blank"


_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _units(lines: list[str]) -> list[SourceLine | str]:
    """Lines to a stream of text lines, blank markers and hard breaks; page numbers dropped."""
    units: list[SourceLine | str] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            units.append(_BLANK)
        elif _is_pipe_line(stripped):
            units.append(_BREAK)
        elif _PAGE_NUMBER.match(stripped):
            units.append(_BLANK)
        else:
            if stripped.startswith("| "):
                units.append(_BREAK)
                stripped = stripped[2:].strip()
            if stripped.endswith(" |"):
                stripped = stripped[:-2].rstrip()
                units.append(SourceLine(stripped, number))
                units.append(_BREAK)
                continue
            units.append(SourceLine(stripped, number))
    return units


def _reflow(units: list[SourceLine | str], style: Layout) -> list[Para]:
    paras: list[Para] = []
    current: Para | None = None
    gap = 0
    for index, unit in enumerate(units):
        if unit == _BREAK:
            current, gap = None, 0
            continue
        if unit == _BLANK:
            gap += 1
            continue
        assert isinstance(unit, SourceLine)
        following = units[index + 1] if index + 1 < len(units) else None
        after = following.text if isinstance(following, SourceLine) else None
        if current is not None and continues(current.text, unit.text, gap, style, after):
            joiner = (
                ""
                if current.text.endswith(("-", "–"))
                and LABEL_ONLY.match(current.text) is None
                and current.text.endswith("- ")
                else " "
            )
            current.text = (current.text + joiner + unit.text).strip()
            current.lines.append(unit.number)
            current.words.append(len(unit.text.split()) - (joiner == ""))
        else:
            current = Para(unit.text, unit.number, [unit.number], [len(unit.text.split())])
            paras.append(current)
        gap = 0
    for para in paras:
        para.text = SPACES.sub(" ", para.text).strip()
    return paras
