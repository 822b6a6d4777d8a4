"""When the daily sweeps run, and whether a restart must catch up: pure time arithmetic.

A *slot* is one of the configured local times (``KEHOACH_SWEEP_TIMES``, e.g. "08:00,14:00") on a
given day. After downtime the embedded scheduler runs one sweep if a slot passed since the last
finished sweep: once, however many slots were missed, because a sweep handles everything due up
to its ``now`` (what was due on the missed days is still due, and keyed, so nothing doubles).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


class SweepTimesError(ValueError):
    """``KEHOACH_SWEEP_TIMES`` is not a list of HH:MM times; the message says which entry."""


def parse_sweep_times(text: str) -> list[time]:
    """ "08:00, 14:30" → [08:00, 14:30], sorted and without repeats."""
    slots: set[time] = set()
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            hour, minute = (int(x) for x in entry.split(":"))
            slots.add(time(hour, minute))
        except ValueError as error:
            raise SweepTimesError(
                f"KEHOACH_SWEEP_TIMES: «{entry}» không phải giờ dạng HH:MM (ví dụ 08:00)."
            ) from error
    if not slots:
        raise SweepTimesError("KEHOACH_SWEEP_TIMES không có giờ nào (ví dụ 08:00).")
    return sorted(slots)


def latest_slot(now: datetime, slots: list[time], tz: ZoneInfo) -> datetime:
    """The most recent slot at or before ``now`` (aware UTC), looking back as far as yesterday."""
    local = now.astimezone(tz)
    for day in (local.date(), local.date() - timedelta(days=1)):
        for slot in reversed(slots):
            candidate = datetime.combine(day, slot, tzinfo=tz)
            if candidate <= local:
                return candidate.astimezone(UTC)
    raise AssertionError("unreachable: yesterday always has a slot before now")


def needs_catch_up(
    last_swept: datetime | None, now: datetime, slots: list[time], tz: ZoneInfo
) -> bool:
    """True when a slot passed after the last finished sweep's ``now`` (or none ever ran)."""
    return last_swept is None or last_swept < latest_slot(now, slots, tz)
