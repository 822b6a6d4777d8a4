"""Leadership's aggregates, kept while the data they read is unchanged.

The overdue board and the scorecards count over every open task (10^5–10^6 in a province): a
few hundred milliseconds of SQL each time. Between two changes the answer is the same, so it is
kept, keyed by its arguments and a *stamp* of the data: the newest task event (every change of
status, deadline, assignment or text writes one), the newest task (imports, recurring
expansion) and the published plans (publishing). The stamp costs one indexed lookup; any
change, by the web, the CLI or another process, gives a new stamp and so a fresh count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session

T = TypeVar("T")
STAMP_SQL = text(
    "SELECT (SELECT max(id) FROM task_event), (SELECT max(id) FROM task), "
    "(SELECT count(*) FROM plan WHERE status = 'published'), "
    "(SELECT max(published_at) FROM plan)"
)


def data_stamp(session: Session) -> tuple:
    return tuple(str(v) for v in session.connection().execute(STAMP_SQL).one())


class Snapshots:
    """A small LRU of aggregate results, thread-safe (handlers run in a thread pool)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(
        self,
        session: Session,
        stamp: tuple,
        today: date,
        fn: Callable[..., T],
        *args: Any,
        **kwargs: Any,
    ) -> T:
        """``fn(session, *args, **kwargs)``, computed once per (arguments, today, stamp)."""
        key = (fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())), today, stamp)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = fn(session, *args, **kwargs)
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
