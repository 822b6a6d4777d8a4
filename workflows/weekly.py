"""Weekly digest: on the first working day of each week (Monday, unless it is a holiday),
each body hears of everything still open that it leads or
supports. Keyed by (body, ISO week), so a second sweep that week sends nothing new."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import partial

from sqlmodel import Session, col, select

from config.settings import Settings
from models.agencies import Agency
from models.delivery import OutboxMessage
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskStatus
from notifications import contexts as c
from workflows.compose import queue_message
from workflows.mail_context import SYSTEM_SENDER, dashboard_url, task_item
from workflows.recipients import agency_recipient
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.timefmt import local_date

OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


def compose_weekly(session: Session, settings: Settings, now: datetime, preview: list[str]) -> int:
    today = local_date(now)
    calendar = shared_calendar(settings.holidays_path)
    if today != first_working_day_of_week(today, calendar):
        return 0
    year, week, _ = today.isocalendar()
    prefix = f"weekly_digest:{year}-W{week:02d}:"
    if (
        session.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.key).startswith(prefix))
        ).first()
        is not None
    ):
        return 0  # this week's digests were composed by an earlier sweep
    made = 0
    for agency, items in _open_items_by_agency(session, today, calendar).values():
        queue_message(
            session,
            settings,
            now,
            preview,
            key=f"{prefix}{agency.id}",
            kind="weekly_digest",
            recipient=agency_recipient(agency, "body").ledger_key,
            agency_id=agency.id,
            make_context=partial(
                c.WeeklyDigest,
                addressee=c.Addressee(agency.id or 0, agency.name),
                as_of=today,
                week_start=today - timedelta(days=today.weekday()),
                week_end=today + timedelta(days=6 - today.weekday()),
                items=tuple(items),
                sender_name=SYSTEM_SENDER,
                dashboard_url=dashboard_url(settings),
            ),
        )
        made += 1
    return made


def first_working_day_of_week(day: date, calendar: WorkCalendar) -> date:
    """Monday, or the next working day when Monday is a holiday (a digest a week, not more)."""
    return calendar.on_or_after(day - timedelta(days=day.weekday()))


def _open_items_by_agency(
    session: Session, today: date, calendar: WorkCalendar
) -> dict[int, tuple[Agency, list[c.TaskItem]]]:
    rows = session.exec(
        select(Task, Plan)
        .join(Plan, col(Plan.id) == col(Task.plan_id))
        .where(Plan.status == PlanStatus.PUBLISHED, col(Task.status).in_(OPEN))
        .order_by(col(Task.due), col(Task.id))
    ).all()
    partners: dict[int, list[int]] = defaultdict(list)
    for row in session.exec(select(TaskPartner)).all():
        partners[row.task_id].append(row.agency_id)
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    grouped: dict[int, tuple[Agency, list[c.TaskItem]]] = {}
    for task, plan in rows:
        for agency_id, role in [(task.lead_id, "lead")] + [
            (p, "partner") for p in partners[task.id or 0]
        ]:
            agency = agencies.get(agency_id)
            if agency is None or agency_id is None:
                continue
            grouped.setdefault(agency_id, (agency, []))[1].append(
                task_item(task, plan, today, role, calendar)
            )
    return grouped
