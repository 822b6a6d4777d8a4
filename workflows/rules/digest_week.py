"""Which week's digest is due at a sweep: the current week's, once, as soon as its first
working day has come — so a sweep later in the week (Tuesday's, after a Monday on which none
ran) still sends it — and never a week older than one already composed (after a clock jump
back, or a sweep for a past instant)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.rules.calendar import WorkCalendar

_LABEL = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str) -> IsoWeek | None:
        """The week named ``2024-W07`` at the start of ``text``; None when there is none."""
        match = _LABEL.match(text)
        return cls(int(match[1]), int(match[2])) if match else None

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def first_working_day_of_week(day: date, calendar: WorkCalendar) -> date:
    """Monday, or the next working day when Monday is a holiday (a digest a week, not more);
    in a week without a working day (Tết), a day of the next week."""
    return calendar.on_or_after(IsoWeek.of(day).monday)


def digest_week_due(
    today: date, calendar: WorkCalendar, last_composed: IsoWeek | None
) -> IsoWeek | None:
    """The week whose digest a sweep on ``today`` composes, or None; ``last_composed`` is the
    newest week whose digests were composed already."""
    week = IsoWeek.of(today)
    if first_working_day_of_week(today, calendar) > today:
        return None  # the week's first working day has not come yet (or it has none)
    if last_composed is not None and last_composed >= week:
        return None  # composed already, or a newer week was
    return week
