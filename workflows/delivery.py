"""Drain the outbox: claim with a lease, send, and record every attempt.

A row is marked sent only after the server's 250. A worker that dies after claiming leaves a
lease that expires; the row is claimed again (``reclaims`` counts these: if the death came after
the 250 and before the commit, the mail goes twice with the same Message-ID — the admitted
duplicate window, see README). Each outcome is committed as soon as it is known, so that window
holds at most the messages in flight, one per connection; the connections stay open from one
claimed batch to the next. Transient failures retry with exponential backoff and jitter until
the retry budget of ``workflows.rules.retry`` is spent (in attempts and in sending time, not
through weekends, holidays or downtime); permanent ones stop after one attempt and mark the
body's address as a problem.
"""

from __future__ import annotations

import asyncio
import random
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.db import is_postgres, session_scope
from models.delivery import DeliveryAttempt, MessageStatus, OutboxMessage
from notifications.message import Mailbox, build_message
from notifications.outcomes import Outcome, SendOutcome
from notifications.render import RenderedEmail
from notifications.smtp import SmtpConfig, SmtpPool
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.reminders import is_superseded
from workflows.rules.retry import RETRY_POLICY, GiveUp, after_failure

LEASE = timedelta(minutes=10)
# Rows claimed at once: small enough that a slow server sends them well inside the lease.
CLAIM_BATCH = 50
SENDER_NAME = "Hệ thống theo dõi kế hoạch kehoach"


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
        sender=Mailbox(config.sender, SENDER_NAME),
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
    calendar: WorkCalendar | None = None,
) -> DeliveryReport:
    """Claim what is due, send it, record each outcome as it comes. Safe to run from several
    processes."""
    worker = worker or worker_name()
    if calendar is None:
        from config.settings import get_settings

        calendar = shared_calendar(get_settings().holidays_path)
    report = DeliveryReport()
    _supersede(engine, now, report)
    asyncio.run(
        _drain(engine, config, now, concurrency, _Recorder(engine, worker, now, report, calendar))
    )
    if report.paused:
        _pause_queue(engine)
    return report


async def _drain(
    engine: Engine, config: SmtpConfig, now: datetime, concurrency: int, recorder: _Recorder
) -> None:
    """Batch after batch over the same connections, until nothing is due or nothing goes."""
    async with SmtpPool(config, concurrency) as pool:
        while batch := claim(engine, recorder.worker, now, limit=CLAIM_BATCH):
            outcomes = await pool.send(
                [to_email(r, config, now) for r in batch],
                on_outcome=lambda index, outcome, batch=batch: recorder.record(
                    batch[index], outcome
                ),
            )
            if recorder.report.paused:
                return
            if not any(o.delivered for o in outcomes):
                return  # the server is down or refuses us: try again at the next run


def _supersede(engine: Engine, now: datetime, report: DeliveryReport) -> None:
    """Queued before-deadline reminders past their deadline end here, unsent. Nothing else is
    given up while it waits: the retry budget is only spent by attempts (``rules.retry``)."""
    with session_scope(engine) as session:
        superseded = session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(
                col(OutboxMessage.status) == MessageStatus.PENDING,
                col(OutboxMessage.expires_at) <= now,
            )
            .values(status=MessageStatus.SUPERSEDED)
        )
    report.superseded += max(superseded.rowcount, 0)


@dataclass
class _Recorder:
    """Writes each outcome in its own transaction the moment it is known, so a process killed
    mid-drain resends only the messages in flight (at most one per connection)."""

    engine: Engine
    worker: str
    now: datetime
    report: DeliveryReport
    calendar: WorkCalendar

    def record(self, row: OutboxMessage, outcome: SendOutcome) -> None:
        with session_scope(self.engine) as session:
            current = session.get(OutboxMessage, row.id)
            if outcome.status != Outcome.SKIPPED:
                current.attempts += 1
                session.add(self._attempt(current, outcome))
            current.last_code, current.last_error = outcome.code, outcome.reply[:500]
            current.lease_owner = current.lease_until = None
            self._settle(session, current, outcome)
            session.add(current)

    def _attempt(self, row: OutboxMessage, outcome: SendOutcome) -> DeliveryAttempt:
        return DeliveryAttempt(
            outbox_id=row.id,
            number=row.attempts,
            worker=self.worker,
            started_at=self.now,
            finished_at=self.now,
            outcome=outcome.status.value,
            code=outcome.code,
            reply=outcome.reply[:500],
            refused={r.address: r.code for r in outcome.refusals},
        )

    def _settle(self, session: Session, row: OutboxMessage, outcome: SendOutcome) -> None:
        report = self.report
        if outcome.delivered and not outcome.refusals:
            row.status, row.sent_at = MessageStatus.SENT, self.now
            report.sent += 1
            report.lines.append(f"  ✓ {row.recipient}: {row.subject}")
        elif outcome.status in (Outcome.PERMANENT, Outcome.PARTIAL):
            row.status = MessageStatus.FAILED_PERMANENT
            _mark_address_problem(session, row, outcome)
            report.failed += 1
            report.lines.append(f"  ✗ {row.recipient}: {outcome.code} {outcome.reply[:80]}")
        elif outcome.status == Outcome.AUTH_FAILED:
            row.status = MessageStatus.PAUSED
            report.paused = True
            report.lines.append(f"  ⏸ máy chủ thư từ chối đăng nhập ({outcome.code}): tạm dừng gửi")
        elif is_superseded(row, self.now):
            row.status = MessageStatus.SUPERSEDED  # a before-deadline reminder is useless after it
            report.superseded += 1
        elif outcome.status == Outcome.SKIPPED:
            row.status, row.next_attempt_at = MessageStatus.PENDING, self.now  # not an attempt
            report.retrying += 1
        else:
            self._retry_or_give_up(session, row)

    def _retry_or_give_up(self, session: Session, row: OutboxMessage) -> None:
        session.flush()  # the attempt just added is part of the history
        tried = session.exec(
            select(DeliveryAttempt.started_at).where(DeliveryAttempt.outbox_id == row.id)
        ).all()
        step = after_failure(
            tried,
            self.calendar,
            jitter=random.uniform(1 - RETRY_POLICY.jitter, 1 + RETRY_POLICY.jitter),
        )
        if isinstance(step, GiveUp):
            row.status, row.give_up_at = MessageStatus.FAILED_RETRIES, self.now
            self.report.failed += 1
        else:
            row.status, row.next_attempt_at = MessageStatus.PENDING, step.at
            self.report.retrying += 1


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
