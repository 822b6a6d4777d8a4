"""Counts and aggregates, kept while the data they read is unchanged.

The overdue board, the scorecards and the task list's totals count over every task (10^5–10^6
in a province); most of them are moved by each change instead (``web.tallies``), the others (a
body's tasks, which partners decide) are counted again. Between two changes the answer is the
same, so it is kept, keyed by its arguments and the database's *change generation*
(``models.generation``): triggers bump it in the same transaction as every write to tasks,
partners, plans and bodies, by the web, the CLI or another process. Reading it costs one tiny
query; any change gives a new generation, so a fresh count. The generation is read before what
it keys: a result can only be newer than its key. Whole pages whose content reads only those
tables are kept too (``web.kept_pages``), served a moment after a change to all but the browser
that made it.
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
STAMP_SQL = text("SELECT sum(n) FROM change_generation")


def data_stamp(session: Session) -> tuple:
    return tuple(session.connection().execute(STAMP_SQL).one())


def data_generation(session: Session) -> int:
    """The change generation as one number: it only grows (what a browser's ``kh_wrote``
    cookie holds, ``web.kept_pages``)."""
    return int(data_stamp(session)[0] or 0)


class Snapshots:
    """A small LRU of aggregate results, thread-safe (handlers run in a thread pool). Right
    after a change every waiting request misses at once: one computes, the others wait for it
    instead of recounting the same aggregate side by side."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}
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
        return self.keep(key, lambda: fn(session, *args, **kwargs))

    def keep(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``key``; the key names everything the value depends on (the
        change generation among them)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._items:  # computed while this one waited
                    self.hits += 1
                    return self._items[key]
            try:
                value = compute()
                with self._lock:
                    self.misses += 1
                    self._items[key] = value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return value
