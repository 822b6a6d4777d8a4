"""Compose ledger notices into emails: one digest per recipient per sweep.

Everything that chases a recipient in one sweep (reminders before the deadline, overdue
notices, escalations about other bodies' overdue work, decisions told back) is one
``reminder_digest``; periodic reports (weekly, quarterly, delivery problems) are composed apart.

Rendering is pure (notifications.render) and the contexts come from ``mail_context``; this
module turns them into outbox rows. A notice whose recipient has no usable address still gets
its message row, failed permanently with the reason, so the coordinator sees it instead of a
silent skip.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from config.settings import Settings
from models.agencies import Agency
from models.delivery import MessageStatus, Notice, OutboxMessage
from models.plans import Plan
from models.tasks import Task
from notifications.render import RenderedEmail, render
from workflows.followup.mail_context import notice_context, recipient_name
from workflows.followup.notices import mark_composed, unsent_by_recipient
from workflows.followup.sweep_loads import load_for_composing


@dataclass
class ComposeCounts:
    messages: int = 0
    missing_address: int = 0


def compose_all(
    session: Session, settings: Settings, now: datetime, counts: ComposeCounts, preview: list[str]
) -> None:
    grouped = unsent_by_recipient(session)
    sends = load_for_composing(session, grouped)
    composed = [
        _compose(session, settings, now, recipient, notices, counts, preview, sends)
        for recipient, notices in grouped.items()
    ]
    mark_composed(session, composed)


def _compose(
    session: Session,
    settings: Settings,
    now: datetime,
    recipient: str,
    notices: list[Notice],
    counts: ComposeCounts,
    preview: list[str],
    sends: Mapping[int, Sequence[tuple[Notice, OutboxMessage]]],
) -> tuple[OutboxMessage, list[Notice]]:
    kind = "reminder_digest"
    ids = ",".join(str(n.id) for n in notices)
    row = queue_message(
        session,
        settings,
        now,
        preview,
        key=f"{kind}:{hashlib.sha256(f'{recipient}|{ids}'.encode()).hexdigest()[:32]}",
        kind=kind,
        recipient=recipient,
        agency_id=notices[0].agency_id,
        make_context=lambda: notice_context(session, settings, now, notices, sends),
        expires_at=_earliest_expiry(notices),
        who=_who(session, notices[0]),
    )
    if row.status == MessageStatus.FAILED_PERMANENT:
        counts.missing_address += 1
    counts.messages += 1
    return row, notices


def _who(session: Session, notice: Notice) -> str:
    """Whom a notice's message addresses, as the sweep report names one without an address."""
    agency = session.get(Agency, notice.agency_id) if notice.agency_id else None
    task = session.get(Task, notice.task_id)
    plan = session.get(Plan, task.plan_id) if task else None
    return recipient_name(agency, notice.role, plan)


def queue_message(
    session: Session,
    settings: Settings,
    now: datetime,
    preview: list[str],
    *,
    key: str,
    kind: str,
    recipient: str,
    agency_id: int | None,
    make_context: Callable[[], object],
    plan_id: int | None = None,
    expires_at: datetime | None = None,
    who: str | None = None,
) -> OutboxMessage:
    """Render email ``kind`` (see ``render_safely``), add its outbox row (see ``new_message``)
    to the session and its line to the sweep's ``preview`` (``who`` names the addressee of a
    message without an address)."""
    row = new_message(
        settings,
        now,
        key=key,
        kind=kind,
        recipient=recipient,
        agency_id=agency_id,
        plan_id=plan_id,
        rendered=render_safely(kind, make_context),
        expires_at=expires_at,
    )
    session.add(row)
    preview.append(preview_line(session, row, who))
    return row


def preview_line(session: Session, row: OutboxMessage, who: str | None = None) -> str:
    """How a sweep's report shows a queued message; one without an address names its body."""
    if not row.recipient.startswith("missing:"):
        return f"  → {row.recipient}: {row.subject}"
    if who is None:
        agency = session.get(Agency, row.agency_id) if row.agency_id else None
        role = row.recipient.split(":")[1]
        plan = session.get(Plan, row.plan_id) if row.plan_id else None
        known = agency is not None or role == "leader"
        who = recipient_name(agency, role, plan) if known else "(không rõ cơ quan)"
    return f"  ! chưa có địa chỉ thư: {who} — {row.subject}"


FAILED_SUBJECT = "(không dựng được thư)"


def render_safely(kind: str, make_context: Callable[[], object]) -> RenderedEmail:
    """Render, or stand in for a message that cannot be built: its row then fails alone
    (see ``new_message``) and the rest of the batch goes out."""
    try:
        return render(kind, make_context())
    except Exception as error:  # a bad context or template must not stop the whole sweep
        reason = f"{type(error).__name__}: {error}"[:400]
        return RenderedEmail(subject=FAILED_SUBJECT, text=reason, html="")


def new_message(
    settings: Settings,
    now: datetime,
    *,
    key: str,
    kind: str,
    recipient: str,
    agency_id: int | None,
    plan_id: int | None,
    rendered: RenderedEmail,
    expires_at: datetime | None = None,
) -> OutboxMessage:
    """An outbox row; one for a missing or invalid address is born failed, with the reason."""
    from notifications.message import message_id_for

    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    row = OutboxMessage(
        key=key,
        message_id=message_id_for(key, domain),
        kind=kind,
        recipient=recipient,
        agency_id=agency_id,
        plan_id=plan_id,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        next_attempt_at=now,
        expires_at=expires_at,
        created_at=now,
    )
    if rendered.subject == FAILED_SUBJECT:
        row.status = MessageStatus.FAILED_PERMANENT
        row.last_error = f"Lỗi dựng thư: {rendered.text}"
    elif recipient.startswith("missing:"):
        row.status = MessageStatus.FAILED_PERMANENT
        row.last_error = "Chưa có địa chỉ thư điện tử hợp lệ cho người nhận này."
    return row


def _earliest_expiry(notices: Iterable[Notice]) -> datetime | None:
    expiries = [n.expires_at for n in notices]
    return None if any(e is None for e in expiries) else min(expiries)  # type: ignore[type-var]
