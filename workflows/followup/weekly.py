"""Weekly digest: each week, from its first working day on (Monday, unless it is a holiday),
each body hears of everything still open that it leads or supports. The first sweep of the
week composes it — Tuesday's when none ran on Monday (``rules.digest_week``). Keyed by
(body, ISO week), so a second sweep that week sends nothing new; one still undelivered when its
week ends is superseded, so it never arrives after the next week's."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from functools import partial

from sqlalchemy import select
from sqlmodel import Session, col

from config.settings import Settings
from models.agencies import Agency
from models.delivery import OutboxMessage
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskStatus
from notifications import contexts as c
from workflows.followup.compose import queue_message
from workflows.followup.mail_context import coordinator_name, dashboard_url, task_item
from workflows.followup.recipients import agency_recipient
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.digest_week import IsoWeek, digest_week_due
from workflows.rules.timefmt import end_of_day, local_date

OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
TASKS = Task.__table__  # type: ignore[attr-defined]
PLANS = Plan.__table__  # type: ignore[attr-defined]
PARTNERS = TaskPartner.__table__  # type: ignore[attr-defined]
KEY_PREFIX = "weekly_digest:"


def compose_weekly(session: Session, settings: Settings, now: datetime, preview: list[str]) -> int:
    today = local_date(now)
    calendar = shared_calendar(settings.holidays_path)
    week = digest_week_due(today, calendar, _last_composed_week(session))
    if week is None:
        return 0
    prefix = f"{KEY_PREFIX}{week.label}:"
    expires_at = end_of_day(week.sunday)  # then next week's digest takes over
    made = 0
    for agency, items, signers in _open_items_by_agency(session, today, calendar).values():
        queue_message(
            session,
            settings,
            now,
            preview,
            key=f"{prefix}{agency.id}",
            kind="weekly_digest",
            recipient=agency_recipient(agency, "body").ledger_key,
            agency_id=agency.id,
            expires_at=expires_at,
            make_context=partial(
                c.WeeklyDigest,
                addressee=c.Addressee(agency.id or 0, agency.name),
                as_of=today,
                week_start=week.monday,
                week_end=week.sunday,
                items=tuple(items),
                sender_name="; ".join(signers),  # its tasks' plans: never none
                dashboard_url=dashboard_url(settings),
            ),
        )
        made += 1
    return made


def _last_composed_week(session: Session) -> IsoWeek | None:
    """The newest week with digests in the outbox (keys sort by week: ``2024-W07``)."""
    key = session.scalars(
        select(OutboxMessage.key)
        .where(col(OutboxMessage.key).startswith(KEY_PREFIX))
        .order_by(col(OutboxMessage.key).desc())
        .limit(1)
    ).first()
    return None if key is None else IsoWeek.parse(key.removeprefix(KEY_PREFIX))


def _open_items_by_agency(
    session: Session, today: date, calendar: WorkCalendar
) -> dict[int, tuple[Agency, list[c.TaskItem], list[str]]]:
    """Every open task of a published plan (rows, not ORM objects) under its lead and its
    partner bodies, with who signs for those tasks' plans (each once, in the order of the
    plans): three queries."""
    tasks, plans = TASKS.c, PLANS.c
    rows = session.execute(
        select(
            tasks.id,
            tasks.text,
            tasks.kind,
            tasks.lead_id,
            tasks.due,
            tasks.due_inferred,
            tasks.status,
            tasks.completed_at,
            tasks.completed_late,
            tasks.plan_id,
            plans.number,
            plans.title,
            plans.coordinator_id,
            plans.issuer,
        )
        .join(PLANS, plans.id == tasks.plan_id)
        .where(plans.status == PlanStatus.PUBLISHED, tasks.status.in_(OPEN))
        .order_by(tasks.due, tasks.id)
    )
    partners: dict[int, list[int]] = defaultdict(list)
    for task_id, agency_id in session.execute(
        select(PARTNERS.c.task_id, PARTNERS.c.agency_id).order_by(
            PARTNERS.c.task_id, PARTNERS.c.agency_id
        )
    ):
        partners[task_id].append(agency_id)
    agencies = {a.id: a for a in session.scalars(select(Agency))}  # few; their addresses
    grouped: dict[int, tuple[Agency, list[c.TaskItem]]] = {}
    signer_of: dict[int, str] = {}  # plan id -> who signs its mail
    plans_of: dict[int, set[int]] = defaultdict(set)
    for row in rows:  # the row is the task and its plan (number, title, signer) at once
        if row.plan_id not in signer_of:
            signer_of[row.plan_id] = coordinator_name(agencies.get, row)
        for agency_id, role in [(row.lead_id, "lead")] + [(p, "partner") for p in partners[row.id]]:
            agency = agencies.get(agency_id)
            if agency is None or agency_id is None:
                continue
            grouped.setdefault(agency_id, (agency, []))[1].append(
                task_item(row, row, today, role, calendar)
            )
            plans_of[agency_id].add(row.plan_id)
    return {
        # each signer once, in the order of the plans
        agency_id: (
            agency,
            items,
            list(dict.fromkeys(signer_of[p] for p in sorted(plans_of[agency_id]))),
        )
        for agency_id, (agency, items) in grouped.items()
    }
