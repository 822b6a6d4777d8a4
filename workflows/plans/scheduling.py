"""Make a published plan schedulable: period instances, contributors' deadlines, alarms."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from config.settings import get_settings
from models.plans import Plan
from models.tasks import Task, TaskEdge
from models.types import TaskStatus
from workflows.followup.alarms import reschedule
from workflows.plans.recurring import expand_plan
from workflows.records.task_history import record
from workflows.rules.calendar import shared_calendar
from workflows.rules.recurrence import contributor_due

OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


def activate_plan(session: Session, plan: Plan, now: datetime) -> int:
    """Run at publish (and when a published plan is re-imported); returns alarms added."""
    expand_plan(session, plan)
    session.flush()
    _fill_contributor_dues(session, plan, now)
    tasks = session.exec(
        select(Task).where(Task.plan_id == plan.id, col(Task.status).in_(OPEN))
    ).all()
    return sum(reschedule(session, task, now) for task in tasks)


def _fill_contributor_dues(session: Session, plan: Plan, now: datetime) -> None:
    """A contributor's report with no date of its own is due some working days before the
    report it feeds (the consolidating body needs time to compile)."""
    settings = get_settings()
    calendar = shared_calendar(settings.holidays_path)
    tasks = {t.id: t for t in session.exec(select(Task).where(Task.plan_id == plan.id)).all()}
    for edge in session.exec(select(TaskEdge).where(col(TaskEdge.task_id).in_(tasks))).all():
        lead_task, contributor = tasks.get(edge.task_id), tasks.get(edge.depends_on_id)
        if lead_task is None or contributor is None or not lead_task.due:
            continue
        if contributor.due and not contributor.due_inferred:
            continue  # its own date: the period's end is only a fallback
        due = contributor_due(lead_task.due, calendar, lead_days=settings.contributor_lead_days)
        if due == contributor.due:
            continue
        old_due, contributor.due = contributor.due, due
        contributor.due_inferred = lead_task.due_inferred
        record(
            session,
            contributor,
            now,
            "hệ thống",
            "deadline",
            {"due": [old_due, contributor.due], "reason": "hạn nội bộ trước báo cáo tổng hợp"},
        )
        session.add(contributor)
