"""Plans: upload, review side by side with the source, corrections, publish, graph, timeline."""

from __future__ import annotations

from markupsafe import Markup
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.users import PlanSource
from web.forms import FormError, parse_date
from web.graph_svg import render_svg
from web.guard import COORDINATOR, STAFF, UPLOAD, Ctx, endpoint, redirect
from web.intake import MAX_PLAN_BYTES, Upload, read_upload
from web.queries_plans import graph_data, plan_list, review, timeline
from web.render import render
from web.scope import NOT_FOUND, visible_plan
from workflows import corrections
from workflows.importing import import_plan
from workflows.intake.errors import DocumentError
from workflows.lookups import CorrectionError


@endpoint(STAFF)
async def plans(ctx: Ctx) -> Response:
    assert ctx.user is not None
    rows = await ctx.db(plan_list, ctx.user.is_coordinator)
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
    plan_id = await ctx.db(_store, upload, ctx)
    return redirect(f"/plans/{plan_id}", "Đã nhập kế hoạch dưới dạng dự thảo; hãy rà soát.")


def _upload_error(ctx: Ctx, message: str) -> Response:
    return render(
        ctx.request, "upload.html", {"error": message, "max_mb": MAX_PLAN_BYTES // 2**20}, 400
    )


def _store(session: Session, upload: Upload, ctx: Ctx) -> int:
    now = ctx.now()
    outcome = import_plan(
        session,
        upload.plan,
        ctx.request.app.state.registry,
        source_name=upload.filename[:200],
        source_sha256=upload.sha256,
        now=now,
    )
    source = session.get(PlanSource, outcome.plan_id)
    if source is None:
        source = PlanSource(plan_id=outcome.plan_id, text=upload.text, stored_at=now)
    source.text, source.stored_at = upload.text, now
    session.add(source)
    return outcome.plan_id


@endpoint(STAFF)
async def plan_review(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id, today = ctx.path_int("plan_id"), ctx.today()

    def load(session: Session) -> dict:
        return review(session, visible_plan(session, ctx.user, plan_id), today)

    return render(ctx.request, "review.html", await ctx.db(load))


def _plan_task(session: Session, plan_id: int, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.plan_id != plan_id:
        raise HTTPException(404, NOT_FOUND)
    return task


def _names(text: str) -> list[str]:
    """Partners typed one per line (names may contain commas: "UBND các xã, thị trấn")."""
    return [n.strip() for n in text.replace(";", "\n").splitlines() if n.strip()]


@endpoint(COORDINATOR)
async def correct_task(ctx: Ctx) -> Response:
    plan_id, task_id = ctx.path_int("plan_id"), ctx.path_int("task_id")
    back = f"/plans/{plan_id}#task-{task_id}"
    try:
        due = parse_date(ctx.field("due"), "Thời hạn")
    except FormError as error:
        return redirect(back, str(error))
    lead, partners = ctx.field("lead"), _names(ctx.field("partners"))
    registry, now = ctx.request.app.state.registry, ctx.now()

    def apply(session: Session) -> list[str]:
        task = _plan_task(session, plan_id, task_id)
        changed = []
        current_lead = session.get(Agency, task.lead_id) if task.lead_id else None
        if lead and (current_lead is None or lead != current_lead.name):
            corrections.reassign(session, registry, task_id, lead, now)
            changed.append("cơ quan chủ trì")
        current = sorted(_partner_names(session, task_id))
        if partners != current and (partners or current):
            corrections.set_partners(session, registry, task_id, partners, now)
            changed.append("cơ quan phối hợp")
        if due != task.due:
            corrections.set_due(session, task_id, due, now)
            changed.append("thời hạn")
        return changed

    try:
        changed = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return redirect(back, str(error))
    if not changed:
        return redirect(back, "Không có gì thay đổi.")
    return redirect(back, f"Đã sửa {', '.join(changed)} của nhiệm vụ #{task_id}.")


def _partner_names(session: Session, task_id: int) -> list[str]:
    return list(
        session.exec(
            select(Agency.name)
            .join(TaskPartner, col(TaskPartner.agency_id) == Agency.id)
            .where(TaskPartner.task_id == task_id)
        ).all()
    )


@endpoint(COORDINATOR)
async def drop_task(ctx: Ctx) -> Response:
    plan_id, task_id = ctx.path_int("plan_id"), ctx.path_int("task_id")

    def apply(session: Session) -> None:
        _plan_task(session, plan_id, task_id)
        corrections.drop_task(session, task_id, ctx.now())

    await ctx.db(apply)
    return redirect(f"/plans/{plan_id}", f"Đã bỏ nhiệm vụ #{task_id} (lịch sử vẫn giữ).")


@endpoint(COORDINATOR)
async def add_task(ctx: Ctx) -> Response:
    plan_id = ctx.path_int("plan_id")
    back = f"/plans/{plan_id}"
    try:
        due = parse_date(ctx.field("due"), "Thời hạn")
    except FormError as error:
        return redirect(back, str(error))
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> int:
        if session.get(Plan, plan_id) is None:
            raise HTTPException(404, NOT_FOUND)
        task = corrections.add_task(
            session,
            registry,
            plan_id,
            ctx.field("text")[:4000],
            ctx.field("lead"),
            due,
            ctx.field("section") or "bổ sung",
            ctx.now(),
        )
        assert task.id is not None
        return task.id

    try:
        task_id = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return redirect(back, str(error))
    return redirect(f"{back}#task-{task_id}", f"Đã thêm nhiệm vụ #{task_id}.")


@endpoint(COORDINATOR)
async def publish(ctx: Ctx) -> Response:
    plan_id = ctx.path_int("plan_id")
    force = ctx.field("force") == "1"

    def apply(session: Session) -> None:
        if session.get(Plan, plan_id) is None:
            raise HTTPException(404, NOT_FOUND)
        corrections.publish(session, plan_id, ctx.now(), force=force)

    try:
        await ctx.db(apply)
    except CorrectionError as error:
        message = str(error).replace("(kehoach task lead) ", "")
        return redirect(f"/plans/{plan_id}", message.replace("--force", "«Vẫn ban hành»"))
    return redirect(f"/plans/{plan_id}", "Đã ban hành kế hoạch; việc nhắc hạn bắt đầu.")


@endpoint(STAFF)
async def plan_graph(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id, today = ctx.path_int("plan_id"), ctx.today()

    def load(session: Session) -> dict:
        plan = visible_plan(session, ctx.user, plan_id)
        return {"plan": plan, **graph_data(session, plan, today)}

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
    Route("/plans/{plan_id:int}", plan_review, methods=["GET"]),
    Route("/plans/{plan_id:int}/tasks/{task_id:int}/correct", correct_task, methods=["POST"]),
    Route("/plans/{plan_id:int}/tasks/{task_id:int}/drop", drop_task, methods=["POST"]),
    Route("/plans/{plan_id:int}/tasks/add", add_task, methods=["POST"]),
    Route("/plans/{plan_id:int}/publish", publish, methods=["POST"]),
    Route("/plans/{plan_id:int}/graph", plan_graph, methods=["GET"]),
    Route("/plans/{plan_id:int}/timeline", plan_timeline, methods=["GET"]),
]
