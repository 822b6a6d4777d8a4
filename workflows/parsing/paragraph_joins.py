"""When a line continues the paragraph before it, by the shape of the text.

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
from dataclasses import dataclass

# Roman part numbers (I, IV, XII, …), as labels; sections.py labels parts with it too.
ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{1,3}|V|X)"
# A new paragraph starts at any of these, whatever the previous line looked like.
STRUCTURAL = re.compile(
    r"""^(?:
        [-+•–]\s*\S                                   # bullets
      | [-+•]\s*$                                     # a bullet whose text wrapped to the next line
      | \*\s+\S
      | \d{1,2}(?:\.\d{1,2})+\.?(?:\s|-|$)            # 1.1. / 1.1 / 2.1-
      | \d{1,2}[.)](?:\s|$)                            # 1. / 1)
      | \d{1,2}\s*-\s                                  # 2 - (rare numbering)
      | """
    + ROMAN
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
LABEL_ONLY = re.compile(rf"^(?:\d{{1,2}}(?:\.\d{{1,2}})*[.)]?|{ROMAN}\s*[.:)]|[a-zđ]\)|[-+•])$")
_TERMINAL = re.compile(r"[.;:!?…]\s*[”\"’')\]*]*\s*$")
# A line ending in one of these words (or a comma) stops mid-sentence: whatever comes next
# continues it, even a capitalised name ("chỉ đạo Báo và" / "Phát thanh, Truyền hình …").
_OPEN_END = re.compile(
    r"(?:,|(?<!\w)(?:và|hoặc|của|các|những|với|cho|về|tại|trong|theo|để|đến|từ|là|được|bằng"
    r"|thuộc|nhằm|như|cùng|đối với|trên|giữa|qua|vào|số|ngày|tháng)"
    # an organisation word whose name is still to come ("+ Sở" / "Xây dựng: hướng dẫn …")
    r"|(?<!\w)(?:Các|Những|Sở|Phòng|Ban|Bộ|Cục|Chi cục|Trung tâm|Ủy ban|Uỷ ban|Viện|Đài))\s*$"
)
_LIST_GOES_ON = re.compile(r"(?:,|(?<!\w)(?:và|hoặc|Mục:?|mục:?|điểm|khoản|tiểu mục))\s*$")
_DUTY_OPENING = re.compile(
    r"(?:Chủ trì|Phối hợp|Tham mưu|Căn cứ|Là cơ quan|Thực hiện|Hướng dẫn|Theo dõi"
    r"|Chịu trách nhiệm|Có trách nhiệm|Triển khai|Tổ chức|Xây dựng)(?!\w)"
)
_NUMBERED = re.compile(rf"^(?:{ROMAN}\s*[.:)]|\d{{1,2}}(?:\.\d{{1,2}})*[.)]?|[a-zđ]\))\s+\S")


@dataclass
class SourceLine:
    """A non-blank source line and its 1-based number."""

    text: str
    number: int


@dataclass
class Layout:
    """How the text is laid out: hard-wrapped or not, how wide, how blank lines are used."""

    wrapped: bool  # hard-wrapped at a fixed width
    width: int
    interleaved: bool  # a blank line after nearly every line: blank lines mean nothing
    dense: bool = False  # (almost) no blank lines at all: only line length tells paragraphs

    @classmethod
    def measure(cls, lines: list[SourceLine], blanks: int = 0) -> Layout:
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


def _caps_tail(text: str) -> bool:
    """A few capitalised words with no label of their own: the end of a heading's title."""
    return _is_caps(text) and len(text.split()) <= 5 and not _TERMINAL.search(text)


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def continues(prev: str, nxt: str, gap: int, style: Layout, after: str | None = None) -> bool:
    """Does ``nxt`` continue the paragraph ending with ``prev``, ``gap`` blank lines apart?

    ``after`` is the line after ``nxt`` (None at a blank, a break or the end).
    """
    if LABEL_ONLY.match(prev.strip()):
        return True  # "3." or "-" alone: its text is on the next line
    if prev.rstrip().endswith("- ") or (prev[-1:].isdigit() and re.match(r"^[-–]\s*\d", nxt)):
        return True  # "2026\n- 2030": a range split by the wrap, not a bullet
    dash = re.match(r"^[-–]\s+(\w)", nxt)
    if gap == 0 and dash and dash.group(1).islower() and prev[-1:].isalpha() and style.full(prev):
        return True  # "… tổ chức chính trị" / "- xã hội …": a compound split by the wrap
    if gap == 0 and _LIST_GOES_ON.search(prev) and re.match(r"\d{1,2}(?:\.\d{1,2})+\s", nxt):
        return True  # "… tại Mục: 2.10 và" / "2.11 Phần II": a list of numbers, not a label
    if STRUCTURAL.match(nxt):
        if gap == 0 and _is_caps(prev) and _is_caps(nxt) and not _TERMINAL.search(prev):
            return not re.match(rf"^(?:{ROMAN}\s*[.:)]|\d|TM\.|KT\.)", nxt)
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
            # "10. Phòng Tài nguyên và Môi trường huyện" / "Phối hợp với …": a short heading
            # naming a body, then its duty opening with a verb (a PDF has no blank line there)
            return not (
                _NUMBERED.match(prev)
                and not style.full(prev)
                and not _OPEN_END.search(prev)
                and _DUTY_OPENING.match(nxt)
            )
        return not terminal and (style.full(prev) or not nxt[:1].isalpha())
    if terminal:
        return False
    if gap == 1 and _OPEN_END.search(prev) and len(prev) >= style.width * 0.5:
        return True  # a long line stopping at "của", "và", "," … goes on past a stray blank
    if gap == 1 and _NUMBERED.match(prev) and _is_caps(prev) and _caps_tail(nxt):
        return True  # "V. TỔ CHỨC" / "" / "THỰC HIỆN": a heading's wrap spaced as a paragraph
    if style.interleaved or not style.wrapped:
        return style.full(prev) or (not nxt[:1].isalpha() and not _is_caps(prev))
    return False


def _dense_continues(prev: str, nxt: str, style: Layout, after: str | None) -> bool:
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
