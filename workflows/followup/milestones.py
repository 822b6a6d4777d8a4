"""Quarterly milestone reports: a dated snapshot per plan per quarter, emailed to the
coordinator and leadership. The snapshot is frozen when taken; later edits do not change it.
A quarter in which the plan had nothing due gets no report (the snapshot is still kept)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from sqlmodel import Session, col, select

from config.settings import Settings
from models.agencies import Agency
from models.db import insert_ignoring_conflicts
from models.delivery import MilestoneSnapshot
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus, TaskStatus
from notifications import contexts as c
from workflows.followup import recipients as who
from workflows.followup.compose import queue_message
from workflows.followup.mail_context import coordinator_name, dashboard_url, recipient_name
from workflows.followup.status_view import category, status_label
from workflows.rules.calendar import WorkCalendar, shared_calendar
from workflows.rules.quarters import Quarter
from workflows.rules.reminders import deadline_day_off
from workflows.rules.timefmt import local_date

NO_LEAD = "(chưa có chủ trì)"
FIGURES = ("done_on_time", "done_late", "open", "overdue", "next_quarter")


def quarter_key(quarter: Quarter) -> str:
    return f"{quarter.year}-Q{quarter.number}"


def compose_milestones(
    session: Session, settings: Settings, now: datetime, preview: list[str]
) -> int:
    """At the first sweep after a quarter ends: snapshot and report each plan it concerns."""
    ended = Quarter.of(local_date(now)).previous()
    done = set(
        session.exec(
            select(MilestoneSnapshot.plan_id).where(MilestoneSnapshot.quarter == quarter_key(ended))
        ).all()
    )
    made = 0
    for plan in session.exec(select(Plan).where(Plan.status == PlanStatus.PUBLISHED)).all():
        if plan.id in done or not _overlaps(plan, ended):
            continue
        snapshot = take_snapshot(session, plan, ended, now)
        if snapshot is None:
            continue  # already taken: the report went out then
        if had_anything_due(snapshot.data):
            made += send_report(session, settings, plan, ended, now, preview)
    return made


def had_anything_due(data: dict) -> bool:
    """Whether a snapshot's quarter had any task due (the next quarter's do not count)."""
    return any(r[k] for r in data["rows"] for k in FIGURES if k != "next_quarter")


def _overlaps(plan: Plan, quarter: Quarter) -> bool:
    start = plan.period_start or (date(plan.year, 1, 1) if plan.year else None)
    end = plan.period_end or (date(plan.year, 12, 31) if plan.year else None)
    if start is None or end is None:
        return True
    return start <= quarter.end and end >= quarter.start


def quarter_rows(session: Session, plan: Plan, quarter: Quarter, today: date) -> dict:
    """Counts per lead body of the tasks due in ``quarter``, and what falls due next quarter."""
    tasks = session.exec(
        select(Task).where(
            Task.plan_id == plan.id,
            col(Task.status) != TaskStatus.DROPPED,
            col(Task.due).is_not(None),
        )
    ).all()
    names = {a.id: a.name for a in session.exec(select(Agency)).all()}
    per_body: dict[str, Counter[str]] = defaultdict(Counter)
    upcoming = []
    following = quarter.next()
    for task in tasks:
        assert task.due is not None
        lead = names.get(task.lead_id, NO_LEAD)
        if quarter.start <= task.due <= quarter.end:
            per_body[lead][category(task, today)] += 1
        elif following.start <= task.due <= following.end:
            per_body[lead]["next_quarter"] += 1
            upcoming.append(
                {
                    "task_id": task.id,
                    "text": task.text,
                    "due": task.due.isoformat(),
                    "kind": task.kind,
                    "status": status_label(task, today),
                    "lead": lead,
                    "inferred": task.due_inferred,
                }
            )
    rows = [
        {"agency": name, **{k: counts[k] for k in FIGURES}}
        for name, counts in sorted(per_body.items())
    ]
    return {
        "quarter": quarter_key(quarter),
        "as_of": today.isoformat(),
        "rows": rows,
        "next_quarter": sorted(upcoming, key=lambda e: (e["due"], e["task_id"])),
    }


def take_snapshot(
    session: Session, plan: Plan, quarter: Quarter, now: datetime
) -> MilestoneSnapshot | None:
    """Freeze the quarter's figures; None if this plan's quarter was already snapshotted."""
    data = quarter_rows(session, plan, quarter, local_date(now))
    inserted = insert_ignoring_conflicts(
        session,
        MilestoneSnapshot,
        [{"plan_id": plan.id, "quarter": quarter_key(quarter), "taken_at": now, "data": data}],
    )
    if not inserted:
        return None
    return session.exec(
        select(MilestoneSnapshot).where(
            MilestoneSnapshot.plan_id == plan.id, MilestoneSnapshot.quarter == quarter_key(quarter)
        )
    ).one()


def send_report(
    session: Session,
    settings: Settings,
    plan: Plan,
    quarter: Quarter,
    now: datetime,
    preview: list[str],
) -> int:
    snapshot = session.exec(
        select(MilestoneSnapshot).where(
            MilestoneSnapshot.plan_id == plan.id, MilestoneSnapshot.quarter == quarter_key(quarter)
        )
    ).one()
    dummy = Task(plan_id=plan.id or 0, identity="", ext_id="", section="", line=0, text="")
    targets = who.for_role(session, dummy, plan, "coordinator") + who.for_role(
        session, dummy, plan, "leader"
    )
    for target in targets:
        queue_message(
            session,
            settings,
            now,
            preview,
            key=f"milestone_report:{plan.id}:{quarter_key(quarter)}:{target.ledger_key}",
            kind="milestone_report",
            recipient=target.ledger_key,
            agency_id=target.agency_id,
            make_context=lambda t=target: report_context(
                session, settings, plan, quarter, snapshot, t
            ),
            plan_id=plan.id,
        )
    return len(targets)


def report_context(
    session: Session,
    settings: Settings,
    plan: Plan,
    quarter: Quarter,
    snapshot: MilestoneSnapshot,
    target: who.Recipient,
) -> c.MilestoneReport:
    data = snapshot.data
    calendar = shared_calendar(settings.holidays_path)
    agency = session.get(Agency, target.agency_id) if target.agency_id else None
    rows = tuple(
        c.BodyRow(
            r["agency"],
            r["done_on_time"],
            r["done_late"],
            r["open"],
            r["overdue"],
            r.get("next_quarter", 0),
        )
        for r in data["rows"]
    )
    as_of = date.fromisoformat(data["as_of"])
    upcoming = tuple(_upcoming(plan, i, as_of, calendar) for i in data["next_quarter"])
    return c.MilestoneReport(
        addressee=c.Addressee(
            (agency.id or 0) if agency else 0, recipient_name(agency, target.role, plan)
        ),
        as_of=as_of,
        plan_number=plan.number,
        plan_title=plan.title or "",
        year=quarter.year,
        quarter=quarter.number,
        rows=rows,
        next_quarter_items=upcoming,
        sender_name=coordinator_name(session, plan),
        dashboard_url=dashboard_url(settings),
    )


def _upcoming(plan: Plan, entry: dict, as_of: date, calendar: WorkCalendar) -> c.TaskItem:
    """A task of the snapshot's next quarter, as the report lists it."""
    due = date.fromisoformat(entry["due"])
    return c.TaskItem(
        task_id=entry["task_id"],
        text=entry["text"],
        plan_number=plan.number,
        plan_title=plan.title or "",
        deadline=due,
        days_left=(due - as_of).days,
        kind=entry["kind"],
        status_label=entry["status"],
        deadline_note=deadline_day_off(due, calendar),
        lead_name=entry.get("lead"),
        deadline_inferred=entry.get("inferred", False),  # snapshots taken before 0008 lack it
    )


def on_demand(session: Session, plan_id: int, quarter: Quarter | None, now: datetime) -> str:
    """The quarter's figures for a plan, now (not stored: snapshots are taken at quarter end)."""
    from workflows.records.lookups import get_plan

    plan = get_plan(session, plan_id)
    quarter = quarter or Quarter.of(local_date(now))
    data = quarter_rows(session, plan, quarter, local_date(now))
    lines = [
        f"Tiến độ {quarter.label} — kế hoạch #{plan.id} {plan.number or ''}",
        f"{'Cơ quan chủ trì':<60} đúng hạn  trễ hạn  đang làm  quá hạn  quý sau",
    ]
    for r in data["rows"]:
        lines.append(
            f"{r['agency'][:60]:<60} {r['done_on_time']:>8} {r['done_late']:>8} "
            f"{r['open']:>9} {r['overdue']:>8} {r.get('next_quarter', 0):>8}"
        )
    lines.append(f"Đến hạn quý sau: {len(data['next_quarter'])} nhiệm vụ")
    return "\n".join(lines)
