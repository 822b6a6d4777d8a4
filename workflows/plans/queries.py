"""Read-side queries used by the CLI (and later the web): plans, tasks with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import TaskStatus
from workflows.followup.status_view import status_label
from workflows.parsing.text import fold, strip_accents


@dataclass(frozen=True)
class TaskRow:
    id: int
    plan_id: int
    section: str
    line: int
    text: str
    kind: str
    lead: str | None
    lead_registered: bool
    partners: tuple[str, ...]
    due: date | None
    recurrence: str | None
    status: str
    status_label: str  # Vietnamese, judged on the day the list was made
    due_inferred: bool = False  # the plan period's end, not a date the document states


def list_plans(session: Session) -> list[tuple[Plan, int]]:
    """Plans with their count of live tasks, newest first."""
    plans = session.exec(select(Plan).order_by(col(Plan.id).desc())).all()
    counts: dict[int, int] = {}
    for plan_id in session.exec(
        select(Task.plan_id).where(Task.status != TaskStatus.DROPPED)
    ).all():
        counts[plan_id] = counts.get(plan_id, 0) + 1
    return [(p, counts.get(p.id or 0, 0)) for p in plans]


def list_tasks(
    session: Session,
    plan_id: int | None = None,
    agency: str | None = None,
    due_before: date | None = None,
    include_dropped: bool = False,
    *,
    today: date,
) -> list[TaskRow]:
    """Tasks filtered by plan, by body (lead or partner, name folded) and by due date; their
    status is labelled as of ``today`` (the caller's local day: this module reads no clock)."""
    query = select(Task)
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    if not include_dropped:
        query = query.where(Task.status != TaskStatus.DROPPED)
    if due_before is not None:
        query = query.where(col(Task.due).is_not(None), col(Task.due) < due_before)
    tasks = session.exec(query.order_by(col(Task.plan_id), col(Task.id))).all()
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    partners: dict[int, list[str]] = {}
    for row in session.exec(select(TaskPartner)).all():
        partners.setdefault(row.task_id, []).append(agencies[row.agency_id].name)
    rows = [_row(t, agencies, partners.get(t.id or 0, []), today) for t in tasks]
    if agency:
        wanted = loose(agency)
        rows = [r for r in rows if any(wanted in loose(n) for n in (r.lead or "", *r.partners))]
    return rows


def loose(name: str) -> str:
    """Search form of a name: folded, and without diacritics (people type "phong y te")."""
    return strip_accents(fold(name))


def _row(
    task: Task, agencies: dict[int | None, Agency], partners: list[str], today: date
) -> TaskRow:
    lead = agencies.get(task.lead_id)
    assert task.id is not None
    return TaskRow(
        id=task.id,
        plan_id=task.plan_id,
        section=task.section,
        line=task.line,
        text=task.text,
        kind=task.kind,
        lead=lead.name if lead else None,
        lead_registered=bool(lead and lead.registered),
        partners=tuple(sorted(partners)),
        due=task.due,
        recurrence=task.recurrence,
        status=task.status,
        status_label=status_label(task, today),
        due_inferred=task.due_inferred,
    )
