"""Keyset pages over tasks in the lists' order: by deadline, no deadline last, then by id.

A page starts after (or ends before) the last row seen, named by a cursor ``(due, id)``: the
database walks the ``(due, id)`` index from there, so page 400 costs what page 1 does, and rows
with equal deadlines are neither lost nor repeated (``id`` makes the order total). The order is
read as two segments, each served by the index: tasks with a deadline by ``(due, id)``, then
tasks without one by ``id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from models.tasks import Task

NO_DUE = "-"


class unindexed(FunctionElement):
    """A column filtered without its indexes on SQLite (``+column``), elsewhere the column.

    SQLite serves ``status IN (…)`` or ``plan_id IN (…)`` from an index range per value, then
    sorts every match to walk them by ``(due, id)``: the board's overdue list after a change
    sorted every overdue task for one page. Without those terms it walks ``ix_task_due_id``
    and stops at the page's end; an equality filter (one body, one plan) keeps its index.
    """

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


@dataclass(frozen=True)
class Cursor:
    due: date | None
    id: int

    @property
    def token(self) -> str:
        """As written in a link: ``2024-05-01_123`` (``-_123`` for no deadline)."""
        return f"{self.due.isoformat() if self.due else NO_DUE}_{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """A cursor from a link; None for anything malformed (the first page is shown)."""
        due_text, _, id_text = (text or "").partition("_")
        if not id_text.isdigit() or len(id_text) > 18:
            return None
        if due_text == NO_DUE:
            return cls(None, int(id_text))
        try:
            return cls(date.fromisoformat(due_text), int(id_text))
        except ValueError:
            return None

    @classmethod
    def of(cls, task: Task) -> Cursor:
        assert task.id is not None
        return cls(task.due, task.id)


@dataclass(frozen=True)
class Window:
    """One page: its tasks and the cursors of the pages before and after (None: none)."""

    tasks: list[Task]
    before: Cursor | None
    after: Cursor | None


def _dated(cursor: Cursor | None, forward: bool) -> ColumnElement[bool] | None:
    """Tasks with a deadline after (forward) or before ``cursor``; None: there are none."""
    due, task_id = col(Task.due), col(Task.id)
    if cursor is None or cursor.due is None:  # every dated task comes before an undated one
        return None if forward and cursor is not None else due.is_not(None)
    # A range on ``due`` the index walks, then the tie on ``id``.
    if forward:
        return and_(due >= cursor.due, or_(due > cursor.due, task_id > cursor.id))
    return and_(due <= cursor.due, or_(due < cursor.due, task_id < cursor.id))


def _undated(cursor: Cursor | None, forward: bool) -> ColumnElement[bool] | None:
    """Tasks without a deadline after (forward) or before ``cursor``; None: there are none."""
    due, task_id = col(Task.due), col(Task.id)
    if cursor is None or cursor.due is not None:
        return due.is_(None) if forward else None
    return and_(due.is_(None), task_id > cursor.id if forward else task_id < cursor.id)


def _walk(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    cursor: Cursor | None,
    forward: bool,
    limit: int,
) -> list[Task]:
    """Up to ``limit`` tasks from ``cursor`` on, in the walking direction's order."""
    due, task_id = col(Task.due), col(Task.id)
    segments = [
        (_dated(cursor, forward), (due, task_id) if forward else (due.desc(), task_id.desc())),
        (_undated(cursor, forward), (task_id,) if forward else (task_id.desc(),)),
    ]
    if not forward:
        segments.reverse()
    found: list[Task] = []
    for clause, order in segments:
        if clause is None or len(found) >= limit:
            continue
        query = select(Task).where(*where, clause).order_by(*order).limit(limit - len(found))
        found += session.exec(query).all()
    return found


def window(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    per_page: int,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> Window:
    """The page after ``after``, or before ``before``, or the first page."""
    if before is not None:
        rows = _walk(session, where, before, False, per_page + 1)
        if len(rows) > per_page:  # a full page with more before it
            tasks = list(reversed(rows[:per_page]))
            return Window(tasks, Cursor.of(tasks[0]), Cursor.of(tasks[-1]))
        after = None  # fewer than a page before: that is the first page
    rows = _walk(session, where, after, True, per_page + 1)
    tasks = rows[:per_page]
    more = len(rows) > per_page
    return Window(
        tasks,
        Cursor.of(tasks[0]) if after is not None and tasks else None,
        Cursor.of(tasks[-1]) if more else None,
    )
