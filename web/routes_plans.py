"""Plans: the list, upload, review side by side with the source, graph, timeline (corrections
and publishing: ``routes_corrections``)."""

from __future__ import annotations

from markupsafe import Markup
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from models.plans import Plan
from models.types import TaskKindDb
from models.users import PlanSource
from notifications.render import kind_label
from web.auth import CurrentUser
from web.graph_svg import render_svg
from web.guard import COORDINATOR, STAFF, UPLOAD, Ctx, endpoint, redirect
from web.intake import MAX_PLAN_BYTES, Upload, read_upload
from web.queries_plans import graph_data, plan_list, review, timeline
from web.render import NOTHING_KEPT, Kept, render
from web.scope import managed_plan_ids, plan_in_scope, visible_plan
from workflows.intake.errors import DocumentError
from workflows.plans.corrections import LEVEL_LABELS
from workflows.plans.identity import plan_identity
from workflows.plans.importing import import_plan
from workflows.plans.task_merge import ImportOutcome


@endpoint(STAFF)
async def plans(ctx: Ctx) -> Response:
    assert ctx.user is not None
    rows = await ctx.db(plan_list, ctx.user.is_coordinator, managed_plan_ids(ctx.user))
    return render(ctx.request, "plans.html", {"rows": rows})


@endpoint(COORDINATOR)
async def upload_page(ctx: Ctx) -> Response:
    return render(ctx.request, "upload.html", {"error": None, "max_mb": MAX_PLAN_BYTES // 2**20})


@endpoint(COORDINATOR, UPLOAD)
async def upload_submit(ctx: Ctx) -> Response:
    assert ctx.form is not None
    document = ctx.form.get("document")
    if not isinstance(document, UploadFile) or not document.filename:
        return _upload_error(ctx, "Hãy chọn tệp kế hoạch (.docx, .pdf hoặc .txt).")
    data = await document.read(MAX_PLAN_BYTES + 1)
    registry = ctx.request.app.state.registry
    try:
        upload = await run_in_threadpool(read_upload, data, document.filename, registry)
    except DocumentError as error:
        return _upload_error(ctx, error.message)
    try:
        outcome, plan = await ctx.db(_store, upload, ctx)
    except OutOfScope as error:
        return _upload_error(ctx, str(error))
    if outcome.created:
        return redirect(
            f"/plans/{outcome.plan_id}", "Đã nhập kế hoạch dưới dạng dự thảo; hãy rà soát."
        )
    return render(ctx.request, "reimport.html", {"outcome": outcome, "plan": plan})


def _upload_error(ctx: Ctx, message: str) -> Response:
    return render(
        ctx.request, "upload.html", {"error": message, "max_mb": MAX_PLAN_BYTES // 2**20}, 400
    )


class OutOfScope(Exception):
    """A plan coordinator's upload of a plan another body coordinates (rolled back)."""


def _store(session: Session, upload: Upload, ctx: Ctx) -> tuple[ImportOutcome, Plan]:
    """The upload imported (a new plan, or a new revision of one: its status is kept)."""
    assert ctx.user is not None
    now, user = ctx.now(), ctx.user
    identity = plan_identity(upload.plan)
    existing = session.exec(select(Plan).where(Plan.identity == identity)).first()
    if existing is not None and not plan_in_scope(user, existing):
        raise OutOfScope(_not_yours(existing))
    outcome = import_plan(
        session,
        upload.plan,
        ctx.request.app.state.registry,
        source_name=upload.filename[:200],
        source_sha256=upload.sha256,
        now=now,
    )
    plan = session.get(Plan, outcome.plan_id)
    assert plan is not None
    if user.plan_scoped and plan.coordinator_id is None:
        plan.coordinator_id = user.agency_id  # the uploader's body coordinates it
    if not plan_in_scope(user, plan):
        raise OutOfScope(_not_yours(plan))  # the document names another coordinating body
    source = session.get(PlanSource, outcome.plan_id)
    if source is None:
        source = PlanSource(plan_id=outcome.plan_id, text=upload.text, stored_at=now)
    source.text, source.stored_at = upload.text, now
    session.add(source)
    return outcome, plan


def _not_yours(plan: Plan) -> str:
    number = plan.number or plan.title or f"#{plan.id}"
    return (
        f"Kế hoạch «{number}» do cơ quan khác điều phối; tài khoản của bạn chỉ quản lý các kế "
        "hoạch do cơ quan mình điều phối."
    )


def _related(user: CurrentUser, data: dict) -> dict:
    """Parent and child plans are named only when the user may open them."""
    parent = data.get("parent")
    return {
        **data,
        "parent": parent if parent is not None and plan_in_scope(user, parent) else None,
        "children": [p for p in data.get("children", []) if plan_in_scope(user, p)],
    }


@endpoint(STAFF)
async def plan_review(ctx: Ctx) -> Response:
    return await review_page(ctx, ctx.path_int("plan_id"))


async def review_page(ctx: Ctx, plan_id: int, kept: Kept = NOTHING_KEPT) -> Response:
    """The review; after a refused correction, with what was typed and why (400)."""
    assert ctx.user is not None
    today = ctx.today()

    def load(session: Session) -> dict:
        return _related(ctx.user, review(session, visible_plan(session, ctx.user, plan_id), today))

    context = {**await ctx.db(load), "kept": kept, "offsets": ctx.settings.reminder_offsets}
    context |= {
        "escalation": ctx.settings.escalation_days,
        "kinds": [(k.value, kind_label(k.value)) for k in TaskKindDb],
        "levels": list(LEVEL_LABELS.items()),
    }
    return render(ctx.request, "review.html", context, 400 if kept.form else 200)


@endpoint(STAFF)
async def plan_graph(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id, today = ctx.path_int("plan_id"), ctx.today()

    def load(session: Session) -> dict:
        plan = visible_plan(session, ctx.user, plan_id)
        return _related(ctx.user, {"plan": plan, **graph_data(session, plan, today)})

    data = await ctx.db(load)
    svg = Markup(render_svg(data["nodes"], data["edges"], data["reports"]))  # escaped inside
    return render(ctx.request, "graph.html", {**data, "svg": svg})


@endpoint(STAFF)
async def plan_timeline(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id, today = ctx.path_int("plan_id"), ctx.today()

    def load(session: Session) -> dict:
        plan = visible_plan(session, ctx.user, plan_id)
        return {"plan": plan, **timeline(session, plan, today)}

    return render(ctx.request, "timeline.html", await ctx.db(load))


ROUTES = [
    Route("/plans", plans, methods=["GET"]),
    Route("/plans/upload", upload_page, methods=["GET"]),
    Route("/plans/upload", upload_submit, methods=["POST"]),
    Route("/plans/{plan_id:id}", plan_review, methods=["GET"]),
    Route("/plans/{plan_id:id}/graph", plan_graph, methods=["GET"]),
    Route("/plans/{plan_id:id}/timeline", plan_timeline, methods=["GET"]),
]
