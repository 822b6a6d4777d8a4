"""Coordinators' desk: extension decisions, the delivery log, the agency registry, feed URLs."""

from __future__ import annotations

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.agencies import Agency, AgencyAlias
from models.followup import Extension
from web.auth import CurrentUser
from web.feeds import has_feed, new_feed_token
from web.forms import parse_int
from web.guard import COORDINATOR, Ctx, endpoint, redirect
from web.queries_admin import bounced, delivery_log, pending, recent_decisions, registry_rows
from web.render import render
from web.scope import (
    NOT_FOUND,
    editable_agencies,
    managed_plan_ids,
    require_editable_agency,
    task_scope,
    visible_task,
)
from workflows.delivery.outbox_view import STATUS_LABELS
from workflows.followup.contacts import set_contact
from workflows.followup.updates import decide_extension
from workflows.parsing.text import fold
from workflows.plans.corrections import merge_agency
from workflows.records.lookups import CorrectionError


@endpoint(COORDINATOR)
async def extensions(ctx: Ctx) -> Response:
    assert ctx.user is not None
    scope = task_scope(ctx.user)  # a plan coordinator: its plans' requests only

    def load(session: Session) -> dict:
        return {"pending": pending(session, scope), "decided": recent_decisions(session, scope)}

    return render(ctx.request, "extensions.html", await ctx.db(load))


@endpoint(COORDINATOR)
async def decide(ctx: Ctx) -> Response:
    assert ctx.user is not None
    extension_id = ctx.path_int("extension_id")
    choice = ctx.field("decision")
    if choice not in ("approve", "refuse"):
        return redirect("/extensions", "Hãy chọn duyệt hoặc từ chối.")
    note = ctx.field("note")[:1000] or None

    def apply(session: Session) -> None:
        extension = session.get(Extension, extension_id)
        if extension is None:
            raise HTTPException(404, NOT_FOUND)
        visible_task(session, ctx.user, extension.task_id)  # another plan's: 404 too
        decide_extension(
            session, extension_id, choice == "approve", ctx.user.actor, ctx.now(), note
        )

    try:
        await ctx.db(apply)
    except CorrectionError as error:
        return redirect("/extensions", str(error))
    verdict = "Đã duyệt gia hạn" if choice == "approve" else "Đã từ chối gia hạn"
    return redirect("/extensions", f"{verdict} (đề nghị #{extension_id}).")


@endpoint(COORDINATOR)
async def delivery(ctx: Ctx) -> Response:
    assert ctx.user is not None
    q, managed = ctx.request.query_params, managed_plan_ids(ctx.user)
    status, page = q.get("status"), parse_int(q.get("page"), 1, 1) or 1

    def load(session: Session) -> dict:
        rows, total = delivery_log(session, status, page, managed)
        problems = bounced(session)
        mine = editable_agencies(session, ctx.user, [a.id for a in problems if a.id is not None])
        return {"rows": rows, "total": total, "bounced": [a for a in problems if a.id in mine]}

    data = await ctx.db(load)
    return render(
        ctx.request,
        "delivery.html",
        {
            **data,
            "labels": STATUS_LABELS,
            "params": {"status": status} if status else {},
            "page": page,
            "pages": max(1, -(-data["total"] // 50)),
        },
    )


@endpoint(COORDINATOR)
async def agencies(ctx: Ctx) -> Response:
    assert ctx.user is not None

    def load(session: Session) -> dict:
        """A plan coordinator is shown (and may change) only the bodies of its own plans."""
        rows = registry_rows(session)
        every = [a.id for a in rows["agencies"] if a.id is not None]
        mine = editable_agencies(session, ctx.user, every)
        return {**rows, "agencies": [a for a in rows["agencies"] if a.id in mine]}

    return render(ctx.request, "agencies.html", await ctx.db(load))


def _agency(session: Session, user: CurrentUser, agency_id: int) -> Agency:
    """The body, if ``user`` may change its registry entry: 404 if none, 403 if not theirs."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise HTTPException(404, NOT_FOUND)
    require_editable_agency(session, user, agency_id, agency.name)
    return agency


@endpoint(COORDINATOR)
async def contacts(ctx: Ctx) -> Response:
    assert ctx.user is not None
    agency_id = ctx.path_int("agency_id")
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> str:
        agency = _agency(session, ctx.user, agency_id)
        name = agency.key or agency.name
        set_contact(session, registry, name, ctx.field("email"), ctx.field("head_email"))
        return agency.name

    try:
        name = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return redirect(f"/agencies#agency-{agency_id}", str(error))
    return redirect(f"/agencies#agency-{agency_id}", f"Đã lưu địa chỉ thư của «{name}».")


@endpoint(COORDINATOR)
async def merge(ctx: Ctx) -> Response:
    assert ctx.user is not None
    source_id, target_id = parse_int(ctx.field("source")), parse_int(ctx.field("into"))
    if source_id is None or target_id is None:
        return redirect("/agencies", "Hãy chọn cơ quan cần gộp và cơ quan đích.")
    registry = ctx.request.app.state.registry

    def apply(session: Session) -> tuple[str, str, int]:
        source = _agency(session, ctx.user, source_id)
        target = _agency(session, ctx.user, target_id)
        victim, into, moved = merge_agency(
            session, registry, source.name, target.key or target.name, ctx.now()
        )
        return victim.name, into.name, moved

    try:
        victim, into, moved = await ctx.db(apply)
    except (CorrectionError, LookupError) as error:
        return redirect("/agencies", str(error))
    return redirect("/agencies", f"Đã gộp «{victim}» vào «{into}» ({moved} lượt giao việc).")


def add_alias(session: Session, registry, user: CurrentUser, agency_id: int, name: str) -> str:  # type: ignore[no-untyped-def]
    """Record ``name`` as another way plans write this body (later imports map it here)."""
    agency = _agency(session, user, agency_id)
    name = " ".join(name.split())[:200]
    folded = fold(name)
    if not folded:
        raise CorrectionError("Hãy nhập tên gọi khác của cơ quan.")
    entry = registry.lookup(name)
    if entry is not None and entry.key != agency.key:
        raise CorrectionError(f"«{name}» là tên của «{entry.name}» trong danh mục.")
    other = session.exec(
        select(Agency).where(
            Agency.folded_name == folded,
            Agency.id != agency_id,
            col(Agency.merged_into_id).is_(None),
        )
    ).first()
    if other is not None:
        raise CorrectionError(f"Đã có cơ quan «{other.name}»: hãy dùng «Gộp cơ quan».")
    existing = session.get(AgencyAlias, folded)
    if existing is not None and existing.agency_id != agency_id:
        owner = session.get(Agency, existing.agency_id)
        raise CorrectionError(f"«{name}» đã là tên gọi khác của «{owner.name if owner else '?'}».")
    if existing is None:
        session.add(AgencyAlias(folded=folded, agency_id=agency_id))
    return agency.name


@endpoint(COORDINATOR)
async def alias(ctx: Ctx) -> Response:
    assert ctx.user is not None
    agency_id = ctx.path_int("agency_id")
    back = f"/agencies#agency-{agency_id}"
    name = ctx.field("name")
    try:
        owner = await ctx.db(add_alias, ctx.request.app.state.registry, ctx.user, agency_id, name)
    except CorrectionError as error:
        return redirect(back, str(error))
    return redirect(back, f"Đã thêm tên gọi khác «{name}» cho «{owner}».")


def _feed_url(ctx: Ctx, token: str) -> str:
    base = ctx.settings.base_url.rstrip("/")
    return f"{base}/ical/{token}.ics"


@endpoint(COORDINATOR)
async def agency_feed(ctx: Ctx) -> Response:
    assert ctx.user is not None
    agency_id = ctx.path_int("agency_id")

    def apply(session: Session) -> tuple[str, str]:
        agency = _agency(session, ctx.user, agency_id)
        return agency.name, new_feed_token(session, agency_id, ctx.now())

    name, token = await ctx.db(apply)
    return render(
        ctx.request, "feed.html", {"agency_name": name, "url": _feed_url(ctx, token), "has": True}
    )


@endpoint(frozenset({"agency"}))
async def own_feed(ctx: Ctx) -> Response:
    assert ctx.user is not None and ctx.user.agency_id is not None
    agency_id = ctx.user.agency_id
    if ctx.request.method == "POST":
        token = await ctx.db(new_feed_token, agency_id, ctx.now())
        url: str | None = _feed_url(ctx, token)
        exists = True
    else:
        url, exists = None, (await ctx.db(has_feed, agency_id)) is not None
    return render(
        ctx.request, "feed.html", {"agency_name": ctx.user.agency_name, "url": url, "has": exists}
    )


ROUTES = [
    Route("/extensions", extensions, methods=["GET"]),
    Route("/extensions/{extension_id:id}/decide", decide, methods=["POST"]),
    Route("/delivery", delivery, methods=["GET"]),
    Route("/agencies", agencies, methods=["GET"]),
    Route("/agencies/{agency_id:id}/contacts", contacts, methods=["POST"]),
    Route("/agencies/merge", merge, methods=["POST"]),
    Route("/agencies/{agency_id:id}/alias", alias, methods=["POST"]),
    Route("/agencies/{agency_id:id}/feed", agency_feed, methods=["POST"]),
    Route("/feed", own_feed, methods=["GET", "POST"]),
]
