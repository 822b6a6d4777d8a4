"""Tell coordinators which bodies could not be reached, so someone picks up the phone.

Once per day at most, and only when messages failed since the last report to that coordinator:
bounced (5xx), missing or invalid addresses, retries exhausted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import partial

from sqlmodel import Session, col, select

from config.settings import Settings
from models.agencies import Agency
from models.delivery import MessageStatus, Notice, OutboxMessage
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus
from notifications import contexts as c
from workflows.followup.addressees import UNKNOWN_BODY, addressee_name
from workflows.followup.compose import queue_message
from workflows.followup.mail_context import SYSTEM_SENDER, dashboard_url
from workflows.followup.recipients import agency_recipient, is_missing
from workflows.rules.timefmt import local_date

FAILED = (MessageStatus.FAILED_PERMANENT, MessageStatus.FAILED_RETRIES)
KIND = "delivery_problems"


def compose_problems(
    session: Session, settings: Settings, now: datetime, preview: list[str]
) -> int:
    today = local_date(now)
    made = 0
    for coordinator, failed in _failures_by_coordinator(session):
        key = f"{KIND}:{coordinator.id}:{today.isoformat()}"
        last = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == KIND, OutboxMessage.agency_id == coordinator.id)
            .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        ).first()
        if last is not None and (
            last.key == key or not any(m.created_at > last.created_at for m in failed)
        ):
            continue  # reported today already, or nothing new since the last report
        problems = tuple(_problem(session, m, today) for m in failed)
        queue_message(
            session,
            settings,
            now,
            preview,
            key=key,
            kind=KIND,
            recipient=agency_recipient(coordinator, "coordinator").ledger_key,
            agency_id=coordinator.id,
            make_context=partial(
                c.DeliveryProblems,
                addressee=c.Addressee(coordinator.id or 0, coordinator.name),
                as_of=today,
                problems=problems,
                sender_name=SYSTEM_SENDER,
                dashboard_url=dashboard_url(settings),
            ),
        )
        made += 1
    return made


def _failures_by_coordinator(session: Session) -> list[tuple[Agency, list[OutboxMessage]]]:
    rows = session.exec(
        select(OutboxMessage, Plan)
        .join(Notice, col(Notice.message_id) == col(OutboxMessage.id))
        .join(Task, col(Task.id) == col(Notice.task_id))
        .join(Plan, col(Plan.id) == col(Task.plan_id))
        .where(
            col(OutboxMessage.status).in_(FAILED),
            Plan.status == PlanStatus.PUBLISHED,
            col(Plan.coordinator_id).is_not(None),
            OutboxMessage.kind != KIND,
        )
    ).all()
    grouped: dict[int, dict[int, OutboxMessage]] = defaultdict(dict)
    for message, plan in rows:
        grouped[plan.coordinator_id][message.id] = message  # type: ignore[index]
    return [(session.get(Agency, k), list(v.values())) for k, v in grouped.items()]  # type: ignore[misc]


def _problem(session: Session, message: OutboxMessage, today) -> c.DeliveryProblem:
    agency = session.get(Agency, message.agency_id) if message.agency_id else None
    plan_id = (
        message.plan_id
        or session.exec(  # a digest names no plan: its first task's
            select(Task.plan_id)
            .join(Notice, col(Notice.task_id) == Task.id)
            .where(Notice.message_id == message.id)
            .order_by(col(Notice.id))
        ).first()
    )
    plan = session.get(Plan, plan_id) if plan_id else None
    if is_missing(message.recipient):
        kind, address = c.ProblemKind.MISSING, None
    elif message.status == MessageStatus.FAILED_RETRIES:
        kind, address = c.ProblemKind.UNDELIVERED, message.recipient
    else:
        kind, address = c.ProblemKind.BOUNCED, message.recipient
    affected = len(session.exec(select(Notice.id).where(Notice.message_id == message.id)).all())
    return c.DeliveryProblem(
        agency_name=addressee_name(message.recipient, agency, plan) or UNKNOWN_BODY,
        address=address,
        kind=kind,
        detail=message.last_error or "",
        code=message.last_code,
        occurred_on=local_date(message.created_at),
        tasks_affected=affected,
    )
