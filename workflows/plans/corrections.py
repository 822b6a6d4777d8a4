"""A coordinator's corrections to a draft (or published) plan, and publishing.

Every correction marks the task ``edited`` (re-imports keep it) and leaves a history event.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from models.agencies import Agency, AgencyAlias
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskStatus
from workflows.followup.updates import change_deadline, tell_reassigned
from workflows.plans.identity import task_identity
from workflows.plans.scheduling import activate_plan
from workflows.records.lookups import CorrectionError, get_plan, get_task
from workflows.records.task_history import record
from workflows.registry.agencies import find_agency
from workflows.registry.registry import Registry

ACTOR = "điều phối"


def reassign(session: Session, registry: Registry, task_id: int, lead: str, now: datetime) -> Task:
    task = get_task(session, task_id)
    agency = find_agency(session, lead, registry)
    event = record(session, task, now, ACTOR, "corrected", {"lead_id": [task.lead_id, agency.id]})
    old_lead_id, task.lead_id, task.edited = task.lead_id, agency.id, True
    tell_reassigned(session, task, event, old_lead_id, now)
    session.add(task)
    return task


def set_partners(
    session: Session, registry: Registry, task_id: int, names: list[str], now: datetime
) -> Task:
    task = get_task(session, task_id)
    ids = sorted({find_agency(session, n, registry).id for n in names})  # type: ignore[type-var]
    old = session.exec(select(TaskPartner).where(TaskPartner.task_id == task_id)).all()
    record(
        session,
        task,
        now,
        ACTOR,
        "corrected",
        {"partners": [sorted(p.agency_id for p in old), ids]},
    )
    for row in old:
        session.delete(row)
    session.flush()
    for agency_id in ids:
        session.add(TaskPartner(task_id=task_id, agency_id=agency_id))  # type: ignore[arg-type]
    task.edited = True
    session.add(task)
    return task


def set_due(session: Session, task_id: int, due: date | None, now: datetime) -> Task:
    """A new deadline; the same date as an inferred deadline confirms it (no new version: the
    reminders already fall due on it)."""
    task = get_task(session, task_id)
    task.edited = True
    if due is not None and due == task.due and task.due_inferred:
        record(session, task, now, ACTOR, "corrected", {"due_inferred": [True, False]})
        task.due_inferred = False
        session.add(task)
        return task
    return change_deadline(session, task, due, "điều phối sửa hạn", ACTOR, now)


def add_task(
    session: Session,
    registry: Registry,
    plan_id: int,
    text: str,
    lead: str,
    due: date | None,
    section: str,
    now: datetime,
) -> Task:
    get_plan(session, plan_id)
    if not text.strip():
        raise CorrectionError("Nội dung nhiệm vụ không được để trống.")
    agency = find_agency(session, lead, registry)
    identity = task_identity(section, agency.name, text)
    existing = session.exec(
        select(Task).where(Task.plan_id == plan_id, Task.identity == identity)
    ).first()
    if existing is not None:
        dropped = " (đã bỏ)" if existing.status == TaskStatus.DROPPED else ""
        raise CorrectionError(
            f"Kế hoạch đã có nhiệm vụ này{dropped}: #{existing.id}, mục «{existing.section}», "
            f"chủ trì «{agency.name}»: «{existing.text[:120]}». Không thêm lần nữa."
        )
    count = len(session.exec(select(Task.id).where(Task.plan_id == plan_id)).all())
    task = Task(
        plan_id=plan_id,
        identity=identity,
        ext_id=f"M{count + 1}",
        section=section,
        line=0,
        text=text.strip(),
        lead_id=agency.id,
        due=due,
        edited=True,
    )
    session.add(task)
    session.flush()
    record(session, task, now, ACTOR, "added", {"text": task.text})
    return task


def drop_task(session: Session, task_id: int, now: datetime) -> Task:
    task = get_task(session, task_id)
    task.status, task.edited = TaskStatus.DROPPED, True
    session.add(task)
    record(session, task, now, ACTOR, "dropped", {"reason": "điều phối bỏ nhiệm vụ"})
    return task


def merge_agency(
    session: Session, registry: Registry, source: str, into: str, now: datetime
) -> tuple[Agency, Agency, int]:
    """Merge an (unregistered) body into a known one: tasks move, the name becomes an alias."""
    victim = find_agency(session, source, registry)
    target = find_agency(session, into, registry)
    if victim.id == target.id:
        raise CorrectionError("Hai tên chỉ cùng một cơ quan; không cần gộp.")
    moved = 0
    for task in session.exec(select(Task).where(Task.lead_id == victim.id)).all():
        record(session, task, now, ACTOR, "corrected", {"lead_id": [victim.id, target.id]})
        task.lead_id = target.id
        session.add(task)
        moved += 1
    for row in session.exec(select(TaskPartner).where(TaskPartner.agency_id == victim.id)).all():
        exists = session.get(TaskPartner, (row.task_id, target.id))
        session.delete(row)
        if exists is None:
            session.add(TaskPartner(task_id=row.task_id, agency_id=target.id))  # type: ignore[arg-type]
        moved += 1
    victim.merged_into_id = target.id
    session.add(victim)
    alias = session.get(AgencyAlias, victim.folded_name)
    if alias is None:
        session.add(AgencyAlias(folded=victim.folded_name, agency_id=target.id))  # type: ignore[arg-type]
    else:
        alias.agency_id = target.id  # type: ignore[assignment]
    return victim, target, moved


def publish(session: Session, plan_id: int, now: datetime, force: bool = False) -> Plan:
    """Publish a plan; refuse (unless forced) while an open task has no lead body."""
    plan = get_plan(session, plan_id)
    orphans = session.exec(
        select(Task).where(
            Task.plan_id == plan_id,
            Task.lead_id == None,  # noqa: E711
            Task.status != TaskStatus.DROPPED,
        )
    ).all()
    if orphans and not force:
        listed = "; ".join(f"#{t.id} (dòng {t.line})" for t in orphans[:10])
        raise CorrectionError(
            f"Còn {len(orphans)} nhiệm vụ chưa có cơ quan chủ trì: {listed}. "
            "Hãy giao cơ quan (kehoach task lead) hoặc dùng --force."
        )
    plan.status, plan.published_at = PlanStatus.PUBLISHED, now
    session.add(plan)
    activate_plan(session, plan, now)
    return plan
