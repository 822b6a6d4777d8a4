"""Leadership's pages: the overdue board, per-body scorecards, quarterly milestone progress."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select
from starlette.responses import Response
from starlette.routing import Route

from models.delivery import MilestoneSnapshot
from models.tasks import Task
from web.forms import parse_int, parse_period, period_choices, period_key
from web.guard import BOARD, Ctx, endpoint
from web.queries_board import (
    BUCKETS,
    Scorecard,
    milestone_progress,
    overdue_by_body,
    overdue_by_plan,
    overdue_tasks,
    scorecards,
)
from web.queries_tasks import lines_for
from web.render import render
from web.snapshots import Snapshots, data_stamp
from workflows.rules.quarters import Period


def snapshots(ctx: Ctx) -> Snapshots:
    """The app's kept aggregates (see ``web.snapshots``)."""
    return ctx.request.app.state.snapshots


def cached_scorecards(session: Session, ctx: Ctx, period: Period, today: date) -> list[Scorecard]:
    return snapshots(ctx).get(session, data_stamp(session), today, scorecards, period, today)


def overdue_page(session: Session, today: date, **filters: int | None) -> tuple[list[int], int]:
    """The ids of one page of the overdue list and the total (plain values: safe to keep)."""
    tasks, total = overdue_tasks(session, today, **filters)  # type: ignore[arg-type]
    return [t.id for t in tasks if t.id is not None], total


@endpoint(BOARD)
async def board(ctx: Ctx) -> Response:
    q, today = ctx.request.query_params, ctx.today()
    agency_id, plan_id = parse_int(q.get("agency")), parse_int(q.get("plan"))
    bucket, page = parse_int(q.get("late"), None, 0, 3), parse_int(q.get("page"), 1, 1) or 1

    def load(session: Session) -> dict:
        kept, stamp = snapshots(ctx), data_stamp(session)
        ids, total = kept.get(
            session,
            stamp,
            today,
            overdue_page,
            today,
            agency_id=agency_id,
            plan_id=plan_id,
            bucket=bucket,
            page=page,
        )
        found = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(ids))).all()}
        tasks = [found[i] for i in ids if i in found]
        return {
            "by_body": kept.get(session, stamp, today, overdue_by_body, today, plan_id),
            "by_plan": kept.get(session, stamp, today, overdue_by_plan, today, agency_id),
            "lines": lines_for(session, tasks, today),
            "total": total,
        }

    data = await ctx.db(load)
    params = {k: v for k in ("agency", "plan", "late") if (v := q.get(k))}
    return render(
        ctx.request,
        "board.html",
        {
            **data,
            "today": today,
            "buckets": [label for *_, label in BUCKETS],
            "params": params,
            "page": page,
            "pages": max(1, -(-data["total"] // 50)),
        },
    )


@endpoint(BOARD)
async def scorecard_page(ctx: Ctx) -> Response:
    today = ctx.today()
    period = parse_period(ctx.request.query_params.get("period"), today)
    cards = await ctx.db(cached_scorecards, ctx, period, today)
    return render(
        ctx.request,
        "scorecards.html",
        {
            "cards": cards,
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
