"""What a sweep batch reads, in one statement per kind of row instead of one per alarm or notice.

* ``claim_due_alarms``: take a batch of due alarms by marking them fired (claim-by-update);
  on PostgreSQL rows another sweep holds are skipped (``FOR UPDATE SKIP LOCKED``), so several
  sweeping processes split the due set instead of queueing behind each other.
* ``load_firing_world``: the tasks, plans, bodies and partners a batch of alarms names.
* ``load_for_composing``: the tasks, plans, bodies and history events the notices to compose
  name, and what was already sent about each escalated task (``previous_sends_by_task``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlmodel import Session, col

from models.agencies import Agency
from models.db import among, is_postgres, records
from models.delivery import MessageStatus, Notice, OutboxMessage, TaskAlarm
from models.plans import Plan
from models.tasks import Task, TaskEvent, TaskPartner
from workflows.followup import recipients as who
from workflows.records.task_history import CHANGE_PREFIX

ALARMS = TaskAlarm.__table__  # type: ignore[attr-defined]
TASKS = Task.__table__  # type: ignore[attr-defined]
PLANS = Plan.__table__  # type: ignore[attr-defined]
AGENCIES = Agency.__table__  # type: ignore[attr-defined]
EVENTS = TaskEvent.__table__  # type: ignore[attr-defined]
NOTICES = Notice.__table__  # type: ignore[attr-defined]
MESSAGES = OutboxMessage.__table__  # type: ignore[attr-defined]


def claim_due_alarms(session: Session, now: datetime, limit: int, *, wait: bool) -> list[Any]:
    """Mark up to ``limit`` due alarms fired and return them (oldest first).

    On PostgreSQL a batch another sweep has claimed but not committed is skipped; when nothing
    else is left and ``wait`` (the caller commits each batch, so it holds no claim now), the
    claim waits for those batches and takes what they left due (follow-up alarms they made),
    so that every sweep composes only after all due alarms have been fired.
    """
    due = (
        select(ALARMS.c.id)
        .where(ALARMS.c.fired == False, ALARMS.c.fire_at <= now)  # noqa: E712
        .order_by(ALARMS.c.fire_at, ALARMS.c.id)
        .limit(limit)
    )
    if not is_postgres(session.get_bind()):  # type: ignore[arg-type]
        return _claim(session, due)  # SQLite: one writer at a time already
    claimed = _claim(session, due.with_for_update(skip_locked=True))
    if not claimed and wait:
        claimed = _claim(session, due.with_for_update())
    return claimed


def _claim(session: Session, due: Select) -> list[Any]:
    statement = (
        update(ALARMS)
        .where(ALARMS.c.id.in_(due.scalar_subquery()))
        .values(fired=True)
        .returning(
            ALARMS.c.id,
            ALARMS.c.task_id,
            ALARMS.c.kind,
            ALARMS.c.step,
            ALARMS.c.deadline_version,
            ALARMS.c.fire_at,
            ALARMS.c.expires_at,
        )
    )
    return sorted(records(session.execute(statement)), key=lambda a: (a.fire_at, a.id))


@dataclass
class FiringWorld:
    """The rows a batch of alarms refers to, by id; recipients worked out once per
    (role, body, plan) instead of once per alarm."""

    tasks: dict[int, Any]
    plans: dict[int, Any]
    agencies: dict[int, Agency]
    partner_ids: dict[int, list[int]]
    _by_role: dict[tuple[str, int | None, int], list[who.Recipient]] = field(default_factory=dict)
    _partner: dict[int, who.Recipient] = field(default_factory=dict)

    def for_role(self, session: Session, task: Any, plan: Any, role: str) -> list[who.Recipient]:
        """``recipients.for_role``; its bodies are in the session already (``agencies``)."""
        key = (role, task.lead_id, plan.id)
        if key not in self._by_role:
            self._by_role[key] = who.for_role(session, task, plan, role)
        return self._by_role[key]

    def partners(self, task: Any) -> list[who.Recipient]:
        found = []
        for agency_id in self.partner_ids.get(task.id, ()):
            if agency_id not in self._partner:
                agency = self.agencies.get(agency_id)
                self._partner[agency_id] = who.agency_recipient(agency, "partner")
            found.append(self._partner[agency_id])
        return found


def load_firing_world(session: Session, alarms: Sequence[Any]) -> FiringWorld:
    """Four queries: the alarms' tasks, their plans, their partners, every body named."""
    task_ids = {a.task_id for a in alarms}
    tasks = {
        t.id: t
        for t in records(
            session.execute(
                select(
                    TASKS.c.id,
                    TASKS.c.plan_id,
                    TASKS.c.status,
                    TASKS.c.deadline_version,
                    TASKS.c.due,
                    TASKS.c.lead_id,
                    TASKS.c.escalation_policy,
                ).where(among(session, TASKS.c.id, task_ids))
            )
        )
    }
    plans = {
        p.id: p
        for p in records(
            session.execute(
                select(
                    PLANS.c.id,
                    PLANS.c.status,
                    PLANS.c.coordinator_id,
                    PLANS.c.leadership_emails,
                    PLANS.c.escalation_days,
                ).where(among(session, PLANS.c.id, {t.plan_id for t in tasks.values()}))
            )
        )
    }
    partner_ids: dict[int, list[int]] = defaultdict(list)
    for task_id, agency_id in session.execute(
        select(TaskPartner.task_id, TaskPartner.agency_id)
        .where(among(session, col(TaskPartner.task_id), task_ids))
        .order_by(col(TaskPartner.task_id), col(TaskPartner.agency_id))
    ):
        partner_ids[task_id].append(agency_id)
    named = {t.lead_id for t in tasks.values()} | {p.coordinator_id for p in plans.values()}
    named |= {a for ids in partner_ids.values() for a in ids}
    agencies = _agencies(session, named - {None})
    return FiringWorld(tasks, plans, agencies, dict(partner_ids))


def _agencies(session: Session, ids: Iterable[int]) -> dict[int, Agency]:
    """The bodies, as ORM rows held by the returned dict (so ``session.get`` finds them)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(select(Agency).where(among(session, col(Agency.id), wanted))).all()
    return {a.id: a for a in rows if a.id is not None}


@dataclass
class ComposeWorld:
    """What composing a sweep's notices reads, by id, as records (not ORM objects): their tasks,
    the plans and bodies those name, the history events told back, and what was already sent
    about each escalated task (``previous_sends_by_task``)."""

    tasks: dict[int, Any]
    plans: dict[int, Any]
    agencies: dict[int, Any]
    events: dict[int, Any]
    sends: dict[int, list[Any]]


def load_for_composing(session: Session, notices: Sequence[Any]) -> ComposeWorld:
    """One SELECT per table, whatever the number of notices."""
    tasks = rows_by_id(
        session,
        TASKS,
        {n.task_id for n in notices},
        "plan_id text kind lead_id due due_inferred status deadline_version completed_at"
        " completed_late",
    )
    plans = rows_by_id(
        session, PLANS, {t.plan_id for t in tasks.values()}, "number title issuer coordinator_id"
    )
    named = {t.lead_id for t in tasks.values()} | {n.agency_id for n in notices}
    named |= {p.coordinator_id for p in plans.values()}
    agencies = rows_by_id(session, AGENCIES, named - {None}, "name")
    changes = {n.step for n in notices if n.kind.startswith(CHANGE_PREFIX)}
    events = rows_by_id(session, EVENTS, changes, "detail")
    escalated = {n.task_id for n in notices if n.kind == "escalation"}
    return ComposeWorld(tasks, plans, agencies, events, previous_sends_by_task(session, escalated))


def rows_by_id(session: Session, table: Any, ids: Iterable[int], columns: str) -> dict[int, Any]:
    """The rows of ``table`` with ``ids`` (its id and the space-separated ``columns``)."""
    wanted = set(ids)
    if not wanted:
        return {}
    picked = [table.c.id, *(table.c[name] for name in columns.split())]
    rows = records(session.execute(select(*picked).where(among(session, table.c.id, wanted))))
    return {r.id: r for r in rows}


def previous_sends_by_task(session: Session, task_ids: Iterable[int]) -> dict[int, list[Any]]:
    """What was already sent about each task, oldest first (rows of the notice's kind and step,
    the message's sent_at and recipient): one query."""
    wanted = set(task_ids)
    found: dict[int, list[Any]] = defaultdict(list)
    if not wanted:
        return found
    rows = records(
        session.execute(
            select(
                NOTICES.c.task_id,
                NOTICES.c.kind,
                NOTICES.c.step,
                MESSAGES.c.sent_at,
                MESSAGES.c.recipient,
            )
            .join(MESSAGES, NOTICES.c.message_id == MESSAGES.c.id)
            .where(among(session, NOTICES.c.task_id, wanted))
            .where(MESSAGES.c.status == MessageStatus.SENT)
            .order_by(MESSAGES.c.sent_at, MESSAGES.c.id, NOTICES.c.id)
        )
    )
    for row in rows:
        found[row.task_id].append(row)
    return found
