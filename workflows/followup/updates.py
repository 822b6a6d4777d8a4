"""What happens after publishing: status updates, deadline changes and extension requests.

Status follows the taxonomy Vietnamese task tracking uses (see ``workflows.rules.status``);
completion freezes whether the task was late, judged against the deadline in force.

The body concerned hears back about what the coordinator decided (an extension approved or
refused, its deadline changed, the task given to it or taken from it) in its digest of the
next sweep (``tell``): one message a sweep however many decisions, sent by the outbox like
every other mail, never from inside a web request.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from models.agencies import Agency
from models.delivery import Notice
from models.followup import DeadlineChange, Extension, ExtensionStatus
from models.plans import Plan
from models.tasks import Task, TaskEvent
from models.types import PlanStatus, TaskStatus
from workflows.followup.alarms import reschedule
from workflows.followup.recipients import agency_recipient
from workflows.records.lookups import CorrectionError, get_task
from workflows.records.task_history import CHANGE_PREFIX, record
from workflows.rules.status import completed_late
from workflows.rules.timefmt import local_date


class ConflictError(CorrectionError):
    """Two updates raced: the second was based on a state that no longer holds."""


def update_status(
    session: Session,
    task_id: int,
    status: TaskStatus,
    actor: str,
    now: datetime,
    *,
    progress: int | None = None,
    note: str | None = None,
    expected_status: str | None = None,
) -> Task:
    """Set status/progress; ``expected_status`` refuses an update based on a stale view.

    A progress outside 0–100 is refused before anything is recorded.
    """
    if progress is not None and not 0 <= progress <= 100:
        raise CorrectionError(f"Tiến độ phải từ 0 đến 100%; giá trị {progress} không hợp lệ.")
    task = get_task(session, task_id)
    if expected_status is not None and task.status != expected_status:
        record(
            session,
            task,
            now,
            actor,
            "status_refused",
            {"wanted": status.value, "expected": expected_status, "actual": task.status},
        )
        raise ConflictError(
            f"Nhiệm vụ #{task_id} đã được cập nhật sang «{task.status}» trước đó; hãy tải lại."
        )
    if task.status == TaskStatus.DROPPED:
        raise CorrectionError(f"Nhiệm vụ #{task_id} đã bị bỏ, không cập nhật được.")
    if task.status == TaskStatus.DONE and status != TaskStatus.DONE:
        task.completed_at, task.completed_late = None, None  # reopened
    if status == TaskStatus.DONE and task.status != TaskStatus.DONE:
        task.completed_at = now
        task.completed_late = completed_late(task.due, local_date(now))
        progress = 100
        _close_open_extensions(session, task_id, actor, now)
    record(
        session,
        task,
        now,
        actor,
        "status",
        {"status": [task.status, status.value], "progress": progress, "note": note},
    )
    task.status = status
    if progress is not None:
        task.progress = progress
    if note:
        task.result_note = note
    session.add(task)
    return task


def change_deadline(
    session: Session,
    task: Task,
    new_due: date | None,
    reason: str,
    actor: str,
    now: datetime,
    *,
    told: bool = True,
) -> Task:
    """A new deadline in force: a new version (so new reminders), history kept, alarms redone;
    the lead body is told (unless ``told`` is False: the caller tells it why)."""
    session.add(
        DeadlineChange(
            task_id=task.id,
            version=task.deadline_version + 1,  # type: ignore[arg-type]
            old_due=task.due,
            new_due=new_due,
            reason=reason,
            actor=actor,
            at=now,
        )
    )
    event = record(
        session, task, now, actor, "deadline", {"due": [task.due, new_due], "reason": reason}
    )
    if told:
        tell(session, task, event, "deadline", task.lead_id, now)
    task.due, task.due_inferred = new_due, False  # a deadline set by someone is no longer inferred
    task.deadline_version += 1
    task.escalation_policy = None  # a new deadline starts a new overdue episode
    session.add(task)
    session.flush()
    reschedule(session, task, now)
    return task


def request_extension(
    session: Session, task_id: int, new_due: date, reason: str, requested_by: str, now: datetime
) -> Extension:
    task = get_task(session, task_id)
    if not reason.strip():
        raise CorrectionError("Cần nêu lý do xin gia hạn.")
    if task.due is not None and new_due <= task.due:
        raise CorrectionError("Hạn mới phải sau hạn hiện tại.")
    first = _request_for_current_deadline(session, task_id)
    if first is not None:
        from workflows.followup.status_view import extension_status_label

        raise CorrectionError(
            f"Nhiệm vụ #{task_id} đã có yêu cầu gia hạn #{first.id} cho hạn hiện tại, gửi ngày "
            f"{local_date(first.requested_at):%d/%m/%Y} (xin đến {first.requested_due:%d/%m/%Y}, "
            f"{extension_status_label(first.status)}); mỗi hạn chỉ xin gia hạn một lần."
        )
    extension = Extension(
        task_id=task_id,
        requested_due=new_due,
        reason=reason.strip(),
        requested_by=requested_by,
        requested_at=now,
    )
    session.add(extension)
    record(
        session,
        task,
        now,
        requested_by,
        "extension_requested",
        {"due": new_due, "reason": reason.strip()},
    )
    session.flush()
    return extension


def _request_for_current_deadline(session: Session, task_id: int) -> Extension | None:
    """The extension already asked for the task's current deadline version: any request made
    after the latest deadline change (or ever, if the deadline never changed)."""
    changed = session.exec(
        select(DeadlineChange.at)
        .where(DeadlineChange.task_id == task_id)
        .order_by(DeadlineChange.version.desc(), DeadlineChange.id.desc())
    ).first()
    query = select(Extension).where(Extension.task_id == task_id)
    if changed is not None:
        query = query.where(Extension.requested_at >= changed)
    return session.exec(query.order_by(Extension.requested_at, Extension.id)).first()


def _close_open_extensions(session: Session, task_id: int, actor: str, now: datetime) -> None:
    """A done task needs no more time: its undecided requests are closed, not left pending."""
    for extension in session.exec(
        select(Extension)
        .where(Extension.task_id == task_id, Extension.status == ExtensionStatus.REQUESTED)
        .order_by(Extension.id)
    ):
        extension.status = ExtensionStatus.CLOSED
        extension.decided_by, extension.decided_at = actor, now
        session.add(extension)


def decide_extension(
    session: Session,
    extension_id: int,
    approve: bool,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> Extension:
    extension = session.get(Extension, extension_id)
    if extension is None:
        raise CorrectionError(f"Không có yêu cầu gia hạn số {extension_id}.")
    if extension.status != ExtensionStatus.REQUESTED:
        raise ConflictError(f"Yêu cầu gia hạn #{extension_id} đã được xử lý ({extension.status}).")
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note
    session.add(extension)
    task = get_task(session, extension.task_id)
    kind = "extension_" + extension.status
    due = [task.due, extension.requested_due] if approve else extension.requested_due
    event = record(session, task, now, actor, kind, {"due": due, "note": note})
    tell(session, task, event, kind, task.lead_id, now)
    if approve:
        reason = "gia hạn được duyệt"
        change_deadline(session, task, extension.requested_due, reason, actor, now, told=False)
    return extension


def tell(
    session: Session,
    task: Task,
    event: TaskEvent,
    change: str,
    agency_id: int | None,
    now: datetime,
) -> None:
    """Put ``event`` in the next digest of body ``agency_id`` (nothing for a draft plan, or no
    body). The notice's ``step`` holds the event's id: each decision is told once."""
    plan = session.get(Plan, task.plan_id)
    if agency_id is None or plan is None or plan.status != PlanStatus.PUBLISHED:
        return
    session.flush()  # the event's id
    assert event.id is not None
    recipient = agency_recipient(session.get(Agency, agency_id), "body")
    session.add(
        Notice(
            task_id=task.id,  # type: ignore[arg-type]
            kind=CHANGE_PREFIX + change,
            step=event.id,
            deadline_version=task.deadline_version,
            recipient=recipient.ledger_key,
            agency_id=agency_id,
            role="body",
            created_at=now,
        )
    )


def tell_reassigned(
    session: Session, task: Task, event: TaskEvent, old_lead_id: int | None, now: datetime
) -> None:
    """A task given to another lead: the new lead and the old one both hear it."""
    if old_lead_id == task.lead_id:
        return
    tell(session, task, event, "assigned", task.lead_id, now)
    tell(session, task, event, "unassigned", old_lead_id, now)


def pending_extensions(session: Session, plan_id: int | None = None) -> list[Extension]:
    query = select(Extension).where(Extension.status == ExtensionStatus.REQUESTED)
    if plan_id is not None:
        query = query.join(Task).where(Task.plan_id == plan_id)
    return list(session.exec(query).all())
