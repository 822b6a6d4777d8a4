"""Plans and what hangs off them besides tasks: sections, targets, warnings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import PlanStatus, UTCDateTime


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    identity: str = Field(unique=True, index=True)  # folded number+issuer, or title+year
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_on: date | None = None
    year: int | None = None
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    budget_vnd: int | None = Field(default=None, sa_type=BigInteger)
    signer: str | None = None
    coordinator_id: int | None = Field(default=None, foreign_key="agency.id")
    leadership_emails: str | None = None  # comma-separated; editable
    # Per-plan overrides of the reminder policy (None: the global settings apply).
    reminder_offsets: str | None = None
    escalation_days: str | None = None
    parent_number: str | None = Field(default=None, index=True)
    parent_id: int | None = Field(default=None, foreign_key="plan.id")
    status: str = Field(default=PlanStatus.DRAFT)
    revision: int = 1
    source_name: str = ""
    source_sha256: str = ""
    bases: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PlanSection(SQLModel, table=True):
    __tablename__ = "plan_section"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str
    label: str
    title: str
    line: int
    parent_key: str | None = None


class Target(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    section: str
    line: int
    text: str
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    due: date | None = None


class PlanEvent(SQLModel, table=True):
    """The plan's own history: a coordinator's corrections to its header (number, dates,
    period, coordinator body, leadership). Re-imports keep the corrected fields."""

    __tablename__ = "plan_event"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    kind: str  # "corrected"
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class PlanWarning(SQLModel, table=True):
    __tablename__ = "plan_warning"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    revision: int
    message: str
