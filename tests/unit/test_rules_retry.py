"""The retry budget: counted in attempts and sending time, told with real dates."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from workflows.rules.calendar import load_calendar
from workflows.rules.retry import (
    RETRY_POLICY,
    GiveUp,
    RetryAt,
    after_failure,
    sending_time_used,
    working_time,
)
from workflows.runners.clock import parse_instant

TABLE = Path(__file__).resolve().parents[2] / "config" / "data" / "holidays.toml"
CAL = load_calendar(TABLE)
HOUR = timedelta(hours=1)


def at(local: str) -> datetime:
    return parse_instant(local)


def fail_on_schedule(first: datetime, count: int) -> list[datetime]:
    """Up to ``count`` attempts, each exactly when the previous failure asked to be retried,
    ending early at the one after which the mail is given up."""
    attempts = [first]
    while len(attempts) < count:
        step = after_failure(attempts, CAL)
        if isinstance(step, GiveUp):
            break
        attempts.append(step.at)
    return attempts


def test_the_gap_doubles_from_five_minutes_and_stops_at_six_hours():
    gaps = [RETRY_POLICY.gap(n) for n in range(1, 10)]
    assert gaps[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert gaps[-1] == timedelta(hours=6) and max(gaps) == timedelta(hours=6)


def test_the_retry_time_is_the_last_attempt_plus_the_gap_times_the_jitter():
    step = after_failure([at("2022-06-15T08:05")], CAL, jitter=1.2)
    assert step == RetryAt(at("2022-06-15T08:11"))


def test_a_jitter_outside_the_policy_is_refused():
    with pytest.raises(ValueError, match="jitter"):
        after_failure([at("2022-06-15T08:05")], CAL, jitter=2.0)


def test_working_time_skips_the_weekend():
    friday_evening, monday_morning = at("2022-06-17T20:00"), at("2022-06-20T08:00")
    assert working_time(friday_evening, monday_morning, CAL) == 12 * HOUR


def test_working_time_skips_national_day_and_its_weekend():
    wednesday, monday = at("2022-08-31T12:00"), at("2022-09-05T12:00")  # 1–2/9 off, then Sat
    assert working_time(wednesday, monday, CAL) == 24 * HOUR


def test_retrying_on_schedule_through_working_days_gives_up_after_three_days_of_it():
    attempts = fail_on_schedule(at("2022-06-13T08:05"), 100)  # a Monday
    assert isinstance(after_failure(attempts, CAL), GiveUp)
    assert len(attempts) >= RETRY_POLICY.min_attempts
    assert sending_time_used(attempts, CAL) >= timedelta(days=3)
    assert attempts[-1] - attempts[0] < timedelta(days=3, hours=7)  # Monday to Thursday


def test_a_friday_failure_is_not_given_up_over_the_weekend():
    friday = fail_on_schedule(at("2022-06-17T08:05"), 8)  # until Friday night
    monday = at("2022-06-20T08:05")
    assert isinstance(after_failure([*friday, monday], CAL), RetryAt)
    assert sending_time_used([*friday, monday], CAL) < timedelta(days=2)


def test_forty_days_down_cost_at_most_one_allowance_and_the_mail_keeps_its_retries():
    before = fail_on_schedule(at("2022-06-15T08:05"), 3)
    after = at("2022-07-25T08:05")  # 40 days later, nothing ran meanwhile
    used = sending_time_used([*before, after], CAL)
    assert used <= sending_time_used(before, CAL) + RETRY_POLICY.allowance(3)
    step = after_failure([*before, after], CAL)
    assert isinstance(step, RetryAt) and step.at > after


def test_many_attempts_in_little_sending_time_are_not_enough_to_give_up():
    burst = [at("2022-06-15T08:05") + timedelta(minutes=i) for i in range(30)]
    assert isinstance(after_failure(burst, CAL), RetryAt)


def test_much_sending_time_in_few_attempts_is_not_enough_either():
    sparse = [at("2022-06-13T08:05"), at("2022-06-14T08:05"), at("2022-06-16T08:05")]
    assert isinstance(after_failure(sparse, CAL), RetryAt)


def test_a_daily_sweep_retries_for_more_working_days_than_the_budget_not_fewer():
    daily = [at("2022-06-13T08:05") + timedelta(days=d) for d in range(40)]
    daily = [a for a in daily if CAL.is_working_day(a.date())]
    first_give_up = next(
        i for i in range(1, len(daily) + 1) if isinstance(after_failure(daily[:i], CAL), GiveUp)
    )
    assert first_give_up >= 6  # a day between attempts counts as the longest gap asked for
