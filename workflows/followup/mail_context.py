"""Fill the typed email contexts (notifications.contexts) from the database.

Every task shown in any email goes through ``task_item``, so every list (reminder digests,
escalations, weekly digests, milestone reports) shows the same things: the deadline, the time
left, the status, and a note when the deadline falls on a day off ("Chủ nhật — ngày nghỉ").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from sqlmodel import Session

from config.settings import Settings
from models.agencies import Agency
from models.delivery import Notice, OutboxMessage
from models.plans import Plan
from models.tasks import Task, TaskEvent
from notifications import contexts as c
from notifications.links import LinkAction, action_url, make_token
from workflows.followup.status_view import status_label
from workflows.followup.sweep_loads import previous_sends_by_task
from workflows.parsing.text import fold
from workflows.records.task_history import CHANGE_PREFIX, notice_label
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.reminders import deadline_day_off
from workflows.rules.timefmt import local_date

LINK_LIFETIME = timedelta(days=30)
SYSTEM_SENDER = "Hệ thống theo dõi thực hiện kế hoạch"
_LINKS = (
    (LinkAction.ACKNOWLEDGE, "Xác nhận đã nhận"),
    (LinkAction.DONE, "Báo cáo hoàn thành"),
    (LinkAction.EXTENSION, "Đề nghị gia hạn"),
)
# Who leads an issuing body, by the kind of body (first match wins); "Lãnh đạo" otherwise.
# Compared folded: case and tone-mark placement ("Huyện uỷ", "Huyện ủy") do not matter.
_LEADERSHIP = (
    (("mặt trận tổ quốc", "mttq"), "Ban Thường trực"),
    (("tỉnh ủy", "huyện ủy", "thành ủy", "đảng ủy"), "Ban Thường vụ"),
    (("hội đồng nhân dân", "hđnd"), "Thường trực"),
)
_ALREADY_LEADERSHIP = ("ban thường trực", "ban thường vụ", "thường trực", "lãnh đạo")
# When several roles share one address, the greeting names the body, then its head.
_ROLE_ORDER = ("body", "partner", "coordinator", "head", "leader")


def dashboard_url(settings: Settings) -> str:
    return settings.base_url.rstrip("/") + "/"


def leadership_name(issuer: str | None) -> str:
    """The plan's own leadership, named after its issuing body: "Ủy ban MTTQ Việt Nam tỉnh Kon
    Tum" → "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Kon Tum"; "Ủy ban nhân dân huyện Tu Mơ
    Rông" → "Lãnh đạo Ủy ban nhân dân huyện Tu Mơ Rông"."""
    if not issuer or not issuer.strip():
        return "Lãnh đạo cơ quan ban hành kế hoạch"
    name = " ".join(issuer.split())
    folded = fold(name)
    if folded.startswith(tuple(fold(w) for w in _ALREADY_LEADERSHIP)):
        return name  # the issuer is the leadership itself ("Ban Thường trực Ủy ban MTTQ…")
    for words, title in _LEADERSHIP:
        if any(fold(w) in folded for w in words):
            return f"{title} {name}"
    return f"Lãnh đạo {name}"


def recipient_name(agency: Agency | None, role: str, plan: Plan | None = None) -> str:
    """Whom a message addresses: a body, its head, or (no body) the plan's leadership."""
    if agency is None:
        return leadership_name(plan.issuer if plan else None)
    return f"Thủ trưởng {agency.name}" if role == "head" else agency.name


def coordinator_name(session: Session, plan: Plan | None) -> str:
    """Who signs a plan's mail: its coordinating body, else its issuer."""
    coordinator = session.get(Agency, plan.coordinator_id) if plan and plan.coordinator_id else None
    if coordinator is not None:
        return coordinator.name
    return (plan.issuer if plan and plan.issuer else None) or "Cơ quan thường trực kế hoạch"


def notice_context(
    session: Session,
    settings: Settings,
    now: datetime,
    notices: list[Notice],
    sends: Mapping[int, Sequence[tuple[Notice, OutboxMessage]]] | None = None,
) -> c.ReminderDigest:
    """The one digest of a recipient's ``notices`` in a sweep: reminders, overdue notices,
    escalations (another body's task to direct) and changes told back, one entry per task;
    ``sends``: what was already sent about each escalated task (``sweep_loads``), else queried."""
    today = local_date(now)
    calendar = shared_calendar(settings.holidays_path)
    by_task: dict[int, list[Notice]] = {}
    changes: list[c.Change] = []
    for notice in notices:
        if notice.kind.startswith(CHANGE_PREFIX):
            changes.append(_change(session, notice, today, calendar))
        else:
            by_task.setdefault(notice.task_id, []).append(notice)
    if sends is None:
        sends = previous_sends_by_task(session, by_task)
    entries = tuple(
        _entry(session, settings, now, told, today, calendar, sends) for told in by_task.values()
    )
    first = min(notices, key=lambda n: _ROLE_ORDER.index(n.role) if n.role in _ROLE_ORDER else 9)
    task = session.get(Task, first.task_id)
    plan = session.get(Plan, task.plan_id) if task else None
    agency = session.get(Agency, first.agency_id) if first.agency_id else None
    return c.ReminderDigest(
        addressee=c.Addressee(
            (agency.id or 0) if agency else 0, recipient_name(agency, first.role, plan)
        ),
        as_of=today,
        entries=tuple(sorted(entries, key=_reading_order)),
        sender_name=coordinator_name(session, plan),
        dashboard_url=dashboard_url(settings),
        changes=tuple(changes),
    )


def _reading_order(entry: c.DigestEntry) -> tuple:
    item = entry.item
    return (item.deadline is None, item.deadline or date.max, item.task_id)


def _entry(
    session: Session,
    settings: Settings,
    now: datetime,
    notices: list[Notice],
    today: date,
    calendar: WorkCalendar,
    sends: Mapping[int, Sequence[tuple[Notice, OutboxMessage]]],
) -> c.DigestEntry:
    """A task told to one recipient by one or more notices (its own and, when the address is
    also a supervisor's, an escalation): one entry naming each."""
    own = [n for n in notices if n.kind != "escalation"]
    label = "; ".join(notice_label(n.kind, n.step) for n in sorted(notices, key=_notice_order))
    if own:
        return c.DigestEntry(_item(session, settings, now, own[0], today, calendar), label)
    task = session.get(Task, notices[0].task_id)
    assert task is not None
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    return c.DigestEntry(
        _item(session, settings, now, notices[0], today, calendar),
        label,
        owner_name=lead.name if lead else "(chưa có cơ quan chủ trì)",
        previous_sends=previous_sends(sends.get(task.id, ())),
    )


def _notice_order(notice: Notice) -> tuple[bool, int]:
    return (notice.kind == "escalation", notice.step)


def _change(session: Session, notice: Notice, today: date, calendar: WorkCalendar) -> c.Change:
    """A decision told back to a body; ``notice.step`` holds the history event it tells."""
    event = session.get(TaskEvent, notice.step)
    task = session.get(Task, notice.task_id)
    assert task is not None
    plan = session.get(Plan, task.plan_id)
    assert plan is not None
    item = task_item(task, plan, today, "lead", calendar)
    detail = describe_change(event.detail if event else {})
    if notice.kind == f"{CHANGE_PREFIX}unassigned":
        lead = session.get(Agency, task.lead_id) if task.lead_id else None
        detail = f"cơ quan chủ trì hiện nay: {lead.name if lead else 'chưa có'}"
    return c.Change(item, notice_label(notice.kind), detail)


def describe_change(detail: dict) -> str:
    """The facts of a change, from its history detail: the deadline, the note, the reason."""
    parts = []
    due = detail.get("due")
    if isinstance(due, list) and len(due) == 2:
        parts.append(f"thời hạn: {_dmy(due[0])} → {_dmy(due[1])}")
    elif isinstance(due, str):
        parts.append(f"thời hạn đề nghị: {_dmy(due)}")
    for key, label in (("reason", "lý do"), ("note", "ý kiến")):
        if detail.get(key):
            parts.append(f"{label}: {detail[key]}")
    return "; ".join(parts) or "xem chi tiết trên hệ thống"  # a reassignment to this body


def _dmy(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else "không có"


def _item(
    session: Session,
    settings: Settings,
    now: datetime,
    notice: Notice,
    today: date,
    calendar: WorkCalendar,
) -> c.TaskItem:
    task = session.get(Task, notice.task_id)
    assert task is not None and task.id is not None
    plan = session.get(Plan, task.plan_id)
    assert plan is not None
    links: tuple[c.ActionLink, ...] = ()
    if notice.agency_id and notice.role in ("body", "partner") and settings.secret_key:
        links = tuple(
            c.ActionLink(
                label,
                action_url(
                    settings.base_url,
                    action,
                    task.id,
                    make_token(
                        settings.secret_key,
                        action=action,
                        task_id=task.id,
                        deadline_version=task.deadline_version,
                        agency_id=notice.agency_id,
                        expires_at=now + LINK_LIFETIME,
                    ),
                ),
            )
            for action, label in _LINKS
            # a partner body acknowledges; only the lead reports done or asks for more time
            if notice.role == "body" or action == LinkAction.ACKNOWLEDGE
        )
    role = "partner" if notice.role == "partner" else "lead"
    return task_item(task, plan, today, role, calendar, links)


def task_item(
    task: Task,
    plan: Plan,
    today: date,
    role: str,
    calendar: WorkCalendar,
    links: tuple[c.ActionLink, ...] = (),
) -> c.TaskItem:
    """How a task appears in any email (digests, weekly lists, escalations)."""
    return c.TaskItem(
        task_id=task.id or 0,
        text=task.text,
        plan_number=plan.number,
        plan_title=plan.title or "",
        deadline=task.due,
        days_left=(task.due - today).days if task.due else None,
        kind=task.kind,
        status_label=status_label(task, today),
        role=role,
        links=links,
        deadline_note=deadline_day_off(task.due, calendar) if task.due else None,
        deadline_inferred=task.due_inferred,
    )


def previous_sends(sent: Iterable[tuple[Notice, OutboxMessage]]) -> tuple[c.PreviousSend, ...]:
    """What was already sent about a task (shown in escalations as proof of chasing)."""
    return tuple(
        c.PreviousSend(local_date(m.sent_at), notice_label(n.kind, n.step), m.recipient)
        for n, m in sent
        if m.sent_at is not None
    )
