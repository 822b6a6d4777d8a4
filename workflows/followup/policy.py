"""Reminder policy per plan and per body (offsets before the deadline, escalation days)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models.tasks import Task
from models.types import TaskStatus
from workflows.followup.alarms import reschedule
from workflows.records.lookups import CorrectionError, get_plan
from workflows.registry.agencies import find_agency
from workflows.registry.registry import Registry
from workflows.rules.escalation import EscalationError, EscalationPolicy
from workflows.rules.reminders import ReminderError, parse_offsets

OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


def _checked_offsets(text: str) -> str:
    try:
        return ",".join(str(k) for k in parse_offsets(text))
    except ReminderError as error:
        raise CorrectionError(str(error)) from error


def _checked_escalation(text: str) -> str:
    try:
        EscalationPolicy.from_days([int(d) for d in text.split(",")])
    except (ValueError, EscalationError) as error:
        raise CorrectionError(f"Số ngày leo thang không hợp lệ: «{text}» ({error}).") from error
    return text


def set_plan_policy(
    session: Session, plan_id: int, offsets: str | None, escalation_days: str | None, now: datetime
) -> int:
    """Returns how many open tasks were rescheduled. Escalation days apply to tasks that
    become overdue from now on (a task's policy is frozen when it becomes overdue). A blank
    value puts the plan back on the general policy."""
    plan = get_plan(session, plan_id)
    if offsets is not None:
        plan.reminder_offsets = _checked_offsets(offsets) if offsets.strip() else None
    if escalation_days is not None:
        escalation = escalation_days.strip()
        plan.escalation_days = _checked_escalation(escalation) if escalation else None
    session.add(plan)
    tasks = session.exec(
        select(Task).where(Task.plan_id == plan_id, col(Task.status).in_(OPEN))
    ).all()
    for task in tasks:
        reschedule(session, task, now)
    return len(tasks)


def set_agency_offsets(
    session: Session, registry: Registry, name: str, offsets: str, now: datetime
) -> int:
    """A blank ``offsets`` puts the body back on its plans' policy."""
    agency = find_agency(session, name, registry)
    agency.reminder_offsets = _checked_offsets(offsets) if offsets.strip() else None
    session.add(agency)
    tasks = session.exec(
        select(Task).where(Task.lead_id == agency.id, col(Task.status).in_(OPEN))
    ).all()
    for task in tasks:
        reschedule(session, task, now)
    return len(tasks)
