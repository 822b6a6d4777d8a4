"""The coordinator's desk on a plan: its header, its reminder policy and a body's, and the
body picker's search (task corrections: ``routes_corrections``)."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlmodel import Session
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from web.forms import FormError, parse_date
from web.guard import COORDINATOR, Ctx, endpoint, redirect
from web.routes_corrections import refused, typed_fields
from web.scope import require_editable_agency, visible_plan
from workflows.followup.policy import set_agency_offsets
from workflows.plans import corrections
from workflows.records.lookups import CorrectionError
from workflows.registry.agencies import find_agency, search_names

HEADER_FIELDS = ("number", "issuer")
DATE_FIELDS = {
    "issued_on": "Ngày ban hành",
    "period_start": "Ngày bắt đầu thực hiện",
    "period_end": "Ngày kết thúc thực hiện",
}
MAX_QUERY = 200


@endpoint(COORDINATOR)
async def correct_header(ctx: Ctx) -> Response:
    """Number, issuer, dates, period, coordinator body and leadership addresses. A plan
    coordinator's plans are those its body coordinates: it cannot hand one to another body."""
    assert ctx.user is not None
    plan_id = ctx.path_int("plan_id")
    typed = typed_fields(ctx, *HEADER_FIELDS, *DATE_FIELDS, "coordinator", "leadership")
    try:
        dates = {
            name: parse_date(typed[name], label) or corrections.CLEAR
            for name, label in DATE_FIELDS.items()
            if name in typed
        }
    except FormError as error:
        return await refused(ctx, "plan-header", str(error), typed)
    leadership = typed.get("leadership")
    header = corrections.PlanHeader(
        number=typed.get("number"),
        issuer=typed.get("issuer"),
        coordinator=typed.get("coordinator", "").strip() or None,
        leadership=None if leadership is None else re.sub(r"[;\s]+", ",", leadership),
        **dates,
    )
    registry, user = ctx.request.app.state.registry, ctx.user

    def apply(session: Session) -> list[str]:
        plan = visible_plan(session, user, plan_id)
        chosen = header
        if user.plan_scoped:
            named = header.coordinator
            if named and find_agency(session, named, registry).id != plan.coordinator_id:
                raise CorrectionError(
                    "Chỉ điều phối chung được giao kế hoạch cho cơ quan thường trực khác."
                )
            chosen = replace(header, coordinator=None)
        return corrections.correct_header(session, registry, plan_id, chosen, ctx.now())

    try:
        changed = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return await refused(ctx, "plan-header", str(error), typed)
    if not changed:
        return redirect(f"/plans/{plan_id}", "Không có gì thay đổi.")
    return redirect(f"/plans/{plan_id}", f"Đã sửa {', '.join(changed)} của kế hoạch.")


@endpoint(COORDINATOR)
async def plan_policy(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id = ctx.path_int("plan_id")
    typed = typed_fields(ctx, "offsets", "escalation_days")

    def apply(session: Session) -> tuple[list[str], int]:
        visible_plan(session, ctx.user, plan_id)
        offsets, escalation = typed.get("offsets"), typed.get("escalation_days")
        return corrections.set_policy(session, plan_id, offsets, escalation, ctx.now())

    try:
        changed, rescheduled = await ctx.db(apply)
    except CorrectionError as error:
        return await refused(ctx, "plan-policy", str(error), typed)
    if not changed:
        return redirect(f"/plans/{plan_id}", "Không có gì thay đổi.")
    return redirect(f"/plans/{plan_id}", f"Đã lưu lịch nhắc của kế hoạch; {_redone(rescheduled)}")


@endpoint(COORDINATOR)
async def agency_policy(ctx: Ctx) -> Response:
    """A body's own reminder offsets (blank: its plans' policy). They reach every plan the body
    is in, so a plan coordinator sets them only for a body of its plans alone."""
    assert ctx.user is not None
    plan_id = ctx.path_int("plan_id")
    typed = typed_fields(ctx, "name", "offsets")
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> tuple[str, int]:
        visible_plan(session, ctx.user, plan_id)
        agency = find_agency(session, ctx.field("name"), registry)
        assert agency.id is not None
        require_editable_agency(session, ctx.user, agency.id, agency.name)
        count = set_agency_offsets(session, registry, agency.name, ctx.field("offsets"), ctx.now())
        return agency.name, count

    try:
        name, count = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return await refused(ctx, "agency-policy", str(error), typed)
    return redirect(f"/plans/{plan_id}", f"Đã lưu lịch nhắc riêng của «{name}»; {_redone(count)}")


def _redone(count: int) -> str:
    return f"lịch nhắc của {count} nhiệm vụ đang mở đã được tính lại."


@endpoint(COORDINATOR)
async def agency_search(ctx: Ctx) -> Response:
    """Bodies whose name has every word typed, whatever the tone marks, case or dashes."""
    query = ctx.request.query_params.get("q", "")[:MAX_QUERY]
    registry = ctx.request.app.state.registry
    names = await ctx.db(search_names, registry, query)
    return JSONResponse({"names": names}, headers={"cache-control": "no-store"})


ROUTES = [
    Route("/plans/{plan_id:id}/header", correct_header, methods=["POST"]),
    Route("/plans/{plan_id:id}/policy", plan_policy, methods=["POST"]),
    Route("/plans/{plan_id:id}/agency-policy", agency_policy, methods=["POST"]),
    Route("/agencies/search", agency_search, methods=["GET"]),
]
