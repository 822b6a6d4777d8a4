"""A coordinator's corrections to a plan under review: a task's lead, partners, deadline,
wording and kind, dropping and adding tasks, bulk actions on ticked tasks, a body entered in the
registry, and publishing (the plan pages themselves: ``routes_plans``; the plan's header and
policy: ``routes_desk``). A refused form shows its page again with what was typed."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.agencies import Agency
from models.tasks import Task, TaskPartner
from web.auth import CurrentUser
from web.forms import FormError, parse_date, parse_int
from web.guard import COORDINATOR, Ctx, FormLimits, endpoint, redirect
from web.queries_plans import without_lead
from web.render import Kept
from web.routes_plans import review_page
from web.routes_tasks import task_detail_page
from web.scope import NOT_FOUND, require_editable_agency, visible_plan
from workflows.parsing.text import fold
from workflows.plans import corrections
from workflows.plans.corrections import MAX_TEXT
from workflows.records.lookups import CorrectionError
from workflows.registry.agencies import find_agency
from workflows.rules.timefmt import dmy

MAX_BULK = 500  # tasks ticked at once (a plan has a few hundred at most)


def _plan_task(session: Session, user: CurrentUser, plan_id: int, task_id: int) -> Task:
    visible_plan(session, user, plan_id)  # a plan coordinator: its body's plans only
    task = session.get(Task, task_id)
    if task is None or task.plan_id != plan_id:
        raise HTTPException(404, NOT_FOUND)
    return task


def _names(text: str) -> list[str]:
    """Partners typed one per line (names may contain commas: "UBND các xã, thị trấn")."""
    return [n.strip() for n in text.replace(";", "\n").splitlines() if n.strip()]


def typed_fields(ctx: Ctx, *names: str) -> dict[str, str]:
    """The fields of ``names`` the form sent, as typed (a field it did not send is absent)."""
    assert ctx.form is not None
    return {n: v[:MAX_TEXT] for n in names if isinstance(v := ctx.form.get(n), str)}


async def refused(ctx: Ctx, form: str, error: str, values: dict[str, str]) -> Response:
    """The page the form was on, again, with what was typed and why it was refused."""
    kept = Kept(form, values, error)
    if ctx.field("from") == "task" and "task_id" in ctx.request.path_params:
        return await task_detail_page(ctx, ctx.path_int("task_id"), kept)
    return await review_page(ctx, ctx.path_int("plan_id"), kept)


@endpoint(COORDINATOR)
async def correct_task(ctx: Ctx) -> Response:
    """Lead, partners, deadline, wording and kind: only the fields the form sent are read."""
    assert ctx.user is not None
    plan_id, task_id = ctx.path_int("plan_id"), ctx.path_int("task_id")
    typed = typed_fields(ctx, "lead", "partners", "due", "text", "kind")
    on_task = ctx.field("from") == "task"
    back = f"/tasks/{task_id}" if on_task else f"/plans/{plan_id}#task-{task_id}"
    form = f"correct-{task_id}"
    try:
        due = parse_date(typed["due"], "Thời hạn") if "due" in typed else None
    except FormError as error:
        return await refused(ctx, form, str(error), typed)
    confirm = ctx.field("confirm_due") == "1"
    registry, now = ctx.request.app.state.registry, ctx.now()

    def apply(session: Session) -> list[str]:
        task = _plan_task(session, ctx.user, plan_id, task_id)
        changed = []
        lead = typed.get("lead", "").strip()
        if lead and find_agency(session, lead, registry).id != task.lead_id:
            corrections.reassign(session, registry, task_id, lead, now)
            changed.append("cơ quan chủ trì")
        if "partners" in typed:
            partners, current = _names(typed["partners"]), sorted(_partner_names(session, task_id))
            if partners != current and (partners or current):
                corrections.set_partners(session, registry, task_id, partners, now)
                changed.append("cơ quan phối hợp")
        if "due" in typed and due != task.due:
            corrections.set_due(session, task_id, due, now)
            changed.append("thời hạn")
        elif "due" in typed and (task.due_inferred or task.ocr_doubt) and confirm:  # same date
            corrections.set_due(session, task_id, due, now)
            changed.append("thời hạn (đã xác nhận)")
        if "text" in typed and " ".join(typed["text"].split()) != task.text:
            corrections.set_text(session, task_id, ctx.field("text"), now)
            changed.append("nội dung")
        if "kind" in typed and typed["kind"] != task.kind:
            corrections.set_kind(session, task_id, typed["kind"], now)
            changed.append("loại")
        return changed

    try:
        changed = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return await refused(ctx, form, str(error), typed)
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
    typed = typed_fields(ctx, "text", "lead", "due", "section")
    try:
        due = parse_date(ctx.field("due"), "Thời hạn")
    except FormError as error:
        return await refused(ctx, "add-task", str(error), typed)
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> int:
        visible_plan(session, ctx.user, plan_id)
        task = corrections.add_task(
            session,
            registry,
            plan_id,
            ctx.field("text")[:MAX_TEXT],
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
        return await refused(ctx, "add-task", str(error), typed)
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
        return redirect(f"/plans/{plan_id}", str(error), error=True)
    return redirect(f"/plans/{plan_id}", "Đã ban hành kế hoạch; việc nhắc hạn bắt đầu.")


BULK = FormLimits(max_fields=MAX_BULK + 10)
BULK_ACTIONS = {"due", "lead", "drop"}


@endpoint(COORDINATOR, BULK)
async def bulk(ctx: Ctx) -> Response:
    """One action on the tasks ticked on the review page, in one transaction."""
    assert ctx.user is not None and ctx.form is not None
    plan_id = ctx.path_int("plan_id")
    typed = typed_fields(ctx, "action", "due", "lead")
    action = ctx.field("action")
    ids = {n for v in ctx.form.getlist("task") if (n := parse_int(str(v))) is not None}
    try:
        if action not in BULK_ACTIONS:
            raise FormError("Hãy chọn việc cần làm với các nhiệm vụ đã chọn.")
        if not ids:
            raise FormError("Hãy đánh dấu ít nhất một nhiệm vụ.")
        due = parse_date(ctx.field("due"), "Thời hạn") if action == "due" else None
        if action == "lead" and not ctx.field("lead"):
            raise FormError("Hãy nhập cơ quan chủ trì cho các nhiệm vụ đã chọn.")
    except FormError as error:
        return await refused(ctx, "bulk", str(error), typed)
    value = due if action == "due" else ctx.field("lead")
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> corrections.BulkOutcome:
        for task_id in ids:
            _plan_task(session, ctx.user, plan_id, task_id)
        return corrections.bulk_correct(session, registry, ids, action, value, ctx.now())

    try:
        outcome = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return await refused(ctx, "bulk", str(error), typed)
    return redirect(f"/plans/{plan_id}", _bulk_summary(action, value, outcome))


def _bulk_summary(action: str, value: object, outcome: corrections.BulkOutcome) -> str:
    done = {
        "due": f"Đã đặt hạn {dmy(value, 'trống') if isinstance(value, date) else 'trống'} cho",
        "lead": f"Đã giao «{outcome.lead}» chủ trì",
        "drop": "Đã bỏ",
    }[action]
    said = f"{done} {outcome.changed} nhiệm vụ"
    if outcome.unchanged:
        said += f" ({outcome.unchanged} nhiệm vụ không cần đổi)"
    return said + "."


@endpoint(COORDINATOR)
async def add_agency(ctx: Ctx) -> Response:
    """A body the registry does not know, entered from the review page (and, when asked,
    made the lead of the task that names it)."""
    assert ctx.user is not None
    plan_id = ctx.path_int("plan_id")
    task_id = parse_int(ctx.field("task"))
    form = f"add-agency-{task_id}" if task_id is not None else "add-agency"
    typed = typed_fields(ctx, "name", "level", "locality", "email", "task", "make_lead")
    registry, now = ctx.request.app.state.registry, ctx.now()

    def apply(session: Session) -> str:
        visible_plan(session, ctx.user, plan_id)
        if task_id is not None:
            _plan_task(session, ctx.user, plan_id, task_id)
        existing = session.exec(
            select(Agency).where(Agency.folded_name == fold(ctx.field("name")))
        ).first()
        if existing is not None and existing.id is not None:
            require_editable_agency(session, ctx.user, existing.id, existing.name)
        agency = corrections.add_agency(
            session,
            registry,
            ctx.field("name"),
            ctx.field("level"),
            ctx.field("locality"),
            ctx.field("email"),
        )
        if task_id is not None and ctx.field("make_lead") == "1":
            corrections.reassign(session, registry, task_id, agency.name, now)
        return agency.name

    try:
        name = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return await refused(ctx, form, str(error), typed)
    anchor = f"#task-{task_id}" if task_id is not None else ""
    return redirect(f"/plans/{plan_id}{anchor}", f"Đã thêm «{name}» vào danh mục cơ quan.")


ROUTES = [
    Route("/plans/{plan_id:id}/tasks/bulk", bulk, methods=["POST"]),
    Route("/plans/{plan_id:id}/agencies/add", add_agency, methods=["POST"]),
    Route("/plans/{plan_id:id}/tasks/{task_id:id}/correct", correct_task, methods=["POST"]),
    Route("/plans/{plan_id:id}/tasks/{task_id:id}/drop", drop_task, methods=["POST"]),
    Route("/plans/{plan_id:id}/tasks/add", add_task, methods=["POST"]),
    Route("/plans/{plan_id:id}/publish", publish, methods=["POST"]),
]
