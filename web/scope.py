"""Object scope: which tasks a user may see and change.

An agency user sees the tasks of published plans its body leads or cooperates on; anything else
answers 404, so a guessed id does not reveal that a task exists. Only the lead body updates.
Leadership sees published plans and changes nothing; coordinators see and change everything.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException

from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus
from web.auth import CurrentUser

NOT_FOUND = "Không tìm thấy trang hoặc mục bạn yêu cầu."


def task_scope(user: CurrentUser) -> ColumnElement[bool] | None:
    """A WHERE clause limiting tasks to what ``user`` may see (None: no limit)."""
    if user.is_coordinator:
        return None
    published = col(Task.plan_id).in_(select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED))
    if user.is_leader:
        return published
    agency_id = user.agency_id if user.agency_id is not None else -1
    partner_of = select(TaskPartner.task_id).where(TaskPartner.agency_id == agency_id)
    return and_(published, or_(col(Task.lead_id) == agency_id, col(Task.id).in_(partner_of)))


def visible_task(session: Session, user: CurrentUser, task_id: int) -> Task:
    """The task if ``user`` may see it; 404 otherwise (never 403: existence must not leak)."""
    query = select(Task).where(Task.id == task_id)
    clause = task_scope(user)
    if clause is not None:
        query = query.where(clause)
    task = session.exec(query).first()
    if task is None:
        raise HTTPException(404, NOT_FOUND)
    return task


def writable_task(session: Session, user: CurrentUser, task_id: int) -> Task:
    """The task if ``user`` may update it: a coordinator, or the body that leads it."""
    task = visible_task(session, user, task_id)
    if user.is_coordinator:
        return task
    if user.is_agency and task.lead_id is not None and task.lead_id == user.agency_id:
        return task
    raise HTTPException(403, "Chỉ cơ quan chủ trì (hoặc điều phối) được cập nhật nhiệm vụ này.")


def can_write(user: CurrentUser | None, task: Task) -> bool:
    if user is None:
        return False
    return user.is_coordinator or (
        user.is_agency and task.lead_id is not None and task.lead_id == user.agency_id
    )


def visible_plan(session: Session, user: CurrentUser, plan_id: int) -> Plan:
    """Coordinators see drafts too; leadership only published plans."""
    plan = session.get(Plan, plan_id)
    if plan is None or (not user.is_coordinator and plan.status != PlanStatus.PUBLISHED):
        raise HTTPException(404, NOT_FOUND)
    return plan
