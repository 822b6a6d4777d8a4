"""Log-in, log-out and the home page (each role lands where its work is)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from web.auth import (
    DEVICE_LIFETIME,
    SESSION_LIFETIME,
    authenticate,
    end_session,
    enrol_device,
    known_device,
    start_session,
    throttled,
)
from web.guard import (
    ANON_CSRF_COOKIE,
    ANY_USER,
    SESSION_COOKIE,
    Ctx,
    endpoint,
    redirect,
    safe_next,
    set_cookie,
)
from web.render import render
from web.security import new_token

HOME = {"coordinator": "/tasks", "agency": "/tasks", "leader": "/board"}
DEVICE_COOKIE = "kh_device"


@endpoint(None)
async def home(ctx: Ctx) -> Response:
    if ctx.user is None:
        return RedirectResponse("/login", 302)
    return RedirectResponse(HOME.get(ctx.user.role, "/tasks"), 302)


@endpoint(None)
async def login_page(ctx: Ctx) -> Response:
    if ctx.user is not None:
        return RedirectResponse(HOME.get(ctx.user.role, "/tasks"), 302)
    nxt = safe_next(ctx.request.query_params.get("next"))
    return render(ctx.request, "login.html", {"next": nxt, "error": None, "email": ""})


def client_address(ctx: Ctx) -> str:
    """The peer's address; behind a proxy named in ``KEHOACH_TRUSTED_PROXIES``, the one it
    forwards (uvicorn rewrites the peer from X-Forwarded-For for those proxies only)."""
    return ctx.request.client.host if ctx.request.client else "unknown"


@endpoint(None)
async def login_submit(ctx: Ctx) -> Response:
    email = ctx.field("email").lower()[:320]
    password = ctx.field("password")[:1000]
    nxt = safe_next(ctx.field("next"))
    address, now = client_address(ctx), ctx.now()
    old_token = ctx.request.cookies.get(SESSION_COOKIE)
    device = ctx.request.cookies.get(DEVICE_COOKIE)

    def attempt(session: Session) -> tuple[str, str, str] | str:
        enrolled = known_device(session, email, device)
        key = enrolled or address
        if throttled(session, email, address, key, now):
            return "throttled"
        user = authenticate(session, email, password, key, now)
        if user is None or user.id is None:
            return "failed"
        kept = device if enrolled and device else new_token()
        if not enrolled:
            enrol_device(session, email, kept, now)
        return (*start_session(session, user.id, old_token, now), kept)

    outcome = await ctx.db(attempt)
    if outcome == "throttled":
        message = "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút."
        return render(
            ctx.request, "login.html", {"next": nxt, "error": message, "email": email}, 429
        )
    if outcome == "failed":
        message = "Sai địa chỉ thư hoặc mật khẩu."
        return render(
            ctx.request, "login.html", {"next": nxt, "error": message, "email": email}, 401
        )
    token, _csrf, kept = outcome
    response = redirect(nxt if nxt != "/" else "/")
    set_cookie(ctx.request, response, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    set_cookie(ctx.request, response, DEVICE_COOKIE, kept, int(DEVICE_LIFETIME.total_seconds()))
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


@endpoint(ANY_USER)
async def logout(ctx: Ctx) -> Response:
    token = ctx.request.cookies.get(SESSION_COOKIE)
    if token:
        await ctx.db(end_session, token)
    response = redirect("/login", "Đã đăng xuất.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
