"""Coordinators' lists: pending extensions, the delivery log, bounced addresses, the registry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func
from sqlmodel import Session, col, select

from models.agencies import Agency, AgencyAlias
from models.delivery import DeliveryAttempt, MessageStatus, OutboxMessage
from models.followup import Extension, ExtensionStatus
from models.tasks import Task
from workflows.delivery.outbox_view import status_label
from workflows.followup.addressees import message_recipients

PER_PAGE = 50


@dataclass(frozen=True)
class LogRow:
    """One line of the delivery log: the message, its recipient and status in words."""

    message: OutboxMessage
    attempts: int
    recipient: str
    status: str


@dataclass(frozen=True)
class PendingExtension:
    extension: Extension
    task: Task
    lead: str | None


def pending(session: Session, scope: ColumnElement[bool] | None = None) -> list[PendingExtension]:
    """Requests awaiting a decision; ``scope`` (``web.scope.task_scope``) limits their tasks."""
    rows = session.exec(
        select(Extension, Task)
        .join(Task, col(Task.id) == Extension.task_id)
        .where(Extension.status == ExtensionStatus.REQUESTED, *_scoped(scope))
        .order_by(col(Extension.requested_at), col(Extension.id))
    ).all()
    ids = {t.lead_id for _, t in rows if t.lead_id is not None}
    names = dict(session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(ids))).all())
    return [PendingExtension(x, t, names.get(t.lead_id)) for x, t in rows]


def _scoped(scope: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [] if scope is None else [scope]


def recent_decisions(
    session: Session, scope: ColumnElement[bool] | None = None, limit: int = 20
) -> list[Extension]:
    return list(
        session.exec(
            select(Extension)
            .join(Task, col(Task.id) == Extension.task_id)
            .where(Extension.status != ExtensionStatus.REQUESTED, *_scoped(scope))
            .order_by(col(Extension.decided_at).desc(), col(Extension.id).desc())
            .limit(limit)
        ).all()
    )


def delivery_log(
    session: Session, status: str | None, page: int, managed: Select | None = None
) -> tuple[list[LogRow], int]:
    """One page of sent mail, newest first; ``managed`` (plan ids) keeps only those plans' mail."""
    where = []
    if managed is not None:
        where.append(col(OutboxMessage.plan_id).in_(managed))
    if status == "failed":
        where.append(
            col(OutboxMessage.status).in_(
                [MessageStatus.FAILED_PERMANENT, MessageStatus.FAILED_RETRIES]
            )
        )
    elif status in set(MessageStatus):
        where.append(OutboxMessage.status == status)
    total = int(session.exec(select(func.count()).select_from(OutboxMessage).where(*where)).one())
    messages = session.exec(
        select(OutboxMessage)
        .where(*where)
        .order_by(col(OutboxMessage.id).desc())
        .offset((max(page, 1) - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    ids = [m.id for m in messages]
    attempts = dict(
        session.exec(
            select(DeliveryAttempt.outbox_id, func.count())
            .where(col(DeliveryAttempt.outbox_id).in_(ids))
            .group_by(col(DeliveryAttempt.outbox_id))
        ).all()
    )
    names = message_recipients(session, messages)
    rows = [
        LogRow(m, attempts.get(m.id, 0), who, status_label(m.status))
        for m, who in zip(messages, names, strict=True)
    ]
    return rows, total


def bounced(session: Session) -> list[Agency]:
    return list(
        session.exec(
            select(Agency)
            .where(col(Agency.address_problem).is_not(None))
            .order_by(Agency.name, col(Agency.id))
        ).all()
    )


def registry_rows(session: Session) -> dict:
    agencies = session.exec(
        select(Agency)
        .where(col(Agency.merged_into_id).is_(None))
        .order_by(col(Agency.registered), Agency.name, col(Agency.id))
    ).all()
    aliases: dict[int, list[str]] = {}
    for alias in session.exec(select(AgencyAlias)).all():
        aliases.setdefault(alias.agency_id, []).append(alias.folded)
    return {"agencies": list(agencies), "aliases": aliases}
