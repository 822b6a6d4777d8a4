"""Turn due alarms into ledger notices, one per (task, kind, step, deadline version, recipient).

Alarms are marked fired in the same transaction as their notices are inserted (conflicts
ignored), so a sweep that runs twice, crashes halfway or races another writes each notice once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from models.db import insert_ignoring_conflicts, keep_loaded
from models.delivery import Notice, TaskAlarm
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus, TaskStatus
from workflows import recipients as who
from workflows.alarms import after_overdue_alarm
from workflows.rules.escalation import EscalationPolicy
from workflows.rules.reminders import is_superseded

BATCH = 500
OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


@dataclass
class FireCounts:
    alarms: int = 0
    notices: int = 0
    skipped: int = 0
    superseded: int = 0


def fire_due_alarms(session: Session, now: datetime, counts: FireCounts) -> bool:
    """Fire one batch of due alarms; returns True if it fired any (firing an overdue alarm
    can schedule escalation steps that are already due, so the caller loops until none)."""
    alarms = session.exec(
        select(TaskAlarm)
        .where(col(TaskAlarm.fired) == False, col(TaskAlarm.fire_at) <= now)  # noqa: E712
        .order_by(col(TaskAlarm.fire_at), col(TaskAlarm.id))
        .limit(BATCH)
    ).all()
    keep_loaded(session, Task, {a.task_id for a in alarms})  # one query, not one per alarm
    rows: list[dict] = []
    for alarm, stale in _latest_per_task(alarms):
        alarm.fired = True
        session.add(alarm)
        counts.alarms += 1
        if stale:
            counts.superseded += 1
            continue
        rows += _fire(session, alarm, now, counts)
    counts.notices += insert_ignoring_conflicts(session, Notice, rows)
    return bool(alarms)


def _latest_per_task(alarms: list[TaskAlarm]) -> list[tuple[TaskAlarm, bool]]:
    """After a gap, several reminders of one task may be due: only the latest is worth sending."""
    latest: dict[tuple[int, str], TaskAlarm] = {}
    for alarm in alarms:
        key = (alarm.task_id, _series(alarm))
        if key not in latest or alarm.fire_at >= latest[key].fire_at:
            latest[key] = alarm
    chosen = {id(a) for a in latest.values()}
    return [(a, id(a) not in chosen) for a in alarms]


def _series(alarm: TaskAlarm) -> str:
    """Alarms of one series replace each other: the reminders ahead of the deadline (before-N
    and due-day), the overdue notices, and each escalation step on its own."""
    if alarm.kind == "escalation":
        return f"escalation:{alarm.step}"
    return "overdue" if alarm.kind.startswith("overdue") else "ahead"


def _fire(session: Session, alarm: TaskAlarm, now: datetime, counts: FireCounts) -> list[dict]:
    """The notice rows one alarm asks for (none when it no longer applies)."""
    task = session.get(Task, alarm.task_id)
    plan = session.get(Plan, task.plan_id) if task else None
    if (
        task is None
        or plan is None
        or plan.status != PlanStatus.PUBLISHED
        or task.status not in OPEN
        or task.deadline_version != alarm.deadline_version
    ):
        counts.skipped += 1  # done, dropped or re-dated since: this alarm no longer applies
        return []
    if is_superseded(alarm, now):
        counts.superseded += 1  # a before-deadline reminder that comes too late
        return []
    if alarm.kind.startswith("overdue"):
        after_overdue_alarm(session, task, plan, alarm, now)
    targets = _recipients(session, task, plan, alarm)
    return [
        {
            "task_id": task.id,
            "kind": alarm.kind,
            "step": alarm.step,
            "deadline_version": alarm.deadline_version,
            "recipient": r.ledger_key,
            "agency_id": r.agency_id,
            "role": r.role,
            "created_at": now,
            "expires_at": alarm.expires_at,
        }
        for r in targets
    ]


def _recipients(session: Session, task: Task, plan: Plan, alarm: TaskAlarm) -> list[who.Recipient]:
    if alarm.kind == "escalation":
        policy = EscalationPolicy.from_dict(task.escalation_policy or {})
        return who.for_role(session, task, plan, policy.rungs[alarm.step].recipient_role)
    body = who.for_role(session, task, plan, "body")
    if alarm.kind.startswith("overdue"):
        return body  # overdue work is the lead's to answer for
    return body + who.partners(session, task)


def unsent_by_recipient(session: Session) -> dict[str, list[Notice]]:
    """Notices not yet in a message, grouped by recipient (missing addresses included)."""
    grouped: dict[str, list[Notice]] = defaultdict(list)
    for notice in session.exec(
        select(Notice).where(col(Notice.message_id).is_(None)).order_by(col(Notice.id))
    ).all():
        grouped[notice.recipient].append(notice)
    return grouped
