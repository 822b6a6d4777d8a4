"""The board's figures and the task list's totals, kept per view and moved by each change
instead of recounted.

A *tally* holds one view's counts per key (``web.queries_board``: the board by body or by plan,
the scorecards, quarterly progress; ``web.queries_tasks.Listed``: how many tasks a filter of the
list matches) and the position in the change log (``models.deltas``) they
reflect. On a request it reads the log rows after that position (an index range, a handful of
rows), nets them per task facts, and adds each one's ``contribution`` times its sign: the same
pure classification the view's SQL counts with. It recounts only when it has no counts yet, on
a reset row (a plan or a body changed: published plans, names), when the log was pruned past its
position, or when more than ``MAX_DELTAS`` rows wait (a bulk change: counting is cheaper).

The oldest deadline of a key cannot be taken back by subtraction: when a removal hits it (and no
addition brings an equal or older one), that key's minimum is asked again (one indexed query).

Every worker process keeps its own tallies and reads the same log. A tally moves under its lock
and only forward, from the request's own snapshot (SQLite's transaction; REPEATABLE READ on
PostgreSQL, as GET pages read): a request whose snapshot is older than the tally's is served the
newer figures. A PostgreSQL session that reads committed data per statement gets a REPEATABLE
READ session of its own for the tally.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Engine, func, or_, text
from sqlmodel import Session, col, select

from models.deltas import TaskDelta, TaskDeltaPruned
from web.queries_board import Counts, Facts, Key, View
from web.snapshots import data_stamp

MAX_DELTAS = 20_000
_VERSIONS = itertools.count(1)  # unique in the process: a version names one set of rows


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def _one_snapshot(session: Session) -> Iterator[Session]:
    """A session whose statements all read one snapshot: SQLite's transaction does, and so does
    a REPEATABLE READ one on PostgreSQL (GET pages, ``web.readers``); else a session of its own."""
    isolation = session.connection().get_execution_options().get("isolation_level")
    if not _postgres(session) or isolation == "REPEATABLE READ":
        yield session
        return
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with Session(bind=conn) as own:
            yield own
        conn.rollback()


# Read by every tally a request moves: built once.
_SQLITE_HEAD = select(func.max(TaskDelta.seq))
_PRUNED_UPTO = select(TaskDeltaPruned.upto).where(TaskDeltaPruned.slot == 0)


def _head(session: Session) -> tuple[int | str, int]:
    """The log position this snapshot reflects, and how far the log was pruned."""
    if _postgres(session):
        row = session.connection().execute(
            text("SELECT pg_current_snapshot()::text, upto FROM task_delta_pruned WHERE slot = 0")
        )
        position, upto = row.one()
        return position, int(upto)
    seq = session.exec(_SQLITE_HEAD).one()
    upto = session.exec(_PRUNED_UPTO).one()
    return int(seq or 0), int(upto)


def _xmin(snapshot: str) -> int:
    return int(snapshot.split(":", 1)[0])


def _unseen(snapshot: str) -> ColumnElement[bool]:
    """The log rows a PostgreSQL snapshot ``xmin:xmax:xip,…`` does not see: those of the
    transactions still running when it was taken, or begun after (two index lookups, however
    old the oldest running transaction of the cluster)."""
    _, xmax, running = snapshot.split(":")
    after = col(TaskDelta.xid) >= int(xmax)
    ids = [int(x) for x in running.split(",") if x]
    return or_(after, col(TaskDelta.xid).in_(ids)) if ids else after


def _lost(position: int | str, upto: int) -> bool:
    """Whether rows after ``position`` may have been pruned."""
    return (_xmin(position) if isinstance(position, str) else position) < upto


def _since(session: Session, position: int | str, limit: int) -> list[tuple[int, Facts]]:
    query = select(
        TaskDelta.sign,
        TaskDelta.lead_id,
        TaskDelta.plan_id,
        TaskDelta.status,
        TaskDelta.due,
        TaskDelta.completed_late,
    ).limit(limit)
    if isinstance(position, str):
        query = query.where(_unseen(position))
    else:
        query = query.where(col(TaskDelta.seq) > position)
    return [(r[0], Facts(*r[1:])) for r in session.exec(query).all()]


def _running(snapshot: str) -> tuple[int, set[int]]:
    _, xmax, running = snapshot.split(":")
    return int(xmax), {int(x) for x in running.split(",") if x}


def _sees_all_of(a: str, b: str) -> bool:
    """Whether PostgreSQL snapshot ``a`` sees every transaction ``b`` sees: what ``a`` takes for
    running, ``b`` took for running or had not seen begin (true of any snapshot taken later)."""
    xmax_a, running_a = _running(a)
    xmax_b, running_b = _running(b)
    return xmax_a >= xmax_b and all(x in running_b or x >= xmax_b for x in running_a)


def _newer(position: int | str, kept: int | str | None) -> bool:
    """Whether a snapshot at ``position`` sees more than the tally's at ``kept``: a request
    whose snapshot is older (taken before the tally last moved) is served the newer figures."""
    if kept is None:
        return True
    if isinstance(position, str) and isinstance(kept, str):
        return position != kept and _sees_all_of(position, kept)
    return position > kept  # type: ignore[operator]


@dataclass
class Tally:
    view: View
    position: int | str | None = None
    plans: frozenset[int] | None = frozenset()  # the view's (``View.plans``) at the recount
    counts: Counts = field(default_factory=dict)
    oldest: dict[Key, date] = field(default_factory=dict)
    names: dict[Key, str] = field(default_factory=dict)
    shown: list = field(default_factory=list)
    version: int = 0
    basis: int = 0  # a version of its last recount, hence of the plans and bodies read since
    stamp: tuple | None = None  # the change generation of the snapshot it reflects
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, session: Session) -> tuple[str, int]:
        """Bring the counts to the session's snapshot: ("kept" | "moved" | "recounted", rows)."""
        generation = data_stamp(session)
        position, upto = _head(session)
        if not _newer(position, self.position):
            if position == self.position:
                self.stamp = generation
            return "kept", 0
        fresh = self.position is None or _lost(self.position, upto)
        deltas = [] if fresh else _since(session, self.position, MAX_DELTAS + 1)  # type: ignore[arg-type]
        if fresh or len(deltas) > MAX_DELTAS or any(sign == 0 for sign, _ in deltas):
            self._recount(session)
            outcome = "recounted"
        else:
            if self._apply(session, deltas):
                self._show()
            outcome = "moved"
        self.position, self.stamp = position, generation
        return outcome, len(deltas)

    def _recount(self, session: Session) -> None:
        self.basis = next(_VERSIONS)
        self.plans = self.view.plans(session)
        self.counts, self.oldest = self.view.recount(session)
        self.names = self.view.names(session, self.counts)
        self._show()

    def _apply(self, session: Session, deltas: list[tuple[int, Facts]]) -> bool:
        """Add each net change's contribution; whether any count moved."""
        net: Counter[Facts] = Counter()
        for sign, facts in deltas:
            net[facts] += sign
        touched: set[Key] = set()
        hit_oldest: set[Key] = set()
        added: dict[Key, date] = {}
        for facts, times in net.items():
            if times == 0 or (self.plans is not None and facts.plan_id not in self.plans):
                continue
            found = self.view.contribution(facts)
            if found is None:
                continue
            key, vector = found
            counts = self.counts.setdefault(key, [0] * len(vector))
            for n, v in enumerate(vector):
                counts[n] += times * v
            touched.add(key)
            if self.view.keeps_oldest and facts.due is not None:
                if times < 0 and self.oldest.get(key) == facts.due:
                    hit_oldest.add(key)
                if times > 0:
                    added[key] = min(facts.due, added.get(key, facts.due))
        if not touched:
            return False
        unknown = []
        for key in touched:
            if self.counts[key][0] <= 0:
                del self.counts[key]
                self.oldest.pop(key, None)
                continue
            if not self.view.keeps_oldest:
                continue
            kept, new = self.oldest.get(key), added.get(key)
            if key in hit_oldest:  # what is left is no older than ``kept``
                if new is not None and kept is not None and new <= kept:
                    self.oldest[key] = new
                else:
                    unknown.append(key)
            elif new is not None:
                self.oldest[key] = new if kept is None else min(kept, new)
        if unknown:
            self.oldest.update(self.view.oldest(session, unknown))
        missing = [k for k in self.counts if k not in self.names]
        if missing:
            self.names.update(self.view.names(session, missing))
        return True

    def _show(self) -> None:
        self.shown = self.view.rows(self.counts, self.oldest, self.names)
        self.version = next(_VERSIONS)


class Tallies:
    """The process's tallies, the most recently used ``size`` views."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[View, Tally] = OrderedDict()
        self._lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()

    def _tally(self, view: View) -> Tally:
        with self._lock:
            tally = self._items.get(view)
            if tally is None:
                tally = self._items[view] = Tally(view)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            self._items.move_to_end(view)
            return tally

    def rows(self, session: Session, view: View, stamp: tuple | None = None) -> tuple[list, int]:
        """The view's rows as of (at least) the session's snapshot, and a version that changes
        whenever they do. ``stamp``, the session's change generation (``web.snapshots``), if
        given: when it is the one the tally reflects, nothing changed and nothing is read."""
        tally = self._tally(view)
        with tally.lock:
            if stamp is not None and stamp == tally.stamp:
                self.outcomes["unchanged"] += 1
                return tally.shown, tally.version
            try:
                with _one_snapshot(session) as reading:
                    outcome, _ = tally.refresh(reading)
            except BaseException:  # half moved: counted again from scratch next time
                tally.position = tally.stamp = None
                raise
            self.outcomes[outcome] += 1
            return tally.shown, tally.version

    def basis(self, view: View, stamp: tuple) -> int | None:
        """A key for what reads only plans and bodies (the task list's drop-downs), as a session
        at change generation ``stamp`` sees them, once the view's tally was brought to it: the
        version of its last recount (a plan or a body written since would have recounted it),
        or None unless the tally reflects that very snapshot (the caller keys by ``stamp``)."""
        tally = self._tally(view)
        with tally.lock:
            return tally.basis if tally.stamp == stamp else None
