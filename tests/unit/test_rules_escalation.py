"""The escalation ladder of an overdue task."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from workflows.rules.calendar import load_calendar
from workflows.rules.escalation import (
    DEFAULT_POLICY,
    EscalationError,
    EscalationPolicy,
    Rung,
    escalation_times,
)
from workflows.rules.timefmt import LOCAL_TZ, end_of_day

CAL = load_calendar(Path(__file__).resolve().parents[2] / "config" / "data" / "holidays.toml")


def ladder(steps):
    return [(s.step, s.recipient_role, s.day) for s in steps]


def test_a_task_due_friday_30_august_2024_climbs_the_default_ladder_around_national_day():
    steps = escalation_times(date(2024, 8, 30), DEFAULT_POLICY, CAL)
    assert ladder(steps) == [
        (0, "body", date(2024, 9, 4)),  # 02–03/09 are off: first overdue working day
        (1, "head", date(2024, 9, 9)),
        (2, "coordinator", date(2024, 9, 13)),
        (3, "leader", date(2024, 9, 24)),
    ]
    assert steps[0].send_at == datetime(2024, 9, 4, 1, 0, tzinfo=UTC)  # 08:00 local


def test_completing_the_task_between_steps_stops_the_later_steps():
    done_at = datetime(2024, 9, 10, 3, 0, tzinfo=UTC)
    steps = escalation_times(date(2024, 8, 30), DEFAULT_POLICY, CAL, closed_at=done_at)
    assert [s.recipient_role for s in steps] == ["body", "head"]


def test_an_extension_granted_before_the_deadline_leaves_no_step():
    granted_at = datetime(2024, 8, 29, 2, 0, tzinfo=UTC)
    assert escalation_times(date(2024, 8, 30), DEFAULT_POLICY, CAL, closed_at=granted_at) == []


def test_step_days_are_configurable():
    policy = EscalationPolicy.from_days((1, 2))
    steps = escalation_times(date(2024, 6, 21), policy, CAL)
    assert ladder(steps) == [(0, "body", date(2024, 6, 25)), (1, "head", date(2024, 6, 26))]


def test_a_policy_survives_a_round_trip_through_json_so_it_can_be_frozen_with_the_task():
    policy = EscalationPolicy.from_days((0, 5, 10))
    stored = json.loads(json.dumps(policy.to_dict()))
    assert EscalationPolicy.from_dict(stored) == policy


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: EscalationPolicy((Rung(0, "mayor", 0),)), "vai trò không biết 'mayor'"),
        (lambda: EscalationPolicy((Rung(0, "body", 3), Rung(1, "head", 1))), "không giảm"),
        (lambda: EscalationPolicy((Rung(1, "body", 0),)), "đánh số 0, 1, 2"),
        (lambda: EscalationPolicy.from_days((0, 1, 2, 3, 4)), "Quá nhiều bậc"),
        (lambda: EscalationPolicy.from_dict({"version": 1, "steps": [{"step": 0}]}), "thiếu"),
        (lambda: EscalationPolicy.from_dict({"steps": []}), "không đọc được"),
    ],
)
def test_a_malformed_policy_is_refused_in_plain_words(make, message):
    with pytest.raises(EscalationError, match=message):
        make()


def test_random_ladders_only_go_out_on_working_days_after_the_deadline_in_order():
    rng = random.Random(14)
    for _ in range(200):
        deadline = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        days = sorted(rng.sample(range(0, 20), 4))
        steps = escalation_times(deadline, EscalationPolicy.from_days(days), CAL)
        assert [s.step for s in steps] == [0, 1, 2, 3]
        assert all(CAL.is_working_day(s.send_at.astimezone(LOCAL_TZ).date()) for s in steps)
        assert all(s.send_at > end_of_day(deadline) for s in steps)
        assert [s.send_at for s in steps] == sorted(s.send_at for s in steps)
