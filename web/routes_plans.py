"""Plans: the list, upload, review side by side with the source, graph, timeline (corrections
and publishing: ``routes_corrections``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from markupsafe import Markup, escape
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from models.plans import Plan
from models.types import TaskKindDb
from models.users import PlanSource
from notifications.wording import kind_label
from web.auth import CurrentUser
from web.graph_svg import render_svg
from web.guard import COORDINATOR, STAFF, UPLOAD, Ctx, endpoint, redirect
from web.intake import ACCEPTED, ACCEPTED_WORDS, MAX_PLAN_BYTES, Upload, read_upload
from web.queries_plans import graph_data, plan_list, review, timeline
from web.render import NOTHING_KEPT, Kept, page, render, shown_flash
from web.scope import managed_plan_ids, plan_in_scope, visible_plan
from workflows.intake.errors import DocumentError
from workflows.intake.reading import Progress, progress_line
from workflows.plans.corrections import LEVEL_LABELS
from workflows.plans.identity import plan_identity
from workflows.plans.importing import import_plan
from workflows.plans.task_merge import ImportOutcome

IMPORTED = "Đã nhập kế hoạch dưới dạng dự thảo; hãy rà soát."
REIMPORTED = "Đã nhập bản mới của kế hoạch đã có (trạng thái giữ nguyên); hãy rà soát các thay đổi."
# An upload whose OCR reads at least this many pages answers at once with a page that grows a
# line per page read, instead of a silent wait of minutes.
LONG_OCR_PAGES = 3


@endpoint(STAFF)
async def plans(ctx: Ctx) -> Response:
    assert ctx.user is not None
    rows = await ctx.db(plan_list, ctx.user.is_coordinator, managed_plan_ids(ctx.user))
    return render(ctx.request, "plans.html", {"rows": rows})


@endpoint(COORDINATOR)
async def upload_page(ctx: Ctx) -> Response:
    return render(ctx.request, "upload.html", _upload_context(None))


@endpoint(COORDINATOR, UPLOAD)
async def upload_submit(ctx: Ctx) -> Response:
    assert ctx.form is not None
    document = ctx.form.get("document")
    if not isinstance(document, UploadFile) or not document.filename:
        return _upload_error(ctx, f"Hãy chọn tệp kế hoạch ({ACCEPTED_WORDS}).")
    data = await document.read(MAX_PLAN_BYTES + 1)
    progress = _Progress(asyncio.get_running_loop())
    job = _started(_import(ctx, data, document.filename, progress))
    if not await progress.long_or_done(job):
        return _streamed(ctx, progress, job, document.filename)
    try:
        outcome, plan = job.result()
    except (DocumentError, OutOfScope) as error:
        return _upload_error(ctx, _refusal(error))
    if outcome.created:
        return redirect(f"/plans/{outcome.plan_id}", IMPORTED)
    return render(ctx.request, "reimport.html", {"outcome": outcome, "plan": plan})


Imported = tuple[ImportOutcome, Plan]


async def _import(ctx: Ctx, data: bytes, filename: str, progress: Progress) -> Imported:
    """Read, parse and store an upload: what the import did, and the plan."""
    registry = ctx.request.app.state.registry
    upload = await run_in_threadpool(read_upload, data, filename, registry, progress)
    return await ctx.db(_store, upload, ctx)


# Imports under way: a task the loop holds only weakly could be collected mid-way, and one
# must finish (and be stored) even when the user closes a progress page.
_IMPORTS: set[asyncio.Task[Imported]] = set()


def _started(work: Coroutine[Any, Any, Imported]) -> asyncio.Task[Imported]:
    task = asyncio.ensure_future(work)
    _IMPORTS.add(task)
    task.add_done_callback(_IMPORTS.discard)
    return task


def _refusal(error: DocumentError | OutOfScope) -> str:
    return error.message if isinstance(error, DocumentError) else str(error)


def _upload_error(ctx: Ctx, message: str) -> Response:
    return render(ctx.request, "upload.html", _upload_context(message), 400)


def _upload_context(error: str | None) -> dict:
    return {"error": error, "max_mb": MAX_PLAN_BYTES // 2**20, "accepted": ACCEPTED}


class _Progress:
    """An upload's reading progress, from the reader's thread to the event loop: each report
    is queued; one announcing at least ``LONG_OCR_PAGES`` pages of OCR marks the upload long."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.reports: asyncio.Queue[tuple[int, int, str]] = asyncio.Queue()
        self.long = asyncio.Event()

    def __call__(self, done: int, total: int, what: str) -> None:  # in the reader's thread
        self.loop.call_soon_threadsafe(self._arrived, done, total, what)

    def _arrived(self, done: int, total: int, what: str) -> None:
        self.reports.put_nowait((done, total, what))
        if total >= LONG_OCR_PAGES:
            self.long.set()

    async def long_or_done(self, job: asyncio.Future) -> bool:
        """Wait until the reading is done (True) or turns out long (False)."""
        waiter = asyncio.ensure_future(self.long.wait())
        await asyncio.wait({job, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        return job.done()

    async def lines(self, job: asyncio.Future) -> AsyncIterator[str]:
        """Each report in words as it comes, until the reading is done."""
        while True:
            report = asyncio.ensure_future(self.reports.get())
            await asyncio.wait({job, report}, return_when=asyncio.FIRST_COMPLETED)
            if not report.done():
                report.cancel()
                break
            yield progress_line(*report.result())
        while not self.reports.empty():
            yield progress_line(*self.reports.get_nowait())


def _streamed(
    ctx: Ctx, progress: _Progress, job: asyncio.Task[Imported], filename: str
) -> Response:
    """A long OCR: a page that grows a line per page read (streamed, so it works with several
    web workers and without script), then links to the review, or says what went wrong."""
    mark = "<!--progress-->"
    html = page(ctx.request, "upload_progress.html", {"filename": filename, "progress_mark": mark})
    head, tail = html.split(mark, 1)

    async def body() -> AsyncIterator[str]:
        yield head
        async for line in progress.lines(job):
            yield f'<p class="progress-line">{escape(line)}</p>\n'
        try:
            outcome, _plan = job.result()
        except (DocumentError, OutOfScope) as error:
            yield (
                f'<p class="error" role="alert" id="upload-error">{escape(_refusal(error))}</p>'
                '<p><a href="/plans/upload">Tải tệp khác lên</a></p>'
            )
        else:
            url = f"/plans/{outcome.plan_id}"
            done = IMPORTED if outcome.created else REIMPORTED
            yield (
                f'<p id="upload-done">{escape(done)} <a href="{url}" id="review-link">'
                f'Mở bản rà soát</a></p><meta http-equiv="refresh" content="2;url={url}">'
            )
        yield tail

    headers = {"x-accel-buffering": "no", "cache-control": "no-store"}  # no proxy buffering
    streamed = StreamingResponse(body(), media_type="text/html; charset=utf-8", headers=headers)
    return shown_flash(ctx.request, streamed)


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
