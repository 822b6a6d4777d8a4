"""Exports: the task list and the scorecards as .xlsx, and each body's iCalendar feed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, or_, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskStatus
from notifications.contexts import marked_inferred
from web.feeds import feed_agency
from web.forms import parse_period, period_key
from web.guard import ANY_USER, BOARD, Ctx, endpoint
from web.ical import Event, calendar
from web.queries_tasks import all_tasks, lines_for
from web.routes_board import cached_scorecards
from web.routes_tasks import read_filter
from web.scope import NOT_FOUND
from web.xlsx import SCORECARD_HEADER, TASK_HEADER, workbook_bytes
from workflows.rules.timefmt import dmy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 100_000
MAX_FEED_EVENTS = 5_000


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


def _due_text(due: date | None, recurrence: str | None, inferred: bool) -> str:
    """The deadline as the task list shows it; one inferred from the plan period says so."""
    if due is not None:
        return marked_inferred(dmy(due)) if inferred else dmy(due)
    return "thường xuyên" if recurrence == "ongoing" else ""


@endpoint(ANY_USER)
async def export_tasks(ctx: Ctx) -> Response:
    assert ctx.user is not None
    f, today = read_filter(ctx), ctx.today()
    lines = await ctx.db(all_tasks, ctx.user, f, today, MAX_EXPORT_ROWS)
    rows = (
        (
            str(n),
            t.text,
            t.lead or "",
            "; ".join(t.partners),
            _due_text(t.due, t.recurrence, t.due_inferred),
            t.label,
            t.result_note or "",
        )
        for n, t in enumerate(lines, start=1)
    )
    subtitle = f"Tính đến ngày {dmy(today)}; {len(lines)} nhiệm vụ"
    data = workbook_bytes("DANH SÁCH NHIỆM VỤ", subtitle, TASK_HEADER, rows)
    return _download(data, XLSX, f"nhiem-vu-{today:%Y%m%d}.xlsx")


@endpoint(BOARD)
async def export_scorecards(ctx: Ctx) -> Response:
    today = ctx.today()
    period = parse_period(ctx.request.query_params.get("period"), today)
    cards = await ctx.db(cached_scorecards, ctx, period, today)
    rows = (
        (
            str(n),
            c.name,
            str(c.due),
            str(c.on_time),
            str(c.late),
            str(c.open_overdue),
            str(c.open_pending),
            "" if c.on_time_rate is None else f"{c.on_time_rate * 100:.0f}%",
        )
        for n, c in enumerate(cards, start=1)
    )
    title = f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN – {period.label.upper()}"
    subtitle = (
        f"Nhiệm vụ có thời hạn từ {dmy(period.start)} đến {dmy(period.end)}, tính đến {dmy(today)}"
    )
    data = workbook_bytes(title, subtitle, SCORECARD_HEADER, rows)
    return _download(data, XLSX, f"danh-gia-{period_key(period)}.xlsx")


@endpoint(None)
async def ical_feed(ctx: Ctx) -> Response:
    token, today, now = ctx.request.path_params["token"], ctx.today(), ctx.now()
    base = ctx.settings.base_url.rstrip("/")

    def load(session: Session) -> tuple[str, list[Event]]:
        agency_id = feed_agency(session, token)
        agency = session.get(Agency, agency_id) if agency_id else None
        if agency is None:
            raise HTTPException(404, NOT_FOUND)
        partner_of = select(TaskPartner.task_id).where(TaskPartner.agency_id == agency.id)
        published = select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED)
        tasks = session.exec(
            select(Task)
            .where(
                or_(col(Task.lead_id) == agency.id, col(Task.id).in_(partner_of)),
                col(Task.plan_id).in_(published),
                col(Task.status) != TaskStatus.DROPPED,
                col(Task.due).is_not(None),
                col(Task.due) >= today - timedelta(days=366),
            )
            .order_by(col(Task.due), col(Task.id))
            .limit(MAX_FEED_EVENTS)
        ).all()
        by_id = {t.id: t for t in tasks}
        events = []
        for line in lines_for(session, list(tasks), today):
            task = by_id[line.id]
            role = "Chủ trì" if task.lead_id == agency.id else "Phối hợp"
            summary = f"[{line.label}] {line.text[:200]}"
            events.append(
                Event(
                    uid=f"task-{line.id}@kehoach",
                    day=line.due,  # type: ignore[arg-type]
                    summary=marked_inferred(summary) if line.due_inferred else summary,
                    description=(
                        f"{role}. Kế hoạch {line.plan_number}."
                        f"\nThời hạn: {_due_text(line.due, line.recurrence, line.due_inferred)}"
                        f"\nChủ trì: {line.lead or '—'}"
                        f"\nPhối hợp: {', '.join(line.partners) or '—'}\nNội dung: {line.text}"
                    ),
                    url=f"{base}/tasks/{line.id}",
                    sequence=task.deadline_version,
                )
            )
        return agency.name, events

    name, events = await ctx.db(load)
    body = calendar(f"Nhiệm vụ – {name}", events, now)
    return Response(
        body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"cache-control": "private, max-age=300"},
    )


ROUTES = [
    Route("/export/tasks.xlsx", export_tasks, methods=["GET"]),
    Route("/export/scorecards.xlsx", export_scorecards, methods=["GET"]),
    Route("/ical/{token}.ics", ical_feed, methods=["GET"]),
]
