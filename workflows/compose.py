"""Compose ledger notices into emails: one digest per recipient per run, escalations apart.

Rendering is pure (notifications.render); this module only gathers the data. A notice whose
recipient has no usable address still gets its message row, failed permanently with the reason,
so the coordinator sees it instead of a silent skip.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from config.settings import Settings
from models.agencies import Agency
from models.delivery import MessageStatus, Notice, OutboxMessage
from models.plans import Plan
from models.tasks import Task
from notifications import contexts as c
from notifications.links import LinkAction, action_url, make_token
from notifications.render import RenderedEmail, render
from workflows.notices import unsent_by_recipient
from workflows.rules.timefmt import local_date
from workflows.status_view import status_label

LINK_LIFETIME = timedelta(days=30)
RETRY_BUDGET = timedelta(days=3)
LEADERSHIP = "Lãnh đạo Ủy ban nhân dân"
_LINKS = (
    (LinkAction.ACKNOWLEDGE, "Xác nhận đã nhận"),
    (LinkAction.DONE, "Báo cáo hoàn thành"),
    (LinkAction.EXTENSION, "Đề nghị gia hạn"),
)


@dataclass
class ComposeCounts:
    messages: int = 0
    missing_address: int = 0


def compose_all(
    session: Session, settings: Settings, now: datetime, counts: ComposeCounts, preview: list[str]
) -> None:
    for recipient, notices in unsent_by_recipient(session).items():
        reminders = [n for n in notices if n.kind != "escalation"]
        if reminders:
            _compose(session, settings, now, recipient, reminders, counts, preview)
        for notice in (n for n in notices if n.kind == "escalation"):
            _compose(session, settings, now, recipient, [notice], counts, preview)


def _compose(
    session: Session,
    settings: Settings,
    now: datetime,
    recipient: str,
    notices: list[Notice],
    counts: ComposeCounts,
    preview: list[str],
) -> None:
    kind = "escalation_notice" if notices[0].kind == "escalation" else "reminder_digest"
    rendered = render_safely(kind, lambda: _context(session, settings, now, kind, notices))
    ids = ",".join(str(n.id) for n in notices)
    key = f"{kind}:{hashlib.sha256(f'{recipient}|{ids}'.encode()).hexdigest()[:32]}"
    row = new_message(
        settings,
        now,
        key=key,
        kind=kind,
        recipient=recipient,
        agency_id=notices[0].agency_id,
        plan_id=None,
        rendered=rendered,
        expires_at=_earliest_expiry(notices),
    )
    if row.status == MessageStatus.FAILED_PERMANENT:
        counts.missing_address += 1
    session.add(row)
    session.flush()
    for notice in notices:
        notice.message_id = row.id
        session.add(notice)
    counts.messages += 1
    preview.append(preview_line(session, row))


def preview_line(session: Session, row: OutboxMessage) -> str:
    """How a sweep's report shows a queued message; one without an address names its body."""
    if not row.recipient.startswith("missing:"):
        return f"  → {row.recipient}: {row.subject}"
    role = row.recipient.split(":")[1]
    agency = session.get(Agency, row.agency_id) if row.agency_id else None
    if agency is None:
        who = LEADERSHIP if role == "leader" else "(không rõ cơ quan)"
    else:
        who = f"Thủ trưởng {agency.name}" if role == "head" else agency.name
    return f"  ! chưa có địa chỉ thư: {who} — {row.subject}"


FAILED_SUBJECT = "(không dựng được thư)"


def render_safely(kind: str, make_context: Callable[[], object]) -> RenderedEmail:
    """Render, or stand in for a message that cannot be built: its row then fails alone
    (see ``new_message``) and the rest of the batch goes out."""
    try:
        return render(kind, make_context())
    except Exception as error:  # a bad context or template must not stop the whole sweep
        reason = f"{type(error).__name__}: {error}"[:400]
        return RenderedEmail(subject=FAILED_SUBJECT, text=reason, html="")


def new_message(
    settings: Settings,
    now: datetime,
    *,
    key: str,
    kind: str,
    recipient: str,
    agency_id: int | None,
    plan_id: int | None,
    rendered: RenderedEmail,
    expires_at: datetime | None = None,
) -> OutboxMessage:
    """An outbox row; one for a missing or invalid address is born failed, with the reason."""
    from notifications.message import message_id_for

    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    row = OutboxMessage(
        key=key,
        message_id=message_id_for(key, domain),
        kind=kind,
        recipient=recipient,
        agency_id=agency_id,
        plan_id=plan_id,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        next_attempt_at=now,
        expires_at=expires_at,
        give_up_at=now + RETRY_BUDGET,
        created_at=now,
    )
    if rendered.subject == FAILED_SUBJECT:
        row.status = MessageStatus.FAILED_PERMANENT
        row.last_error = f"Lỗi dựng thư: {rendered.text}"
    elif recipient.startswith("missing:"):
        row.status = MessageStatus.FAILED_PERMANENT
        row.last_error = "Chưa có địa chỉ thư điện tử hợp lệ cho người nhận này."
    return row


def _earliest_expiry(notices: Iterable[Notice]) -> datetime | None:
    expiries = [n.expires_at for n in notices]
    return None if any(e is None for e in expiries) else min(expiries)  # type: ignore[type-var]


def _context(
    session: Session, settings: Settings, now: datetime, kind: str, notices: list[Notice]
) -> object:
    today = local_date(now)
    first = notices[0]
    addressee = _addressee(session, first)
    dashboard = settings.base_url.rstrip("/") + "/"
    items = tuple(_item(session, settings, now, n, today) for n in notices)
    if kind == "reminder_digest":
        return c.ReminderDigest(
            addressee=addressee,
            as_of=today,
            items=items,
            sender_name=_sender(session, first),
            dashboard_url=dashboard,
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
        dashboard_url=dashboard,
    )


def _addressee(session: Session, notice: Notice) -> c.Addressee:
    agency = session.get(Agency, notice.agency_id) if notice.agency_id else None
    if agency is None:
        return c.Addressee(agency_id=0, name=LEADERSHIP)
    name = f"Thủ trưởng {agency.name}" if notice.role == "head" else agency.name
    return c.Addressee(agency_id=agency.id or 0, name=name)


def _sender(session: Session, notice: Notice) -> str:
    task = session.get(Task, notice.task_id)
    plan = session.get(Plan, task.plan_id) if task else None
    coordinator = session.get(Agency, plan.coordinator_id) if plan and plan.coordinator_id else None
    if coordinator is not None:
        return coordinator.name
    return (plan.issuer if plan and plan.issuer else None) or "Cơ quan thường trực kế hoạch"


def _item(
    session: Session, settings: Settings, now: datetime, notice: Notice, today: date
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
    return task_item(task, plan, today, "partner" if notice.role == "partner" else "lead", links)


def task_item(
    task: Task, plan: Plan, today: date, role: str, links: tuple[c.ActionLink, ...] = ()
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
    )


def previous_sends(session: Session, task: Task) -> tuple[c.PreviousSend, ...]:
    """What was already sent about this task (shown in escalations as proof of chasing)."""
    from sqlmodel import col, select

    rows = session.exec(
        select(Notice, OutboxMessage)
        .join(OutboxMessage, col(Notice.message_id) == col(OutboxMessage.id))
        .where(Notice.task_id == task.id, OutboxMessage.status == MessageStatus.SENT)
        .order_by(col(OutboxMessage.sent_at))
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
