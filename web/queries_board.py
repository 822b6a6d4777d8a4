"""Leadership's numbers, aggregated in SQL: the overdue board, scorecards, quarterly progress.

Only published plans count, dropped tasks never do. "Overdue" is the rule of
``workflows.rules.status``: open (not started or in progress) and past the deadline in force
(``Task.due`` already carries approved extensions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus, TaskStatus
from workflows.rules.quarters import Period, Quarter

OPEN = (TaskStatus.NOT_STARTED.value, TaskStatus.IN_PROGRESS.value)
# How late, in days past the deadline: the board's columns.
BUCKETS = (
    (1, 7, "1–7 ngày"),
    (8, 30, "8–30 ngày"),
    (31, 90, "31–90 ngày"),
    (91, None, "> 90 ngày"),
)


def _published() -> ColumnElement[bool]:
    return col(Task.plan_id).in_(select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED))


def overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(col(Task.status).in_(OPEN), col(Task.due).is_not(None), col(Task.due) < today)


def _bucket_columns(today: date) -> list:
    """SUM(CASE …) per lateness bucket; dates compared, so the SQL is the same on both DBs."""
    columns = []
    for low, high, _label in BUCKETS:
        latest = today - timedelta(days=low)  # due on or before this: at least `low` days late
        cond = col(Task.due) <= latest
        if high is not None:
            cond = and_(cond, col(Task.due) >= today - timedelta(days=high))
        columns.append(func.sum(case((cond, 1), else_=0)))
    return columns


@dataclass(frozen=True)
class BoardRow:
    key: int | None
    name: str
    total: int
    buckets: tuple[int, ...]
    oldest_due: date | None


def overdue_by_body(session: Session, today: date, plan_id: int | None = None) -> list[BoardRow]:
    where = [overdue_clause(today), _published()]
    if plan_id is not None:
        where.append(col(Task.plan_id) == plan_id)
    rows = session.exec(
        select(Task.lead_id, func.count(), func.min(Task.due), *_bucket_columns(today))
        .where(*where)
        .group_by(col(Task.lead_id))
        .order_by(func.count().desc(), col(Task.lead_id))
    ).all()
    ids = [r[0] for r in rows if r[0] is not None]
    names = dict(session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(ids))).all())
    return [
        BoardRow(r[0], names.get(r[0], "(chưa có cơ quan chủ trì)"), r[1], tuple(r[3:]), r[2])
        for r in rows
    ]


def overdue_by_plan(session: Session, today: date, agency_id: int | None = None) -> list[BoardRow]:
    where = [overdue_clause(today), _published()]
    if agency_id is not None:
        where.append(col(Task.lead_id) == agency_id)
    rows = session.exec(
        select(Task.plan_id, func.count(), func.min(Task.due), *_bucket_columns(today))
        .where(*where)
        .group_by(col(Task.plan_id))
        .order_by(func.count().desc(), col(Task.plan_id))
    ).all()
    ids = [r[0] for r in rows]
    plans = {p.id: p for p in session.exec(select(Plan).where(col(Plan.id).in_(ids))).all()}
    return [
        BoardRow(r[0], _plan_name(plans.get(r[0]), r[0]), r[1], tuple(r[3:]), r[2]) for r in rows
    ]


def _plan_name(plan: Plan | None, plan_id: int) -> str:
    if plan is None:
        return f"KH #{plan_id}"
    return f"{plan.number or 'KH #' + str(plan_id)} – {plan.title or ''}".strip(" –")


def overdue_where(
    today: date,
    *,
    agency_id: int | None = None,
    plan_id: int | None = None,
    bucket: int | None = None,
) -> list[ColumnElement[bool]]:
    """The overdue tasks the board lists, filtered by lead body, plan and lateness bucket."""
    where = [overdue_clause(today), _published()]
    if agency_id is not None:
        where.append(col(Task.lead_id) == agency_id)
    if plan_id is not None:
        where.append(col(Task.plan_id) == plan_id)
    if bucket is not None and 0 <= bucket < len(BUCKETS):
        low, high, _ = BUCKETS[bucket]
        where.append(col(Task.due) <= today - timedelta(days=low))
        if high is not None:
            where.append(col(Task.due) >= today - timedelta(days=high))
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


def scorecards(session: Session, period: Period, today: date) -> list[Scorecard]:
    """Per lead body, the tasks due in ``period``: on time, late, still open past the deadline."""
    done = col(Task.status) == TaskStatus.DONE
    late = col(Task.completed_late).is_(True)
    is_open = col(Task.status).in_(OPEN)
    rows = session.exec(
        select(
            Task.lead_id,
            func.count(),
            func.sum(case((and_(done, ~late), 1), else_=0)),
            func.sum(case((and_(done, late), 1), else_=0)),
            func.sum(case((and_(is_open, col(Task.due) < today), 1), else_=0)),
            func.sum(case((and_(is_open, col(Task.due) >= today), 1), else_=0)),
        )
        .where(
            _published(),
            col(Task.status) != TaskStatus.DROPPED,
            col(Task.due) >= period.start,
            col(Task.due) <= period.end,
        )
        .group_by(col(Task.lead_id))
    ).all()
    ids = [r[0] for r in rows if r[0] is not None]
    names = dict(session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(ids))).all())
    cards = [
        Scorecard(r[0], names.get(r[0], "(chưa có cơ quan chủ trì)"), *(int(v or 0) for v in r[1:]))
        for r in rows
    ]
    return sorted(cards, key=lambda c: (-(c.on_time_rate or 0), -c.due, c.name))


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


def milestone_progress(session: Session, year: int, today: date) -> list[QuarterProgress]:
    """For each published plan and each quarter of ``year``: due, done and overdue counts."""
    result = []
    plans = {p.id: p for p in session.exec(select(Plan).where(Plan.status == PlanStatus.PUBLISHED))}
    for number in range(1, 5):
        quarter = Quarter(year, number)
        rows = session.exec(
            select(
                Task.plan_id,
                func.count(),
                func.sum(case((col(Task.status) == TaskStatus.DONE, 1), else_=0)),
                func.sum(case((overdue_clause(today), 1), else_=0)),
            )
            .where(
                _published(),
                col(Task.status) != TaskStatus.DROPPED,
                col(Task.due) >= quarter.start,
                col(Task.due) <= quarter.end,
            )
            .group_by(col(Task.plan_id))
        ).all()
        for plan_id, due, done, overdue in rows:
            name = _plan_name(plans.get(plan_id), plan_id)
            result.append(
                QuarterProgress(plan_id, name, quarter, due, int(done or 0), int(overdue or 0))
            )
    return sorted(result, key=lambda r: (r.plan, r.quarter))
