"""Object scope: which tasks a user may see and change.

An agency user sees the tasks of published plans its body leads or cooperates on; anything else
answers 404, so a guessed id does not reveal that a task exists. Only the lead body updates.
Leadership sees published plans and changes nothing. A coordinator without a body (the standing
office, the administrator) sees and changes everything; a coordinator with a body (a "plan
coordinator") only the plans that body coordinates (``Plan.coordinator_id``), drafts included,
with their tasks, extensions and mail.

Registry-wide edits (a body's addresses, aliases, merges, its calendar feed) reach every plan the
body appears in, so a plan coordinator makes them only for a body that appears in its plans and in
no other (as lead, partner or coordinator); a body in no plan at all is the standing office's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, bindparam, or_, union
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar
from starlette.exceptions import HTTPException

from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus
from web.auth import CurrentUser

NOT_FOUND = "Không tìm thấy trang hoặc mục bạn yêu cầu."


def managed_plan_ids(user: CurrentUser) -> SelectOfScalar[int | None] | None:
    """The ids of the plans a plan coordinator manages (None: a coordinator without a body,
    or not a coordinator; callers check the role)."""
    if not user.plan_scoped:
        return None
    return select(Plan.id).where(Plan.coordinator_id == user.agency_id)


def scope_plans(user: CurrentUser) -> SelectOfScalar[int | None] | None:
    """The ids of the plans whose tasks ``user`` may see (None: every plan); an agency user
    sees only those of their tasks its body leads or cooperates on (:func:`task_scope`)."""
    if user.is_coordinator:
        return managed_plan_ids(user)
    return select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED)


def task_scope(user: CurrentUser) -> ColumnElement[bool] | None:
    """A WHERE clause limiting tasks to what ``user`` may see (None: no limit)."""
    plans = scope_plans(user)
    in_plans = None if plans is None else col(Task.plan_id).in_(plans)
    if user.is_coordinator or user.is_leader:
        return in_plans
    assert in_plans is not None
    agency_id = user.agency_id if user.agency_id is not None else -1
    partner_of = select(TaskPartner.task_id).where(TaskPartner.agency_id == agency_id)
    return and_(in_plans, or_(col(Task.lead_id) == agency_id, col(Task.id).in_(partner_of)))


def scope_of(user: CurrentUser) -> CurrentUser:
    """What of ``user`` decides the tasks it sees (one kept count serves every such user)."""
    return replace(user.seen_as, agency_name=None)


@lru_cache(maxsize=256)
def _visible_query(scope: CurrentUser) -> SelectOfScalar[Task]:
    """:func:`visible_task`'s statement for the users who see what ``scope`` sees, built once
    (every task page runs it)."""
    query = select(Task).where(Task.id == bindparam("task_id"))
    clause = task_scope(scope)
    return query if clause is None else query.where(clause)


def visible_task(session: Session, user: CurrentUser, task_id: int) -> Task:
    """The task if ``user`` may see it; 404 otherwise (never 403: existence must not leak)."""
    task = session.exec(_visible_query(scope_of(user)), params={"task_id": task_id}).first()
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


def plan_in_scope(user: CurrentUser, plan: Plan) -> bool:
    """Coordinators see drafts too (a plan coordinator only its body's plans); leadership only
    published plans."""
    if user.is_coordinator:
        return not user.plan_scoped or plan.coordinator_id == user.agency_id
    return plan.status == PlanStatus.PUBLISHED


def visible_plan(session: Session, user: CurrentUser, plan_id: int) -> Plan:
    """The plan if ``user`` may see it (a coordinator may also change it); 404 otherwise."""
    plan = session.get(Plan, plan_id)
    if plan is None or not plan_in_scope(user, plan):
        raise HTTPException(404, NOT_FOUND)
    return plan


REGISTRY_REFUSED = (
    "«{name}» có trong kế hoạch do cơ quan khác điều phối (hoặc chưa có trong kế hoạch nào của "
    "anh/chị): chỉ điều phối chung được sửa thông tin dùng chung của cơ quan này."
)


def editable_agencies(session: Session, user: CurrentUser, agency_ids: Iterable[int]) -> set[int]:
    """Those of ``agency_ids`` whose registry entry ``user`` (a coordinator) may change: all of
    them for a coordinator without a body; for a plan coordinator, the bodies that appear in at
    least one plan and only in plans its body coordinates."""
    wanted = set(agency_ids)
    if not user.plan_scoped or not wanted:
        return wanted
    partner_plans = select(TaskPartner.agency_id, Task.plan_id).join(
        Task, col(Task.id) == TaskPartner.task_id
    )
    appearances = union(
        select(col(Task.lead_id).label("agency_id"), Task.plan_id),
        partner_plans,
        select(Plan.coordinator_id, Plan.id),
    ).subquery()
    rows = session.exec(
        select(appearances.c.agency_id, Plan.coordinator_id)
        .join(Plan, col(Plan.id) == appearances.c.plan_id)
        .where(appearances.c.agency_id.in_(wanted))
    ).all()
    seen: set[int] = set()
    foreign: set[int] = set()
    for agency_id, coordinator_id in rows:
        seen.add(agency_id)
        if coordinator_id != user.agency_id:
            foreign.add(agency_id)
    return seen - foreign


def require_editable_agency(session: Session, user: CurrentUser, agency_id: int, name: str) -> None:
    """403 unless ``user`` may change this body's registry entry (see :func:`editable_agencies`)."""
    if agency_id not in editable_agencies(session, user, [agency_id]):
        raise HTTPException(403, REGISTRY_REFUSED.format(name=name))
