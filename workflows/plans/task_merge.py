"""An import's tasks merged into the stored ones.

Unchanged tasks keep their row, identity and history; edited duties are matched by similarity;
duties gone from the document are dropped (kept, with history); coordinator corrections win.
Partners and dependency edges follow the document; so do the OCR doubts of a task no
coordinator has corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, delete, select

from models.tasks import Task, TaskEdge, TaskPartner
from models.types import TaskStatus
from workflows.parsing.result import ExtractedTask
from workflows.plans.identity import similar
from workflows.records.task_history import record

ACTOR = "nhập văn bản"


@dataclass
class ImportOutcome:
    """What an import did: the plan, and the tasks added, changed, dropped or left as corrected."""

    plan_id: int
    created: bool
    revision: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    kept_corrections: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class Incoming:
    """A task of the document, with its identity and its bodies' stored ids."""

    extracted: ExtractedTask
    identity: str
    lead_id: int | None
    partner_ids: list[int]


def merge_tasks(
    session: Session,
    plan_id: int,
    incoming: list[Incoming],
    outcome: ImportOutcome,
    now: datetime,
) -> dict[str, int]:
    """Every incoming task matched, updated or inserted; returns task ids by extracted id."""
    existing = session.exec(select(Task).where(Task.plan_id == plan_id)).all()
    by_identity = {t.identity: t for t in existing}
    unmatched = [t for t in existing if t.status != TaskStatus.DROPPED]
    by_ext_id: dict[str, int] = {}
    pending: list[Incoming] = []
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


def _same_duty(task: Task, item: Incoming) -> bool:
    return (
        task.section == item.extracted.section
        and task.lead_id == item.lead_id
        and similar(task.text, item.extracted.text)
    )


def _fields(item: Incoming) -> dict[str, object]:
    t = item.extracted
    return {
        "text": t.text,
        "section": t.section,
        "kind": t.kind.value,
        "lead_id": item.lead_id,
        # A duty with no date of its own is reminded on the plan period's end, shown as inferred.
        "due": t.due or t.inferred_due,
        "due_inferred": t.due is None and t.inferred_due is not None,
        "recurrence": t.recurrence,
        "report_to": t.report_to,
        "via": t.via,
    }


def _insert(
    session: Session, plan_id: int, item: Incoming, outcome: ImportOutcome, now: datetime
) -> int:
    task = Task(
        plan_id=plan_id,
        identity=item.identity,
        ext_id=item.extracted.id,
        line=item.extracted.line,
        ocr_doubt=item.extracted.ocr_doubt,
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
    session: Session, task: Task, item: Incoming, outcome: ImportOutcome, now: datetime
) -> int:
    assert task.id is not None
    task.ext_id, task.line, task.identity = item.extracted.id, item.extracted.line, item.identity
    if task.status == TaskStatus.DROPPED:
        task.status = TaskStatus.NOT_STARTED
        record(session, task, now, ACTOR, "restored", {})
    if not task.edited:  # a coordinator who corrected the task has seen the reading's doubts
        task.ocr_doubt = item.extracted.ocr_doubt
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


def replace_edges(session: Session, tasks: list[ExtractedTask], by_ext_id: dict[str, int]) -> None:
    ids = list(by_ext_id.values())
    session.exec(delete(TaskEdge).where(TaskEdge.task_id.in_(ids)))  # type: ignore[attr-defined,call-overload]
    for t in tasks:
        for dep in dict.fromkeys(t.depends_on):
            if dep in by_ext_id and dep != t.id:
                session.add(TaskEdge(task_id=by_ext_id[t.id], depends_on_id=by_ext_id[dep]))
