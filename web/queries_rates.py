"""The on-time rate of every body together, quarter by quarter (the leadership pages' line).

Each quarter is judged as the scorecards judge a body (``web.queries_board.Scores``): the
tasks of published plans due in it, done on time, done late, still open past the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from models.tasks import Task
from web.queries_board import (
    Counts,
    Facts,
    Key,
    Scorecard,
    _counted_in,
    _counted_in_clause,
    _published,
    _score_columns,
    score_flags,
)
from workflows.rules.quarters import Quarter


def quarters_up_to(last: Quarter, count: int = 8) -> tuple[Quarter, ...]:
    """``count`` quarters, oldest first, ending with ``last``."""
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return tuple(quarters[::-1])


@dataclass(frozen=True)
class QuarterRates:
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
