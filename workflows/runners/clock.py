"""The app's one clock. Everything below takes ``now`` as an argument; only entry points call this.

``KEHOACH_NOW`` (an ISO datetime) shifts the clock for a whole process: the scheduler tests run
``kehoach serve`` with it, and ``kehoach remind --now`` does the same for one sweep.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from workflows.rules.timefmt import LOCAL_TZ

_started = datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """An ISO date or datetime; a naive value is local time (Asia/Ho_Chi_Minh)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def now() -> datetime:
    """Aware UTC now, shifted by ``KEHOACH_NOW`` when set (time keeps flowing from there)."""
    return datetime.now(UTC) + offset()


def offset() -> timedelta:
    """How far the app clock is ahead of the wall clock (zero unless ``KEHOACH_NOW`` is set)."""
    shifted = os.environ.get("KEHOACH_NOW")
    return parse_instant(shifted) - _started if shifted else timedelta(0)
