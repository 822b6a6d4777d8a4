"""Expand a recurring duty ("định kỳ 6 tháng", "hằng năm", "hằng quý", "hằng tháng") into one
instance per reporting period within the plan's period, and derive contributors' deadlines.

An anchor gives the due day inside each period: 10/12 for "năm", 20/6 for "6 tháng", 15/3 for
"quý" (the 15th of the quarter's 3rd month), day 18 for "tháng". A day past the end of a short
month is clamped to its last day (31 → 29/02/2024).

Which period an instance reports on: by default the period that contains its due date ("báo cáo
năm trước ngày 10/12"); ``covers_previous=True`` for dues that fall after the period reported
("trước ngày 05 tháng đầu quý sau"). An instance belongs to the plan when the period it reports
on overlaps the plan's period and it is not due before the plan starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from workflows.parsing.text import fold
from workflows.rules.calendar import WorkCalendar
from workflows.rules.quarters import (
    Period,
    Quarter,
    half_year_of,
    month_of,
    month_period,
    year_of,
)

YEARLY, HALF_YEARLY, QUARTERLY, MONTHLY, ONGOING = "năm", "6 tháng", "quý", "tháng", "ongoing"
_ALIASES = {
    fold(alias): kind
    for kind, aliases in {
        YEARLY: ("năm", "hằng năm", "hàng năm", "định kỳ năm", "định kỳ hằng năm"),
        HALF_YEARLY: ("6 tháng", "sáu tháng", "định kỳ 6 tháng", "06 tháng"),
        QUARTERLY: ("quý", "hằng quý", "hàng quý", "định kỳ quý", "định kỳ hằng quý"),
        MONTHLY: ("tháng", "hằng tháng", "hàng tháng", "định kỳ hằng tháng"),
        ONGOING: ("ongoing", "thường xuyên"),
    }.items()
    for alias in aliases
}
# Contributors report to the lead this many working days before the lead's own due,
# when the plan gives them no date of their own.
DEFAULT_CONTRIBUTOR_LEAD_DAYS = 5
_ANCHOR = re.compile(r"^\s*(?:ngày\s*)?(\d{1,2})(?:\s*/\s*(\d{1,2}))?\s*$", re.IGNORECASE)


class RecurrenceError(ValueError):
    """An unknown recurrence or an impossible anchor."""


@dataclass(frozen=True)
class Anchor:
    """The due day in each period: a day of the month and, except for "tháng", a month."""

    day: int
    month: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31 or (self.month is not None and not 1 <= self.month <= 12):
            raise RecurrenceError(f"Ngày hạn định kỳ không hợp lệ: {self.day}/{self.month}")

    @classmethod
    def of(cls, due: date) -> Anchor:
        return cls(due.day, due.month)

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """ "20/6", "10/12", "18" (a day of each month)."""
        match = _ANCHOR.match(text)
        if not match:
            raise RecurrenceError(f"Không đọc được ngày hạn định kỳ: {text!r} (ví dụ '20/6')")
        return cls(int(match[1]), int(match[2]) if match[2] else None)


@dataclass(frozen=True, order=True)
class Occurrence:
    due: date
    period: Period

    @property
    def label(self) -> str:
        return self.period.label


def normalize(recurrence: str) -> str:
    """The canonical recurrence ("năm", "6 tháng", "quý", "tháng", "ongoing")."""
    kind = _ALIASES.get(fold(recurrence))
    if kind is None:
        raise RecurrenceError(
            f"Không hiểu chu kỳ {recurrence!r}: dùng 'năm', '6 tháng', 'quý', 'tháng' "
            f"hoặc 'ongoing' (thường xuyên)"
        )
    return kind


def _on(year: int, month: int, day: int) -> date:
    # Months past December roll into the next year; the day is clamped to the month's end.
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(day, month_period(year, month).end.day))


def _dues(kind: str, anchor: Anchor, years: range, both_halves: bool) -> Iterator[date]:
    for year in years:
        if kind == MONTHLY:
            yield from (_on(year, m, anchor.day) for m in range(1, 13))
            continue
        if anchor.month is None:
            raise RecurrenceError(f"Chu kỳ '{kind}' cần ngày và tháng (ví dụ '20/6')")
        if kind == QUARTERLY:
            position = (anchor.month - 1) % 3  # the month's place inside its quarter
            yield from (_on(year, 3 * q + position + 1, anchor.day) for q in range(4))
        elif kind == HALF_YEARLY:
            yield _on(year, anchor.month, anchor.day)
            if both_halves:
                yield _on(year, anchor.month + 6, anchor.day)
        else:
            yield _on(year, anchor.month, anchor.day)


def _period(kind: str, due: date, covers_previous: bool) -> Period:
    period = {
        YEARLY: year_of,
        HALF_YEARLY: half_year_of,
        QUARTERLY: lambda d: Quarter.of(d).period(),
        MONTHLY: month_of,
    }[kind](due)
    if covers_previous:
        period = _period(kind, date.fromordinal(period.start.toordinal() - 1), False)
    return period


def expand(
    recurrence: str,
    plan_start: date,
    plan_end: date,
    anchor: Anchor,
    *,
    covers_previous: bool = False,
    both_halves: bool = False,
) -> list[Occurrence]:
    """One occurrence per reporting period of the plan, in date order ("ongoing": none).

    "6 tháng" gives the mid-year report only, because Vietnamese reporting pairs it with a
    yearly report that takes the second half's place; ``both_halves=True`` adds anchor + 6
    months.
    """
    if plan_end < plan_start:
        raise RecurrenceError(f"Kỳ kế hoạch sai: {plan_start:%d/%m/%Y} sau {plan_end:%d/%m/%Y}")
    kind = normalize(recurrence)
    if kind == ONGOING:
        return []
    years = range(plan_start.year - 1, plan_end.year + 2)
    found = set()
    for due in _dues(kind, anchor, years, both_halves):
        period = _period(kind, due, covers_previous)
        overlaps = period.start <= plan_end and period.end >= plan_start
        if overlaps and due >= plan_start:
            found.add(Occurrence(due, period))
    return sorted(found)


def contributor_due(
    lead_due: date,
    calendar: WorkCalendar,
    *,
    lead_days: int = DEFAULT_CONTRIBUTOR_LEAD_DAYS,
    given: date | None = None,
) -> date:
    """Contributors' own due: the plan's date when it gives one, else ``lead_days`` working
    days before the lead's due (so the lead has time to compile)."""
    if given is not None:
        return given
    return calendar.add_working_days(lead_due, -lead_days)
