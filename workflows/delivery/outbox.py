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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection, Engine, case, insert, or_, update
from sqlmodel import col, select

from config.settings import get_settings
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


def claim(
    engine: Engine, worker: str, now: datetime, limit: int = CLAIM_BATCH
) -> list[OutboxMessage]:
    """Claim due rows (pending and due, or sending with an expired lease) for ``worker``, in
    one conditional UPDATE: of two racing workers only one matches a row (on PostgreSQL the
    rows are also picked with SKIP LOCKED, so racing workers take different ones)."""
    due = or_(
        (col(OutboxMessage.status) == MessageStatus.PENDING)
        & (col(OutboxMessage.next_attempt_at) <= now),
        (col(OutboxMessage.status) == MessageStatus.SENDING)
        & (col(OutboxMessage.lease_until) < now),
    )
    picked = select(OutboxMessage.id).where(due).order_by(col(OutboxMessage.id)).limit(limit)
    if is_postgres(engine):
        picked = picked.with_for_update(skip_locked=True)
    claiming = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(picked.scalar_subquery()), due)
        .values(
            status=MessageStatus.SENDING,
            lease_owner=worker,
            lease_until=now + LEASE,
            reclaims=OutboxMessage.reclaims
            + case((col(OutboxMessage.status) == MessageStatus.SENDING, 1), else_=0),
        )
        .returning(OutboxMessage)
    )
    with session_scope(engine) as session:
        claimed = list(session.scalars(claiming))
    return sorted(claimed, key=lambda row: row.id or 0)


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
    calendar: WorkCalendar | None = None,
) -> DeliveryReport:
    """Claim what is due, send it, record each outcome as it comes. Safe to run from several
    processes."""
    worker = worker or worker_name()
    if calendar is None:
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
    """Batch after batch over the same connections, until nothing is due or nothing goes.

    Outcomes are written by one thread, in the order they come: the connection that is
    waiting for its outcome to be committed waits, the others keep sending."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-record") as writer:
        async with SmtpPool(config, concurrency) as pool:
            while batch := await loop.run_in_executor(writer, claim, engine, recorder.worker, now):

                async def record(index: int, outcome: SendOutcome, batch=batch) -> None:
                    await loop.run_in_executor(writer, recorder.record, batch[index], outcome)

                messages = [to_email(r, config, now) for r in batch]
                outcomes = await pool.send(messages, on_outcome=record)
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


OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
ATTEMPTS = DeliveryAttempt.__table__  # type: ignore[attr-defined]


@dataclass
class _Recorder:
    """Writes each outcome in its own short transaction the moment it is known (two or three
    statements, no ORM round trip), so a process killed mid-drain resends only the messages
    in flight: at most one per connection."""

    engine: Engine
    worker: str
    now: datetime
    report: DeliveryReport
    calendar: WorkCalendar

    def record(self, row: OutboxMessage, outcome: SendOutcome) -> None:
        attempted = outcome.status != Outcome.SKIPPED
        attempts = row.attempts + (1 if attempted else 0)
        with self.engine.begin() as conn:
            if attempted:
                conn.execute(insert(ATTEMPTS).values(self._attempt(row, attempts, outcome)))
            changes = self._settle(conn, row, attempts, outcome)
            conn.execute(
                update(OUTBOX)
                # Only while we hold the lease: a row reclaimed meanwhile is the new owner's.
                .where(OUTBOX.c.id == row.id, OUTBOX.c.lease_owner == self.worker)
                .values(
                    attempts=attempts,
                    last_code=outcome.code,
                    last_error=outcome.reply[:500],
                    lease_owner=None,
                    lease_until=None,
                    **changes,
                )
            )

    def _attempt(self, row: OutboxMessage, number: int, outcome: SendOutcome) -> dict:
        return {
            "outbox_id": row.id,
            "number": number,
            "worker": self.worker,
            "started_at": self.now,
            "finished_at": self.now,
            "outcome": outcome.status.value,
            "code": outcome.code,
            "reply": outcome.reply[:500],
            "refused": {r.address: r.code for r in outcome.refusals},
        }

    def _settle(
        self, conn: Connection, row: OutboxMessage, attempts: int, outcome: SendOutcome
    ) -> dict:
        """The row's new status (and what goes with it), counted in the report."""
        report = self.report
        if outcome.delivered and not outcome.refusals:
            report.sent += 1
            report.lines.append(f"  ✓ {row.recipient}: {row.subject}")
            return {"status": MessageStatus.SENT, "sent_at": self.now}
        if outcome.status in (Outcome.PERMANENT, Outcome.PARTIAL):
            _mark_address_problem(conn, row, outcome)
            report.failed += 1
            report.lines.append(f"  ✗ {row.recipient}: {outcome.code} {outcome.reply[:80]}")
            return {"status": MessageStatus.FAILED_PERMANENT}
        if outcome.status == Outcome.AUTH_FAILED:
            report.paused = True
            report.lines.append(f"  ⏸ máy chủ thư từ chối đăng nhập ({outcome.code}): tạm dừng gửi")
            return {"status": MessageStatus.PAUSED}
        if is_superseded(row, self.now):
            report.superseded += 1  # a before-deadline reminder is useless after the deadline
            return {"status": MessageStatus.SUPERSEDED}
        if outcome.status == Outcome.SKIPPED:
            report.retrying += 1  # not an attempt: due again at once
            return {"status": MessageStatus.PENDING, "next_attempt_at": self.now}
        tried = conn.execute(
            select(ATTEMPTS.c.started_at).where(ATTEMPTS.c.outbox_id == row.id)
        ).scalars()
        step = after_failure(
            list(tried),
            self.calendar,
            jitter=random.uniform(1 - RETRY_POLICY.jitter, 1 + RETRY_POLICY.jitter),
        )
        if isinstance(step, GiveUp):
            report.failed += 1
            return {"status": MessageStatus.FAILED_RETRIES, "give_up_at": self.now}
        report.retrying += 1
        return {"status": MessageStatus.PENDING, "next_attempt_at": step.at}


def _mark_address_problem(conn: Connection, row: OutboxMessage, outcome: SendOutcome) -> None:
    if row.agency_id is not None:
        conn.execute(
            update(Agency.__table__)  # type: ignore[attr-defined]
            .where(Agency.__table__.c.id == row.agency_id)  # type: ignore[attr-defined]
            .values(address_problem=f"{row.recipient}: {outcome.code} {outcome.reply[:200]}")
        )


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
