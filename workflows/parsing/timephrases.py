"""Vietnamese time phrases to a deadline and/or a recurrence.

Two entry points, because context decides how much a phrase may mean:
- :func:`parse_time` reads a dedicated time field ("Thời gian hoàn thành: Quý IV/2025", a table's
  "Thời gian" cell, a heading "1. Quý I/2024"): every period named there is the deadline;
- :func:`find_deadline` reads running text, where "quý I/2024" or "năm 2024" may just be the
  subject ("báo cáo công tác quý I/2024"): only phrases after a deadline marker ("trước ngày",
  "chậm nhất", "hoàn thành trong tháng") count.

A period ends on its last day (Quý I/2024 -> 2024-03-31); several periods -> the latest one.
Missing years come from ``year`` (the plan's year). Impossible dates become warnings.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_Q = r"(?:iv|i{1,3}|[1-4])(?![a-zđ])"
_YEAR = r"(?:19|20)\d\d"

_DATE_NUM = re.compile(
    rf"(?<![\d/])(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})(?:\s*[/.-]\s*({_YEAR}))?(?![\d/])"
)
_DATE_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:\s+năm\s+({_YEAR}))?")
_QUARTERS = re.compile(
    rf"quý\s+({_Q})((?:\s*(?:,|và|-|đến|&)\s*(?:quý\s+)?{_Q})*)\s*(?:/|năm|-)?\s*({_YEAR})?(?!\d)"
)
_MONTHS = re.compile(
    rf"tháng\s+(\d{{1,2}})(?:\s*(?:-|đến|và)\s*(?:tháng\s+)?(\d{{1,2}}))?\s*(?:/|năm)\s*({_YEAR})"
)
_MONTH_BARE = re.compile(r"tháng\s+(\d{1,2})(?![\d/])")
_YEARS = re.compile(rf"(?<![\d/])({_YEAR})(?:\s*[-–]\s*({_YEAR}))?(?![\d/])")

_MARKER = re.compile(
    r"(?:trước|chậm nhất(?:\s+(?:là|vào))?|không quá|hạn chót|hạn|hoàn thành(?:\s+(?:trước|trong))?"
    r"|xong(?:\s+trước|\s+trong)?|đến\s+(?:cuối|hết)|cuối)\s+(?:ngày|tháng|quý|năm)\b"
    r"|trong\s+(?:ngày|tháng|quý)\b"
    r"|(?:đến|tới)\s+(?:ngày\s+)?(?=\d{1,2}\s*/\s*\d{1,2})"
)
_OPEN_END = re.compile(r"đến khi|trở đi|trở về sau|những năm tiếp theo|khi có|sau ngày|sau khi")

RECURRENCES = (
    (re.compile(r"(?:định kỳ\s+)?(?:6|sáu) tháng"), "6 tháng"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+quý|định kỳ\s+quý"), "quý"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+tháng|định kỳ\s+tháng"), "tháng"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+năm|định kỳ\s+(?:hằng\s+|hàng\s+)?năm"), "năm"),
    (re.compile(r"thường xuyên|liên tục|xuyên suốt"), "ongoing"),
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


def quarter_end(quarter: int, year: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def month_end(month: int, year: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(token: str) -> int:
    token = token.strip().lower()
    return int(token) if token.isdigit() else ROMAN_VALUES[token]


def make_date(day: int, month: int, year: int | None, warnings: list[str]) -> date | None:
    """A real date, or None with a warning ("ngày 31/6/2024 không tồn tại")."""
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        warnings.append(f"ngày {day}/{month}/{year} không tồn tại")
        return None


@dataclass
class _Hit:
    start: int
    end: int
    due: date | None


def _hits(text: str, year: int | None, warnings: list[str]) -> list[_Hit]:
    """Every dated period named in ``text`` (lower-cased), with its last day."""
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    def add(m: re.Match[str], due: date | None) -> None:
        hits.append(_Hit(m.start(), m.end(), due))
        taken.append((m.start(), m.end()))

    for m in _DATE_WORDS.finditer(text):
        y = int(m.group(3)) if m.group(3) else year
        add(m, make_date(int(m.group(1)), int(m.group(2)), y, warnings))
    for m in _QUARTERS.finditer(text):
        if not free(m):
            continue
        y = int(m.group(3)) if m.group(3) else year
        quarters = [_quarter(m.group(1))] + [
            _quarter(q) for q in re.findall(_Q, m.group(2) or "", flags=re.I)
        ]
        add(m, quarter_end(max(quarters), y) if y else None)
    for m in _MONTHS.finditer(text):
        if not free(m):
            continue
        month = int(m.group(2) or m.group(1))
        add(m, month_end(month, int(m.group(3))) if 1 <= month <= 12 else None)
    for m in _DATE_NUM.finditer(text):
        if not free(m):
            continue
        day, month = int(m.group(1)), int(m.group(2))
        if month > 12 or (m.group(3) is None and text[m.start() - 1 : m.start()] == "/"):
            continue
        y = int(m.group(3)) if m.group(3) else year
        add(m, make_date(day, month, y, warnings))
    for m in _MONTH_BARE.finditer(text):
        if free(m) and year and 1 <= int(m.group(1)) <= 12:
            add(m, month_end(int(m.group(1)), year))
    for m in _YEARS.finditer(text):
        if free(m):
            add(m, date(int(m.group(2) or m.group(1)), 12, 31))
    return sorted(hits, key=lambda h: h.start)


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
    hits = _hits(lowered, year, spec.warnings)
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
        hits = _hits(window, year, spec.warnings)
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


_PERIOD_PAIR = re.compile(
    r"(6 tháng|sáu tháng|9 tháng|quý|năm|tháng)\s*(?:\(|:)?\s*(trước ngày\s+[\d/ ]+[\d]|"
    r"trước ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
)


def period_deadlines(text: str, year: int | None) -> list[tuple[str, TimeSpec]]:
    """Per-period deadlines of a report duty: "6 tháng (trước ngày 20/6) và năm (trước …)"."""
    lowered = " ".join(text.lower().split())
    pairs: list[tuple[str, TimeSpec]] = []
    for m in _PERIOD_PAIR.finditer(lowered):
        period = {"sáu tháng": "6 tháng"}.get(m.group(1), m.group(1))
        spec = find_deadline(m.group(2), year)
        spec.recurrence = period
        pairs.append((period, spec))
    return pairs if len({p for p, _ in pairs}) >= 2 else []


_PERIOD_NAME = r"(?:6 tháng|sáu tháng|(?:hằng |hàng )?(?:quý|tháng|năm))"
_PERIOD_LIST = re.compile(rf"định kỳ\s+({_PERIOD_NAME}(?:\s*(?:,|và)\s*{_PERIOD_NAME})+)(?!\w)")


def period_list(text: str) -> list[tuple[str, TimeSpec]]:
    """ "Định kỳ 6 tháng, hàng năm, …" without dates: one recurring duty per period named."""
    found = _PERIOD_LIST.search(" ".join(text.lower().split()))
    if not found:
        return []
    names = re.findall(_PERIOD_NAME, found.group(1))
    periods = dict.fromkeys(
        "6 tháng" if "tháng" in n and n[0] in "6s" else n.split()[-1] for n in names
    )
    return [(p, TimeSpec(recurrence=p)) for p in periods] if len(periods) >= 2 else []


def year_range(text: str) -> tuple[date | None, date] | None:
    """The period a plan covers: "năm 2022", "giai đoạn 2026 - 2030", "từ … đến …"."""
    lowered = " ".join(text.lower().split())
    span = re.search(
        rf"(?:giai đoạn|thời kỳ|từ năm|từ)\s*({_YEAR})\s*(?:-|–|đến(?: năm)?)\s*({_YEAR})", lowered
    )
    if span:
        return date(int(span.group(1)), 1, 1), date(int(span.group(2)), 12, 31)
    months = re.search(
        rf"từ\s+tháng\s+(\d{{1,2}})\s*/\s*({_YEAR})\s+đến\s+(?:ngày\s+)?([\d/]+|tháng\s+[\d/]+)",
        lowered,
    )
    if months:
        start = date(int(months.group(2)), int(months.group(1)), 1)
        end = parse_time(months.group(3), start.year).due
        if end:
            return start, end
    until = re.search(rf"(?:đến|tới)\s+(?:hết\s+|cuối\s+)?năm\s+({_YEAR})", lowered)
    if until:
        return None, date(int(until.group(1)), 12, 31)
    single = re.search(rf"(?<!tháng \d )(?<!tháng \d\d )năm\s+({_YEAR})(?![\d-])", lowered)
    if single:
        y = int(single.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    return None
