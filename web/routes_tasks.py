"""Tasks: the list with filters, one task's page, its evidence files (writes: routes_updates)."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup
from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from models.agencies import Agency
from models.followup import Extension
from models.plans import Plan
from models.tasks import Task, TaskEdge, TaskPartner
from models.types import TaskKindDb, TaskStatus
from models.users import Evidence
from notifications.wording import kind_label
from web import evidence as files
from web.auth import CurrentUser
from web.forms import lenient_date, parse_int, parse_period, period_key
from web.guard import ANY_USER, Ctx, endpoint
from web.kept_pages import kept_page
from web.keyset import Cursor
from web.queries_tasks import TaskFilter, filter_choices, lines_for, task_page
from web.render import NOTHING_KEPT, Kept, fragment, render
from web.scope import can_write, scope_of, visible_task
from web.snapshots import data_stamp
from workflows.followup.history_view import task_history
from workflows.followup.status_view import view
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


@endpoint(ANY_USER)
async def task_list(ctx: Ctx) -> Response:
    f, today, params = read_filter(ctx), ctx.today(), filter_params(ctx)

    def load(session: Session, user: CurrentUser) -> dict:
        kept = ctx.request.app.state.snapshots
        page = task_page(session, user, f, today, kept=kept)
        stamp = data_stamp(session)
        return {
            "page": page,
            "choices": filter_options(
                **kept.get(session, stamp, today, filter_choices, scope_of(user)),
                plan=params.get("plan"),
                agency=params.get("agency"),
            ),
            "params": params,
            "categories": [(c.value, label) for c, label in CATEGORY_LABELS.items()],
            "quarter_key": period_key,
        }

    return await kept_page(ctx, "tasks.html", "_tasks.html", load)


# What a task's page reads of it, built once (a page is asked for often).
_TASK_ID = bindparam("task_id")
_PARTNERS = (
    select(Agency.name)
    .join(TaskPartner, col(TaskPartner.agency_id) == Agency.id)
    .where(TaskPartner.task_id == _TASK_ID)
)
_EDGES = select(TaskEdge.task_id, TaskEdge.depends_on_id).where(
    or_(TaskEdge.task_id == _TASK_ID, TaskEdge.depends_on_id == _TASK_ID)
)
_EVIDENCE = select(Evidence).where(Evidence.task_id == _TASK_ID).order_by(col(Evidence.id))
_EXTENSIONS = (
    select(Extension).where(Extension.task_id == _TASK_ID).order_by(col(Extension.id).desc())
)


def _detail(session: Session, user: CurrentUser, task_id: int, today) -> dict:  # type: ignore[no-untyped-def]
    task = visible_task(session, user, task_id)
    plan = session.get(Plan, task.plan_id)
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    of_task = {"task_id": task_id}
    partners = session.exec(_PARTNERS, params=of_task).all()
    edges = session.exec(_EDGES, params=of_task).all()
    depends_on = {d for t, d in edges if t == task_id}
    needed_by = {t for t, d in edges if d == task_id}
    found = (
        session.exec(
            select(Task).where(col(Task.id).in_(depends_on | needed_by)).order_by(col(Task.id))
        ).all()
        if edges
        else []
    )
    lines = lines_for(session, list(found), today)

    return {
        "task": task,
        "plan": plan,
        "lead": lead,
        "partners": sorted(partners),
        "shown": view(task, today),
        "history": task_history(session, task_id),
        "evidence": session.exec(_EVIDENCE, params=of_task).all(),
        "extensions": session.exec(_EXTENSIONS, params=of_task).all(),
        "depends_on": [line for line in lines if line.id in depends_on],
        "needed_by": [line for line in lines if line.id in needed_by],
        "can_write": can_write(user, task),
        "statuses": [s for s in TaskStatus if s != TaskStatus.DROPPED],
    }


@endpoint(ANY_USER)
async def task_detail(ctx: Ctx) -> Response:
    return await task_detail_page(ctx, ctx.path_int("task_id"))


async def task_detail_page(ctx: Ctx, task_id: int, kept: Kept = NOTHING_KEPT) -> Response:
    """The task's page; after a refused correction, with what was typed and why (400)."""
    assert ctx.user is not None
    data = await ctx.db(_detail, ctx.user, task_id, ctx.today())
    data |= {"kept": kept, "kinds": [(k.value, kind_label(k.value)) for k in TaskKindDb]}
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
