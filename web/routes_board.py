"""Leadership's pages: the overdue board, per-body scorecards, quarterly milestone progress."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup
from sqlmodel import Session, col, select
from starlette.responses import Response
from starlette.routing import Route

from models.delivery import MilestoneSnapshot
from models.tasks import Task
from web.board_charts import outcome_bars, overdue_bars, rate_line
from web.forms import parse_int, parse_period, period_choices, period_key
from web.guard import BOARD, Ctx, endpoint
from web.keyset import Cursor, window
from web.queries_board import (
    BUCKETS,
    Scorecard,
    milestone_progress,
    overdue_by_body,
    overdue_by_plan,
    overdue_count,
    overdue_where,
    scorecards,
)
from web.queries_rates import on_time_by_quarter, quarters_up_to
from web.queries_tasks import PER_PAGE, lines_for
from web.render import fragment, render
from web.snapshots import Snapshots, data_stamp
from workflows.rules.quarters import Period, Quarter


def snapshots(ctx: Ctx) -> Snapshots:
    """The app's kept aggregates (see ``web.snapshots``)."""
    return ctx.request.app.state.snapshots


def cached_scorecards(session: Session, ctx: Ctx, period: Period, today: date) -> list[Scorecard]:
    return snapshots(ctx).get(session, data_stamp(session), today, scorecards, period, today)


def board_tables(
    session: Session, today: date, agency_id: int | None, plan_id: int | None, late: int | None
) -> tuple[Markup, int]:
    """The tables by body and by plan, rendered, and how many overdue tasks the filters match
    (plain values: kept per change, they are the board's whole cost)."""
    by_body = overdue_by_body(session, today, plan_id)
    given = (("agency", agency_id), ("plan", plan_id), ("late", late))
    params = {k: str(v) for k, v in given if v is not None}
    html = fragment(
        "_board_tables.html",
        {
            "chart": overdue_bars(by_body, params),
            "by_body": by_body,
            "by_plan": overdue_by_plan(session, today, agency_id),
            "buckets": [label for *_, label in BUCKETS],
            "params": params,
        },
    )
    return html, overdue_count(by_body, agency_id, late)


def rate_figures(session: Session, ctx: Ctx, last: Quarter, today: date) -> dict:
    """The on-time rate of the eight quarters up to ``last``: its line and its table's rows."""
    rates = snapshots(ctx).get(
        session, data_stamp(session), today, on_time_by_quarter, quarters_up_to(last), today
    )
    return {"rates": rates, "rate_chart": rate_line(rates)}


def overdue_window(
    session: Session,
    today: date,
    after: Cursor | None,
    before: Cursor | None,
    **filters: int | None,
) -> tuple[list[int], Cursor | None, Cursor | None]:
    """One keyset page of the overdue list: its ids and the cursors around it."""
    shown = window(session, overdue_where(today, **filters), PER_PAGE, after=after, before=before)
    return [t.id for t in shown.tasks if t.id is not None], shown.before, shown.after


@endpoint(BOARD)
async def board(ctx: Ctx) -> Response:
    q, today = ctx.request.query_params, ctx.today()
    agency_id, plan_id = parse_int(q.get("agency")), parse_int(q.get("plan"))
    bucket, number = parse_int(q.get("late"), None, 0, 3), parse_int(q.get("page"), 1, 1) or 1
    after, before = Cursor.parse(q.get("after")), Cursor.parse(q.get("before"))

    def load(session: Session) -> dict:
        kept, stamp = snapshots(ctx), data_stamp(session)
        tables, total = kept.get(
            session, stamp, today, board_tables, today, agency_id, plan_id, bucket
        )
        ids, previous, following = kept.get(
            session,
            stamp,
            today,
            overdue_window,
            today,
            after,
            before,
            agency_id=agency_id,
            plan_id=plan_id,
            bucket=bucket,
        )
        found = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(ids))).all()}
        tasks = [found[i] for i in ids if i in found]
        pages = max(1, -(-total // PER_PAGE))
        page = {
            "before": previous,
            "after": following,
            "page": 1 if previous is None else min(max(2, number), pages),
            "pages": pages,
        }
        return {
            **rate_figures(session, ctx, Quarter.of(today), today),
            "tables": tables,
            "lines": lines_for(session, tasks, today),
            "total": total,
            "page": page,
        }

    data = await ctx.db(load)
    params = {k: v for k in ("agency", "plan", "late") if (v := q.get(k))}
    return render(ctx.request, "board.html", {**data, "today": today, "params": params})


@endpoint(BOARD)
async def scorecard_page(ctx: Ctx) -> Response:
    today = ctx.today()
    period = parse_period(ctx.request.query_params.get("period"), today)
    last = Quarter.of(min(period.end, today))

    def load(session: Session) -> dict:
        cards = cached_scorecards(session, ctx, period, today)
        return {"cards": cards, **rate_figures(session, ctx, last, today)}

    data = await ctx.db(load)
    return render(
        ctx.request,
        "scorecards.html",
        {
            **data,
            "chart": outcome_bars(data["cards"], period),
            "period": period,
            "period_key": period_key(period),
            "choices": period_choices(today),
            "today": today,
        },
    )


@endpoint(BOARD)
async def milestones(ctx: Ctx) -> Response:
    today = ctx.today()
    year = parse_int(ctx.request.query_params.get("year"), today.year, 1900, 2200) or today.year

    def load(session: Session) -> dict:
        kept = session.exec(
            select(MilestoneSnapshot)
            .where(col(MilestoneSnapshot.quarter).startswith(f"{year}-"))
            .order_by(col(MilestoneSnapshot.plan_id), col(MilestoneSnapshot.quarter))
        ).all()
        rows = snapshots(ctx).get(
            session, data_stamp(session), today, milestone_progress, year, today
        )
        return {"rows": rows, "snapshots": kept}

    data = await ctx.db(load)
    return render(ctx.request, "milestones.html", {**data, "year": year, "today": today})


ROUTES = [
    Route("/board", board, methods=["GET"]),
    Route("/scorecards", scorecard_page, methods=["GET"]),
    Route("/milestones", milestones, methods=["GET"]),
]
