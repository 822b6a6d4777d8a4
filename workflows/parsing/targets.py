"""Targets (chỉ tiêu): value, unit, comparator and due date of each figure in a target section.

"từ 15% trở lên" -> 15 % >=; "trên 5%" -> >; "giảm 8%" -> decrease; "100%" -> =;
"từ 01 đến 02 mô hình" -> 1 mô hình >= (the range's floor is what must be reached).
"""

from __future__ import annotations

import re
from datetime import date

from workflows.parsing.bodies import UPPER
from workflows.parsing.periods import year_range
from workflows.parsing.result import ExtractedTarget

_UNITS = (
    r"mô hình|hộ|xã|người|ha|MW|KCN|CCN|khu công nghiệp|cụm công nghiệp|dự án|đơn vị|lớp"
    r"|trường|học sinh|cơ sở|doanh nghiệp|thôn|làng|lượt|buổi|cuộc|tin|bài|sản phẩm|công trình"
)
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_FIGURE = re.compile(
    rf"(?P<pre>(?:từ|trên|dưới|ít nhất|tối thiểu|tối đa|không quá|không dưới|đạt|giảm|tăng"
    rf"|khoảng|bình quân|thêm)(?:\s+(?:bình quân|thêm|ít nhất|trên|khoảng))*\s+)?"
    rf"(?P<value>{_NUMBER})(?:\s*[-–]\s*(?P<upper>{_NUMBER}))?"
    rf"(?:\s*(?P<pct>%)|\s+(?:đến\s+(?P<upper2>{_NUMBER})\s+)?(?P<unit>{_UNITS})(?!\w))"
    rf"(?P<post>\s+trở lên)?",
    re.I,
)
_DUE = re.compile(
    r"(?:đến|tới)\s+(?:cuối\s+|hết\s+)?năm\s+(\d{4})|(?:trong|vào)\s+năm\s+(\d{4})", re.I
)


def to_number(text: str) -> float:
    """Vietnamese number: dots group thousands, the comma is the decimal mark."""
    return float(text.replace(".", "").replace(",", "."))


def _comparator(pre: str, post: str, clause: str, start: int) -> str:
    pre = pre.lower()
    before = clause[max(0, start - 60) : start].lower()
    if "giảm" in pre or re.search(r"giảm[^,;]*$", before):
        return "decrease"
    if post or "ít nhất" in pre or "tối thiểu" in pre or "không dưới" in pre:
        return ">="
    if "trên" in pre:
        return ">"
    if "dưới" in pre:
        return "<"
    if "tối đa" in pre or "không quá" in pre:
        return "<="
    if "từ" in pre or "đạt" in pre or "tăng" in pre:
        return ">="
    return "="


def due_of(text: str) -> date | None:
    match = _DUE.search(text)
    if not match:
        return None
    year = next(g for g in match.groups() if g)
    return date(int(year), 12, 31)


def targets_in(
    text: str, section: str, line: int, context_due: date | None
) -> list[ExtractedTarget]:
    """Every figure in ``text`` (one paragraph of a target section) as a target."""
    out: list[ExtractedTarget] = []
    clauses = re.split(rf";\s*|\.\s+(?=[{UPPER}])|,\s*trong đó:?\s*", text)
    for clause in clauses:
        due = due_of(clause) or context_due
        for m in _FIGURE.finditer(clause):
            unit = "%" if m.group("pct") else (m.group("unit") or None)
            if unit is None:
                continue
            comparator = _comparator(m.group("pre") or "", m.group("post") or "", clause, m.start())
            if m.group("upper2") and comparator == "=":
                comparator = ">="
            value = to_number(m.group("value"))
            out.append(
                ExtractedTarget(section, line, clause.strip(" ."), value, unit, comparator, due)
            )
    return out


def context_due(text: str) -> date | None:
    """A heading like "* Phấn đấu đến năm 2024" gives its items a due date."""
    span = year_range(text) if re.search(r"đến|năm", text, re.I) else None
    if span:
        return span[1]
    return due_of(text)
