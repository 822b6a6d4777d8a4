"""Store when each reminder and escalation step is due, whenever a deadline is set or changes.

The sweep only selects due alarms; these functions decide the instants (pure rules in
``workflows.rules.reminders``) and write them keyed by (task, kind, step, deadline version),
ignoring conflicts, so recomputing is harmless.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, delete

from config.settings import Settings, get_settings
from models.agencies import Agency
from models.db import among, insert_ignoring_conflicts
from models.delivery import TaskAlarm
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus, TaskStatus
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.escalation import EscalationPolicy, escalation_times
from workflows.rules.reminders import overdue_times, parse_offsets, reminder_times
from workflows.rules.timefmt import local_date

OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
OVERDUE_HORIZON = timedelta(days=60)


def send_time(settings: Settings) -> time:
    first = settings.sweep_times.split(",")[0].strip()
    return time.fromisoformat(first)


def _calendar(settings: Settings) -> WorkCalendar:
    return shared_calendar(settings.holidays_path)


def offsets_for(session: Session, task: Task, plan: Plan, settings: Settings) -> tuple[int, ...]:
    """Per plan, then per body, then global: the first that is set wins."""
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    text = plan.reminder_offsets or (lead.reminder_offsets if lead else None)
    return parse_offsets(text or settings.reminder_offsets)


def reschedule(session: Session, task: Task, now: datetime) -> int:
    """Alarms of ``task`` for its current deadline version; returns how many were added."""
    plan = session.get(Plan, task.plan_id)
    if (
        plan is None
        or plan.status != PlanStatus.PUBLISHED
        or task.status not in OPEN
        or task.due is None
    ):
        return 0
    settings = get_settings()
    calendar, at = _calendar(settings), send_time(settings)
    times = reminder_times(task.due, offsets_for(session, task, plan, settings), calendar, at)
    overdue = overdue_times(task.due, settings.overdue_repeat_days, calendar, at, first_after=1)
    # A changed policy replaces the reminders not yet fired (fired ones stay in the ledger).
    session.exec(
        delete(TaskAlarm).where(  # type: ignore[call-overload]
            col(TaskAlarm.task_id) == task.id,
            col(TaskAlarm.fired) == False,  # noqa: E712
            col(TaskAlarm.deadline_version) == task.deadline_version,
            col(TaskAlarm.expires_at).is_not(None),
        )
    )
    rows = [_row(task, r.kind, 0, r.send_at, r.expires_at) for r in times]
    if overdue:
        rows.append(_row(task, overdue[0].kind, 0, overdue[0].send_at, None))
    return insert_ignoring_conflicts(session, TaskAlarm, rows)


def _row(task: Any, kind: str, step: int, fire_at: datetime, expires_at: datetime | None) -> dict:
    return {
        "task_id": task.id,
        "kind": kind,
        "step": step,
        "deadline_version": task.deadline_version,
        "fire_at": fire_at,
        "expires_at": expires_at,
        "fired": False,
    }


def escalation_policy(plan: Plan, settings: Settings) -> EscalationPolicy:
    return _policy(plan.escalation_days or settings.escalation_days)


@lru_cache(maxsize=64)  # a sweep freezes the same few policies for thousands of tasks
def _policy(days: str) -> EscalationPolicy:
    return EscalationPolicy.from_days([int(d) for d in days.split(",")])


def freeze_policy(task: Any, plan: Plan, policies: dict[int, dict], settings: Settings) -> None:
    """An overdue notice fires: the escalation policy in force now becomes the task's, unless it
    has one (noted in ``policies`` by task id; ``after_overdue_alarms`` stores it)."""
    if task.escalation_policy is None and task.id not in policies:
        policies[task.id] = escalation_policy(plan, settings).to_dict()


def after_overdue_alarms(
    session: Session, fired: list[tuple[Any, Plan]], now: datetime, policies: dict[int, dict]
) -> None:
    """Overdue notices fired for these (task, plan): store the policies frozen for them (see
    ``freeze_policy``), schedule each ladder's steps and the next overdue notice after ``now``;
    a few statements for the whole list."""
    if not fired:
        return
    settings = get_settings()
    calendar, at = _calendar(settings), send_time(settings)
    until = local_date(now + OVERDUE_HORIZON)
    rows: list[dict] = []
    ladders: dict[tuple, list[tuple[str, int, datetime]]] = {}  # same deadline, same ladder
    # The policies frozen in this batch, with their tasks: a sweep's tasks share the few that
    # plans set, so one UPDATE per distinct policy, whatever the number of tasks.
    frozen: dict[str, tuple[dict, list[int]]] = {}
    for task, _plan in fired:
        assert task.due is not None
        policy = task.escalation_policy or policies[task.id]
        written = repr(policy)
        if task.escalation_policy is None:
            frozen.setdefault(written, (policy, []))[1].append(task.id)
        key = (task.due, written)
        if key not in ladders:
            ladders[key] = _ladder(task.due, policy, settings, calendar, at, until, now)
        rows += [_row(task, kind, step, send_at, None) for kind, step, send_at in ladders[key]]
    table = Task.__table__  # type: ignore[attr-defined]
    for policy, task_ids in frozen.values():
        session.execute(
            update(table)
            .where(among(session, table.c.id, task_ids))
            .values(escalation_policy=policy)
        )
    insert_ignoring_conflicts(session, TaskAlarm, rows)


def _ladder(
    due: date,
    policy: dict,
    settings: Settings,
    calendar: WorkCalendar,
    at: time,
    until: date,
    now: datetime,
) -> list[tuple[str, int, datetime]]:
    """(kind, step, instant) of the escalation steps and the next overdue notice after ``now``."""
    # Step 0 (the body itself) is the overdue notice; the later steps climb the ladder.
    steps = [
        ("escalation", s.step, s.send_at)
        for s in escalation_times(due, EscalationPolicy.from_dict(policy), calendar, at)
        if s.step >= 1
    ]
    later = [
        o
        for o in overdue_times(
            due, settings.overdue_repeat_days, calendar, at, until=until, first_after=1
        )
        if o.send_at > now
    ]
    if later:
        steps.append((later[0].kind, 0, later[0].send_at))
    return steps
