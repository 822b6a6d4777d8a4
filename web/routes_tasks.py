"""Tasks: the list with filters, one task's page, and what its lead body may do to it."""

from __future__ import annotations

from dataclasses import asdict

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from models.agencies import Agency
from models.followup import Extension
from models.plans import Plan
from models.tasks import Task, TaskEdge, TaskPartner
from models.types import TaskStatus
from models.users import Evidence
from web import evidence as files
from web.auth import CurrentUser
from web.forms import FormError, lenient_date, parse_date, parse_int, parse_period, period_key
from web.guard import ANY_USER, UPLOAD, Ctx, endpoint, redirect
from web.history import task_history
from web.queries_tasks import TaskFilter, filter_choices, lines_for, task_page
from web.render import render
from web.scope import can_write, visible_task, writable_task
from workflows.followup import request_extension, update_status
from workflows.lookups import CorrectionError
from workflows.rules.status import CATEGORY_LABELS
from workflows.status_view import view
from workflows.task_history import record


def read_filter(ctx: Ctx) -> TaskFilter:
    q = ctx.request.query_params
    due_from, due_to = lenient_date(q.get("from")), lenient_date(q.get("to"))
    if q.get("quarter"):
        period = parse_period(q.get("quarter"), ctx.today())
        due_from, due_to = period.start, period.end
    category = q.get("status") if q.get("status") in {c.value for c in CATEGORY_LABELS} else None
    return TaskFilter(
        plan_id=parse_int(q.get("plan")),
        agency_id=parse_int(q.get("agency")),
        category=category,
        due_from=due_from,
        due_to=due_to,
        page=parse_int(q.get("page"), 1, 1) or 1,
    )


def filter_params(ctx: Ctx) -> dict[str, str]:
    keys = ("plan", "agency", "status", "from", "to", "quarter")
    return {k: v for k in keys if (v := ctx.request.query_params.get(k))}


@endpoint(ANY_USER)
async def task_list(ctx: Ctx) -> Response:
    assert ctx.user is not None
    f, today = read_filter(ctx), ctx.today()

    def load(session: Session) -> dict:
        return {"page": task_page(session, ctx.user, f, today), **filter_choices(session, ctx.user)}

    data = await ctx.db(load)
    return render(
        ctx.request,
        "tasks.html",
        {
            **data,
            "params": filter_params(ctx),
            "categories": [(c.value, label) for c, label in CATEGORY_LABELS.items()],
            "quarter_key": period_key,
        },
    )


def _detail(session: Session, user: CurrentUser, task_id: int, today) -> dict:  # type: ignore[no-untyped-def]
    task = visible_task(session, user, task_id)
    plan = session.get(Plan, task.plan_id)
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    partners = session.exec(
        select(Agency.name)
        .join(TaskPartner, col(TaskPartner.agency_id) == Agency.id)
        .where(TaskPartner.task_id == task_id)
    ).all()

    def neighbours(column, other) -> list:  # type: ignore[no-untyped-def]
        ids = session.exec(select(other).where(column == task_id)).all()
        found = session.exec(select(Task).where(col(Task.id).in_(ids))).all()
        return lines_for(session, list(found), today)

    return {
        "task": task,
        "plan": plan,
        "lead": lead,
        "partners": sorted(partners),
        "shown": view(task, today),
        "history": task_history(session, task_id),
        "evidence": session.exec(
            select(Evidence).where(Evidence.task_id == task_id).order_by(col(Evidence.id))
        ).all(),
        "extensions": session.exec(
            select(Extension).where(Extension.task_id == task_id).order_by(col(Extension.id).desc())
        ).all(),
        "depends_on": neighbours(TaskEdge.task_id, TaskEdge.depends_on_id),
        "needed_by": neighbours(TaskEdge.depends_on_id, TaskEdge.task_id),
        "can_write": can_write(user, task),
        "statuses": [s for s in TaskStatus if s != TaskStatus.DROPPED],
    }


@endpoint(ANY_USER)
async def task_detail(ctx: Ctx) -> Response:
    assert ctx.user is not None
    data = await ctx.db(_detail, ctx.user, ctx.path_int("task_id"), ctx.today())
    return render(ctx.request, "task.html", data)


@endpoint(ANY_USER)
async def task_status(ctx: Ctx) -> Response:
    assert ctx.user is not None
    task_id = ctx.path_int("task_id")
    back = f"/tasks/{task_id}"
    try:
        status = TaskStatus(ctx.field("status"))
        if status == TaskStatus.DROPPED:
            raise ValueError
    except ValueError:
        return redirect(back, "Tình trạng không hợp lệ.")
    progress = parse_int(ctx.field("progress"), None, 0, 100)
    note = ctx.field("note")[:2000] or None

    def apply(session: Session) -> None:
        writable_task(session, ctx.user, task_id)
        update_status(
            session,
            task_id,
            status,
            ctx.user.actor,
            ctx.now(),
            progress=progress,
            note=note,
            expected_status=ctx.field("expected_status") or None,
        )

    try:
        await ctx.db(apply)
    except CorrectionError as error:
        # a refused (conflicting) update is audited: record it in its own transaction
        await ctx.db(
            _audit_refusal,
            task_id,
            ctx.user.actor,
            status.value,
            ctx.field("expected_status"),
            ctx.now(),
        )
        return redirect(back, str(error))
    return redirect(back, "Đã cập nhật tình trạng nhiệm vụ.")


def _audit_refusal(
    session: Session, task_id: int, actor: str, wanted: str, expected: str, now
) -> None:  # type: ignore[no-untyped-def]
    """update_status records the refusal, but its transaction rolled back with the error."""
    task = session.get(Task, task_id)
    if task is not None and expected and task.status != expected:
        record(
            session,
            task,
            now,
            actor,
            "status_refused",
            {"wanted": wanted, "expected": expected, "actual": task.status},
        )


@endpoint(ANY_USER, UPLOAD)
async def task_evidence(ctx: Ctx) -> Response:
    assert ctx.user is not None and ctx.form is not None
    task_id = ctx.path_int("task_id")
    back = f"/tasks/{task_id}"
    await ctx.db(writable_task, ctx.user, task_id)
    upload = ctx.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return redirect(back, "Hãy chọn một tệp minh chứng.")
    data = await upload.read(files.MAX_EVIDENCE_BYTES + 1)
    folder = ctx.settings.data_dir / "evidence"
    try:
        stored = files.store(folder, data, upload.filename)
    except files.EvidenceError as error:
        return redirect(back, str(error))

    def save(session: Session) -> None:
        task = writable_task(session, ctx.user, task_id)
        session.add(
            Evidence(
                task_id=task_id, uploaded_by=ctx.user.actor, uploaded_at=ctx.now(), **asdict(stored)
            )
        )
        record(session, task, ctx.now(), ctx.user.actor, "evidence", {"file": stored.original_name})

    await ctx.db(save)
    return redirect(back, f"Đã lưu minh chứng «{stored.original_name}».")


@endpoint(ANY_USER)
async def evidence_download(ctx: Ctx) -> Response:
    assert ctx.user is not None
    task_id, evidence_id = ctx.path_int("task_id"), ctx.path_int("evidence_id")

    def load(session: Session) -> Evidence:
        visible_task(session, ctx.user, task_id)
        item = session.get(Evidence, evidence_id)
        if item is None or item.task_id != task_id:
            raise HTTPException(404, "Không tìm thấy tệp.")
        return item

    item = await ctx.db(load)
    path = files.path_of(ctx.settings.data_dir / "evidence", item.stored_name)
    if not path.is_file():
        raise HTTPException(404, "Tệp minh chứng không còn trên máy chủ.")
    return FileResponse(
        path,
        media_type=item.content_type,
        filename=item.original_name,
        content_disposition_type="attachment",
    )


@endpoint(ANY_USER)
async def task_extension(ctx: Ctx) -> Response:
    assert ctx.user is not None
    task_id = ctx.path_int("task_id")
    back = f"/tasks/{task_id}"
    try:
        new_due = parse_date(ctx.field("due"), "Hạn đề nghị")
    except FormError as error:
        return redirect(back, str(error))
    if new_due is None:
        return redirect(back, "Hãy nhập hạn đề nghị (dd/mm/yyyy).")

    def apply(session: Session) -> None:
        task = writable_task(session, ctx.user, task_id)
        if task.status in (TaskStatus.DONE, TaskStatus.DROPPED):
            raise CorrectionError("Nhiệm vụ đã kết thúc, không cần gia hạn.")
        request_extension(
            session, task_id, new_due, ctx.field("reason")[:1000], ctx.user.actor, ctx.now()
        )

    try:
        await ctx.db(apply)
    except CorrectionError as error:
        return redirect(back, str(error))
    return redirect(back, "Đã gửi đề nghị gia hạn; điều phối sẽ xem xét.")


ROUTES = [
    Route("/tasks", task_list, methods=["GET"]),
    Route("/tasks/{task_id:int}", task_detail, methods=["GET"]),
    Route("/tasks/{task_id:int}/status", task_status, methods=["POST"]),
    Route("/tasks/{task_id:int}/evidence", task_evidence, methods=["POST"]),
    Route("/tasks/{task_id:int}/evidence/{evidence_id:int}", evidence_download, methods=["GET"]),
    Route("/tasks/{task_id:int}/extension", task_extension, methods=["POST"]),
]
