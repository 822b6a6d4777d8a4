"""Tasks: the list with filters, one task's page, its evidence files (writes: routes_updates)."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from models.types import TaskKindDb
from models.users import Evidence
from notifications.wording import kind_label
from web import evidence as files
from web.auth import CurrentUser
from web.forms import lenient_date, parse_int, parse_period, period_key
from web.guard import ANY_USER, Ctx, endpoint
from web.kept_pages import kept_page
from web.keyset import Cursor
from web.queries_task import task_page_data
from web.queries_tasks import TaskFilter, TaskLine, filter_choices, listed, task_page
from web.render import NOTHING_KEPT, Kept, environment, fragment, render
from web.scope import scope_of, visible_task
from web.snapshots import data_stamp
from workflows.rules.status import CATEGORY_LABELS


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
        after=Cursor.parse(q.get("after")),
        before=Cursor.parse(q.get("before")),
    )


def filter_params(ctx: Ctx) -> dict[str, str]:
    keys = ("plan", "agency", "status", "from", "to", "quarter")
    return {k: v for k in keys if (v := ctx.request.query_params.get(k))}


@lru_cache(maxsize=64)
def filter_options(
    plans: tuple[tuple, ...], agencies: tuple[tuple, ...], plan: str | None, agency: str | None
) -> Markup:
    """The plan and body drop-downs (10^2–10^3 options): the same HTML from one change to the
    next while no plan or body changes, kept by what they show."""
    context = {"plans": plans, "agencies": agencies, "plan": plan, "agency": agency}
    return fragment("_filter_choices.html", context)


@lru_cache(maxsize=8192)
def task_row(line: TaskLine) -> Markup:
    """One line of the list: a change moves one or two of the fifty shown, the others are the
    same HTML as before (a list recomputed after each change renders only what changed)."""
    return environment().get_template("_task_rows.html").module.task_row(line)  # type: ignore[attr-defined]


@endpoint(ANY_USER)
async def task_list(ctx: Ctx) -> Response:
    f, today, params = read_filter(ctx), ctx.today(), filter_params(ctx)

    def load(session: Session, user: CurrentUser) -> dict:
        state = ctx.request.app.state
        kept, counts = state.snapshots, state.list_counts
        page = task_page(session, user, f, today, kept=kept, tallies=counts)
        stamp = data_stamp(session)
        view = listed(user, f, today)
        basis = None if view is None else counts.basis(view, stamp)
        # read again after a plan or a body changed, not after every change of a task
        read_as_of = stamp if basis is None else ("plans and bodies", basis)
        return {
            "page": page,
            "choices": filter_options(
                **kept.get(session, read_as_of, today, filter_choices, scope_of(user)),
                plan=params.get("plan"),
                agency=params.get("agency"),
            ),
            "params": params,
            "row": task_row,
            "categories": [(c.value, label) for c, label in CATEGORY_LABELS.items()],
            "quarter_key": period_key,
        }

    return await kept_page(ctx, "tasks.html", "_tasks.html", load)


KINDS = [(k.value, kind_label(k.value)) for k in TaskKindDb]


def _read_task(session: Session, ctx: Ctx) -> dict:
    assert ctx.user is not None
    return task_page_data(session, ctx.user, ctx.path_int("task_id"), ctx.today())


@endpoint(ANY_USER, read=_read_task)
async def task_detail(ctx: Ctx) -> Response:
    return _shown(ctx, ctx.read)


async def task_detail_page(ctx: Ctx, task_id: int, kept: Kept) -> Response:
    """The task's page after a refused correction, with what was typed and why (400)."""
    assert ctx.user is not None
    return _shown(ctx, await ctx.db(task_page_data, ctx.user, task_id, ctx.today()), kept)


def _shown(ctx: Ctx, data: dict, kept: Kept = NOTHING_KEPT) -> Response:
    data |= {"kept": kept, "kinds": KINDS}
    return render(ctx.request, "task.html", data, 400 if kept.form else 200)


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


ROUTES = [
    Route("/tasks", task_list, methods=["GET"]),
    Route("/tasks/{task_id:id}", task_detail, methods=["GET"]),
    Route("/tasks/{task_id:id}/evidence/{evidence_id:id}", evidence_download, methods=["GET"]),
]
