"""Store an extracted plan as a draft; re-importing a document (or a revision) never duplicates.

Unchanged tasks keep their row, identity and history; edited duties are matched by similarity;
duties gone from the document are dropped (kept, with history); coordinator corrections win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, delete, select

from models.plans import Plan, PlanSection, PlanWarning, Target
from models.tasks import Task, TaskEdge, TaskPartner
from models.types import TaskStatus
from workflows.agencies import agency_for_body
from workflows.identity import plan_identity, similar, task_identity
from workflows.parsing.result import Body, ExtractedPlan, ExtractedTask
from workflows.parsing.text import fold
from workflows.registry import Registry
from workflows.task_history import record

ACTOR = "nhập văn bản"


@dataclass
class ImportOutcome:
    plan_id: int
    created: bool
    revision: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    kept_corrections: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class _Incoming:
    extracted: ExtractedTask
    identity: str
    lead_id: int | None
    partner_ids: list[int]


def import_plan(
    session: Session,
    extracted: ExtractedPlan,
    registry: Registry,
    *,
    source_name: str,
    source_sha256: str,
    now: datetime,
) -> ImportOutcome:
    plan, created = _upsert_plan(session, extracted, source_name, source_sha256, now)
    assert plan.id is not None
    bodies = {fold(b.name): b for b in extracted.bodies}

    def agency_id(name: str | None) -> int | None:
        if not name:
            return None
        body = bodies.get(fold(name)) or Body(name=name, as_written=name, registered=False)
        return agency_for_body(session, body, registry, extracted.locality).id

    plan.coordinator_id = agency_id(extracted.coordinator)
    seen: dict[str, int] = {}
    incoming = [
        _Incoming(
            t,
            _unique(task_identity(t.section, t.lead, t.text), seen),
            agency_id(t.lead),
            sorted({i for p in t.partners if (i := agency_id(p)) is not None}),
        )
        for t in extracted.tasks
    ]
    outcome = ImportOutcome(plan_id=plan.id, created=created, revision=plan.revision)
    by_ext_id = _merge_tasks(session, plan.id, incoming, outcome, now)
    _replace_edges(session, extracted.tasks, by_ext_id)
    _replace_plan_parts(session, plan, extracted)
    _link_parent_and_children(session, plan)
    return outcome


def _unique(identity: str, seen: dict[str, int]) -> str:
    """A duty written twice in one document is two tasks: the repeat gets a suffix."""
    seen[identity] = seen.get(identity, 0) + 1
    return identity if seen[identity] == 1 else f"{identity}#{seen[identity]}"


def _upsert_plan(
    session: Session, extracted: ExtractedPlan, source_name: str, sha: str, now: datetime
) -> tuple[Plan, bool]:
    identity = plan_identity(extracted)
    plan = session.exec(select(Plan).where(Plan.identity == identity)).first()
    created = plan is None
    if plan is None:
        plan = Plan(identity=identity, created_at=now)
    elif plan.source_sha256 != sha:
        plan.revision += 1
    for name in (
        "number",
        "issuer",
        "place",
        "issued_on",
        "year",
        "title",
        "period_start",
        "period_end",
        "budget_vnd",
        "signer",
        "recipients",
    ):
        setattr(plan, name, getattr(extracted, name))
    plan.bases = [
        {
            "text": b.text,
            "number": b.number,
            "is_plan": b.is_plan,
            "issued_on": b.issued_on.isoformat() if b.issued_on else None,
        }
        for b in extracted.bases
    ]
    plan.parent_number = extracted.parent_plan_number
    plan.source_name, plan.source_sha256 = source_name, sha
    session.add(plan)
    session.flush()
    return plan, created


def _merge_tasks(
    session: Session,
    plan_id: int,
    incoming: list[_Incoming],
    outcome: ImportOutcome,
    now: datetime,
) -> dict[str, int]:
    existing = session.exec(select(Task).where(Task.plan_id == plan_id)).all()
    by_identity = {t.identity: t for t in existing}
    unmatched = [t for t in existing if t.status != TaskStatus.DROPPED]
    by_ext_id: dict[str, int] = {}
    pending: list[_Incoming] = []
    for item in incoming:
        task = by_identity.get(item.identity)
        if task is None:
            pending.append(item)
            continue
        if task in unmatched:
            unmatched.remove(task)
        by_ext_id[item.extracted.id] = _update(session, task, item, outcome, now)
    for item in pending:
        task = next((t for t in unmatched if _same_duty(t, item)), None)
        if task is not None:
            unmatched.remove(task)
            by_ext_id[item.extracted.id] = _update(session, task, item, outcome, now)
        else:
            by_ext_id[item.extracted.id] = _insert(session, plan_id, item, outcome, now)
    for task in unmatched:
        if task.edited and task.ext_id.startswith("M"):
            continue  # added by a coordinator: not expected in the document
        task.status = TaskStatus.DROPPED
        session.add(task)
        record(session, task, now, ACTOR, "dropped", {"reason": "không còn trong văn bản"})
        outcome.dropped.append(task.text)
    return by_ext_id


def _same_duty(task: Task, item: _Incoming) -> bool:
    return (
        task.section == item.extracted.section
        and task.lead_id == item.lead_id
        and similar(task.text, item.extracted.text)
    )


def _fields(item: _Incoming) -> dict[str, object]:
    t = item.extracted
    return {
        "text": t.text,
        "section": t.section,
        "kind": t.kind.value,
        "lead_id": item.lead_id,
        "due": t.due,
        "recurrence": t.recurrence,
        "report_to": t.report_to,
        "via": t.via,
    }


def _insert(
    session: Session, plan_id: int, item: _Incoming, outcome: ImportOutcome, now: datetime
) -> int:
    task = Task(
        plan_id=plan_id,
        identity=item.identity,
        ext_id=item.extracted.id,
        line=item.extracted.line,
        **_fields(item),
    )  # type: ignore[arg-type]
    session.add(task)
    session.flush()
    assert task.id is not None
    _set_partners(session, task.id, item.partner_ids)
    record(session, task, now, ACTOR, "imported", {"line": task.line})
    outcome.added.append(task.text)
    return task.id


def _update(
    session: Session, task: Task, item: _Incoming, outcome: ImportOutcome, now: datetime
) -> int:
    assert task.id is not None
    task.ext_id, task.line, task.identity = item.extracted.id, item.extracted.line, item.identity
    if task.status == TaskStatus.DROPPED:
        task.status = TaskStatus.NOT_STARTED
        record(session, task, now, ACTOR, "restored", {})
    old_partners = sorted(
        session.exec(select(TaskPartner.agency_id).where(TaskPartner.task_id == task.id)).all()
    )
    changes = {
        k: [_show(getattr(task, k)), _show(v)]
        for k, v in _fields(item).items()
        if getattr(task, k) != v
    }
    if old_partners != item.partner_ids:
        changes["partners"] = [old_partners, item.partner_ids]
    if changes and task.edited:
        record(session, task, now, ACTOR, "correction_kept", {"document": changes})
        outcome.kept_corrections.append(task.text)
    elif changes:
        for key, value in _fields(item).items():
            setattr(task, key, value)
        if "due" in changes:
            task.deadline_version += 1
        _set_partners(session, task.id, item.partner_ids)
        record(session, task, now, ACTOR, "changed", changes)
        outcome.changed.append(task.text)
    else:
        outcome.unchanged += 1
    session.add(task)
    return task.id


def _show(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _set_partners(session: Session, task_id: int, partner_ids: list[int]) -> None:
    session.exec(delete(TaskPartner).where(TaskPartner.task_id == task_id))  # type: ignore[call-overload]
    for agency_id in partner_ids:
        session.add(TaskPartner(task_id=task_id, agency_id=agency_id))


def _replace_edges(session: Session, tasks: list[ExtractedTask], by_ext_id: dict[str, int]) -> None:
    ids = list(by_ext_id.values())
    session.exec(delete(TaskEdge).where(TaskEdge.task_id.in_(ids)))  # type: ignore[attr-defined,call-overload]
    for t in tasks:
        for dep in dict.fromkeys(t.depends_on):
            if dep in by_ext_id and dep != t.id:
                session.add(TaskEdge(task_id=by_ext_id[t.id], depends_on_id=by_ext_id[dep]))


def _replace_plan_parts(session: Session, plan: Plan, extracted: ExtractedPlan) -> None:
    for table in (PlanSection, Target, PlanWarning):
        session.exec(delete(table).where(table.plan_id == plan.id))  # type: ignore[call-overload]
    assert plan.id is not None
    for s in extracted.sections:
        session.add(
            PlanSection(
                plan_id=plan.id,
                key=s.key,
                label=s.label,
                title=s.title,
                line=s.line,
                parent_key=s.parent,
            )
        )
    for t in extracted.targets:
        session.add(
            Target(
                plan_id=plan.id,
                section=t.section,
                line=t.line,
                text=t.text,
                value=t.value,
                unit=t.unit,
                comparator=t.comparator,
                due=t.due,
            )
        )
    for message in extracted.warnings:
        session.add(PlanWarning(plan_id=plan.id, revision=plan.revision, message=message))


def _link_parent_and_children(session: Session, plan: Plan) -> None:
    """Connect this plan to the parent plan it implements, and its children to it."""
    if plan.parent_number:
        parent = _plan_by_number(session, plan.parent_number)
        plan.parent_id = parent.id if parent and parent.id != plan.id else None
    if plan.number:
        for child in session.exec(select(Plan).where(Plan.parent_number.is_not(None))).all():  # type: ignore[union-attr]
            if fold(child.parent_number or "") == fold(plan.number) and child.id != plan.id:
                child.parent_id = plan.id
                session.add(child)
    session.add(plan)


def _plan_by_number(session: Session, number: str) -> Plan | None:
    folded = fold(number)
    plans = session.exec(select(Plan).where(Plan.number.is_not(None))).all()  # type: ignore[union-attr]
    return next((p for p in plans if fold(p.number or "") == folded), None)
