"""When to try a mail again after a transient failure, and when to give it up.

The budget is counted in attempts and in *sending time*, never in calendar time:

* A mail is given up only right after one of its attempts failed, never while it waits in the
  queue: whatever happened meanwhile (a weekend, Tết, kehoach stopped for 40 days), the next
  drain tries it first.
* It is given up only when it has had at least ``min_attempts`` attempts **and** its retries
  have used ``budget`` (3 days) of sending time.
* Sending time is time on working days (the ``WorkCalendar``, local time) between consecutive
  attempts, and of each such interval at most the backoff gap that was asked for (at its
  largest jitter) plus one ``max_gap`` counts: the rest is the queue waiting because nothing
  could send (no drain ran: the machine was off, kehoach was stopped) and costs nothing.

Between attempts the gap doubles from ``first_gap`` up to ``max_gap``, times a jitter factor the
caller draws (so that many mails failing together do not all come back at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from workflows.rules.calendar import WorkCalendar
from workflows.rules.timefmt import LOCAL_TZ, local_date, local_instant

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class RetryPolicy:
    first_gap: timedelta = timedelta(minutes=5)
    max_gap: timedelta = timedelta(hours=6)
    budget: timedelta = timedelta(days=3)  # of sending time, see the module docstring
    min_attempts: int = 5
    jitter: float = 0.2  # the gap is multiplied by a factor in [1 - jitter, 1 + jitter]

    def gap(self, attempts: int) -> timedelta:
        """The nominal wait after the ``attempts``-th attempt failed."""
        return min(self.first_gap * 2 ** max(attempts - 1, 0), self.max_gap)

    def allowance(self, attempts: int) -> timedelta:
        """Of the interval after the ``attempts``-th attempt, the most that counts as sending
        time: the longest gap asked for, plus one maximum gap for a drain that came late."""
        return self.gap(attempts) * (1 + self.jitter) + self.max_gap


RETRY_POLICY = RetryPolicy()


@dataclass(frozen=True)
class RetryAt:
    at: datetime


@dataclass(frozen=True)
class GiveUp:
    used: timedelta  # sending time the retries used


def after_failure(
    attempts: Sequence[datetime],
    calendar: WorkCalendar,
    *,
    jitter: float = 1.0,
    policy: RetryPolicy = RETRY_POLICY,
    tz: ZoneInfo = LOCAL_TZ,
) -> RetryAt | GiveUp:
    """What to do after a transient failure; ``attempts`` are the instants of every attempt of
    this mail, the one that just failed included (it is the latest)."""
    if not attempts:
        raise ValueError("after_failure needs the attempt that failed")
    if not 1 - policy.jitter <= jitter <= 1 + policy.jitter:
        raise ValueError(f"jitter factor {jitter} outside the policy's ±{policy.jitter}")
    ordered = sorted(attempts)
    used = sending_time_used(ordered, calendar, policy=policy, tz=tz)
    if len(ordered) >= policy.min_attempts and used >= policy.budget:
        return GiveUp(used)
    return RetryAt(ordered[-1] + policy.gap(len(ordered)) * jitter)


def sending_time_used(
    attempts: Sequence[datetime],
    calendar: WorkCalendar,
    *,
    policy: RetryPolicy = RETRY_POLICY,
    tz: ZoneInfo = LOCAL_TZ,
) -> timedelta:
    """Sending time between the first and the last of ``attempts`` (see the module docstring)."""
    used = timedelta(0)
    for number, (start, end) in enumerate(pairwise(sorted(attempts)), start=1):
        used += min(working_time(start, end, calendar, tz), policy.allowance(number))
    return used


def working_time(
    start: datetime, end: datetime, calendar: WorkCalendar, tz: ZoneInfo = LOCAL_TZ
) -> timedelta:
    """How much of [start, end] falls on local working days."""
    total = timedelta(0)
    day = local_date(start, tz)
    while day <= local_date(end, tz):
        if calendar.is_working_day(day):
            opens = local_instant(day, time(0, 0), tz)
            closes = local_instant(day + _DAY, time(0, 0), tz)
            overlap = min(end, closes) - max(start, opens)
            if overlap > timedelta(0):
                total += overlap
        day += _DAY
    return total
