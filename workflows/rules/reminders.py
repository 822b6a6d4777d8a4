"""When to remind a body of a deadline, and when to tell it the deadline has passed.

The sweep does not ask these functions what is due now: they compute every reminder instant
once, when a deadline is set or changes, and the database keeps them (see RELIABILITY.md).

Before the deadline: one reminder per offset (working days before the deadline; 0 is the
deadline day), sent at the local send time. A reminder never falls on a day off: it moves to
the previous working day, and when two land on the same day only the most urgent one (the
smallest offset) is kept. A deadline on a day off is not moved (the plan's date stands); every
email shows it with a note (``deadline_day_off``).

After the deadline: an overdue notice every N working days while the task is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from workflows.rules.calendar import WorkCalendar
from workflows.rules.timefmt import LOCAL_TZ, end_of_day, local_instant, weekday_name

DEFAULT_OFFSETS = (7, 3, 1, 0)
DEFAULT_SEND_TIME = time(8, 0)
DUE_DAY = "due-day"


class ReminderError(ValueError):
    """Offsets or repeat intervals that make no sense."""


@dataclass(frozen=True, order=True)
class ReminderTime:
    send_at: datetime  # aware UTC
    kind: str  # "before-7", "before-3", "before-1", "due-day", "overdue-1", "overdue-2", …
    deadline: date
    # Before-deadline reminders are useless once the deadline has passed (the overdue notice
    # takes over); None for overdue notices, which stay useful while the task is open.
    expires_at: datetime | None = None


def _offsets(offsets: Iterable[int]) -> list[int]:
    values = list(offsets)
    if any(not isinstance(k, int) or isinstance(k, bool) or k < 0 for k in values):
        raise ReminderError(f"Số ngày nhắc trước hạn phải là số nguyên ≥ 0: {values!r}")
    return sorted(set(values))


def parse_offsets(text: str) -> tuple[int, ...]:
    """ "7,3,1,0" (as in settings) → (7, 3, 1, 0)."""
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        message = f"Danh sách ngày nhắc không hợp lệ: {text!r} (ví dụ '7,3,1,0')"
        raise ReminderError(message) from exc
    _offsets(values)
    return values


def deadline_day_off(deadline: date, calendar: WorkCalendar) -> str | None:
    """The note shown next to a deadline that falls on a day off, else None:
    "Chủ nhật — ngày nghỉ", "nghỉ Tết Nguyên Đán", "nghỉ Quốc khánh" (holiday names come from
    the calendar, so from the editable table when it names the day)."""
    if calendar.is_working_day(deadline):
        return None
    name = calendar.holiday_name(deadline)
    if name is None:
        return f"{weekday_name(deadline)} — ngày nghỉ"
    lowered = name[:1].lower() + name[1:]  # "Ngày nghỉ (thay cho …)" needs no second "nghỉ"
    return lowered if lowered.startswith(("nghỉ", "ngày nghỉ")) else f"nghỉ {name}"


def reminder_times(
    deadline: date,
    offsets: Iterable[int],
    calendar: WorkCalendar,
    send_time: time = DEFAULT_SEND_TIME,
    tz: ZoneInfo = LOCAL_TZ,
) -> list[ReminderTime]:
    """The before-deadline reminders of ``deadline``, in time order (``DEFAULT_OFFSETS``:
    7, 3 and 1 working days before, and the deadline day)."""
    expires = end_of_day(deadline, tz)
    taken: set[date] = set()
    found = []
    for k in _offsets(offsets):  # most urgent first, so it wins a shared day
        day = calendar.add_working_days(deadline, -k) if k else calendar.on_or_before(deadline)
        if day in taken:
            continue
        taken.add(day)
        kind = f"before-{k}" if k else DUE_DAY
        send_at = local_instant(day, send_time, tz)
        found.append(ReminderTime(send_at, kind, deadline, expires))
    return sorted(found)


def overdue_times(
    deadline: date,
    every_n: int,
    calendar: WorkCalendar,
    send_time: time = DEFAULT_SEND_TIME,
    tz: ZoneInfo = LOCAL_TZ,
    until: date | None = None,
    *,
    first_after: int | None = None,
) -> list[ReminderTime]:
    """Overdue notices on the ``first_after``-th working day after the deadline (default
    ``every_n``), then every ``every_n`` working days, up to ``until`` (a local date,
    inclusive; default: 60 days after the deadline, so the list stays finite)."""
    if not isinstance(every_n, int) or every_n < 1:
        raise ReminderError(f"Chu kỳ nhắc quá hạn phải là số ngày làm việc ≥ 1: {every_n!r}")
    first = every_n if first_after is None else first_after
    if first < 1:
        raise ReminderError(f"Nhắc quá hạn đầu tiên phải sau hạn ≥ 1 ngày: {first!r}")
    last = until or date.fromordinal(deadline.toordinal() + 60)
    found = []
    day = calendar.add_working_days(deadline, first)
    while day <= last:
        kind = f"overdue-{len(found) + 1}"
        found.append(ReminderTime(local_instant(day, send_time, tz), kind, deadline, None))
        day = calendar.add_working_days(day, every_n)
    return found


class Expiring(Protocol):
    """Anything that stops being worth sending at ``expires_at`` (None: never): a
    ``ReminderTime``, the alarm stored from it, the notice made from that alarm."""

    @property
    def expires_at(self) -> datetime | None: ...


def is_superseded(item: Expiring, now: datetime) -> bool:
    """True when a before-deadline reminder was not sent before its deadline ended."""
    return item.expires_at is not None and now >= item.expires_at
