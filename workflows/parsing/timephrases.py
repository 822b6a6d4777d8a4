"""Vietnamese time phrases to a deadline and/or a recurrence.

Two entry points, because context decides how much a phrase may mean:
- :func:`parse_time` reads a dedicated time field ("Thời gian hoàn thành: Quý IV/2025", a table's
  "Thời gian" cell, a heading "1. Quý I/2024"): every period named there is the deadline;
- :func:`find_deadline` reads running text, where "quý I/2024" or "năm 2024" may just be the
  subject ("báo cáo công tác quý I/2024"): only phrases after a deadline marker ("trước ngày",
  "chậm nhất", "hoàn thành trong tháng") count.

A period ends on its last day (Quý I/2024 -> 2024-03-31); several periods -> the latest one.
Missing years come from ``year`` (the plan's year). Impossible dates become warnings.

The dated periods a text names are found in dated_periods.py; a plan's span and a report
duty's periods are periods.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from workflows.parsing.dated_periods import dated_periods

_MARKER = re.compile(
    r"(?:trước|chậm nhất(?:\s+(?:là|vào))?|không quá|hạn chót|hạn|hoàn thành(?:\s+(?:trước|trong))?"
    r"|xong(?:\s+trước|\s+trong)?|đến\s+(?:cuối|hết)|cuối)\s+(?:ngày|tháng|quý|năm)\b"
    r"|trong\s+(?:ngày|tháng|quý)\b"
    r"|(?:đến|tới)\s+(?:ngày\s+)?(?=\d{1,2}\s*/\s*\d{1,2})"
    # "Báo cáo giữa kỳ (năm 2030)": a time in brackets is when the thing before it is due
    r"|\(\s*(?=(?:ngày|tháng|quý)\s+[\divx])|\(\s*năm\s+(?=\d)"
)
_OPEN_END = re.compile(r"đến khi|trở đi|trở về sau|những năm tiếp theo|khi có|sau ngày|sau khi")

RECURRENCES = (
    (re.compile(r"(?:định kỳ\s+)?(?:6|sáu) tháng"), "6 tháng"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+quý|định kỳ\s+quý"), "quý"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+tháng|định kỳ\s+tháng"), "tháng"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+năm|định kỳ\s+(?:hằng\s+|hàng\s+)?năm"), "năm"),
    # ("chi thường xuyên" is a budget category, recurrent spending, no schedule)
    (re.compile(r"(?<!chi )thường xuyên|liên tục|xuyên suốt"), "ongoing"),
)


@dataclass
class TimeSpec:
    due: date | None = None
    recurrence: str | None = None
    start: date | None = None
    warnings: list[str] = field(default_factory=list)

    def merged(self, other: TimeSpec) -> TimeSpec:
        """Fill what this spec lacks from ``other`` (a heading's or a field's time)."""
        return TimeSpec(
            self.due or other.due,
            self.recurrence or other.recurrence,
            self.start or other.start,
            self.warnings + [w for w in other.warnings if w not in self.warnings],
        )


def recurrence_of(text: str) -> str | None:
    lowered = text.lower()
    for pattern, name in RECURRENCES:
        if pattern.search(lowered):
            return name
    return None


def parse_time(text: str, year: int | None = None) -> TimeSpec:
    """A dedicated time field: the latest period named is the deadline."""
    lowered = " ".join(text.lower().split())
    spec = TimeSpec(recurrence=_field_recurrence(lowered))
    hits = dated_periods(lowered, year, spec.warnings)
    if not hits:
        return spec
    outside = re.sub(r"\([^()]*\)", " ", lowered)  # "(sau khi … ban hành)" is a condition
    if not outside.strip(" .;,"):
        outside = lowered
    if lowered.startswith("từ") and not re.search(r"\bđến\b", lowered):
        spec.start = hits[0].due
        spec.recurrence = spec.recurrence or "ongoing"
        return spec
    if _OPEN_END.search(outside) and not re.search(r"trước|chậm nhất", outside):
        spec.start = hits[0].due if lowered.startswith("từ") else None
        if re.search(r"sau ngày|sau khi", outside):
            return spec
        spec.recurrence = spec.recurrence or "ongoing"
        return spec
    dues = [h.due for h in hits if h.due]
    spec.due = max(dues) if dues else None
    if spec.recurrence == "ongoing" and spec.due:
        spec.recurrence = None
    return spec


def _field_recurrence(lowered: str) -> str | None:
    found = recurrence_of(lowered)
    if found == "ongoing" and re.search(r"(?:hằng|hàng)\s+(quý|tháng|năm)", lowered):
        return recurrence_of(re.sub(r"thường xuyên,?", "", lowered))
    return found


def find_deadline(text: str, year: int | None = None) -> TimeSpec:
    """A deadline in running text: only dates after a marker ("trước ngày 30/11/2023")."""
    lowered = " ".join(text.lower().split())
    spec = TimeSpec(recurrence=recurrence_of(lowered))
    if re.search(r"trước ngày\s+\d{1,2}\s+(?:hằng|hàng|mỗi)\s+tháng", lowered):
        spec.recurrence = "tháng"
        return spec
    dues: list[date] = []
    for marker in _MARKER.finditer(lowered):
        window = lowered[marker.start() : marker.end() + 40]
        hits = dated_periods(window, year, spec.warnings)
        first = next((h for h in hits if h.start <= marker.end() - marker.start() + 2), None)
        if first is None:
            continue
        if first.due:
            dues.append(first.due)
        # "Quý IV/2025 và Quý I/2026", "từ tháng 4/2023 đến 30/11/2023": the later one counts.
        for extra in hits[1:]:
            between = window[first.end : extra.start]
            joined = re.fullmatch(r"\s*(?:và|đến|-|,)\s*(?:ngày|tháng|quý|năm)?\s*", between)
            if extra.due and joined:
                dues.append(extra.due)
    if dues:
        spec.due = max(dues)
        if spec.recurrence == "ongoing":
            spec.recurrence = None
    return spec
