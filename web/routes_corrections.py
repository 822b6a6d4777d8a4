"""A coordinator's corrections to a plan under review: a task's lead, partners and deadline,
dropping and adding tasks, and publishing (the plan pages themselves: ``routes_plans``)."""

from __future__ import annotations

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.agencies import Agency
from models.tasks import Task, TaskPartner
from web.auth import CurrentUser
from web.forms import FormError, parse_date
from web.guard import COORDINATOR, Ctx, endpoint, redirect
from web.queries_plans import without_lead
from web.scope import NOT_FOUND, visible_plan
from workflows.plans import corrections
from workflows.records.lookups import CorrectionError


def _plan_task(session: Session, user: CurrentUser, plan_id: int, task_id: int) -> Task:
    visible_plan(session, user, plan_id)  # a plan coordinator: its body's plans only
    task = session.get(Task, task_id)
    if task is None or task.plan_id != plan_id:
        raise HTTPException(404, NOT_FOUND)
    return task


def _names(text: str) -> list[str]:
    """Partners typed one per line (names may contain commas: "UBND các xã, thị trấn")."""
    return [n.strip() for n in text.replace(";", "\n").splitlines() if n.strip()]


@endpoint(COORDINATOR)
async def correct_task(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id, task_id = ctx.path_int("plan_id"), ctx.path_int("task_id")
    back = f"/plans/{plan_id}#task-{task_id}"
    try:
        due = parse_date(ctx.field("due"), "Thời hạn")
    except FormError as error:
        return redirect(back, str(error))
    lead, partners = ctx.field("lead"), _names(ctx.field("partners"))
    confirm = ctx.field("confirm_due") == "1"
    registry, now = ctx.request.app.state.registry, ctx.now()

    def apply(session: Session) -> list[str]:
        task = _plan_task(session, ctx.user, plan_id, task_id)
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
        elif task.due_inferred and confirm:  # the same date, confirmed: no longer inferred
            corrections.set_due(session, task_id, due, now)
            changed.append("thời hạn (đã xác nhận)")
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
    assert ctx.user is not None
    plan_id, task_id = ctx.path_int("plan_id"), ctx.path_int("task_id")

    def apply(session: Session) -> None:
        _plan_task(session, ctx.user, plan_id, task_id)
        corrections.drop_task(session, task_id, ctx.now())

    await ctx.db(apply)
    return redirect(f"/plans/{plan_id}", f"Đã bỏ nhiệm vụ #{task_id} (lịch sử vẫn giữ).")


@endpoint(COORDINATOR)
async def add_task(ctx: Ctx) -> Response:
    assert ctx.user is not None
    plan_id = ctx.path_int("plan_id")
    back = f"/plans/{plan_id}"
    try:
        due = parse_date(ctx.field("due"), "Thời hạn")
    except FormError as error:
        return redirect(back, str(error))
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> int:
        visible_plan(session, ctx.user, plan_id)
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
    assert ctx.user is not None
    plan_id = ctx.path_int("plan_id")
    force = ctx.field("force") == "1"

    def apply(session: Session) -> None:
        visible_plan(session, ctx.user, plan_id)
        missing = without_lead(session, plan_id)
        if missing and not force:
            listed = "; ".join(f"#{t.id} (dòng {t.line})" for t in missing[:10])
            raise CorrectionError(
                f"Còn {len(missing)} nhiệm vụ chưa có cơ quan chủ trì: {listed}. Hãy giao cơ "
                "quan chủ trì cho từng nhiệm vụ, hoặc chọn «Vẫn ban hành»."
            )
        corrections.publish(session, plan_id, ctx.now(), force=force)

    try:
        await ctx.db(apply)
    except CorrectionError as error:
        return redirect(f"/plans/{plan_id}", str(error))
    return redirect(f"/plans/{plan_id}", "Đã ban hành kế hoạch; việc nhắc hạn bắt đầu.")


ROUTES = [
    Route("/plans/{plan_id:id}/tasks/{task_id:id}/correct", correct_task, methods=["POST"]),
    Route("/plans/{plan_id:id}/tasks/{task_id:id}/drop", drop_task, methods=["POST"]),
    Route("/plans/{plan_id:id}/tasks/add", add_task, methods=["POST"]),
    Route("/plans/{plan_id:id}/publish", publish, methods=["POST"]),
]
