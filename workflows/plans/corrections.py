"""A coordinator's corrections to a draft (or published) plan, and publishing.

Every correction marks the task ``edited`` (re-imports keep it) and leaves a history event; a
correction to the plan's header leaves a plan event (re-imports keep those fields too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from models.agencies import Agency, AgencyAlias
from models.plans import Plan, PlanEvent
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskKindDb, TaskStatus
from notifications.wording import kind_label
from workflows.followup.contacts import set_contact, set_plan_contacts
from workflows.followup.policy import set_plan_policy
from workflows.followup.updates import change_deadline, tell_reassigned
from workflows.parsing.text import fold
from workflows.plans.identity import task_identity
from workflows.plans.scheduling import activate_plan
from workflows.records.lookups import CorrectionError, get_plan, get_task
from workflows.records.task_history import record
from workflows.registry.agencies import WEB_KEY_PREFIX, find_agency
from workflows.registry.data import LEVELS
from workflows.registry.registry import Registry

ACTOR = "điều phối"
MAX_TEXT = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LEVEL_LABELS = {"tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}


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
    """A new deadline; the same date confirms it: an inferred deadline is no longer inferred
    (no new version: the reminders already fall due on it). Either way the coordinator has
    checked the task's OCR'd figures against the paper: their doubt is cleared."""
    task = get_task(session, task_id)
    task.edited = True
    checked: dict[str, Any] = {"ocr_doubt": [True, False]} if task.ocr_doubt else {}
    task.ocr_doubt = None
    if due == task.due and task.due_inferred:
        checked["due_inferred"] = [True, False]
        task.due_inferred = False
    if checked:
        record(session, task, now, ACTOR, "corrected", checked)
    if due == task.due:
        session.add(task)
        return task
    return change_deadline(session, task, due, "điều phối sửa hạn", ACTOR, now)


def set_text(session: Session, task_id: int, text: str, now: datetime) -> Task:
    """The duty's wording as the coordinator corrects it (one space between words)."""
    task = get_task(session, task_id)
    cleaned = " ".join(_CONTROL.sub("", text).split())
    if not cleaned:
        raise CorrectionError("Nội dung nhiệm vụ không được để trống.")
    if len(cleaned) > MAX_TEXT:
        raise CorrectionError(f"Nội dung nhiệm vụ dài quá {MAX_TEXT} ký tự.")
    record(session, task, now, ACTOR, "corrected", {"text": [task.text, cleaned]})
    task.text, task.edited = cleaned, True
    session.add(task)
    return task


def set_kind(session: Session, task_id: int, kind: str, now: datetime) -> Task:
    task = get_task(session, task_id)
    if kind not in {k.value for k in TaskKindDb}:
        listed = ", ".join(f"«{kind_label(k)}»" for k in TaskKindDb)
        raise CorrectionError(f"Loại nhiệm vụ không hợp lệ: hãy chọn {listed}.")
    record(session, task, now, ACTOR, "corrected", {"kind": [task.kind, kind]})
    task.kind, task.edited = kind, True
    session.add(task)
    return task


@dataclass(frozen=True)
class BulkOutcome:
    changed: int  # tasks the action changed
    unchanged: int  # tasks it left as they were (already so, or dropped)
    lead: str | None = None  # the lead body's name, for "lead"


def bulk_correct(
    session: Session,
    registry: Registry,
    task_ids: Iterable[int],
    action: str,
    value: Any,
    now: datetime,
) -> BulkOutcome:
    """One action on many tasks, in the caller's one transaction: ``due`` (a date or None),
    ``lead`` (a body's name) or ``drop``. Each task gets its own history event, as if corrected
    one by one; dropped tasks and tasks already so are left alone."""
    tasks = [get_task(session, task_id) for task_id in sorted(set(task_ids))]
    if not tasks:
        raise CorrectionError("Hãy chọn ít nhất một nhiệm vụ.")
    lead = find_agency(session, value, registry) if action == "lead" else None
    changed = 0
    for task in tasks:
        assert task.id is not None
        if task.status == TaskStatus.DROPPED:
            continue
        if action == "due" and task.due != value:
            set_due(session, task.id, value, now)
        elif action == "lead" and lead is not None and task.lead_id != lead.id:
            reassign(session, registry, task.id, lead.name, now)
        elif action == "drop":
            drop_task(session, task.id, now)
        elif action not in ("due", "lead", "drop"):
            raise CorrectionError("Hãy chọn việc cần làm với các nhiệm vụ đã chọn.")
        else:
            continue
        changed += 1
    return BulkOutcome(changed, len(tasks) - changed, lead.name if lead else None)


# The plan header fields a coordinator corrects, as the plan's history names them.
HEADER_LABELS = {
    "number": "số, ký hiệu",
    "issuer": "cơ quan ban hành",
    "issued_on": "ngày ban hành",
    "period_start": "ngày bắt đầu thực hiện",
    "period_end": "ngày kết thúc thực hiện",
    "coordinator_id": "cơ quan thường trực",
    "leadership_emails": "thư của lãnh đạo",
    "reminder_offsets": "lịch nhắc trước hạn",
    "escalation_days": "các bước nhắc quá hạn",
}


@dataclass(frozen=True)
class PlanHeader:
    """The header as the coordinator wants it; a field left None is not changed (the dates and
    the leadership are cleared with ``CLEAR``)."""

    number: str | None = None
    issuer: str | None = None
    issued_on: date | str | None = None
    period_start: date | str | None = None
    period_end: date | str | None = None
    coordinator: str | None = None
    leadership: str | None = None


CLEAR = ""  # a date field's value that empties it


def correct_header(
    session: Session, registry: Registry, plan_id: int, header: PlanHeader, now: datetime
) -> list[str]:
    """Apply the header; returns the labels of the fields that changed (a plan event holds
    their old and new values)."""
    plan = get_plan(session, plan_id)
    for text, label in ((header.number, "Số, ký hiệu"), (header.issuer, "Cơ quan ban hành")):
        if text is not None and len(text) > 300:
            raise CorrectionError(f"{label} dài quá 300 ký tự.")
    before = _header(plan)
    if header.number is not None:
        plan.number = " ".join(header.number.split()) or None
    if header.issuer is not None:
        plan.issuer = " ".join(header.issuer.split()) or None
    for name in ("issued_on", "period_start", "period_end"):
        value = getattr(header, name)
        if value is not None:
            setattr(plan, name, value or None)
    if plan.period_start and plan.period_end and plan.period_start > plan.period_end:
        raise CorrectionError("Ngày bắt đầu thực hiện phải trước ngày kết thúc.")
    set_plan_contacts(session, registry, plan_id, header.coordinator, header.leadership)
    plan.leadership_emails = plan.leadership_emails or None
    session.add(plan)
    return _record_plan(session, plan, before, now)


def set_policy(
    session: Session,
    plan_id: int,
    offsets: str | None,
    escalation_days: str | None,
    now: datetime,
) -> tuple[list[str], int]:
    """The plan's reminder policy (blank: the general one); returns the labels of what
    changed and how many open tasks were rescheduled."""
    plan = get_plan(session, plan_id)
    before = _header(plan)
    rescheduled = set_plan_policy(session, plan_id, offsets, escalation_days, now)
    return _record_plan(session, plan, before, now), rescheduled


def _header(plan: Plan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in HEADER_LABELS}


def _record_plan(session: Session, plan: Plan, before: dict[str, Any], now: datetime) -> list[str]:
    """A plan event with the old and new value of every header field that changed."""
    changes = {n: [v, getattr(plan, n)] for n, v in before.items() if getattr(plan, n) != v}
    if changes:
        assert plan.id is not None
        detail = _plain(changes)
        session.add(
            PlanEvent(plan_id=plan.id, at=now, actor=ACTOR, kind="corrected", detail=detail)
        )
    return [HEADER_LABELS[n] for n in changes]


def _plain(detail: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        k: [v.isoformat() if isinstance(v, date) else v for v in pair] for k, pair in detail.items()
    }


def add_agency(
    session: Session,
    registry: Registry,
    name: str,
    level: str,
    locality: str,
    email: str = "",
) -> Agency:
    """A body the registry file does not know, entered by a coordinator: stored as registered
    (key ``web.<id>``), found by name on later imports. A body an import stored unregistered
    under the same name becomes that entry (its tasks stay)."""
    name, locality = " ".join(name.split()), " ".join(locality.split())
    if not name or len(name) > 200:
        raise CorrectionError("Tên cơ quan phải có từ 1 đến 200 ký tự.")
    if level not in LEVELS:
        listed = ", ".join(LEVEL_LABELS.values())
        raise CorrectionError(f"Hãy chọn cấp của cơ quan ({listed}).")
    if not locality or len(locality) > 200:
        raise CorrectionError("Hãy nhập địa bàn của cơ quan (ví dụ «huyện Tu Mơ Rông»).")
    entry = registry.lookup(name, locality)
    if entry is not None:
        raise CorrectionError(f"Danh mục đã có «{entry.name}»: hãy chọn cơ quan này.")
    agency = session.exec(
        select(Agency).where(Agency.folded_name == fold(name), col(Agency.merged_into_id).is_(None))
    ).first()
    if agency is not None and agency.registered:
        raise CorrectionError(f"Danh mục đã có «{agency.name}»: hãy chọn cơ quan này.")
    if agency is None:
        agency = Agency(name=name, folded_name=fold(name), registered=False)
        session.add(agency)
        session.flush()
    agency.name, agency.level, agency.locality = name, level, locality
    agency.registered, agency.key = True, f"{WEB_KEY_PREFIX}{agency.id}"
    session.add(agency)
    if email:
        set_contact(session, registry, name, email, None)
    return agency


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
