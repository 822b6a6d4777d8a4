"""Deadlines in force, extension requests and used action links."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class ExtensionStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    CLOSED = "closed"  # the task was done before anyone decided


class DeadlineChange(SQLModel, table=True):
    """Every change of a task's deadline, kept: the version is part of every reminder's key."""

    __tablename__ = "deadline_change"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    version: int
    old_due: date | None = None
    new_due: date | None = None
    reason: str
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)


class Extension(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    requested_due: date
    reason: str
    requested_by: str
    requested_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=ExtensionStatus.REQUESTED, index=True)
    decided_by: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str | None = None


class UsedLink(SQLModel, table=True):
    """Signed action links are single-use: the token id is recorded when the action is applied."""

    __tablename__ = "used_link"
    jti: str = Field(primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    action: str
    used_at: datetime = Field(sa_type=UTCDateTime)
