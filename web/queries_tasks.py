"""The task list: filters, scope and pagination in SQL (a province holds 10^5–10^6 tasks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, bindparam, func, or_
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskStatus
from web.auth import CurrentUser
from web.keyset import Cursor, window
from web.queries_board import Counts, Facts, Key
from web.scope import managed_plan_ids, scope_of, scope_plans, task_scope
from web.snapshots import Snapshots, data_stamp
from web.tallies import Tallies
from workflows.followup.status_view import view
from workflows.rules.status import Category

PER_PAGE = 50
OPEN = (TaskStatus.NOT_STARTED.value, TaskStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class TaskFilter:
    plan_id: int | None = None
    agency_id: int | None = None  # lead or partner
    category: str | None = None  # a workflows.rules.status.Category value
    due_from: date | None = None
    due_to: date | None = None
    page: int = 1  # the number shown; which rows is said by a cursor
    after: Cursor | None = None  # the page after this row (the "next" link)
    before: Cursor | None = None  # the page before this row (the "previous" link)

    @property
    def rows(self) -> TaskFilter:
        """Which tasks, whatever the page (what a count is kept for)."""
        return replace(self, page=1, after=None, before=None)


@dataclass(frozen=True)
class TaskLine:
    id: int
    plan_id: int
    plan_number: str
    text: str
    lead: str | None
    partners: tuple[str, ...]
    due: date | None
    recurrence: str | None
    status: str
    category: str
    label: str
    progress: int
    result_note: str | None
    due_inferred: bool = False  # the plan period's end, not a date the document states


@dataclass
class TaskPage:
    lines: list[TaskLine]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)
    before: Cursor | None = None  # the previous page ends before this row
    after: Cursor | None = None  # the next page starts after this row


def in_category(category: str, f: Facts, today: date) -> bool:
    """Whether a task with facts ``f`` is in a status category: :func:`category_clause`, in
    Python (what a kept count applies for each change)."""
    not_yet_due = f.due is None or f.due >= today
    match Category(category):
        case Category.OVERDUE:
            return f.status in OPEN and f.due is not None and f.due < today
        case Category.NOT_STARTED:
            return f.status == TaskStatus.NOT_STARTED and not_yet_due
        case Category.IN_PROGRESS:
            return f.status == TaskStatus.IN_PROGRESS and not_yet_due
        case Category.DONE_ON_TIME:
            return f.status == TaskStatus.DONE and f.completed_late is not True
        case Category.DONE_LATE:
            return f.status == TaskStatus.DONE and f.completed_late is True
        case Category.DROPPED:
            return f.status == TaskStatus.DROPPED


def category_clause(category: str, today: date) -> ColumnElement[bool]:
    """SQL for one status category, the same rule as ``workflows.rules.status.describe``."""
    status, due = col(Task.status), col(Task.due)
    not_yet_due = or_(due.is_(None), due >= today)
    match Category(category):
        case Category.OVERDUE:
            return and_(status.in_(OPEN), due.is_not(None), due < today)
        case Category.NOT_STARTED:
            return and_(status == TaskStatus.NOT_STARTED, not_yet_due)
        case Category.IN_PROGRESS:
            return and_(status == TaskStatus.IN_PROGRESS, not_yet_due)
        case Category.DONE_ON_TIME:
            return and_(status == TaskStatus.DONE, col(Task.completed_late).is_not(True))
        case Category.DONE_LATE:
            return and_(status == TaskStatus.DONE, col(Task.completed_late).is_(True))
        case Category.DROPPED:
            return status == TaskStatus.DROPPED


def filter_clauses(user: CurrentUser, f: TaskFilter, today: date) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    scope = task_scope(user)
    if scope is not None:
        clauses.append(scope)
    if f.plan_id is not None:
        clauses.append(col(Task.plan_id) == f.plan_id)
    if f.agency_id is not None:
        partner_of = select(TaskPartner.task_id).where(TaskPartner.agency_id == f.agency_id)
        clauses.append(or_(col(Task.lead_id) == f.agency_id, col(Task.id).in_(partner_of)))
    if f.category:
        clauses.append(category_clause(f.category, today))
    else:
        clauses.append(col(Task.status) != TaskStatus.DROPPED)
    if f.due_from is not None:
        clauses.append(col(Task.due) >= f.due_from)
    if f.due_to is not None:
        clauses.append(col(Task.due) <= f.due_to)
    return clauses


def count_tasks(session: Session, user: CurrentUser, f: TaskFilter, today: date) -> int:
    clauses = filter_clauses(user, f, today)
    return int(session.exec(select(func.count()).select_from(Task).where(*clauses)).one())


@dataclass(frozen=True)
class Listed:
    """How many tasks a filter of the list matches, as a view of the kept counts
    (``web.tallies``): each change moves it by what the task's facts add, instead of a COUNT
    over 10^5–10^6 rows. Only for a filter that reads no partner (see :func:`listed`)."""

    scope: CurrentUser  # ``scope_of`` the user: a coordinator or leadership
    which: TaskFilter  # its ``rows``, without a body
    today: date
    keeps_oldest = False

    def plans(self, session: Session) -> frozenset[int] | None:
        query = scope_plans(self.scope)
        return None if query is None else frozenset(session.exec(query))

    def contribution(self, f: Facts) -> tuple[Key, tuple[int, ...]] | None:
        rows = self.which
        if rows.plan_id is not None and f.plan_id != rows.plan_id:
            return None
        if rows.category:
            if not in_category(rows.category, f, self.today):
                return None
        elif f.status == TaskStatus.DROPPED:
            return None
        if rows.due_from is not None and (f.due is None or f.due < rows.due_from):
            return None
        if rows.due_to is not None and (f.due is None or f.due > rows.due_to):
            return None
        return None, (1,)

    def recount(self, session: Session) -> tuple[Counts, dict[Key, date]]:
        total = count_tasks(session, self.scope, self.which, self.today)
        return ({None: [total]} if total else {}), {}

    def oldest(self, session: Session, keys: Iterable[Key]) -> dict[Key, date]:
        return {}

    def names(self, session: Session, keys: Iterable[Key]) -> dict[Key, str]:
        return dict.fromkeys(keys, "")

    def rows(self, counts: Counts, oldest: dict[Key, date], names: dict[Key, str]) -> list:
        """One row: the total."""
        return [counts[None][0] if None in counts else 0]


def listed(user: CurrentUser, f: TaskFilter, today: date) -> Listed | None:
    """The kept count of the tasks ``f`` matches for ``user``; None when the filter reads
    partners (a body's tasks: those it leads or cooperates on), which the change log does not
    follow: that count is taken once per change."""
    if f.agency_id is not None or not (user.is_coordinator or user.is_leader):
        return None
    return Listed(scope_of(user), f.rows, today)


def task_page(
    session: Session,
    user: CurrentUser,
    f: TaskFilter,
    today: date,
    per_page: int = PER_PAGE,
    kept: Snapshots | None = None,
    tallies: Tallies | None = None,
) -> TaskPage:
    """One keyset page of the list; the total is kept when ``kept`` and ``tallies`` are given:
    moved by each change when the filter allows (:func:`listed`), else counted once per change."""
    if kept is None or tallies is None:
        total = count_tasks(session, user, f.rows, today)
    else:
        stamp = data_stamp(session)  # before the rows: what is kept is never older than its key
        if (view := listed(user, f, today)) is not None:
            total = tallies.rows(session, view, stamp)[0][0]
        else:
            total = kept.get(session, stamp, today, count_tasks, scope_of(user), f.rows, today)
    pages = max(1, -(-total // per_page))
    shown = window(
        session, filter_clauses(user, f, today), per_page, after=f.after, before=f.before
    )
    page = 1 if shown.before is None else min(max(2, f.page), pages)
    lines = lines_for(session, shown.tasks, today)
    return TaskPage(lines, total, page, pages, before=shown.before, after=shown.after)


# What lines_for reads, built once: every list and board page runs them.
_PARTNER_NAMES = (
    select(TaskPartner.task_id, Agency.name)
    .join(Agency, col(Agency.id) == TaskPartner.agency_id)
    .where(col(TaskPartner.task_id).in_(bindparam("ids", expanding=True)))
)
_BODY_NAMES = select(Agency.id, Agency.name).where(
    col(Agency.id).in_(bindparam("ids", expanding=True))
)
_PLAN_NUMBERS = select(Plan.id, Plan.number).where(
    col(Plan.id).in_(bindparam("ids", expanding=True))
)


def lines_for(session: Session, tasks: list[Task], today: date) -> list[TaskLine]:
    """Display lines for a handful of tasks: names and partners in two small queries."""
    if not tasks:
        return []
    ids = [t.id for t in tasks]
    partners: dict[int, list[str]] = {}
    for task_id, name in session.exec(_PARTNER_NAMES, params={"ids": ids}).all():
        partners.setdefault(task_id, []).append(name)
    agency_ids = sorted({t.lead_id for t in tasks if t.lead_id is not None})
    names = dict(session.exec(_BODY_NAMES, params={"ids": agency_ids}).all())
    plan_ids = sorted({t.plan_id for t in tasks})
    numbers = dict(session.exec(_PLAN_NUMBERS, params={"ids": plan_ids}).all())
    lines = []
    for t in tasks:
        assert t.id is not None
        shown = view(t, today)
        lines.append(
            TaskLine(
                id=t.id,
                plan_id=t.plan_id,
                plan_number=numbers.get(t.plan_id) or f"KH #{t.plan_id}",
                text=t.text,
                lead=names.get(t.lead_id),
                partners=tuple(sorted(partners.get(t.id, []))),
                due=t.due,
                recurrence=t.recurrence,
                status=t.status,
                category=shown.category.value,
                label=shown.label,
                progress=t.progress,
                result_note=t.result_note,
                due_inferred=t.due_inferred,
            )
        )
    return lines


def all_tasks(
    session: Session, user: CurrentUser, f: TaskFilter, today: date, limit: int
) -> list[TaskLine]:
    """Every matching task (exports), up to ``limit``, in the list's order."""
    clauses = filter_clauses(user, f, today)
    tasks = session.exec(
        select(Task)
        .where(*clauses)
        .order_by(col(Task.due).is_(None), col(Task.due), col(Task.id))
        .limit(limit)
    ).all()
    lines: list[TaskLine] = []
    batch = 2000
    for start in range(0, len(tasks), batch):
        lines += lines_for(session, list(tasks[start : start + batch]), today)
    return lines


def filter_choices(session: Session, user: CurrentUser) -> dict:
    """Plans and bodies for the filter drop-downs (an agency user gets none: its scope is set)."""
    if user.is_agency:
        return {"plans": (), "agencies": ()}
    query = select(Plan.id, Plan.number, Plan.title).order_by(col(Plan.id))
    if not user.is_coordinator:  # leadership sees published plans only, drafts not even named
        query = query.where(Plan.status == PlanStatus.PUBLISHED)
    if (managed := managed_plan_ids(user)) is not None:  # a plan coordinator: its plans only
        query = query.where(col(Plan.id).in_(managed))
    plans = session.exec(query).all()
    agencies = session.exec(
        select(Agency.id, Agency.name)
        .where(col(Agency.merged_into_id).is_(None))
        .order_by(Agency.name, col(Agency.id))
    ).all()
    return {"plans": tuple(map(tuple, plans)), "agencies": tuple(map(tuple, agencies))}
