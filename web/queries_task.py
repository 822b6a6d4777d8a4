"""What one task's page shows, read in as few statements as the task needs.

One statement reads the task (if the user may see it) with its plan's number and title, its lead
body's name, and whether it has partners or dependencies, evidence, extension requests, events
or mail. Each kind of thing it has then costs one more statement: partners and dependencies
together, evidence, extensions, history. A task with nothing attached is one statement. Rows are
named tuples (``models.db.records``), not ORM objects: a page is asked for often.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, exists, literal, null, or_, select, union_all
from sqlmodel import Session, col
from starlette.exceptions import HTTPException

from models.agencies import Agency
from models.db import records
from models.delivery import Notice
from models.followup import Extension
from models.plans import Plan
from models.tasks import Task, TaskEdge, TaskEvent, TaskPartner
from models.types import TaskStatus
from models.users import Evidence
from web.auth import CurrentUser
from web.scope import NOT_FOUND, can_write, scope_of, task_scope
from workflows.followup.history_view import task_history
from workflows.followup.status_view import view

_TASK_ID = bindparam("task_id")
PARTNER, DEPENDS_ON, NEEDED_BY = 0, 1, 2


def _has(column: Any, name: str) -> Any:
    return exists().where(column == Task.id).label(name)


@lru_cache(maxsize=256)
def _task_query(scope: CurrentUser) -> Select:
    """The task row for the users who see what ``scope`` sees, built once per scope."""
    query = (
        select(
            *Task.__table__.columns,  # type: ignore[attr-defined]
            col(Plan.number).label("plan_number"),
            col(Plan.title).label("plan_title"),
            col(Agency.name).label("lead_name"),
            or_(
                exists().where(TaskPartner.task_id == Task.id),
                exists().where(TaskEdge.task_id == Task.id),
                exists().where(TaskEdge.depends_on_id == Task.id),
            ).label("has_links"),
            _has(Evidence.task_id, "has_evidence"),
            _has(Extension.task_id, "has_extensions"),
            _has(TaskEvent.task_id, "has_events"),
            _has(Notice.task_id, "has_mail"),
        )
        .join(Plan, col(Plan.id) == Task.plan_id)
        .outerjoin(Agency, col(Agency.id) == Task.lead_id)
        .where(Task.id == _TASK_ID)
    )
    clause = task_scope(scope)
    return query if clause is None else query.where(clause)


# Partners by name, what the task depends on and what needs it: (kind, task id, body name).
_LINKS = union_all(
    select(literal(PARTNER), null(), Agency.name)
    .join(TaskPartner, col(TaskPartner.agency_id) == Agency.id)
    .where(TaskPartner.task_id == _TASK_ID),
    select(literal(DEPENDS_ON), TaskEdge.depends_on_id, null()).where(TaskEdge.task_id == _TASK_ID),
    select(literal(NEEDED_BY), TaskEdge.task_id, null()).where(TaskEdge.depends_on_id == _TASK_ID),
)
_EVIDENCE = (
    select(
        Evidence.id,
        Evidence.original_name,
        Evidence.size,
        Evidence.uploaded_by,
        Evidence.uploaded_at,
    )
    .where(Evidence.task_id == _TASK_ID)
    .order_by(col(Evidence.id))
)
_EXTENSIONS = (
    select(
        Extension.requested_at,
        Extension.requested_due,
        Extension.reason,
        Extension.status,
        Extension.decision_note,
    )
    .where(Extension.task_id == _TASK_ID)
    .order_by(col(Extension.id).desc())
)
_OPEN_STATUSES = [s for s in TaskStatus if s != TaskStatus.DROPPED]


@dataclass(frozen=True)
class PlanNamed:
    """The task's plan as its page names it (and the header, ``base.html``)."""

    id: int
    number: str | None
    title: str | None


@dataclass(frozen=True)
class Links:
    partners: list[str]
    depends_on: list[int]
    needed_by: list[int]


def _links(connection: Connection, task_id: int) -> Links:
    found: dict[int, list] = {PARTNER: [], DEPENDS_ON: [], NEEDED_BY: []}
    for kind, other, name in connection.execute(_LINKS, {"task_id": task_id}):
        found[kind].append(name if kind == PARTNER else other)
    return Links(*(sorted(found[kind]) for kind in (PARTNER, DEPENDS_ON, NEEDED_BY)))


def task_page_data(session: Session, user: CurrentUser, task_id: int, today: date) -> dict:
    """What ``task.html`` shows of the task; 404 when ``user`` may not see it (never 403:
    existence must not leak)."""
    of_task = {"task_id": task_id}
    connection = session.connection()
    found = records(connection.execute(_task_query(scope_of(user)), of_task))
    if not found:
        raise HTTPException(404, NOT_FOUND)
    task = found[0]
    links = _links(connection, task_id) if task.has_links else Links([], [], [])
    return {
        "task": task,
        "plan": PlanNamed(task.plan_id, task.plan_number, task.plan_title),
        "shown": view(task, today),
        "partners": links.partners,
        "depends_on": links.depends_on,
        "needed_by": links.needed_by,
        "evidence": records(connection.execute(_EVIDENCE, of_task)) if task.has_evidence else [],
        "extensions": (
            records(connection.execute(_EXTENSIONS, of_task)) if task.has_extensions else []
        ),
        "history": task_history(session, task_id) if task.has_events or task.has_mail else [],
        "can_write": can_write(user, task),
        "statuses": _OPEN_STATUSES,
    }
