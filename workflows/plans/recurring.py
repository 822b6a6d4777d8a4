"""Recurring report duties become one task per period, each with its own due date.

The duty as extracted is the first occurrence; each later period of the plan gets an instance
task pointing back at it (``recurrence_parent_id``). Reporting chains are copied per period:
a contributor's report of a period feeds the consolidating body's report of the same period.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models.plans import Plan
from models.tasks import Task, TaskEdge, TaskPartner
from models.types import TaskStatus
from workflows.rules.recurrence import Anchor, RecurrenceError, expand

PERIODIC = {"năm", "6 tháng", "quý", "tháng"}


def plan_period(plan: Plan) -> tuple[date, date] | None:
    start = plan.period_start or (date(plan.year, 1, 1) if plan.year else None)
    end = plan.period_end or (date(plan.year, 12, 31) if plan.year else None)
    return (start, end) if start and end else None


def expand_plan(session: Session, plan: Plan) -> list[Task]:
    """Create the missing period instances of every recurring duty of ``plan``; idempotent."""
    period = plan_period(plan)
    if period is None:
        return []
    templates = session.exec(
        select(Task).where(
            Task.plan_id == plan.id,
            col(Task.recurrence).in_(PERIODIC),
            col(Task.recurrence_parent_id).is_(None),
            col(Task.due).is_not(None),
            col(Task.status) != TaskStatus.DROPPED,
        )
    ).all()
    created: list[Task] = []
    instance_of: dict[tuple[int, str], int] = {}
    for template in templates:
        created += _instances(session, template, *period, instance_of)
    _copy_edges(session, templates, instance_of)
    return created


def _instances(
    session: Session,
    template: Task,
    start: date,
    end: date,
    instance_of: dict[tuple[int, str], int],
) -> list[Task]:
    assert template.due is not None and template.id is not None
    try:
        occurrences = expand(template.recurrence or "", start, end, Anchor.of(template.due))
    except RecurrenceError:
        return []
    existing = {
        t.period_label: t
        for t in session.exec(select(Task).where(Task.recurrence_parent_id == template.id)).all()
    }
    created = []
    for occurrence in occurrences:
        if occurrence.due == template.due:
            template.period_label = occurrence.label
            instance_of[(template.id, occurrence.label)] = template.id
            session.add(template)
            continue
        task = existing.get(occurrence.label)
        if task is None:
            task = _copy(session, template, occurrence.due, occurrence.label)
            created.append(task)
        assert task.id is not None
        instance_of[(template.id, occurrence.label)] = task.id
    return created


def _copy(session: Session, template: Task, due: date, label: str) -> Task:
    task = Task(
        plan_id=template.plan_id,
        identity=f"{template.identity}@{label}",
        ext_id=template.ext_id,
        section=template.section,
        line=template.line,
        text=template.text,
        kind=template.kind,
        lead_id=template.lead_id,
        due=due,
        recurrence=template.recurrence,
        report_to=template.report_to,
        via=template.via,
        recurrence_parent_id=template.id,
        period_label=label,
    )
    session.add(task)
    session.flush()
    for partner in session.exec(select(TaskPartner).where(TaskPartner.task_id == template.id)):
        session.add(TaskPartner(task_id=task.id, agency_id=partner.agency_id))  # type: ignore[arg-type]
    return task


def _copy_edges(
    session: Session, templates: list[Task], instance_of: dict[tuple[int, str], int]
) -> None:
    ids = {t.id for t in templates}
    edges = session.exec(select(TaskEdge).where(col(TaskEdge.task_id).in_(ids))).all()
    labels = {label for (_, label) in instance_of}
    for edge in edges:
        for label in labels:
            task = instance_of.get((edge.task_id, label))
            dep = instance_of.get((edge.depends_on_id, label))
            if (
                task
                and dep
                and (task, dep) != (edge.task_id, edge.depends_on_id)
                and session.get(TaskEdge, (task, dep)) is None
            ):
                session.add(TaskEdge(task_id=task, depends_on_id=dep))
