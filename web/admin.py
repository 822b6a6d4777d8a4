"""Accounts from the command line: the first coordinator, then anyone (no default password).

``kehoach user add --role coordinator EMAIL`` (prompting for the password) calls
:func:`create_user`; an agency account names its body (``--agency "Phòng Y tế"``). A coordinator
may name one too: it then manages only the plans that body coordinates (``web.scope``); without
one it manages every plan (the standing office, the administrator).
"""

from __future__ import annotations

from sqlmodel import Session, select

from models.db import session_scope
from models.users import Role, User
from notifications.message import HeaderInjectionError, check_address
from web.auth import end_user_sessions
from web.security import check_password_strength, hash_password
from workflows.registry.agencies import UnknownAgencyError, find_agency
from workflows.runners import clock
from workflows.runners.runtime import database, registry


class AccountError(ValueError):
    """An account that cannot be created; the message says why, in Vietnamese."""


def create_user(
    database_url: str | None, email: str, role: str, agency: str | None, password: str
) -> int:
    """Create an account and return its id. Agency accounts must name their body; a coordinator
    naming one is limited to that body's plans; a leader's body is not kept."""
    try:
        role = Role(role).value
    except ValueError as error:
        raise AccountError(f"Vai trò «{role}» không có (coordinator, agency, leader).") from error
    try:
        address = check_address(email.strip().lower())
    except HeaderInjectionError as error:
        raise AccountError(f"Địa chỉ thư không hợp lệ: «{email}».") from error
    check_password_strength(password)
    if role == Role.AGENCY and not (agency and agency.strip()):
        raise AccountError("Tài khoản cơ quan phải ghi rõ cơ quan (--agency).")
    with session_scope(database(database_url)) as session:
        body = agency if role in (Role.AGENCY, Role.COORDINATOR) and agency else None
        return _insert(session, address, role, body, password)


def _insert(session: Session, email: str, role: str, agency: str | None, password: str) -> int:
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise AccountError(f"Đã có tài khoản {email}.")
    agency_id = None
    if agency:
        try:
            agency_id = find_agency(session, agency, registry()).id
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


def _account(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or user.id is None:
        raise AccountError(f"Không có tài khoản {email}.")
    return user


def set_password(database_url: str | None, email: str, password: str) -> None:
    """A new password; every session of the account ends (log in again with the new one)."""
    check_password_strength(password)
    with session_scope(database(database_url)) as session:
        user = _account(session, email)
        user.password_hash = hash_password(password)
        session.add(user)
        end_user_sessions(session, user.id)  # type: ignore[arg-type]


def set_active(database_url: str | None, email: str, active: bool) -> None:
    """Disable (every session ends at once) or enable again an account."""
    with session_scope(database(database_url)) as session:
        user = _account(session, email)
        user.active = active
        session.add(user)
        if not active:
            end_user_sessions(session, user.id)  # type: ignore[arg-type]
