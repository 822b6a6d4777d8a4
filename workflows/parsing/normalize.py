"""Text normalization: clean lines, cut tables out, and reflow hard-wrapped lines into paragraphs.

Every paragraph keeps the 1-based number of its FIRST source line, so tasks can cite it.

Plans arrive in several shapes, and the join rules depend on the shape:
- one paragraph per line, blank lines between (Word "save as text"): a line continues the
  previous one only when it starts in lower case (a page break split a sentence);
- hard-wrapped at ~80 columns with blank lines between EVERY line (PDF text): a line continues
  the previous one when it starts in lower case, or when the previous line is "full" and does
  not end a sentence;
- hard-wrapped with blank lines only between paragraphs (markdown exports): consecutive lines
  belong together unless the next one starts a new item (bullet, label, heading).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from workflows.parsing.tables import Table, extract_tables
from workflows.parsing.text import nfc

_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_LINE = re.compile(rf"^\s*(?:[{_SUPERSCRIPTS}]+|\[\d{{1,2}}\])\s*\S")
_FOOTNOTE_MARK = re.compile(rf"(?<![mM])[{_SUPERSCRIPTS}]+|\[\d{{1,2}}\](?!\s*$)")
_PAGE_NUMBER = re.compile(r"^\s*[-–]?\s*\d{1,3}\s*[-–]?\s*$")
_RULE_LINE = re.compile(r"^\s*[-_=–—.]{3,}\s*$")
_BULLET_STAR = re.compile(r"^(\s*)\*(\s+)(?=[^\s*])")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_CONTROL = re.compile(r"[\u200b\u200c\u200d\ufeff\u00ad]")

# A new paragraph starts at any of these, whatever the previous line looked like.
_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{1,3}|V|X)"
STRUCTURAL = re.compile(
    r"""^(?:
        [-+•–]\s*\S                                   # bullets
      | [-+•]\s*$                                     # a bullet whose text wrapped to the next line
      | \*\s+\S
      | \d{1,2}(?:\.\d{1,2})+\.?(?:\s|-|$)            # 1.1. / 1.1 / 2.1-
      | \d{1,2}[.)](?:\s|$)                            # 1. / 1)
      | \d{1,2}\s*-\s                                  # 2 - (rare numbering)
      | """
    + _ROMAN
    + r"""\s*[.:)](?:\s|$)                            # IV.
      | [a-zđ]\)\s                                     # a)
      | \(\d{1,2}\)\s                                  # (1)
      | (?:TM|KT|TL|TUQ|Q)\.\s*\S                      # signature roles
      | (?:Căn\scứ|Nơi\snhận|Trên\sđây)
      | Thực\shiện\s(?:Kế\shoạch|Quyết\sđịnh|Nghị\squyết|Chỉ\sthị|Công\svăn)
      | (?:Đơn\svị|Cơ\squan)\s(?:chủ\strì|phối\shợp|thực\shiện)[^:]{0,40}:
      | Thời\s(?:gian|hạn)[^:]{0,30}:
      | Lãnh\sđạo\sphụ\strách:
      | Kết\squả[^:]{0,20}:
    )""",
    re.VERBOSE,
)
_LABEL_ONLY = re.compile(rf"^(?:\d{{1,2}}(?:\.\d{{1,2}})*[.)]?|{_ROMAN}\s*[.:)]|[a-zđ]\)|[-+•])$")
_TERMINAL = re.compile(r"[.;:!?…]\s*[”\"’')\]*]*\s*$")
# A line ending in one of these words (or a comma) stops mid-sentence: whatever comes next
# continues it, even a capitalised name ("chỉ đạo Báo và" / "Phát thanh, Truyền hình …").
_OPEN_END = re.compile(
    r"(?:,|(?<!\w)(?:và|hoặc|của|các|những|với|cho|về|tại|trong|theo|để|đến|từ|là|được|bằng"
    r"|thuộc|nhằm|như|cùng|đối với|trên|giữa|qua|vào|số|ngày|tháng))\s*$"
)
_NUMBERED = re.compile(rf"^(?:{_ROMAN}\s*[.:)]|\d{{1,2}}(?:\.\d{{1,2}})*[.)]?|[a-zđ]\))\s+\S")


@dataclass
class Para:
    """A reflowed paragraph; ``line`` is the 1-based source line where it starts."""

    text: str
    line: int
    lines: list[int] = field(default_factory=list)


@dataclass
class Document:
    """Normalized text: blocks (paragraphs and duty tables) in order, plus the cleaned lines."""

    blocks: list[Para | Table]
    lines: list[str]  # cleaned source lines (index 0 = line 1); tables' lines blanked

    @property
    def paragraphs(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]


def clean_line(line: str) -> str:
    """One source line without markdown emphasis, footnote marks, odd spaces and pipes at ends."""
    line = _CONTROL.sub("", line)
    line = _SPACES.sub(" ", line)
    line = line.replace("**", "")
    bullet = _BULLET_STAR.match(line)
    if bullet:
        line = line[: bullet.end()].replace("*", "•", 1) + line[bullet.end() :].replace("*", "")
    else:
        line = line.replace("*", "")
    line = _FOOTNOTE_MARK.sub("", line)
    line = line.replace("[TABLE]", "").replace("[/TABLE]", "")
    return line.rstrip()


def _is_pipe_line(line: str) -> bool:
    return bool(line.strip()) and set(line.strip()) <= {"|", " "}


def clean_lines(text: str) -> list[str]:
    """Source lines (same count and order), each cleaned; debris lines become empty."""
    raw = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for index, line in enumerate(raw):
        if index == 0 and line.startswith("# source:"):
            out.append("")
            continue
        if _FOOTNOTE_LINE.match(line):
            out.append("")
            continue
        if _RULE_LINE.match(line):
            out.append(" ")  # debris, but not a blank line: a table cell may go on after it
            continue
        out.append(clean_line(line))
    return out


def normalize(text: str) -> Document:
    """Clean, extract tables, reflow: the parser's view of a document."""
    lines = clean_lines(text)
    tables, lines = extract_tables(lines)
    units = _units(lines)
    blanks = sum(1 for u in units if u == _BLANK)
    style = _Style.measure([u for u in units if isinstance(u, _Line)], blanks)
    paras = _reflow(units, style)
    blocks: list[Para | Table] = []
    pending = sorted(tables, key=lambda t: t.line)
    for para in paras:
        while pending and pending[0].line < para.line:
            blocks.append(pending.pop(0))
        blocks.append(para)
    blocks.extend(pending)
    return Document(blocks, lines)


@dataclass
class _Line:
    text: str
    number: int


_BREAK = "break"  # a pipe line or a cell boundary: always ends a paragraph
_BLANK = "blank"


def _units(lines: list[str]) -> list[_Line | str]:
    """Lines to a stream of text lines, blank markers and hard breaks; page numbers dropped."""
    units: list[_Line | str] = []
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
                units.append(_Line(stripped, number))
                units.append(_BREAK)
                continue
            units.append(_Line(stripped, number))
    return units


@dataclass
class _Style:
    wrapped: bool  # hard-wrapped at a fixed width
    width: int
    interleaved: bool  # a blank line after nearly every line: blank lines mean nothing
    dense: bool = False  # (almost) no blank lines at all: only line length tells paragraphs

    @classmethod
    def measure(cls, lines: list[_Line], blanks: int = 0) -> _Style:
        lengths = sorted(len(x.text) for x in lines)
        if not lengths:
            return cls(False, 0, False)
        long = sum(1 for n in lengths if n > 110)
        wrapped = len(lengths) >= 12 and long <= max(1, len(lengths) // 40)
        width = lengths[(len(lengths) * 9) // 10]
        consecutive = sum(1 for a, b in itertools.pairwise(lines) if b.number == a.number + 1)
        interleaved = consecutive < len(lines) * 0.15
        return cls(wrapped, width, interleaved, blanks < len(lines) * 0.1)

    def full(self, text: str) -> bool:
        return self.wrapped and len(text) >= self.width * 0.72


def _is_caps(text: str) -> bool:
    return len(text) >= 3 and text == text.upper() and sum(c.isalpha() for c in text[:12]) >= 3


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def _joins(prev: str, nxt: str, gap: int, style: _Style, after: str | None = None) -> bool:
    """Does ``nxt`` continue the paragraph ending with ``prev``, ``gap`` blank lines apart?

    ``after`` is the line after ``nxt`` (None at a blank, a break or the end).
    """
    if _LABEL_ONLY.match(prev.strip()):
        return True  # "3." or "-" alone: its text is on the next line
    if prev.rstrip().endswith("- ") or (prev[-1:].isdigit() and re.match(r"^[-–]\s*\d", nxt)):
        return True  # "2026\n- 2030": a range split by the wrap, not a bullet
    if STRUCTURAL.match(nxt):
        if gap == 0 and _is_caps(prev) and _is_caps(nxt) and not _TERMINAL.search(prev):
            return not re.match(rf"^(?:{_ROMAN}\s*[.:)]|\d|TM\.|KT\.)", nxt)
        return False
    if _starts_lower(nxt):
        return True
    terminal = bool(_TERMINAL.search(prev))
    if gap == 0:
        if style.dense:  # no blank lines to go by: a short line ends its paragraph
            return not terminal and _dense_continues(prev, nxt, style, after)
        if _is_caps(prev) != _is_caps(nxt):
            return style.wrapped and not terminal and not _is_caps(prev)
        if style.wrapped and not style.interleaved:
            return True
        return not terminal and (style.full(prev) or not nxt[:1].isalpha())
    if terminal:
        return False
    if style.interleaved or not style.wrapped:
        return style.full(prev) or (not nxt[:1].isalpha() and not _is_caps(prev))
    return False


def _dense_continues(prev: str, nxt: str, style: _Style, after: str | None) -> bool:
    """Text with no blank lines (PDF text layers): does the unfinished ``prev`` go on?"""
    if style.full(prev) or not nxt[:1].isalpha() or _OPEN_END.search(prev):
        return True
    if _NUMBERED.match(prev) is None or len(prev) >= 120:
        return False  # (a letterhead's capitalised lines are levels of a hierarchy: kept apart)
    if _is_caps(prev) and _is_caps(nxt):
        return True  # a capitalised heading wrapped: "V. TỔ CHỨC" / "THỰC HIỆN"
    # A numbered heading wrapped before its item list: "4. Đề nghị Ủy ban Mặt trận" /
    # "Tổ quốc Việt Nam …" / "- …". A paragraph of prose under it would run on or end in
    # punctuation; a short unpunctuated line right before a new item finishes the heading.
    return (
        not _TERMINAL.search(nxt)
        and not style.full(nxt)
        and (after is None or STRUCTURAL.match(after) is not None)
    )


def _reflow(units: list[_Line | str], style: _Style) -> list[Para]:
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
        assert isinstance(unit, _Line)
        following = units[index + 1] if index + 1 < len(units) else None
        after = following.text if isinstance(following, _Line) else None
        if current is not None and _joins(current.text, unit.text, gap, style, after):
            joiner = (
                ""
                if current.text.endswith(("-", "–"))
                and _LABEL_ONLY.match(current.text) is None
                and current.text.endswith("- ")
                else " "
            )
            current.text = (current.text + joiner + unit.text).strip()
            current.lines.append(unit.number)
        else:
            current = Para(unit.text, unit.number, [unit.number])
            paras.append(current)
        gap = 0
    for para in paras:
        para.text = _SPACES.sub(" ", para.text).strip()
    return paras
