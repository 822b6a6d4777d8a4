"""Fill the typed email contexts (notifications.contexts) from the database.

Every task shown in any email goes through ``task_item``, so every list (reminder digests,
escalations, weekly digests, milestone reports) shows the same things: the deadline, the time
left, the status, and a note when the deadline falls on a day off ("Chủ nhật — ngày nghỉ").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from config.settings import Settings
from models.agencies import Agency
from models.delivery import MessageStatus, Notice, OutboxMessage
from models.plans import Plan
from models.tasks import Task
from notifications import contexts as c
from notifications.links import LinkAction, action_url, make_token
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.reminders import deadline_day_off
from workflows.rules.timefmt import local_date
from workflows.status_view import status_label

LINK_LIFETIME = timedelta(days=30)
LEADERSHIP = "Lãnh đạo Ủy ban nhân dân"
SYSTEM_SENDER = "Hệ thống theo dõi kế hoạch kehoach"
_LINKS = (
    (LinkAction.ACKNOWLEDGE, "Xác nhận đã nhận"),
    (LinkAction.DONE, "Báo cáo hoàn thành"),
    (LinkAction.EXTENSION, "Đề nghị gia hạn"),
)


def dashboard_url(settings: Settings) -> str:
    return settings.base_url.rstrip("/") + "/"


def notice_context(
    session: Session, settings: Settings, now: datetime, kind: str, notices: list[Notice]
) -> c.ReminderDigest | c.EscalationNotice:
    """The context of a reminder digest (``notices`` of one recipient) or of an escalation
    (one notice)."""
    today = local_date(now)
    calendar = shared_calendar(settings.holidays_path)
    first = notices[0]
    addressee = _addressee(session, first)
    items = tuple(_item(session, settings, now, n, today, calendar) for n in notices)
    if kind == "reminder_digest":
        return c.ReminderDigest(
            addressee=addressee,
            as_of=today,
            items=items,
            sender_name=_sender(session, first),
            dashboard_url=dashboard_url(settings),
        )
    task = session.get(Task, first.task_id)
    assert task is not None
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    return c.EscalationNotice(
        addressee=addressee,
        as_of=today,
        item=items[0],
        owner_name=lead.name if lead else "—",
        step=first.step,
        previous_sends=previous_sends(session, task),
        sender_name=_sender(session, first),
        dashboard_url=dashboard_url(settings),
    )


def recipient_name(agency: Agency | None, role: str) -> str:
    """Whom a message addresses: a body, its head, or (no body) the plan's leadership."""
    if agency is None:
        return LEADERSHIP
    return f"Thủ trưởng {agency.name}" if role == "head" else agency.name


def _addressee(session: Session, notice: Notice) -> c.Addressee:
    agency = session.get(Agency, notice.agency_id) if notice.agency_id else None
    agency_id = (agency.id or 0) if agency else 0
    return c.Addressee(agency_id=agency_id, name=recipient_name(agency, notice.role))


def _sender(session: Session, notice: Notice) -> str:
    task = session.get(Task, notice.task_id)
    plan = session.get(Plan, task.plan_id) if task else None
    coordinator = session.get(Agency, plan.coordinator_id) if plan and plan.coordinator_id else None
    if coordinator is not None:
        return coordinator.name
    return (plan.issuer if plan and plan.issuer else None) or "Cơ quan thường trực kế hoạch"


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
    )


def previous_sends(session: Session, task: Task) -> tuple[c.PreviousSend, ...]:
    """What was already sent about this task (shown in escalations as proof of chasing)."""
    rows = session.exec(
        select(Notice, OutboxMessage)
        .join(OutboxMessage, col(Notice.message_id) == col(OutboxMessage.id))
        .where(Notice.task_id == task.id, OutboxMessage.status == MessageStatus.SENT)
        .order_by(col(OutboxMessage.sent_at), col(OutboxMessage.id))
    ).all()
    return tuple(
        c.PreviousSend(sent_on=local_date(m.sent_at), description=_describe(n), to_name=m.recipient)
        for n, m in rows
        if m.sent_at is not None
    )


def _describe(notice: Notice) -> str:
    if notice.kind == "escalation":
        return f"Báo cáo vượt cấp bước {notice.step}"
    if notice.kind.startswith("before-"):
        return f"Nhắc hạn (còn {notice.kind.split('-')[1]} ngày làm việc)"
    if notice.kind == "due-day":
        return "Nhắc hạn (đến hạn hôm nay)"
    return f"Thông báo quá hạn lần {notice.kind.split('-')[1]}"
