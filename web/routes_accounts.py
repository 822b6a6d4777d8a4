"""Accounts on the web: the coordinator without a body lists, adds, disables and enables
accounts and hands out one-time links to set a password; anyone holding such a link sets the
password once (``web.admin`` holds the rules, shared with ``kehoach user``).

A plan coordinator (a coordinator with a body) manages no accounts: an agency account sees every
plan its body appears in, including plans other bodies coordinate, so only the standing office
grants one. The link is shown to the coordinator, who passes it on (mail to an address that
has no working account yet proves nothing about who reads it).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from models.users import Role, User
from web.admin import (
    RESET_HOURS,
    RESET_REFUSALS,
    AccountError,
    ResetState,
    accounts,
    add_user,
    change_active,
    issue_reset,
    reset_link,
    reset_url,
    use_reset,
)
from web.guard import ADMIN, Ctx, endpoint, redirect
from web.render import render
from web.scope import NOT_FOUND
from web.security import WeakPasswordError, new_token

ROLE_CHOICES = (
    (Role.AGENCY.value, "Cơ quan (chỉ nhiệm vụ của cơ quan mình)"),
    (Role.LEADER.value, "Lãnh đạo (xem tất cả, không sửa)"),
    (Role.COORDINATOR.value, "Điều phối (không ghi cơ quan: toàn bộ; có cơ quan: KH cơ quan đó)"),
)
NO_STORE = {"cache-control": "no-store"}
# What each refused link answers: gone for a link that existed, not found for one that did not.
REFUSAL_CODES = {ResetState.UNKNOWN: 404, ResetState.DISABLED: 403}


async def _accounts_page(
    ctx: Ctx, *, error: str | None = None, form: dict | None = None, status: int = 200
) -> Response:
    rows = await ctx.db(accounts)
    context = {
        "rows": rows,
        "roles": ROLE_CHOICES,
        "error": error,
        "form": form or {"email": "", "role": Role.AGENCY.value, "agency": ""},
    }
    return render(ctx.request, "accounts.html", context, status)


@endpoint(ADMIN)
async def list_accounts(ctx: Ctx) -> Response:
    return await _accounts_page(ctx)


def _link_page(ctx: Ctx, email: str, token: str, created: bool) -> Response:
    url = reset_url(ctx.settings.base_url, token)
    context = {"email": email, "url": url, "hours": RESET_HOURS, "created": created}
    response = render(ctx.request, "account_link.html", context)
    response.headers.update(NO_STORE)
    return response


@endpoint(ADMIN)
async def add_account(ctx: Ctx) -> Response:
    assert ctx.user is not None
    form = {
        "email": ctx.field("email")[:320],
        "role": ctx.field("role")[:40],
        "agency": ctx.field("agency")[:300],
    }
    actor, now = ctx.user.actor, ctx.now()

    def apply(session: Session) -> tuple[str, str]:
        # Nobody knows this password: the owner sets one through the link.
        user_id = add_user(session, form["email"], form["role"], form["agency"], new_token())
        user = session.get(User, user_id)
        assert user is not None
        return user.email, issue_reset(session, user, actor, now)

    try:
        email, token = await ctx.db(apply)
    except (AccountError, WeakPasswordError) as error:
        return await _accounts_page(ctx, error=str(error), form=form, status=400)
    return _link_page(ctx, email, token, created=True)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404, NOT_FOUND)
    return user


async def _set_active(ctx: Ctx, active: bool) -> Response:
    assert ctx.user is not None
    user_id, me = ctx.path_int("user_id"), ctx.user.id

    def apply(session: Session) -> str:
        user = _user(session, user_id)
        change_active(session, user, active, by=me)
        return user.email

    try:
        email = await ctx.db(apply)
    except AccountError as error:
        return await _accounts_page(ctx, error=str(error), status=400)
    if active:
        return redirect(f"/accounts#account-{user_id}", f"Đã mở lại tài khoản {email}.")
    done = f"Đã khóa tài khoản {email} (mọi phiên đăng nhập của tài khoản đã kết thúc)."
    return redirect(f"/accounts#account-{user_id}", done)


@endpoint(ADMIN)
async def disable(ctx: Ctx) -> Response:
    return await _set_active(ctx, False)


@endpoint(ADMIN)
async def enable(ctx: Ctx) -> Response:
    return await _set_active(ctx, True)


@endpoint(ADMIN)
async def reset(ctx: Ctx) -> Response:
    assert ctx.user is not None
    user_id, actor, now = ctx.path_int("user_id"), ctx.user.actor, ctx.now()

    def apply(session: Session) -> tuple[str, str]:
        user = _user(session, user_id)
        return user.email, issue_reset(session, user, actor, now)

    try:
        email, token = await ctx.db(apply)
    except AccountError as error:
        return await _accounts_page(ctx, error=str(error), status=400)
    return _link_page(ctx, email, token, created=False)


def _reset_page(
    ctx: Ctx, state: ResetState, email: str | None, error: str | None = None, status: int = 200
) -> Response:
    refusal = RESET_REFUSALS.get(state)
    if refusal is not None:
        status = REFUSAL_CODES.get(state, 410)
    context = {"refusal": refusal, "email": email, "error": error}
    response = render(ctx.request, "reset.html", context, status)
    response.headers.update(NO_STORE)
    return response


def _look(session: Session, token: str, now: datetime) -> tuple[ResetState, str | None]:
    state, _, user = reset_link(session, token, now)
    return state, user.email if user else None


@endpoint(None)
async def reset_form(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]

    state, email = await ctx.db(_look, token, ctx.now())
    return _reset_page(ctx, state, email)


@endpoint(None)
async def reset_submit(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    password, again = ctx.field("password")[:1000], ctx.field("again")[:1000]
    try:
        email = await ctx.db(use_reset, token, password, again, ctx.now())
    except (AccountError, WeakPasswordError) as error:
        state, shown = await ctx.db(_look, token, ctx.now())
        return _reset_page(ctx, state, shown, str(error), 400)
    return redirect("/login", f"Đã đặt mật khẩu mới cho {email}. Hãy đăng nhập bằng mật khẩu này.")


ROUTES = [
    Route("/accounts", list_accounts, methods=["GET"]),
    Route("/accounts/add", add_account, methods=["POST"]),
    Route("/accounts/{user_id:id}/disable", disable, methods=["POST"]),
    Route("/accounts/{user_id:id}/enable", enable, methods=["POST"]),
    Route("/accounts/{user_id:id}/reset", reset, methods=["POST"]),
    Route("/reset/{token}", reset_form, methods=["GET"]),
    Route("/reset/{token}", reset_submit, methods=["POST"]),
]
