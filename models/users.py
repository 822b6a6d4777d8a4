"""Web-side tables: accounts, server-side sessions, one-time password links, log-in attempts,
calendar feed tokens, evidence files and the source text of uploaded plans.

Secrets are never stored in clear: sessions, password links and feed tokens are kept as SHA-256
digests of the random value the browser (or calendar app) holds; passwords as Argon2id hashes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class Role(StrEnum):
    COORDINATOR = "coordinator"  # the standing body: imports, corrects, publishes, monitors
    AGENCY = "agency"  # one body's staff: only that body's tasks
    LEADER = "leader"  # leadership: reads everything, changes nothing


class User(SQLModel, table=True):
    __tablename__ = "web_user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)  # lower-case
    role: str
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    password_hash: str
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A logged-in browser; rotated at every log-in, deleted at log-out."""

    __tablename__ = "web_session"
    token_hash: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="web_user.id", index=True)
    csrf_token: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class PasswordReset(SQLModel, table=True):
    """A one-time link to set a new password: the browser holds the random value, the table its
    SHA-256. Used once (``used_at``), superseded by a newer link to the same account, or expired."""

    __tablename__ = "password_reset"
    token_hash: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="web_user.id", index=True)
    created_by: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded: bool = False


class LoginAttempt(SQLModel, table=True):
    """Every log-in try, by e-mail and by client address: failures within a window throttle."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_client_at", "client", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    email: str
    client: str
    at: datetime = Field(sa_type=UTCDateTime)
    success: bool = False


class FeedToken(SQLModel, table=True):
    """The secret of one body's iCalendar feed; making a new one revokes the old."""

    __tablename__ = "feed_token"
    token_hash: str = Field(primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked: bool = False


class Evidence(SQLModel, table=True):
    """A file an agency attached to a task as proof of work, stored under data_dir/evidence."""

    __tablename__ = "evidence"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    stored_name: str = Field(unique=True)  # random name on disk; never the user's name
    original_name: str  # cleaned, for display and download only
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime = Field(sa_type=UTCDateTime)


class PlanSource(SQLModel, table=True):
    """The text read from an uploaded document, so a review shows each task's source lines."""

    __tablename__ = "plan_source"
    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    stored_at: datetime = Field(sa_type=UTCDateTime)
