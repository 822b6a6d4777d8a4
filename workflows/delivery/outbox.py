"""Drain the outbox: claim with a lease, send, and record every attempt.

A row is marked sent only after the server's 250. A worker that dies after claiming leaves a
lease that expires; the row is claimed again (``reclaims`` counts these: if the death came after
the 250 and before the commit, the mail goes twice with the same Message-ID — the admitted
duplicate window, see README). Transient failures retry with exponential backoff and jitter;
permanent ones stop after one attempt and mark the body's address as a problem.
"""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Engine, or_, update
from sqlmodel import col, select

from config.settings import get_settings
from models.agencies import Agency
from models.db import is_postgres, session_scope
from models.delivery import DeliveryAttempt, MessageStatus, OutboxMessage
from notifications.message import Mailbox, build_message
from notifications.outcomes import Outcome, SendOutcome
from notifications.render import RenderedEmail
from notifications.smtp import SmtpConfig, send_batch_blocking
from workflows.rules.reminders import is_superseded

LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=5)
MAX_RETRY_GAP = timedelta(hours=6)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    superseded: int = 0
    paused: bool = False
    lines: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{random.getrandbits(32):08x}"


def claim(engine: Engine, worker: str, now: datetime, limit: int = 200) -> list[OutboxMessage]:
    """Claim due rows (pending and due, or sending with an expired lease) for ``worker``."""
    due = or_(
        (col(OutboxMessage.status) == MessageStatus.PENDING)
        & (col(OutboxMessage.next_attempt_at) <= now),
        (col(OutboxMessage.status) == MessageStatus.SENDING)
        & (col(OutboxMessage.lease_until) < now),
    )
    claimed: list[OutboxMessage] = []
    with session_scope(engine) as session:
        query = select(OutboxMessage).where(due).order_by(col(OutboxMessage.id)).limit(limit)
        if is_postgres(engine):
            query = query.with_for_update(skip_locked=True)
        for row in session.exec(query).all():
            # The conditional UPDATE is the claim: of two racing workers only one matches.
            result = session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id, due)
                .values(
                    status=MessageStatus.SENDING,
                    lease_owner=worker,
                    lease_until=now + LEASE,
                    reclaims=OutboxMessage.reclaims
                    + (1 if row.status == MessageStatus.SENDING else 0),
                )
            )
            if result.rowcount == 1:
                claimed.append(row)
        for row in claimed:
            session.refresh(row)
    return claimed


def to_email(row: OutboxMessage, config: SmtpConfig, now: datetime) -> EmailMessage:
    rendered = RenderedEmail(subject=row.subject, text=row.body_text, html=row.body_html)
    return build_message(
        rendered,
        sender=Mailbox(config.sender, get_settings().mail_from_name),
        recipients=[Mailbox(row.recipient)],
        idempotency_key=row.key,
        now=now,
    )


def deliver(
    engine: Engine,
    config: SmtpConfig,
    now: datetime,
    *,
    concurrency: int = 4,
    worker: str | None = None,
) -> DeliveryReport:
    """Claim what is due, send it, record the outcomes. Safe to run from several processes."""
    worker = worker or worker_name()
    report = DeliveryReport()
    _expire(engine, now, report)
    while batch := claim(engine, worker, now):
        outcomes = send_batch_blocking(
            [to_email(r, config, now) for r in batch], config, concurrency
        )
        with session_scope(engine) as session:
            for row, outcome in zip(batch, outcomes, strict=True):
                _record(session, row, outcome, worker, now, report)
        if report.paused:
            _pause_queue(engine)
            break
        if not any(o.delivered for o in outcomes):
            break  # the server is down or refuses us: try again at the next run
    return report


def _expire(engine: Engine, now: datetime, report: DeliveryReport) -> None:
    """Queued rows past their use (a before-deadline reminder after the deadline) or past the
    retry budget end here, without one more attempt."""
    waiting = col(OutboxMessage.status) == MessageStatus.PENDING
    with session_scope(engine) as session:
        superseded = session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(waiting, col(OutboxMessage.expires_at) <= now)
            .values(status=MessageStatus.SUPERSEDED)
        )
        exhausted = session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(waiting, col(OutboxMessage.attempts) > 0, col(OutboxMessage.give_up_at) <= now)
            .values(status=MessageStatus.FAILED_RETRIES)
        )
    report.superseded += max(superseded.rowcount, 0)
    report.failed += max(exhausted.rowcount, 0)


def _record(
    session,
    row: OutboxMessage,
    outcome: SendOutcome,
    worker: str,
    now: datetime,
    report: DeliveryReport,
) -> None:
    current = session.get(OutboxMessage, row.id)
    if outcome.status != Outcome.SKIPPED:
        current.attempts += 1
        session.add(
            DeliveryAttempt(
                outbox_id=current.id,
                number=current.attempts,
                worker=worker,
                started_at=now,
                finished_at=now,
                outcome=outcome.status.value,
                code=outcome.code,
                reply=outcome.reply[:500],
                refused={r.address: r.code for r in outcome.refusals},
            )
        )
    current.last_code, current.last_error = outcome.code, outcome.reply[:500]
    current.lease_owner = current.lease_until = None
    if outcome.delivered and not outcome.refusals:
        current.status, current.sent_at = MessageStatus.SENT, now
        report.sent += 1
        report.lines.append(f"  ✓ {current.recipient}: {current.subject}")
    elif outcome.status in (Outcome.PERMANENT, Outcome.PARTIAL):
        current.status = MessageStatus.FAILED_PERMANENT
        _mark_address_problem(session, current, outcome)
        report.failed += 1
        report.lines.append(f"  ✗ {current.recipient}: {outcome.code} {outcome.reply[:80]}")
    elif outcome.status == Outcome.AUTH_FAILED:
        current.status = MessageStatus.PAUSED
        report.paused = True
        report.lines.append(f"  ⏸ máy chủ thư từ chối đăng nhập ({outcome.code}): tạm dừng gửi")
    elif outcome.retryable:
        _schedule_retry(current, now, report)
    session.add(current)


def _schedule_retry(row: OutboxMessage, now: datetime, report: DeliveryReport) -> None:
    if is_superseded(row, now):
        row.status = MessageStatus.SUPERSEDED  # a before-deadline reminder is useless after it
        report.superseded += 1
        return
    if row.give_up_at is not None and now >= row.give_up_at:
        row.status = MessageStatus.FAILED_RETRIES
        report.failed += 1
        return
    gap = min(FIRST_RETRY * 2 ** max(row.attempts - 1, 0), MAX_RETRY_GAP)
    row.status = MessageStatus.PENDING
    row.next_attempt_at = now + gap * random.uniform(0.8, 1.2)
    report.retrying += 1


def _mark_address_problem(session, row: OutboxMessage, outcome: SendOutcome) -> None:
    if row.agency_id is None:
        return
    agency = session.get(Agency, row.agency_id)
    if agency is not None:
        agency.address_problem = f"{row.recipient}: {outcome.code} {outcome.reply[:200]}"
        session.add(agency)


def _pause_queue(engine: Engine) -> None:
    """An authentication failure stops the whole queue until an administrator resumes it."""
    with session_scope(engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(col(OutboxMessage.status) == MessageStatus.PENDING)
            .values(status=MessageStatus.PAUSED)
        )


def resume_paused(engine: Engine, now: datetime) -> int:
    """After the administrator fixed the SMTP credentials: paused rows go back to the queue."""
    with session_scope(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(col(OutboxMessage.status) == MessageStatus.PAUSED)
            .values(status=MessageStatus.PENDING, next_attempt_at=now)
        )
        return result.rowcount
