"""Accounts, from the command line and from the coordinator's accounts page: one set of rules.

``kehoach user add --role coordinator EMAIL`` (prompting for the password) calls
:func:`create_user`; an agency account names its body (``--agency "Phòng Y tế"``). A coordinator
may name one too: it then manages only the plans that body coordinates (``web.scope``); without
one it manages every plan (the standing office, the administrator) and the accounts.

The web page adds an account without a password anyone knows and hands the coordinator a
one-time link (:func:`issue_reset`, 48 hours) for its owner to set one (:func:`use_reset`);
using it ends every session of the account. Neither side may leave the site without an
administrator: the last active coordinator without a body is never disabled, and nobody
disables themselves from the web.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, func, select, update

from models.agencies import Agency
from models.db import session_scope
from models.users import PasswordReset, Role, User
from notifications.message import HeaderInjectionError, check_address
from web.auth import end_user_sessions
from web.security import check_password_strength, digest, hash_password, new_token
from workflows.registry.agencies import UnknownAgencyError, find_agency
from workflows.runners import clock
from workflows.runners.runtime import database, registry

RESET_HOURS = 48
RESET_LIFETIME = timedelta(hours=RESET_HOURS)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path


class AccountError(ValueError):
    """An account that cannot be created or changed; the message says why, in Vietnamese."""


def create_user(
    database_url: str | None, email: str, role: str, agency: str | None, password: str
) -> int:
    """Create an account and return its id (see :func:`add_user`)."""
    with session_scope(database(database_url)) as session:
        return add_user(session, email, role, agency, password)


def add_user(session: Session, email: str, role: str, agency: str | None, password: str) -> int:
    """An account's id. Agency accounts must name their body; a coordinator naming one is
    limited to that body's plans; a leader's body is not kept."""
    try:
        role = Role(role).value
    except ValueError as error:
        raise AccountError(
            f"Vai trò «{role[:40]}» không có (coordinator, agency, leader)."
        ) from error
    address = _address(email)
    check_password_strength(password)
    if role == Role.AGENCY and not (agency and _clean(agency)):
        raise AccountError("Tài khoản cơ quan phải ghi rõ cơ quan (--agency).")
    body = _clean(agency) if role in (Role.AGENCY, Role.COORDINATOR) and agency else None
    return _insert(session, address, role, body or None, password)


def _clean(name: str) -> str:
    """A body's name as typed, without control characters (PostgreSQL refuses NUL)."""
    return " ".join(CONTROL.sub(" ", name).split())


def _address(email: str) -> str:
    value = email.strip().lower()
    if not value or len(value) > MAX_EMAIL_LENGTH:
        raise AccountError("Hãy nhập một địa chỉ thư hợp lệ (tối đa 254 ký tự).")
    try:
        return check_address(value)
    except HeaderInjectionError as error:
        raise AccountError(f"Địa chỉ thư không hợp lệ: «{email[:80]}».") from error


def _insert(session: Session, email: str, role: str, agency: str | None, password: str) -> int:
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise AccountError(f"Đã có tài khoản {email}.")
    agency_id = None
    if agency:
        try:
            agency_id = find_agency(session, agency[:300], registry()).id
        except UnknownAgencyError as error:
            raise AccountError(str(error)) from error
    user = User(
        email=email,
        role=role,
        agency_id=agency_id,
        password_hash=hash_password(password),
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    return user.id


def find_user(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or user.id is None:
        raise AccountError(f"Không có tài khoản {email}.")
    return user


def set_password(database_url: str | None, email: str, password: str) -> None:
    """A new password for the account of ``email`` (see :func:`change_password`)."""
    with session_scope(database(database_url)) as session:
        change_password(session, find_user(session, email), password)


def change_password(session: Session, user: User, password: str) -> None:
    """A new password; every session of the account ends (log in again with the new one), and
    every one-time link not yet used."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    session.add(user)
    end_user_sessions(session, user.id)  # type: ignore[arg-type]
    end_links(session, user)


def set_active(database_url: str | None, email: str, active: bool) -> None:
    """Disable or enable the account of ``email`` (see :func:`change_active`)."""
    with session_scope(database(database_url)) as session:
        change_active(session, find_user(session, email), active)


def change_active(session: Session, user: User, active: bool, by: int | None = None) -> None:
    """Disable (every session ends at once) or enable again an account. ``by``: the account
    asking (from the web), which may not disable itself; nobody disables the last active
    coordinator without a body (the one who manages plans and accounts)."""
    if not active and by is not None and user.id == by:
        raise AccountError("Không thể tự khóa tài khoản của chính mình.")
    if not active and user.active and is_administrator(user) and administrators(session) <= 1:
        raise AccountError(
            f"{user.email} là tài khoản điều phối chung cuối cùng còn hoạt động: hãy tạo "
            "(hoặc mở lại) một tài khoản điều phối chung khác trước khi khóa."
        )
    user.active = active
    session.add(user)
    if not active:
        end_user_sessions(session, user.id)  # type: ignore[arg-type]
        end_links(session, user)


def is_administrator(user: User) -> bool:
    """A coordinator without a body: every plan, and the accounts."""
    return user.role == Role.COORDINATOR and user.agency_id is None


def administrators(session: Session) -> int:
    """Active coordinators without a body."""
    query = select(func.count()).where(
        User.role == Role.COORDINATOR,
        col(User.agency_id).is_(None),
        User.active == True,  # noqa: E712
    )
    return int(session.exec(query).one())


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    role: str
    agency_name: str | None
    active: bool
    created_at: datetime


def accounts(session: Session) -> list[AccountRow]:
    """Every account, by role then address."""
    rows = session.exec(
        select(User, Agency.name)
        .join(Agency, col(Agency.id) == User.agency_id, isouter=True)
        .order_by(col(User.role), col(User.email), col(User.id))
    ).all()
    return [
        AccountRow(u.id or 0, u.email, u.role, name, u.active, u.created_at) for u, name in rows
    ]


class ResetState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    DISABLED = "disabled"


# What a link that cannot be used says, to the person who opened it.
RESET_REFUSALS = {
    ResetState.UNKNOWN: "Liên kết đặt mật khẩu không đúng hoặc không còn trong hệ thống.",
    ResetState.USED: (
        "Liên kết này đã được dùng để đặt mật khẩu; mỗi liên kết chỉ dùng được một lần. "
        "Nếu cần đặt lại, hãy đề nghị cơ quan điều phối cấp liên kết mới."
    ),
    ResetState.SUPERSEDED: (
        "Liên kết này không còn hiệu lực: đã có liên kết mới hơn, mật khẩu đã được đặt lại "
        "hoặc tài khoản đã bị khóa. Hãy dùng liên kết mới nhất, hoặc đề nghị cơ quan điều phối "
        "cấp liên kết mới."
    ),
    ResetState.EXPIRED: (
        f"Liên kết này đã hết hạn (chỉ có giá trị {RESET_HOURS} giờ). "
        "Hãy đề nghị cơ quan điều phối cấp liên kết mới."
    ),
    ResetState.DISABLED: "Tài khoản này đang bị khóa: hãy liên hệ cơ quan điều phối.",
}


def reset_url(base_url: str, token: str) -> str:
    """The page where a one-time link's holder sets the password."""
    return f"{base_url.rstrip('/')}/reset/{token}"


def password_link(database_url: str | None, email: str, base_url: str) -> str:
    """A one-time link for the account of ``email`` (``kehoach user link``)."""
    with session_scope(database(database_url)) as session:
        token = issue_reset(session, find_user(session, email), "dòng lệnh", clock.now())
    return reset_url(base_url, token)


def issue_reset(session: Session, user: User, actor: str, now: datetime) -> str:
    """A one-time link's secret for ``user`` (the table keeps only its digest); the account's
    earlier unused links stop working."""
    if not user.active:
        raise AccountError(f"Tài khoản {user.email} đang bị khóa: hãy mở lại trước.")
    end_links(session, user)
    token = new_token()
    session.add(
        PasswordReset(
            token_hash=digest(token),
            user_id=user.id,  # type: ignore[arg-type]
            created_by=actor[:400],
            created_at=now,
            expires_at=now + RESET_LIFETIME,
        )
    )
    return token


def end_links(session: Session, user: User) -> None:
    """The account's unused one-time links stop working (a newer one, a new password, the
    account disabled)."""
    session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(superseded=True)
    )


def reset_link(
    session: Session, token: str, now: datetime
) -> tuple[ResetState, PasswordReset | None, User | None]:
    """What a link's secret opens, and whether it may still be used."""
    if not token or len(token) > 100:
        return ResetState.UNKNOWN, None, None
    reset = session.get(PasswordReset, digest(token))
    user = session.get(User, reset.user_id) if reset else None
    if reset is None or user is None:
        return ResetState.UNKNOWN, None, None
    if reset.used_at is not None:
        state = ResetState.USED
    elif reset.superseded:
        state = ResetState.SUPERSEDED
    elif reset.expires_at <= now:
        state = ResetState.EXPIRED
    elif not user.active:
        state = ResetState.DISABLED
    else:
        state = ResetState.VALID
    return state, reset, user


def use_reset(session: Session, token: str, password: str, again: str, now: datetime) -> str:
    """Set the password through a one-time link (once); every session of the account ends.
    Returns the account's address; an unusable link or a refused password raises
    :class:`AccountError` (``web.security.WeakPasswordError`` for a weak one)."""
    state, reset, user = reset_link(session, token, now)
    if state != ResetState.VALID or reset is None or user is None:
        raise AccountError(RESET_REFUSALS[state])
    if password != again:
        raise AccountError("Hai lần nhập mật khẩu không khớp.")
    check_password_strength(password)
    claimed = session.exec(
        update(PasswordReset)  # type: ignore[call-overload]
        .where(
            col(PasswordReset.token_hash) == reset.token_hash,
            col(PasswordReset.used_at).is_(None),
            col(PasswordReset.superseded) == False,  # noqa: E712
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # another request used it meanwhile
        raise AccountError(RESET_REFUSALS[ResetState.USED])
    change_password(session, user, password)
    return user.email
