"""The escalation ladder for an overdue task.

Each rung names who is told and after how many working days overdue: by default the body
itself as soon as the task is overdue, its head after 3 working days, the plan's coordinator
after 7, the leadership after 14. Day 0 is the first working day after the deadline.

The policy in force when the task became overdue applies (PagerDuty's rule): a policy is a
frozen value that serializes to a small dict, stored with the task when it becomes overdue.
The ladder stops at the instant the task is closed (done) or its deadline is extended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from workflows.rules.calendar import WorkCalendar
from workflows.rules.reminders import DEFAULT_SEND_TIME
from workflows.rules.timefmt import LOCAL_TZ, local_instant

BODY, HEAD, COORDINATOR, LEADER = "body", "head", "coordinator", "leader"
DEFAULT_ROLES = (BODY, HEAD, COORDINATOR, LEADER)
ROLE_LABELS = {
    BODY: "cơ quan được giao",
    HEAD: "thủ trưởng cơ quan",
    COORDINATOR: "cơ quan thường trực kế hoạch",
    LEADER: "lãnh đạo UBND",
}
POLICY_VERSION = 1


class EscalationError(ValueError):
    """A policy that cannot be applied (unknown role, steps out of order)."""


@dataclass(frozen=True)
class Rung:
    step: int
    recipient_role: str
    after_days: int  # working days after the first overdue day


DEFAULT_RUNGS = (Rung(0, BODY, 0), Rung(1, HEAD, 3), Rung(2, COORDINATOR, 7), Rung(3, LEADER, 14))


@dataclass(frozen=True)
class EscalationPolicy:
    rungs: tuple[Rung, ...] = field(default=DEFAULT_RUNGS)

    def __post_init__(self) -> None:
        _check(self.rungs)

    @classmethod
    def from_days(
        cls, days: Sequence[int], roles: Sequence[str] = DEFAULT_ROLES
    ) -> EscalationPolicy:
        """A policy from the days of each step, e.g. (0, 3, 7, 14), roles in default order."""
        if len(days) > len(roles):
            raise EscalationError(f"Quá nhiều bậc ({len(days)}) cho {len(roles)} vai trò")
        return cls(tuple(Rung(i, roles[i], d) for i, d in enumerate(days)))

    def to_dict(self) -> dict[str, Any]:
        steps = [
            {"step": r.step, "role": r.recipient_role, "after_days": r.after_days}
            for r in self.rungs
        ]
        return {"version": POLICY_VERSION, "steps": steps}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EscalationPolicy:
        """Read back a stored policy; a malformed one raises EscalationError, saying why."""
        if data.get("version") != POLICY_VERSION or not isinstance(data.get("steps"), list):
            raise EscalationError(f"Chính sách leo thang không đọc được: {data!r}")
        try:
            rungs = tuple(
                Rung(int(s["step"]), str(s["role"]), int(s["after_days"])) for s in data["steps"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EscalationError(f"Bậc leo thang thiếu hoặc sai trường: {exc}") from exc
        return cls(rungs)


def _check(rungs: Sequence[Rung]) -> None:
    for index, rung in enumerate(rungs):
        if rung.recipient_role not in ROLE_LABELS:
            raise EscalationError(
                f"Bậc {rung.step}: vai trò không biết {rung.recipient_role!r} "
                f"(dùng: {', '.join(ROLE_LABELS)})"
            )
        if rung.step != index:
            raise EscalationError(f"Các bậc phải đánh số 0, 1, 2, … theo thứ tự (gặp {rung.step})")
        if rung.after_days < 0 or (index and rung.after_days < rungs[index - 1].after_days):
            raise EscalationError(f"Bậc {rung.step}: số ngày phải ≥ 0 và không giảm dần")


DEFAULT_POLICY = EscalationPolicy()


@dataclass(frozen=True, order=True)
class EscalationStep:
    send_at: datetime  # aware UTC
    step: int
    recipient_role: str
    day: date  # the local working day it goes on


def escalation_times(
    deadline: date,
    policy: EscalationPolicy,
    calendar: WorkCalendar,
    send_time: time = DEFAULT_SEND_TIME,
    tz: ZoneInfo = LOCAL_TZ,
    *,
    closed_at: datetime | None = None,
) -> list[EscalationStep]:
    """The ladder's steps in order; none at or after ``closed_at`` (the instant the task was
    completed or its deadline extended: an extension starts a new deadline and a new ladder)."""
    first_overdue = calendar.next_working_day(deadline)
    steps = []
    for rung in policy.rungs:
        day = calendar.add_working_days(first_overdue, rung.after_days)
        send_at = local_instant(day, send_time, tz)
        if closed_at is not None and send_at >= closed_at:
            break
        steps.append(EscalationStep(send_at, rung.step, rung.recipient_role, day))
    return steps
