"""Leadership's pages: the overdue board, per-body scorecards, quarterly milestone progress."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from markupsafe import Markup
from sqlmodel import Session, col, select
from starlette.responses import Response
from starlette.routing import Route

from models.delivery import MilestoneSnapshot
from models.tasks import Task
from web.auth import CurrentUser
from web.board_charts import outcome_bars, overdue_bars, rate_line
from web.forms import parse_int, parse_period, period_choices, period_key
from web.guard import BOARD, Ctx, endpoint
from web.kept_pages import kept_page
from web.keyset import Cursor, window
from web.queries_board import (
    BUCKETS,
    BoardRow,
    Overdue,
    Progress,
    QuarterRates,
    Scorecard,
    Scores,
    overdue_count,
    overdue_where,
    quarters_up_to,
)
from web.queries_tasks import PER_PAGE, lines_for
from web.render import environment, fragment, render
from web.snapshots import Snapshots, data_stamp
from web.tallies import Tallies
from workflows.rules.quarters import Period, Quarter


def snapshots(ctx: Ctx) -> Snapshots:
    """The app's kept aggregates (see ``web.snapshots``)."""
    return ctx.request.app.state.snapshots


def tallies(ctx: Ctx) -> Tallies:
    """The app's figures moved by each change (see ``web.tallies``)."""
    return ctx.request.app.state.tallies


def cached_scorecards(session: Session, ctx: Ctx, period: Period, today: date) -> list[Scorecard]:
    return tallies(ctx).rows(session, Scores(period, today), data_stamp(session))[0]


def board_tables(
    by_body: list[BoardRow],
    by_plan: list[BoardRow],
    agency_id: int | None,
    plan_id: int | None,
    late: int | None,
) -> tuple[Markup, int]:
    """The tables by body and by plan, rendered, and how many overdue tasks the filters match
    (kept while the tallies they show are unchanged)."""
    given = (("agency", agency_id), ("plan", plan_id), ("late", late))
    params = tuple((k, str(v)) for k, v in given if v is not None)
    html = fragment(
        "_board_tables.html",
        {
            "chart": overdue_bars(by_body, dict(params)),
            "by_body": [board_row("body_row", r, params) for r in by_body],
            "by_plan": [board_row("plan_row", r, params) for r in by_plan],
            "buckets": [label for *_, label in BUCKETS],
        },
    )
    return html, overdue_count(by_body, agency_id, late)


def rate_figures(session: Session, ctx: Ctx, last: Quarter, today: date) -> dict:
    """The on-time rate of the eight quarters up to ``last``: its line and its table's rows."""
    view = QuarterRates(quarters_up_to(last), today)
    rates = tallies(ctx).rows(session, view, data_stamp(session))[0]
    return {"rates": rates, "rate_chart": rate_line(rates)}


@lru_cache(maxsize=32_768)
def board_row(macro: str, row: BoardRow, params: tuple[tuple[str, str], ...]) -> Markup:
    """One row of the board's tables: a change moves one or two rows of thousands (a body, a
    plan), the others are the same HTML as before."""
    return getattr(environment().get_template("_board_rows.html").module, macro)(row, dict(params))


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

    def load(session: Session, _user: CurrentUser) -> dict:
        kept, stamp = snapshots(ctx), data_stamp(session)
        by_body, body_version = tallies(ctx).rows(session, Overdue(today, only=plan_id), stamp)
        by_plan, plan_version = tallies(ctx).rows(session, Overdue(today, True, agency_id), stamp)

        def tables(_session: Session, *filters: int | None) -> tuple[Markup, int]:
            return board_tables(by_body, by_plan, *filters)

        # the rows are the tallies' at these versions: rendered once per version
        tables_html, total = kept.get(
            session, (body_version, plan_version), today, tables, agency_id, plan_id, bucket
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
            "tables": tables_html,
            "lines": lines_for(session, tasks, today),
            "total": total,
            "page": page,
            "today": today,
            "params": {k: v for k in ("agency", "plan", "late") if (v := q.get(k))},
        }

    return await kept_page(ctx, "board.html", "_board.html", load)


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
        rows = tallies(ctx).rows(session, Progress(year, today), data_stamp(session))[0]
        return {"rows": rows, "snapshots": kept}

    data = await ctx.db(load)
    return render(ctx.request, "milestones.html", {**data, "year": year, "today": today})


ROUTES = [
    Route("/board", board, methods=["GET"]),
    Route("/scorecards", scorecard_page, methods=["GET"]),
    Route("/milestones", milestones, methods=["GET"]),
]
