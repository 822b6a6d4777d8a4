"""Fill the typed email contexts (notifications.contexts) from the database.

Every task shown in any email goes through ``task_item``, so every list (reminder digests,
escalations, weekly digests, milestone reports) shows the same things: the deadline, the time
left, the status, and a note when the deadline falls on a day off ("Chủ nhật — ngày nghỉ").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from config.settings import Settings
from notifications import contexts as c
from notifications.links import LinkAction, LinkSigner
from workflows.followup.status_view import status_label
from workflows.followup.sweep_loads import ComposeWorld
from workflows.parsing.text import fold
from workflows.records.task_history import CHANGE_PREFIX, notice_label
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.reminders import deadline_day_off
from workflows.rules.timefmt import local_date

LINK_LIFETIME = timedelta(days=30)
SYSTEM_SENDER = "Hệ thống theo dõi thực hiện kế hoạch"
# The action links of a lead body, and of a partner: the actions and their labels.
_LINKS = (
    (LinkAction.ACKNOWLEDGE, LinkAction.DONE, LinkAction.EXTENSION),
    ("Xác nhận đã nhận", "Báo cáo hoàn thành", "Đề nghị gia hạn"),
)
_ACKNOWLEDGE = (_LINKS[0][:1], _LINKS[1][:1])
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


def recipient_name(agency: Any | None, role: str, plan: Any | None = None) -> str:
    """Whom a message addresses: a body, its head, or (no body) the plan's leadership (an
    ``Agency`` and a ``Plan``, or rows with their names)."""
    if agency is None:
        return leadership_name(plan.issuer if plan else None)
    return f"Thủ trưởng {agency.name}" if role == "head" else agency.name


def coordinator_name(agency: Callable[[int], Any | None], plan: Any | None) -> str:
    """Who signs a plan's mail: its coordinating body (``agency`` finds a body by id), else
    its issuer."""
    coordinator = agency(plan.coordinator_id) if plan and plan.coordinator_id else None
    if coordinator is not None:
        return coordinator.name
    return (plan.issuer if plan and plan.issuer else None) or "Cơ quan thường trực kế hoạch"


def notice_context(
    world: ComposeWorld,
    settings: Settings,
    now: datetime,
    notices: list[Any],
    links: LinkSigner | None,
) -> c.ReminderDigest:
    """The one digest of a recipient's ``notices`` in a sweep: reminders, overdue notices,
    escalations (another body's task to direct) and changes told back, one entry per task;
    everything it shows comes from ``world`` (``sweep_loads.load_for_composing``), the action
    links from ``links`` (none without a secret key)."""
    today = local_date(now)
    calendar = shared_calendar(settings.holidays_path)
    by_task: dict[int, list[Any]] = {}
    changes: list[c.Change] = []
    for notice in notices:
        if notice.kind.startswith(CHANGE_PREFIX):
            changes.append(_change(world, notice, today, calendar))
        else:
            by_task.setdefault(notice.task_id, []).append(notice)
    entries = tuple(_entry(world, links, told, today, calendar) for told in by_task.values())
    first = min(notices, key=lambda n: _ROLE_ORDER.index(n.role) if n.role in _ROLE_ORDER else 9)
    task = world.tasks.get(first.task_id)
    plan = world.plans.get(task.plan_id) if task else None
    agency = world.agencies.get(first.agency_id) if first.agency_id else None
    return c.ReminderDigest(
        addressee=c.Addressee(agency.id if agency else 0, recipient_name(agency, first.role, plan)),
        as_of=today,
        entries=tuple(sorted(entries, key=_reading_order)),
        sender_name=coordinator_name(world.agencies.get, plan),
        dashboard_url=dashboard_url(settings),
        changes=tuple(changes),
    )


def _reading_order(entry: c.DigestEntry) -> tuple:
    item = entry.item
    return (item.deadline is None, item.deadline or date.max, item.task_id)


def _entry(
    world: ComposeWorld,
    links: LinkSigner | None,
    notices: list[Any],
    today: date,
    calendar: WorkCalendar,
) -> c.DigestEntry:
    """A task told to one recipient by one or more notices (its own and, when the address is
    also a supervisor's, an escalation): one entry naming each."""
    if len(notices) == 1:
        label = _label(notices[0].kind, notices[0].step)
    else:
        label = "; ".join(_label(n.kind, n.step) for n in sorted(notices, key=_notice_order))
    own = [n for n in notices if n.kind != "escalation"]
    if own:
        return c.DigestEntry(_item(world, links, own[0], today, calendar), label)
    task = world.tasks[notices[0].task_id]
    lead = world.agencies.get(task.lead_id) if task.lead_id else None
    return c.DigestEntry(
        _item(world, links, notices[0], today, calendar),
        label,
        owner_name=lead.name if lead else "(chưa có cơ quan chủ trì)",
        previous_sends=previous_sends(world.sends.get(task.id, ())),
    )


@lru_cache(maxsize=256)  # thousands of entries, a few kinds of notice
def _label(kind: str, step: int) -> str:
    return notice_label(kind, step)


def _notice_order(notice: Any) -> tuple[bool, int]:
    return (notice.kind == "escalation", notice.step)


def _change(world: ComposeWorld, notice: Any, today: date, calendar: WorkCalendar) -> c.Change:
    """A decision told back to a body; ``notice.step`` holds the history event it tells."""
    event = world.events.get(notice.step)
    task = world.tasks[notice.task_id]
    item = task_item(task, world.plans[task.plan_id], today, "lead", calendar)
    detail = describe_change(event.detail if event else {})
    if notice.kind == f"{CHANGE_PREFIX}unassigned":
        lead = world.agencies.get(task.lead_id) if task.lead_id else None
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
    world: ComposeWorld, links: LinkSigner | None, notice: Any, today: date, calendar: WorkCalendar
) -> c.TaskItem:
    task = world.tasks[notice.task_id]
    urls: tuple[c.ActionLink, ...] = ()
    if links is not None and notice.agency_id and notice.role in ("body", "partner"):
        # a partner body acknowledges; only the lead reports done or asks for more time
        actions, labels = _LINKS if notice.role == "body" else _ACKNOWLEDGE
        made = links.urls(actions, task.id, task.deadline_version, notice.agency_id)
        urls = tuple(map(c.ActionLink, labels, made))
    role = "partner" if notice.role == "partner" else "lead"
    return task_item(task, world.plans[task.plan_id], today, role, calendar, urls)


def task_item(
    task: Any,
    plan: Any,
    today: date,
    role: str,
    calendar: WorkCalendar,
    links: tuple[c.ActionLink, ...] = (),
) -> c.TaskItem:
    """How a task appears in any email (digests, weekly lists, escalations); ``task`` and
    ``plan`` are ORM objects or rows with their columns."""
    days_left, status, deadline_note = _dated(task, today, calendar)
    return c.TaskItem(
        task_id=task.id or 0,
        text=task.text,
        plan_number=plan.number,
        plan_title=plan.title or "",
        deadline=task.due,
        days_left=days_left,
        kind=task.kind,
        status_label=status,
        role=role,
        links=links,
        deadline_note=deadline_note,
        deadline_inferred=task.due_inferred,
    )


_DATED: dict[tuple, tuple[int | None, str, str | None]] = {}
_DATED_KEPT = 4096


def _dated(task: Any, today: date, calendar: WorkCalendar) -> tuple[int | None, str, str | None]:
    """A task's days left, status label and day-off note. Thousands of tasks in a sweep share a
    few deadlines and statuses, so each is worked out once and kept (all are forgotten past
    ``_DATED_KEPT``); the key is every field they are worked out from."""
    due = task.due
    key = (due, task.status, task.completed_at, task.completed_late, today, calendar)
    found = _DATED.get(key)
    if found is None:
        if len(_DATED) >= _DATED_KEPT:
            _DATED.clear()
        found = _DATED[key] = (
            (due - today).days if due else None,
            status_label(task, today),
            deadline_day_off(due, calendar) if due else None,
        )
    return found


def previous_sends(sent: Iterable[Any]) -> tuple[c.PreviousSend, ...]:
    """What was already sent about a task (shown in escalations as proof of chasing), from
    ``sweep_loads.previous_sends_by_task`` rows."""
    return tuple(
        c.PreviousSend(local_date(s.sent_at), notice_label(s.kind, s.step), s.recipient)
        for s in sent
        if s.sent_at is not None
    )
