"""What a task's lead body does to it: status and progress, evidence, extension requests."""

from __future__ import annotations

from dataclasses import asdict

from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from models.types import TaskStatus
from models.users import Evidence
from web import evidence as files
from web.forms import FormError, parse_date
from web.guard import ANY_USER, UPLOAD, Ctx, endpoint, redirect
from web.scope import writable_task
from workflows.followup.updates import ConflictError, request_extension, update_status
from workflows.records.lookups import CorrectionError
from workflows.records.task_history import record


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
        return redirect(back, "Tình trạng không hợp lệ.", error=True)
    try:
        progress = int(ctx.field("progress")) if ctx.field("progress") else None
    except ValueError:
        return redirect(back, "Tiến độ phải là một số từ 0 đến 100.", error=True)
    note = ctx.field("note")[:2000] or None

    def apply(session: Session) -> str | None:
        writable_task(session, ctx.user, task_id)
        try:
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
        except ConflictError as error:
            return str(error)  # committed with the refusal update_status recorded (audit)
        return None

    try:
        refused = await ctx.db(apply)
    except CorrectionError as error:
        return redirect(back, str(error), error=True)
    return redirect(back, refused or "Đã cập nhật tình trạng nhiệm vụ.", error=bool(refused))


@endpoint(ANY_USER, UPLOAD)
async def task_evidence(ctx: Ctx) -> Response:
    assert ctx.user is not None and ctx.form is not None
    task_id = ctx.path_int("task_id")
    back = f"/tasks/{task_id}"
    await ctx.db(writable_task, ctx.user, task_id)
    upload = ctx.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return redirect(back, "Hãy chọn một tệp minh chứng.", error=True)
    data = await upload.read(files.MAX_EVIDENCE_BYTES + 1)
    folder = ctx.settings.data_dir / "evidence"
    try:
        stored = files.store(folder, data, upload.filename)
    except files.EvidenceError as error:
        return redirect(back, str(error), error=True)

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
async def task_extension(ctx: Ctx) -> Response:
    assert ctx.user is not None
    task_id = ctx.path_int("task_id")
    back = f"/tasks/{task_id}"
    try:
        new_due = parse_date(ctx.field("due"), "Hạn đề nghị")
    except FormError as error:
        return redirect(back, str(error), error=True)
    if new_due is None:
        return redirect(back, "Hãy nhập hạn đề nghị (dd/mm/yyyy).", error=True)

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
        return redirect(back, str(error), error=True)
    return redirect(back, "Đã gửi đề nghị gia hạn; điều phối sẽ xem xét.")


ROUTES = [
    Route("/tasks/{task_id:id}/status", task_status, methods=["POST"]),
    Route("/tasks/{task_id:id}/evidence", task_evidence, methods=["POST"]),
    Route("/tasks/{task_id:id}/extension", task_extension, methods=["POST"]),
]
