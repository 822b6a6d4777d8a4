"""Whose pages these are: the issuing body named in every page's header.

``KEHOACH_ORG_NAME`` when set; otherwise the issuer most of the stored plans name (ties: the
one whose first plan came first), read when the app starts and again at most once a minute (a
plan imported by another process shows within that minute); "kehoach" while no plan names one.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from models.plans import Plan

DEFAULT = "kehoach"
log = logging.getLogger("kehoach.web")
REFRESH_SECONDS = 60.0


def most_common_issuer(session: Session) -> str | None:
    count = func.count()
    row = session.exec(
        select(Plan.issuer, count)
        .where(col(Plan.issuer).is_not(None), col(Plan.issuer) != "")
        .group_by(col(Plan.issuer))
        .order_by(count.desc(), func.min(Plan.id), col(Plan.issuer))
        .limit(1)
    ).first()
    return row[0] if row else None


class OrgName:
    """The header's name for one app: configured, or read from the plans and kept a while."""

    def __init__(self, engine: Engine, configured: str) -> None:
        self.engine, self.configured = engine, configured.strip()
        self._lock = threading.Lock()
        self._value, self._read_at = DEFAULT, float("-inf")

    def get(self) -> str:
        if self.configured:
            return self.configured
        with self._lock:
            if time.monotonic() - self._read_at >= REFRESH_SECONDS:
                self._read_at = time.monotonic()
                try:
                    with Session(self.engine) as session:
                        self._value = most_common_issuer(session) or DEFAULT
                except SQLAlchemyError:  # an error page must still render: keep the last name
                    log.warning("could not read the plans' issuer for the header", exc_info=True)
            return self._value
