"""Leadership's numbers: the overdue board, scorecards, quarterly progress.

Only published plans count, dropped tasks never do. "Overdue" is the rule of
``workflows.rules.status``: open (not started or in progress) and past the deadline in force
(``Task.due`` already carries approved extensions).

Each figure is a *view*: per key (a body, a plan, a plan's quarter) a vector of counts, the first
being how many tasks the key holds, and for the board the oldest deadline. A view says once what
one task adds to it (``contribution``, pure: what the kept counts of ``web.tallies`` apply for
each change) and counts the same in SQL (``recount``, grouped over the task table, from the same
bounds), and turns counts into the rows pages show.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus, TaskStatus
from web.keyset import unindexed
from workflows.rules.quarters import Period, Quarter

OPEN = (TaskStatus.NOT_STARTED.value, TaskStatus.IN_PROGRESS.value)
DONE, DROPPED = TaskStatus.DONE.value, TaskStatus.DROPPED.value
# How late, in days past the deadline: the board's columns.
BUCKETS = (
    (1, 7, "1–7 ngày"),
    (8, 30, "8–30 ngày"),
    (31, 90, "31–90 ngày"),
    (91, None, "> 90 ngày"),
)
NO_LEAD = "(chưa có cơ quan chủ trì)"

Key = Hashable
Counts = dict[Key, list[int]]


class Facts(NamedTuple):
    """What of a task the figures read."""

    lead_id: int | None
    plan_id: int | None
    status: str | None
    due: date | None
    completed_late: bool | None


def published_plans(session: Session) -> frozenset[int]:
    return frozenset(session.exec(select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED)))


def _published() -> ColumnElement[bool]:
    return col(Task.plan_id).in_(select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED))


# One definition per column, read by the pure side and by the SQL side alike.


def bucket_bounds(today: date) -> list[tuple[date, date | None]]:
    """Per lateness bucket, the latest and the earliest deadline (None: no bound) it holds."""
    return [
        (today - timedelta(days=low), None if high is None else today - timedelta(days=high))
        for low, high, _label in BUCKETS
    ]


def is_overdue(f: Facts, today: date) -> bool:
    return f.status in OPEN and f.due is not None and f.due < today


def overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(col(Task.status).in_(OPEN), col(Task.due).is_not(None), col(Task.due) < today)


def lateness_bucket(due: date, today: date) -> int | None:
    for n, (latest, earliest) in enumerate(bucket_bounds(today)):
        if due <= latest and (earliest is None or due >= earliest):
            return n
    return None


def _bucket_clause(latest: date, earliest: date | None) -> ColumnElement[bool]:
    cond = col(Task.due) <= latest
    return cond if earliest is None else and_(cond, col(Task.due) >= earliest)


def _bucket_columns(today: date) -> list:
    """SUM(CASE …) per lateness bucket; dates compared, so the SQL is the same on both DBs."""
    return [func.sum(case((_bucket_clause(*b), 1), else_=0)) for b in bucket_bounds(today)]


def score_flags(f: Facts, today: date) -> tuple[int, int, int, int]:
    """A counted task's scorecard columns: done on time, done late, open overdue, open pending."""
    done, is_open = f.status == DONE, f.status in OPEN
    late = f.completed_late is True
    return (
        int(done and not late),
        int(done and late),
        int(is_open and f.due is not None and f.due < today),
        int(is_open and f.due is not None and f.due >= today),
    )


def _score_columns(today: date) -> list:
    done = col(Task.status) == DONE
    late = col(Task.completed_late).is_(True)
    is_open = col(Task.status).in_(OPEN)
    conditions = (
        and_(done, ~late),
        and_(done, late),
        and_(is_open, col(Task.due) < today),
        and_(is_open, col(Task.due) >= today),
    )
    return [func.sum(case((c, 1), else_=0)) for c in conditions]


def _counted_in(f: Facts, start: date, end: date) -> bool:
    """Scorecards and progress count the tasks, not dropped, whose deadline falls in a span."""
    return f.status != DROPPED and f.due is not None and start <= f.due <= end


def _counted_in_clause(start: date, end: date) -> list[ColumnElement[bool]]:
    return [col(Task.status) != DROPPED, col(Task.due) >= start, col(Task.due) <= end]


class View(Protocol):
    """A figure kept per key: see the module's docstring."""

    keeps_oldest: bool

    def plans(self, session: Session) -> frozenset[int] | None:
        """The plans whose tasks it counts (None: every plan's), read again on each recount: a
        plan changed is a reset row of the change log (``models.deltas``)."""
        ...

    def contribution(self, f: Facts) -> tuple[Key, tuple[int, ...]] | None: ...

    def recount(self, session: Session) -> tuple[Counts, dict[Key, date]]: ...

    def oldest(self, session: Session, keys: Iterable[Key]) -> dict[Key, date]: ...

    def names(self, session: Session, keys: Iterable[Key]) -> dict[Key, str]: ...

    def rows(self, counts: Counts, oldest: dict[Key, date], names: dict[Key, str]) -> list: ...


class Published:
    """Leadership's figures count the tasks of published plans only."""

    def plans(self, session: Session) -> frozenset[int] | None:
        return published_plans(session)


def count_now(session: Session, view: View) -> list:
    """The view's rows, counted now over the whole table."""
    counts, oldest = view.recount(session)
    return view.rows(counts, oldest, view.names(session, counts))


def body_names(session: Session, keys: Iterable[Key]) -> dict[Key, str]:
    keys = list(keys)
    ids = [k for k in keys if k is not None]
    found = dict(session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(ids))).all())
    return {k: found.get(k, NO_LEAD) if k is not None else NO_LEAD for k in keys}


def plan_names(session: Session, keys: Iterable[int]) -> dict[int, str]:
    ids = list(keys)
    found = {
        i: (number, title)
        for i, number, title in session.exec(
            select(Plan.id, Plan.number, Plan.title).where(col(Plan.id).in_(ids))
        ).all()
    }
    return {i: _plan_name(found.get(i), i) for i in ids}


def _plan_name(found: tuple[str | None, str | None] | None, plan_id: int) -> str:
    if found is None:
        return f"KH #{plan_id}"
    number, title = found
    return f"{number or 'KH #' + str(plan_id)} – {title or ''}".strip(" –")


@dataclass(frozen=True)
class BoardRow:
    key: int | None
    name: str
    total: int
    buckets: tuple[int, ...]
    oldest_due: date | None


@dataclass(frozen=True)
class Overdue(Published):
    """The board's overdue tasks by lead body (``by_plan`` False, ``only`` a plan) or by plan
    (``only`` a lead body): per key the total, the lateness buckets and the oldest deadline."""

    today: date
    by_plan: bool = False
    only: int | None = None
    keeps_oldest = True

    @property
    def _key(self):  # type: ignore[no-untyped-def]
        return col(Task.plan_id) if self.by_plan else col(Task.lead_id)

    @property
    def _other(self):  # type: ignore[no-untyped-def]
        return col(Task.lead_id) if self.by_plan else col(Task.plan_id)

    def contribution(self, f: Facts) -> tuple[Key, tuple[int, ...]] | None:
        if not is_overdue(f, self.today) or f.due is None:
            return None
        if self.only is not None and (f.lead_id if self.by_plan else f.plan_id) != self.only:
            return None
        bucket = lateness_bucket(f.due, self.today)
        return (f.plan_id if self.by_plan else f.lead_id), (
            1,
            *(int(n == bucket) for n in range(len(BUCKETS))),
        )

    def _where(self) -> list[ColumnElement[bool]]:
        where = [overdue_clause(self.today), _published()]
        if self.only is not None:
            where.append(self._other == self.only)
        return where

    def recount(self, session: Session) -> tuple[Counts, dict[Key, date]]:
        rows = session.exec(
            select(self._key, func.count(), func.min(Task.due), *_bucket_columns(self.today))
            .where(*self._where())
            .group_by(self._key)
        ).all()
        counts = {r[0]: [r[1], *(int(n or 0) for n in r[3:])] for r in rows}
        return counts, {r[0]: r[2] for r in rows}

    def oldest(self, session: Session, keys: Iterable[Key]) -> dict[Key, date]:
        wanted = list(keys)
        where = [*self._where(), self._key.in_([k for k in wanted if k is not None])]
        if None in wanted:
            where[-1] = or_(where[-1], self._key.is_(None))
        rows = session.exec(select(self._key, func.min(Task.due)).where(*where).group_by(self._key))
        return dict(rows.all())

    def names(self, session: Session, keys: Iterable[Key]) -> dict[Key, str]:
        return plan_names(session, keys) if self.by_plan else body_names(session, keys)  # type: ignore[arg-type]

    def rows(self, counts: Counts, oldest: dict[Key, date], names: dict[Key, str]) -> list:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0] is not None, kv[0]))
        return [BoardRow(k, names[k], c[0], tuple(c[1:]), oldest.get(k)) for k, c in ordered]


def overdue_where(
    today: date,
    *,
    agency_id: int | None = None,
    plan_id: int | None = None,
    bucket: int | None = None,
) -> list[ColumnElement[bool]]:
    """The overdue tasks the board lists, filtered by lead body, plan and lateness bucket (read
    in ``(due, id)`` order: the set filters leave SQLite's planner that index to walk)."""
    published = select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED)
    where = [
        unindexed(Task.status).in_(OPEN),
        col(Task.due).is_not(None),
        col(Task.due) < today,
        unindexed(Task.plan_id).in_(published),
    ]
    if agency_id is not None:
        where.append(col(Task.lead_id) == agency_id)
    if plan_id is not None:
        where.append(col(Task.plan_id) == plan_id)
    if bucket is not None and 0 <= bucket < len(BUCKETS):
        where.append(_bucket_clause(*bucket_bounds(today)[bucket]))
    return where


def overdue_count(
    by_body: list[BoardRow], agency_id: int | None = None, bucket: int | None = None
) -> int:
    """How many overdue tasks ``overdue_where`` matches, read off the board's rows by body
    (already filtered by plan): every overdue task is in exactly one row and one bucket."""
    rows = [r for r in by_body if agency_id is None or r.key == agency_id]
    if bucket is not None and 0 <= bucket < len(BUCKETS):
        return sum(r.buckets[bucket] for r in rows)
    return sum(r.total for r in rows)


@dataclass(frozen=True)
class Scorecard:
    agency_id: int | None
    name: str
    due: int  # tasks whose deadline falls in the period
    on_time: int
    late: int
    open_overdue: int
    open_pending: int  # open, deadline not passed yet

    @property
    def judged(self) -> int:
        """Tasks whose outcome is known: done, or past the deadline."""
        return self.on_time + self.late + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


@dataclass(frozen=True)
class Scores(Published):
    """Per lead body, the tasks due in ``period``: on time, late, still open past the deadline."""

    period: Period
    today: date
    keeps_oldest = False

    def contribution(self, f: Facts) -> tuple[Key, tuple[int, ...]] | None:
        if not _counted_in(f, self.period.start, self.period.end):
            return None
        return f.lead_id, (1, *score_flags(f, self.today))

    def recount(self, session: Session) -> tuple[Counts, dict[Key, date]]:
        rows = session.exec(
            select(Task.lead_id, func.count(), *_score_columns(self.today))
            .where(_published(), *_counted_in_clause(self.period.start, self.period.end))
            .group_by(col(Task.lead_id))
        ).all()
        return {r[0]: [int(v or 0) for v in r[1:]] for r in rows}, {}

    def oldest(self, session: Session, keys: Iterable[Key]) -> dict[Key, date]:
        return {}

    def names(self, session: Session, keys: Iterable[Key]) -> dict[Key, str]:
        return body_names(session, keys)

    def rows(self, counts: Counts, oldest: dict[Key, date], names: dict[Key, str]) -> list:
        cards = [Scorecard(k, names[k], *c) for k, c in counts.items()]  # type: ignore[arg-type]
        return sorted(
            cards, key=lambda c: (-(c.on_time_rate or 0), -c.due, c.name, c.agency_id or 0)
        )


def quarters_up_to(last: Quarter, count: int = 8) -> tuple[Quarter, ...]:
    """``count`` quarters, oldest first, ending with ``last``."""
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return tuple(quarters[::-1])


@dataclass(frozen=True)
class QuarterRates(Published):
    """Every body's tasks due in each of ``quarters`` as one scorecard per quarter (the line of
    on-time rates), kept per change like the board's other figures (``web.tallies``): the key
    is the quarter's index."""

    quarters: tuple[Quarter, ...]
    today: date
    keeps_oldest = False

    def _index(self, due: date | None) -> int | None:
        for i, q in enumerate(self.quarters):
            if due is not None and q.start <= due <= q.end:
                return i
        return None

    def contribution(self, f: Facts) -> tuple[Key, tuple[int, ...]] | None:
        if not _counted_in(f, self.quarters[0].start, self.quarters[-1].end):
            return None
        return self._index(f.due), (1, *score_flags(f, self.today))

    def recount(self, session: Session) -> tuple[Counts, dict[Key, date]]:
        due = col(Task.due)
        spans = [(and_(due >= q.start, due <= q.end), i) for i, q in enumerate(self.quarters)]
        which = case(*spans)
        rows = session.exec(
            select(which, func.count(), *_score_columns(self.today))
            .where(_published(), *_counted_in_clause(self.quarters[0].start, self.quarters[-1].end))
            .group_by(which)
        ).all()
        return {int(r[0]): [int(v or 0) for v in r[1:]] for r in rows if r[0] is not None}, {}

    def oldest(self, session: Session, keys: Iterable[Key]) -> dict[Key, date]:
        return {}

    def names(self, session: Session, keys: Iterable[Key]) -> dict[Key, str]:
        return {k: self.quarters[k].label for k in keys if isinstance(k, int)}

    def rows(
        self, counts: Counts, oldest: dict[Key, date], names: dict[Key, str]
    ) -> list[tuple[Quarter, Scorecard]]:
        """Each quarter, in order, present even when nothing was due in it."""
        return [
            (q, Scorecard(None, q.label, *counts.get(i, (0, 0, 0, 0, 0))))
            for i, q in enumerate(self.quarters)
        ]


@dataclass(frozen=True)
class QuarterProgress:
    plan_id: int
    plan: str
    quarter: Quarter
    due: int
    done: int
    overdue: int

    @property
    def done_rate(self) -> float | None:
        return self.done / self.due if self.due else None


@dataclass(frozen=True)
class Progress(Published):
    """For each published plan and each quarter of ``year``: due, done and overdue counts."""

    year: int
    today: date
    keeps_oldest = False

    def contribution(self, f: Facts) -> tuple[Key, tuple[int, ...]] | None:
        if f.due is None or f.due.year != self.year or f.plan_id is None:
            return None
        quarter = Quarter.of(f.due)
        if not _counted_in(f, quarter.start, quarter.end):
            return None
        flags = (int(f.status == DONE), int(is_overdue(f, self.today)))
        return (f.plan_id, quarter.number), (1, *flags)

    def recount(self, session: Session) -> tuple[Counts, dict[Key, date]]:
        counts: Counts = {}
        for number in range(1, 5):
            quarter = Quarter(self.year, number)
            rows = session.exec(
                select(
                    Task.plan_id,
                    func.count(),
                    func.sum(case((col(Task.status) == DONE, 1), else_=0)),
                    func.sum(case((overdue_clause(self.today), 1), else_=0)),
                )
                .where(_published(), *_counted_in_clause(quarter.start, quarter.end))
                .group_by(col(Task.plan_id))
            ).all()
            for plan_id, *values in rows:
                counts[(plan_id, number)] = [int(v or 0) for v in values]
        return counts, {}

    def oldest(self, session: Session, keys: Iterable[Key]) -> dict[Key, date]:
        return {}

    def names(self, session: Session, keys: Iterable[Key]) -> dict[Key, str]:
        keys = list(keys)
        found = plan_names(session, {k[0] for k in keys})  # type: ignore[index]
        return {k: found[k[0]] for k in keys}  # type: ignore[index]

    def rows(self, counts: Counts, oldest: dict[Key, date], names: dict[Key, str]) -> list:
        result = [
            QuarterProgress(k[0], names[k], Quarter(self.year, k[1]), *c)  # type: ignore[index, arg-type]
            for k, c in counts.items()
        ]
        return sorted(result, key=lambda r: (r.plan, r.quarter, r.plan_id))
