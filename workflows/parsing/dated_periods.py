"""Every dated period a text names ("30/11/2023", "quý I/2024", "tháng 6/2025", "năm 2024"),
each with its last day. Impossible dates become warnings.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_Q = r"(?:iv|i{1,3}|[1-4])(?![a-zđ])"
YEAR = r"(?:19|20)\d\d"

_DATE_NUM = re.compile(
    rf"(?<![\d/])(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})(?:\s*[/.-]\s*({YEAR}))?(?![\d/])"
)
_DATE_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}})\s+tháng\s+(\d{{1,2}})(?:\s+năm\s+({YEAR}))?")
_QUARTERS = re.compile(
    rf"quý\s+({_Q})((?:\s*(?:,|và|-|đến|&)\s*(?:quý\s+)?{_Q})*)\s*(?:/|năm|-)?\s*({YEAR})?(?!\d)"
)
_MONTHS = re.compile(
    rf"tháng\s+(\d{{1,2}})(?:\s*(?:-|đến|và)\s*(?:tháng\s+)?(\d{{1,2}}))?\s*(?:/|năm)\s*({YEAR})"
)
_MONTH_BARE = re.compile(r"tháng\s+(\d{1,2})(?![\d/])")
_YEARS = re.compile(rf"(?<![\d/])({YEAR})(?:\s*[-–]\s*({YEAR}))?(?![\d/])")


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
class DatedPeriod:
    """Where in the text a period is named, and its last day."""

    start: int
    end: int
    due: date | None


def dated_periods(text: str, year: int | None, warnings: list[str]) -> list[DatedPeriod]:
    """Every dated period named in ``text`` (lower-cased), with its last day."""
    hits: list[DatedPeriod] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    def add(m: re.Match[str], due: date | None) -> None:
        hits.append(DatedPeriod(m.start(), m.end(), due))
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
