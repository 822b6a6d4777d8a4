"""Secret iCalendar feed URLs, one live token per body (making a new one revokes the old)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select, update

from models.users import FeedToken
from web.security import digest, new_token


def new_feed_token(session: Session, agency_id: int, now: datetime) -> str:
    """A fresh secret for ``agency_id``'s feed; only its digest is stored, so show it now."""
    session.exec(  # type: ignore[call-overload]
        update(FeedToken).where(col(FeedToken.agency_id) == agency_id).values(revoked=True)
    )
    token = new_token()
    session.add(FeedToken(token_hash=digest(token), agency_id=agency_id, created_at=now))
    return token


def feed_agency(session: Session, token: str) -> int | None:
    if not token or len(token) > 100:
        return None
    row = session.exec(
        select(FeedToken).where(FeedToken.token_hash == digest(token), FeedToken.revoked == False)  # noqa: E712
    ).first()
    return row.agency_id if row else None


def has_feed(session: Session, agency_id: int) -> FeedToken | None:
    return session.exec(
        select(FeedToken).where(FeedToken.agency_id == agency_id, FeedToken.revoked == False)  # noqa: E712
    ).first()
