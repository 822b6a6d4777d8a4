"""Store when each reminder and escalation step is due, whenever a deadline is set or changes.

The sweep only selects due alarms; these functions decide the instants (pure rules in
``workflows.rules.reminders``) and write them keyed by (task, kind, step, deadline version),
ignoring conflicts, so recomputing is harmless.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session, col, delete

from config.settings import Settings, get_settings
from models.agencies import Agency
from models.db import insert_ignoring_conflicts
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


def _row(task: Task, kind: str, step: int, fire_at: datetime, expires_at: datetime | None) -> dict:
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
    days = plan.escalation_days or settings.escalation_days
    return EscalationPolicy.from_days([int(d) for d in days.split(",")])


def after_overdue_alarm(
    session: Session, task: Task, plan: Plan, alarm: TaskAlarm, now: datetime
) -> None:
    """An overdue notice fires: freeze the escalation policy (the one in force now), schedule
    its steps, and the next overdue notice after ``now``."""
    assert task.due is not None
    settings = get_settings()
    calendar, at = _calendar(settings), send_time(settings)
    if task.escalation_policy is None:
        task.escalation_policy = escalation_policy(plan, settings).to_dict()
        session.add(task)
    policy = EscalationPolicy.from_dict(task.escalation_policy)
    # Step 0 (the body itself) is the overdue notice; the later steps climb the ladder.
    rows = [
        _row(task, "escalation", s.step, s.send_at, None)
        for s in escalation_times(task.due, policy, calendar, at)
        if s.step >= 1
    ]
    until = local_date(now + OVERDUE_HORIZON)
    later = [
        o
        for o in overdue_times(
            task.due, settings.overdue_repeat_days, calendar, at, until=until, first_after=1
        )
        if o.send_at > now
    ]
    if later:
        rows.append(_row(task, later[0].kind, 0, later[0].send_at, None))
    insert_ignoring_conflicts(session, TaskAlarm, rows)
