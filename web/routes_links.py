"""Signed action links from e-mails (acknowledge, done, ask for an extension).

A GET only shows a confirmation page (mail scanners follow links); the POST applies the action
once: the token id is recorded in ``UsedLink`` in the same transaction as the action, so a
second use, or a link from before a deadline change, is refused. The lead body's links do all
three actions; a partner body's link only acknowledges (only the lead reports and asks for more
time). A link for a finished task no longer acts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.agencies import Agency
from models.followup import UsedLink
from models.tasks import Task, TaskPartner
from models.types import TaskStatus
from notifications.links import LinkAction, LinkClaims, LinkError, verify
from web.forms import FormError, parse_date
from web.guard import Ctx, endpoint
from web.render import render
from web.scope import NOT_FOUND
from workflows.followup.status_view import view
from workflows.followup.updates import request_extension, update_status
from workflows.records.lookups import CorrectionError
from workflows.records.task_history import record

TITLES = {
    LinkAction.ACKNOWLEDGE: "Xác nhận đã nhận nhiệm vụ",
    LinkAction.DONE: "Báo cáo hoàn thành nhiệm vụ",
    LinkAction.EXTENSION: "Đề nghị gia hạn",
}


class LinkRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class LinkInputError(Exception):
    """The link is good but what was typed is not (a date, a reason): show the form again."""


@dataclass(frozen=True)
class LinkTarget:
    claims: LinkClaims
    task: Task
    agency: str


def _check(session: Session, ctx: Ctx) -> LinkTarget:
    params = ctx.request.path_params
    try:
        action = LinkAction(params["action"])
    except ValueError as error:
        raise HTTPException(404, NOT_FOUND) from error
    task_id, token = int(params["task_id"]), params["token"]
    secret = ctx.settings.secret_key
    if not secret:
        raise HTTPException(404, NOT_FOUND)
    try:
        claims = verify(token, secret=secret, action=action, task_id=task_id, now=ctx.now())
    except LinkError as error:
        raise LinkRefused(str(error)) from error
    task = session.get(Task, task_id)
    if task is None or not _may_act(session, task, claims):
        raise LinkRefused("Liên kết không còn dùng được cho nhiệm vụ này.")
    if task.deadline_version != claims.deadline_version:
        raise LinkRefused("Thời hạn nhiệm vụ đã thay đổi; hãy dùng liên kết trong thư mới nhất.")
    if session.get(UsedLink, claims.jti) is not None:
        raise LinkRefused("Liên kết này đã được dùng.", 410)
    if task.status == TaskStatus.DROPPED or (
        task.status == TaskStatus.DONE and claims.action != LinkAction.ACKNOWLEDGE
    ):
        raise LinkRefused("Nhiệm vụ đã kết thúc; liên kết không còn tác dụng.", 410)
    agency = session.get(Agency, claims.agency_id)
    return LinkTarget(claims, task, agency.name if agency else "")


def _may_act(session: Session, task: Task, claims: LinkClaims) -> bool:
    """The lead body may do anything its link says; a partner body only acknowledges."""
    if task.lead_id == claims.agency_id:
        return True
    return (
        claims.action == LinkAction.ACKNOWLEDGE
        and session.get(TaskPartner, (task.id, claims.agency_id)) is not None
    )


def _page(ctx: Ctx, target: LinkTarget | None, **extra: object) -> Response:
    status = extra.pop("status", 200)
    context = {
        "target": target,
        "titles": TITLES,
        "error": None,
        "done": None,
        "problem": None,
        "typed": {},
        **extra,
    }
    if target is not None:
        context["shown"] = view(target.task, ctx.today())
    return render(ctx.request, "link.html", context, status_code=status)  # type: ignore[arg-type]


@endpoint(None)
async def link_confirm(ctx: Ctx) -> Response:
    try:
        target = await ctx.db(_check, ctx)
    except LinkRefused as error:
        return _page(ctx, None, error=str(error), status=error.status)
    return _page(ctx, target)


@endpoint(None)
async def link_apply(ctx: Ctx) -> Response:
    def apply(session: Session) -> str:
        target = _check(session, ctx)
        claims, task, now = target.claims, target.task, ctx.now()
        actor = f"{target.agency} (liên kết trong thư)"
        if claims.action == LinkAction.DONE:
            note = ctx.field("note")[:2000] or None
            update_status(session, claims.task_id, TaskStatus.DONE, actor, now, note=note)
            message = "Đã ghi nhận nhiệm vụ hoàn thành. Cảm ơn!"
        elif claims.action == LinkAction.EXTENSION:
            try:
                due = parse_date(ctx.field("due"), "Hạn đề nghị")
            except FormError as error:
                raise LinkInputError(str(error)) from error
            if due is None:
                raise LinkInputError("Hãy nhập hạn đề nghị (dd/mm/yyyy).")
            reason = ctx.field("reason")[:1000]
            try:
                request_extension(session, claims.task_id, due, reason, actor, now)
            except CorrectionError as error:
                raise LinkInputError(str(error)) from error
            message = "Đã gửi đề nghị gia hạn; cơ quan điều phối sẽ xem xét."
        else:
            record(session, task, now, actor, "acknowledged", {})
            message = "Đã xác nhận nhận nhiệm vụ."
        used = UsedLink(jti=claims.jti, task_id=claims.task_id, action=claims.action, used_at=now)
        session.add(used)
        return message

    try:
        message = await ctx.db(apply)
    except LinkRefused as error:
        return _page(ctx, None, error=str(error), status=error.status)
    except LinkInputError as error:
        target = await ctx.db(_check, ctx)  # nothing was stored: the form again, with why
        return _page(ctx, target, problem=str(error), typed=_typed(ctx), status=400)
    except CorrectionError as error:
        return _page(ctx, None, error=str(error), status=409)
    return _page(ctx, None, done=message)


def _typed(ctx: Ctx) -> dict[str, str]:
    return {name: ctx.field(name) for name in ("due", "reason", "note")}


ROUTES = [
    Route("/l/{action}/{task_id:id}/{token}", link_confirm, methods=["GET"]),
    Route("/l/{action}/{task_id:id}/{token}", link_apply, methods=["POST"]),
]
