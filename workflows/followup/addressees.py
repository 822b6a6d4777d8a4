"""Who a message is for, in words: the body (or its head, or the plan's leadership) by name.

A notice or outbox row whose recipient has no usable address keeps a marker instead of one
(``recipients.missing_key``: ``missing:<role>:<body id>``); nobody ever reads that marker:
:func:`addressee_label` names the body and says it has no address, on the web, in the CLI and in
sweep reports alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.agencies import Agency
from models.delivery import OutboxMessage
from models.plans import Plan
from workflows.followup.mail_context import recipient_name
from workflows.followup.recipients import is_missing, missing_role

NO_ADDRESS = "chưa có địa chỉ thư"
UNKNOWN_BODY = "(không rõ cơ quan)"


def addressee_name(
    recipient: str, agency: Agency | None, plan: Plan | None, role: str | None = None
) -> str | None:
    """Whom a notice or message is for by name (None: nobody we know). A message without a
    body and with an address is the plan's leadership's."""
    role = role or missing_role(recipient) or ("body" if agency is not None else "leader")
    if agency is None and not (role == "leader" and (plan is not None or is_missing(recipient))):
        return None
    return recipient_name(agency, role, plan)


def addressee_label(
    recipient: str, agency: Agency | None, plan: Plan | None, role: str | None = None
) -> str:
    """How a notice's or message's recipient is shown: "Phòng Y tế <yte@…>", "Thủ trưởng
    Phòng Y tế — chưa có địa chỉ thư", or the bare address when it is nobody's we know."""
    who = addressee_name(recipient, agency, plan, role)
    if is_missing(recipient):
        return f"{who or UNKNOWN_BODY} — {NO_ADDRESS}"
    return f"{who} <{recipient}>" if who else recipient


@dataclass(frozen=True)
class Addressed:
    """What naming one recipient takes: its column, its body, its plan, its role if known."""

    recipient: str
    agency_id: int | None
    plan_id: int | None
    role: str | None = None


def addressee_labels(session: Session, rows: Iterable[Addressed]) -> list[str]:
    """:func:`addressee_label` for many rows, loading their bodies and plans in two queries."""
    rows = list(rows)
    agency_ids = {r.agency_id for r in rows if r.agency_id is not None}
    plan_ids = {r.plan_id for r in rows if r.plan_id is not None}
    agencies = (
        {a.id: a for a in session.exec(select(Agency).where(col(Agency.id).in_(agency_ids))).all()}
        if agency_ids
        else {}
    )
    plans = (
        {p.id: p for p in session.exec(select(Plan).where(col(Plan.id).in_(plan_ids))).all()}
        if plan_ids
        else {}
    )
    return [
        addressee_label(r.recipient, agencies.get(r.agency_id), plans.get(r.plan_id), r.role)
        for r in rows
    ]


def message_recipients(session: Session, messages: Sequence[OutboxMessage]) -> list[str]:
    """Each outbox message's recipient by name (the delivery log, web and CLI)."""
    return addressee_labels(
        session, (Addressed(m.recipient, m.agency_id, m.plan_id) for m in messages)
    )
