"""Delivery: when reminders are due (alarms), what was promised (notices), what went out (outbox).

* ``TaskAlarm``: one row per (task, kind, step, deadline version): the instant a reminder or an
  escalation step becomes due. Written when a task is published or its deadline changes; a sweep
  selects the due ones by ``fire_at`` (cost follows due alarms, not all tasks).
* ``Notice``: the ledger of what a body or person must be told, unique per
  (task, kind, step, deadline version, recipient): inserted with "do nothing on conflict".
* ``OutboxMessage``: one email (a digest of notices for one recipient), with a fixed Message-ID,
  claimed with a lease, marked sent only after the server's 250.
* ``DeliveryAttempt``: every attempt, its outcome and SMTP code.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED_PERMANENT = "failed_permanent"  # 5xx or refused recipient: one attempt, shown
    FAILED_RETRIES = "failed_retries"  # transient failures until the retry budget ran out
    SUPERSEDED = "superseded"  # a before-deadline reminder that could not go out in time
    PAUSED = "paused"  # authentication failed: the queue waits for the administrator


class TaskAlarm(SQLModel, table=True):
    __tablename__ = "task_alarm"
    __table_args__ = (
        UniqueConstraint("task_id", "kind", "step", "deadline_version"),
        Index("ix_task_alarm_due", "fired", "fire_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str  # "before-7", "due-day", "overdue-1", "escalation"
    step: int = 0  # escalation step (0 = the body itself)
    deadline_version: int
    fire_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fired: bool = False


class Notice(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("task_id", "kind", "step", "deadline_version", "recipient"),
        Index("ix_notice_unsent", "message_id", "recipient"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str
    step: int = 0
    deadline_version: int
    recipient: str  # email address (lower-case), or "missing:<agency id>"
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    role: str = "body"  # body, head, coordinator, leadership
    message_id: int | None = Field(default=None, foreign_key="outbox_message.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_claim", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # idempotency key of the whole message
    message_id: str = Field(unique=True)  # RFC 5322 Message-ID, fixed before the first attempt
    kind: str  # reminder_digest, escalation, weekly_digest, milestone_report, delivery_problems
    recipient: str
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    plan_id: int | None = Field(default=None, foreign_key="plan.id")
    subject: str
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=MessageStatus.PENDING)
    attempts: int = 0
    reclaims: int = 0  # claimed again after a lease expired: a possible (admitted) duplicate
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    lease_owner: str | None = None
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The instant the drain gave up (the budget is decided from the attempts themselves,
    # workflows.rules.retry); empty while the message may still be tried.
    give_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_code: int | None = None
    last_error: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeliveryAttempt(SQLModel, table=True):
    __tablename__ = "delivery_attempt"
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox_message.id", index=True)
    number: int
    worker: str
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = None  # sent, transient, permanent, partial, auth_failed, ambiguous
    code: int | None = None
    reply: str | None = None
    refused: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class MilestoneSnapshot(SQLModel, table=True):
    """A quarter's milestone report for a plan, frozen when taken: later edits do not change it."""

    __tablename__ = "milestone_snapshot"
    __table_args__ = (UniqueConstraint("plan_id", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: str  # "2024-Q1"
    taken_at: datetime = Field(sa_type=UTCDateTime)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class SweepRun(SQLModel, table=True):
    """Each sweep's start, end and counts: the scheduler's catch-up reads the last one."""

    __tablename__ = "sweep_run"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    now: datetime = Field(sa_type=UTCDateTime)  # the (possibly shifted) instant swept for
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    runner: str = "cli"
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
