"""Accounts and server-side sessions: log-in with throttling, rotation, log-out.

The browser holds a random session token in an HttpOnly cookie; the database keeps its SHA-256
with the user and a per-session CSRF token. Every log-in makes a new session (the old one, if
any, is deleted), so a token planted before log-in is worthless after it. A password change and
disabling an account delete every session of that account (:func:`end_user_sessions`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam
from sqlmodel import Session, col, delete, func, select

from models.agencies import Agency
from models.users import LoginAttempt, Role, User, WebSession
from web.security import digest, new_token, verify_password

SESSION_LIFETIME = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT_AND_CLIENT = 5
MAX_FAILURES_PER_CLIENT = 20
# A browser that has logged in to an account carries a random device cookie; its attempts on
# that account are counted under the device, not under the (perhaps shared) address.
DEVICE_PREFIX = "device:"
DEVICE_LIFETIME = timedelta(days=365)


ROLE_LABELS = {Role.COORDINATOR: "Điều phối", Role.AGENCY: "Cơ quan", Role.LEADER: "Lãnh đạo"}


def role_label(role: str) -> str:
    """An account's role as pages and the CLI say it."""
    return ROLE_LABELS.get(role, "Không rõ vai trò")  # type: ignore[call-overload]


@dataclass(frozen=True)
class CurrentUser:
    """Who is asking, as every page and check sees it."""

    id: int
    email: str
    role: str
    agency_id: int | None
    agency_name: str | None
    csrf_token: str
    session_hash: str

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def plan_scoped(self) -> bool:
        """A coordinator with a body manages only the plans that body coordinates."""
        return self.is_coordinator and self.agency_id is not None

    @property
    def access(self) -> str:
        """What route guards check: the role, or ``plan_coordinator`` for a scoped coordinator."""
        return "plan_coordinator" if self.plan_scoped else self.role

    @property
    def is_agency(self) -> bool:
        return self.role == Role.AGENCY

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def actor(self) -> str:
        """How history names this user."""
        return f"{self.email} ({self.agency_name})" if self.agency_name else self.email

    @property
    def seen_as(self) -> CurrentUser:
        """What a page shared by many users may show of this one: its role, body and scope,
        not the account, its session or its CSRF token (``web.kept_pages``)."""
        return replace(self, id=0, email="", csrf_token="", session_hash="")


# Who holds a session: one statement, built once (every request of a logged-in user runs it).
_HOLDER = (
    select(
        WebSession.expires_at,
        WebSession.csrf_token,
        WebSession.token_hash,
        User.id,
        User.email,
        User.role,
        User.agency_id,
        User.active,
        Agency.name,
    )
    .join(User, col(User.id) == WebSession.user_id)
    .join(Agency, col(Agency.id) == User.agency_id, isouter=True)
    .where(WebSession.token_hash == bindparam("token_hash"))
)


def load_user(session: Session, token: str | None, now: datetime) -> CurrentUser | None:
    if not token or len(token) > 200:
        return None
    row = session.connection().execute(_HOLDER, {"token_hash": digest(token)}).first()
    if row is None:
        return None
    expires_at, csrf, token_hash, user_id, email, role, agency_id, active, agency_name = row
    if expires_at <= now or not active:
        return None
    return CurrentUser(
        id=user_id,
        email=email,
        role=role,
        agency_id=agency_id,
        agency_name=agency_name if agency_id else None,
        csrf_token=csrf,
        session_hash=token_hash,
    )


def known_device(session: Session, email: str, device: str | None) -> str | None:
    """The throttle key of this browser's device cookie, if the browser has logged in to this
    account before (None: a stranger's browser, or no cookie)."""
    if not device or len(device) > 100:
        return None
    key = DEVICE_PREFIX + digest(device)
    enrolled = session.exec(
        select(LoginAttempt.id).where(
            LoginAttempt.email == email,
            LoginAttempt.client == key,
            LoginAttempt.success == True,  # noqa: E712
        )
    ).first()
    return key if enrolled is not None else None


def throttled(session: Session, email: str, address: str, key: str, now: datetime) -> bool:
    """Too many recent failures for this account from this client (``key``: its enrolled
    device, or else its address), or, for a browser not enrolled, from this address on any
    account.

    No limit counts an account's failures from everyone: a stranger typing a leader's address
    locks out only their own browser and address, never a browser the leader has logged in with.
    """
    since = now - THROTTLE_WINDOW

    def failures(*where: ColumnElement[bool]) -> int:
        query = select(func.count()).where(
            *where,
            col(LoginAttempt.at) >= since,
            LoginAttempt.success == False,  # noqa: E712
        )
        return int(session.exec(query).one())

    if failures(LoginAttempt.email == email, LoginAttempt.client == key) >= (
        MAX_FAILURES_PER_ACCOUNT_AND_CLIENT
    ):
        return True
    enrolled = key != address  # not held back by what strangers on a shared address typed
    return not enrolled and failures(LoginAttempt.client == address) >= MAX_FAILURES_PER_CLIENT


def authenticate(
    session: Session, email: str, password: str, client: str, now: datetime
) -> User | None:
    """The active user with these credentials, recording the attempt under ``client`` (the
    throttle key) either way."""
    email = email.strip().lower()[:320]
    user = session.exec(select(User).where(User.email == email)).first()
    ok = verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(email=email, client=client[:100], at=now, success=ok))
    return user if ok else None


def enrol_device(session: Session, email: str, device: str, now: datetime) -> None:
    """Remember that the browser holding ``device`` logged in to ``email`` (see
    :func:`known_device`)."""
    key = DEVICE_PREFIX + digest(device)
    session.add(LoginAttempt(email=email, client=key, at=now, success=True))


def start_session(
    session: Session, user_id: int, old_token: str | None, now: datetime
) -> tuple[str, str]:
    """A fresh session (token, csrf) for ``user_id``; the previous one is deleted."""
    if old_token:
        end_session(session, old_token)
    session.exec(delete(WebSession).where(col(WebSession.expires_at) <= now))  # type: ignore[call-overload]
    token, csrf = new_token(), new_token()
    session.add(
        WebSession(
            token_hash=digest(token),
            user_id=user_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token, csrf


def end_session(session: Session, token: str) -> None:
    session.exec(delete(WebSession).where(WebSession.token_hash == digest(token)))  # type: ignore[call-overload]


def end_user_sessions(session: Session, user_id: int) -> None:
    """Log ``user_id`` out everywhere (its password changed, or the account was disabled)."""
    session.exec(delete(WebSession).where(col(WebSession.user_id) == user_id))  # type: ignore[call-overload]
