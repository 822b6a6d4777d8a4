"""Turn due alarms into ledger notices, one per (task, kind, step, deadline version, recipient).

Alarms are claimed (marked fired) in the same transaction as their notices are inserted
(conflicts ignored), so a sweep that runs twice, crashes halfway or races another writes each
notice once; sweeps running at once claim different batches (see ``sweep_loads``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlmodel import Session

from config.settings import get_settings
from models.db import insert_ignoring_conflicts, records, set_by_id
from models.delivery import Notice, OutboxMessage
from models.plans import Plan
from models.types import PlanStatus, TaskStatus
from workflows.followup import recipients as who
from workflows.followup.alarms import after_overdue_alarms, freeze_policy
from workflows.followup.sweep_loads import FiringWorld, claim_due_alarms, load_firing_world
from workflows.rules.escalation import EscalationPolicy
from workflows.rules.reminders import is_superseded

BATCH = 2000  # alarms per claim: few statements per sweep, yet several batches to share
OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
NOTICES = Notice.__table__  # type: ignore[attr-defined]


@dataclass
class FireCounts:
    alarms: int = 0
    notices: int = 0
    skipped: int = 0
    superseded: int = 0


def fire_due_alarms(
    session: Session, now: datetime, counts: FireCounts, *, wait: bool = False
) -> bool:
    """Fire one batch of due alarms; returns True if it fired any (firing an overdue alarm
    can schedule escalation steps that are already due, so the caller loops until none).
    ``wait``: the caller commits each batch (see ``sweep_loads.claim_due_alarms``).

    A handful of statements per batch, whatever its size: claim the alarms, load their tasks,
    plans, bodies and partners, insert the notices, freeze policies and add follow-up alarms.
    """
    alarms = claim_due_alarms(session, now, BATCH, wait=wait)
    if not alarms:
        return False
    world = load_firing_world(session, alarms)
    settings = get_settings()
    rows: list[dict] = []
    overdue: list[tuple[Any, Plan]] = []
    policies: dict[int, dict] = {}  # escalation policies frozen in this batch, by task id
    for alarm, stale in _latest_per_task(alarms):
        counts.alarms += 1
        if stale:
            counts.superseded += 1
            continue
        task = world.tasks.get(alarm.task_id)
        plan = world.plans.get(task.plan_id) if task else None
        if (
            task is None
            or plan is None
            or plan.status != PlanStatus.PUBLISHED
            or task.status not in OPEN
            or task.deadline_version != alarm.deadline_version
        ):
            counts.skipped += 1  # done, dropped or re-dated since: this alarm no longer applies
            continue
        if is_superseded(alarm, now):
            counts.superseded += 1  # a before-deadline reminder that comes too late
            continue
        if alarm.kind.startswith("overdue"):
            freeze_policy(task, plan, policies, settings)
            overdue.append((task, plan))
        rows += [
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
            for r in _recipients(session, world, task, plan, alarm, policies)
        ]
    after_overdue_alarms(session, overdue, now, policies)
    counts.notices += insert_ignoring_conflicts(session, Notice, rows)
    return True


def _latest_per_task(alarms: list[Any]) -> list[tuple[Any, bool]]:
    """After a gap, several reminders of one task may be due: only the latest is worth sending."""
    latest: dict[tuple[int, str], Any] = {}
    for alarm in alarms:
        key = (alarm.task_id, _series(alarm))
        if key not in latest or alarm.fire_at >= latest[key].fire_at:
            latest[key] = alarm
    chosen = {id(a) for a in latest.values()}
    return [(a, id(a) not in chosen) for a in alarms]


def _series(alarm: Any) -> str:
    """Alarms of one series replace each other: the reminders ahead of the deadline (before-N
    and due-day), the overdue notices, and each escalation step on its own."""
    if alarm.kind == "escalation":
        return f"escalation:{alarm.step}"
    return "overdue" if alarm.kind.startswith("overdue") else "ahead"


def _recipients(
    session: Session,
    world: FiringWorld,
    task: Any,
    plan: Plan,
    alarm: Any,
    policies: dict[int, dict],
) -> list[who.Recipient]:
    if alarm.kind == "escalation":
        policy = EscalationPolicy.from_dict(task.escalation_policy or policies.get(task.id) or {})
        return world.for_role(session, task, plan, policy.rungs[alarm.step].recipient_role)
    body = world.for_role(session, task, plan, "body")
    if alarm.kind.startswith("overdue"):
        return body  # overdue work is the lead's to answer for
    return body + world.partners(task)


def unsent_by_recipient(session: Session) -> dict[str, list[Any]]:
    """Notices not yet in a message (as records of the columns composing reads, not ORM objects),
    grouped by recipient (missing addresses included)."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    columns = ("id", "task_id", "kind", "step", "recipient", "agency_id", "role", "expires_at")
    unsent = (
        select(*(NOTICES.c[name] for name in columns))
        .where(NOTICES.c.message_id.is_(None))
        .order_by(NOTICES.c.id)
    )
    for notice in records(session.execute(unsent)):
        grouped[notice.recipient].append(notice)
    return grouped


def mark_composed(session: Session, composed: list[tuple[OutboxMessage, list[Any]]]) -> None:
    """Write the composed outbox rows not yet flushed (one executemany INSERT, their ids
    returned) and point their notices at them (one UPDATE)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    pending = [row for row, _ in composed if inspect(row).pending]
    for row in pending:
        session.expunge(row)  # written below in one statement, not one INSERT per row
    if pending:
        values = [
            {c.key: getattr(row, c.key) for c in table.columns if c.key != "id"} for row in pending
        ]
        written = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), values
        )
        for row, (message_id,) in zip(pending, written, strict=True):
            row.id = message_id
    links = ((n.id, row.id) for row, notices in composed for n in notices)
    set_by_id(session, Notice, "message_id", links)  # type: ignore[arg-type]
