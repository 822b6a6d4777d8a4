"""The on-time rate of every body together, quarter by quarter (the leadership pages' line).

Each quarter is judged as the scorecards judge a body (``web.queries_board.scorecards``): the
tasks of published plans due in it, done on time, done late, still open past the deadline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from models.tasks import Task
from models.types import TaskStatus
from web.queries_board import OPEN, Scorecard, _published
from workflows.rules.quarters import Quarter


def quarters_up_to(last: Quarter, count: int = 8) -> tuple[Quarter, ...]:
    """``count`` quarters, oldest first, ending with ``last``."""
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return tuple(quarters[::-1])


def on_time_by_quarter(
    session: Session, quarters: tuple[Quarter, ...], today: date
) -> list[tuple[Quarter, Scorecard]]:
    """Each of ``quarters`` (in order, each present even when empty) with every body's tasks
    due in it as one scorecard, in one query grouped by quarter."""
    done, due = col(Task.status) == TaskStatus.DONE, col(Task.due)
    late = col(Task.completed_late).is_(True)
    is_open = col(Task.status).in_(OPEN)
    which = case(*((and_(due >= q.start, due <= q.end), i) for i, q in enumerate(quarters)))
    rows = session.exec(
        select(
            which,
            func.count(),
            func.sum(case((and_(done, ~late), 1), else_=0)),
            func.sum(case((and_(done, late), 1), else_=0)),
            func.sum(case((and_(is_open, due < today), 1), else_=0)),
            func.sum(case((and_(is_open, due >= today), 1), else_=0)),
        )
        .where(
            _published(),
            col(Task.status) != TaskStatus.DROPPED,
            due >= quarters[0].start,
            due <= quarters[-1].end,
        )
        .group_by(which)
    ).all()
    found = {int(r[0]): tuple(int(v or 0) for v in r[1:]) for r in rows if r[0] is not None}
    return [
        (q, Scorecard(None, q.label, *found.get(i, (0, 0, 0, 0, 0))))
        for i, q in enumerate(quarters)
    ]
