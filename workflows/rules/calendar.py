"""Vietnam's working-day calendar: the `holidays` package plus the editable override table.

A day is a working day when it is Monday–Friday and not a day off, or when it is a make-up
working day (a Saturday worked in exchange for a swapped day, e.g. Saturday 04/05/2024 for
Monday 29/04/2024). The override table wins over the package.

Counting conventions (both pinned by tests, and inverse of each other for any start day):
``add_working_days(d, n)`` is the n-th working day after ``d`` (before it when n < 0; ``d``
itself is never counted); ``working_days_between(a, b)`` counts the working days in (a, b]
(and minus those in [b, a) when b < a), so ``working_days_between(d, add_working_days(d, n))
== n``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import holidays

from workflows.rules.holiday_table import CalendarOverrides, read_overrides

_DAY = timedelta(days=1)
# The package names a make-up Saturday nowhere; this is what we show for one.
MAKE_UP_DAY_NAME = "Ngày làm bù"


class WorkCalendar:
    """Working days for one country; years are computed on first use and cached."""

    def __init__(self, overrides: CalendarOverrides | None = None, *, country: str = "VN") -> None:
        self._overrides = overrides or CalendarOverrides()
        self._country = country
        # year -> (days off with names, working weekend days with names); each year is built
        # whole and stored in one assignment, so concurrent readers never see half a year.
        self._years: dict[int, tuple[dict[date, str], dict[date, str]]] = {}

    def _year(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build(year)
        return cached

    def _build(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        # Neighbour years too: a swap can cross New Year (31/12/2018 off, made up 05/01/2019).
        known = holidays.country_holidays(
            self._country, years=(year - 1, year, year + 1), language="vi"
        )
        off = {day: name for day, name in known.items() if day.year == year}
        work = {day: MAKE_UP_DAY_NAME for day in known.weekend_workdays if day.year == year}
        for day, name in self._overrides.days_off.items():
            if day.year == year:
                off[day] = name
                work.pop(day, None)
        for day, name in self._overrides.working_days.items():
            if day.year == year:
                work[day] = name
                off.pop(day, None)
        return off, work

    def is_working_day(self, day: date) -> bool:
        off, work = self._year(day.year)
        if day in work:
            return True
        return day not in off and day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The Vietnamese name of a day off (a weekend holiday too); None for ordinary days."""
        return self._year(day.year)[0].get(day)

    def days_off(self, year: int) -> dict[date, str]:
        """Named days off of ``year`` (weekends only when they are holidays), in date order."""
        return dict(sorted(self._year(year)[0].items()))

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (before it when n < 0); ``day`` when n == 0."""
        step = _DAY if n > 0 else -_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (those in [b, a)) when b is before a."""
        if b < a:
            return -sum(1 for d in _days(b, a) if self.is_working_day(d))
        return sum(1 for d in _days(a + _DAY, b + _DAY) if self.is_working_day(d))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self.add_working_days(day, -1)

    def on_or_before(self, day: date) -> date:
        """``day`` when it is a working day, else the previous working day."""
        return day if self.is_working_day(day) else self.previous_working_day(day)

    def on_or_after(self, day: date) -> date:
        """``day`` when it is a working day, else the next working day."""
        return day if self.is_working_day(day) else self.next_working_day(day)


def _days(start: date, stop: date):
    """Days in [start, stop)."""
    day = start
    while day < stop:
        yield day
        day += _DAY


def _table_path(path: Path | None) -> Path:
    if path is None:
        from config.settings import get_settings

        path = get_settings().holidays_path
    return Path(path)


def load_calendar(path: Path | None = None) -> WorkCalendar:
    """The calendar with the override table at ``path`` (default: the configured table)."""
    return WorkCalendar(read_overrides(_table_path(path)))


_SHARED: dict[tuple[str, int, int], WorkCalendar] = {}


def shared_calendar(path: Path | None = None) -> WorkCalendar:
    """Like ``load_calendar``, but reused while the table file is unchanged: a fresh calendar
    costs a few milliseconds per year it touches, and a sweep asks once per task."""
    path = _table_path(path)
    try:
        stat = path.stat()
    except OSError:
        return load_calendar(path)  # raises the CalendarDataError that says what is missing
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    calendar = _SHARED.get(key)
    if calendar is None:
        if len(_SHARED) > 8:  # old versions of an edited table
            _SHARED.clear()
        calendar = _SHARED[key] = load_calendar(path)
    return calendar
