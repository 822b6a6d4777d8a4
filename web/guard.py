"""Every endpoint goes through :func:`endpoint`: who is asking, may they, and (for a POST) does
it come from this site (its Origin, or else its Referer) with the right CSRF token. Object scope
(another body's task answers 404) is checked in the handlers through ``web.scope``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from config.settings import Settings
from models.db import session_scope
from web.auth import CurrentUser, load_user
from web.render import FLASH_COOKIE, FLASH_ERROR_COOKIE
from web.security import new_token, same
from web.snapshots import data_generation
from workflows.rules.timefmt import local_date
from workflows.runners import clock

SESSION_COOKIE = "kh_session"
ANON_CSRF_COOKIE = "kh_csrf"
WROTE_COOKIE = "kh_wrote"  # the change generation after this browser's last POST
T = TypeVar("T")

# What ``CurrentUser.access`` may be: a coordinator with a body is a "plan_coordinator" (its plans
# only, see ``web.scope``); the leadership pages count every plan, so it does not get them.
COORDINATOR = frozenset({"coordinator", "plan_coordinator"})
STAFF = frozenset({"coordinator", "plan_coordinator", "leader"})
BOARD = frozenset({"coordinator", "leader"})
# Accounts: the coordinator without a body only (``web.routes_accounts``).
ADMIN = frozenset({"coordinator"})
ANY_USER = frozenset({"coordinator", "plan_coordinator", "leader", "agency"})


@dataclass(frozen=True)
class FormLimits:
    max_files: int = 0
    max_fields: int = 50
    max_part_size: int = 64 * 1024  # a non-file field


UPLOAD = FormLimits(max_files=1, max_fields=20)


@dataclass
class Ctx:
    """One request as a handler sees it; ``read``: what the endpoint's ``read`` returned."""

    request: Request
    user: CurrentUser | None
    form: FormData | None
    read: Any = None

    @property
    def engine(self) -> Engine:
        """A GET reads (deferred, read-only transactions); a POST may write."""
        return engine_for_request(self.request)

    @property
    def settings(self) -> Settings:
        return self.request.app.state.settings

    def now(self) -> datetime:
        return clock.now()

    def today(self) -> date:
        return local_date(self.now())

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(session, *args)`` in one transaction, off the event loop."""
        return await run_in_threadpool(_in_session, self.engine, fn, args, kwargs)

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else default

    def path_int(self, name: str) -> int:
        return int(self.request.path_params[name])


def engine_for_request(request: Request) -> Engine:
    state = request.app.state
    return state.reader if request.method in ("GET", "HEAD") else state.engine


def _in_session(engine: Engine, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    with session_scope(engine) as session:
        return fn(session, *args, **kwargs)


Read = Callable[[Session, Ctx], Any]


def _identify(
    request: Request, allowed: frozenset[str] | None, read: Read | None
) -> tuple[CurrentUser | None, Any]:
    """Who holds the session cookie and, when they may have the page, ``read`` of it (or the
    HTTP error it raised, raised once the request knows its user): one connection, no
    transaction (``web.readers.glance_for``)."""
    with session_scope(request.app.state.glance) as session:
        user = load_user(session, request.cookies.get(SESSION_COOKIE), clock.now())
        if read is None or user is None or (allowed is not None and user.access not in allowed):
            return user, None
        try:
            return user, read(session, Ctx(request, user, None))
        except HTTPException as refused:
            return user, refused


def endpoint(
    roles: Iterable[str] | None, limits: FormLimits = FormLimits(), read: Read | None = None
) -> Callable[[Callable[[Ctx], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler: ``roles`` None means public; otherwise log-in and one of the roles.
    ``read(session, ctx)``, for a page whose statements need no shared snapshot, runs in the
    same thread-pool hop and connection as the session check, once the user may have the page;
    the handler finds what it returned in ``ctx.read``."""
    allowed = frozenset(roles) if roles is not None else None

    def wrap(handler: Callable[[Ctx], Awaitable[Response]]):  # type: ignore[no-untyped-def]
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            if request.method == "POST" and not same_site(request):
                raise HTTPException(403, "Biểu mẫu được gửi từ một trang khác: đã từ chối.")
            user, found = await run_in_threadpool(_identify, request, allowed, read)
            anon_csrf = request.cookies.get(ANON_CSRF_COOKIE)
            fresh_anon = None
            if user is None and not anon_csrf:
                anon_csrf = fresh_anon = new_token()
            request.state.user = user
            request.state.csrf = user.csrf_token if user else anon_csrf
            if allowed is not None:
                if user is None:
                    if request.method in ("GET", "HEAD"):
                        return RedirectResponse(f"/login?next={quote(_local_path(request))}", 302)
                    raise HTTPException(403, "Cần đăng nhập.")
                if user.access not in allowed:
                    raise HTTPException(403, "Tài khoản của bạn không được dùng chức năng này.")
            if isinstance(found, HTTPException):
                raise found
            form = None
            if request.method == "POST":
                form = await request.form(
                    max_files=limits.max_files,
                    max_fields=limits.max_fields,
                    max_part_size=limits.max_part_size,
                )
                if not same(_str(form.get("csrf")), request.state.csrf):
                    raise HTTPException(403, "Phiên làm việc hết hạn hoặc biểu mẫu không hợp lệ.")
            response = await handler(Ctx(request, user, form, found))
            if fresh_anon:
                set_cookie(request, response, ANON_CSRF_COOKIE, fresh_anon, max_age=None)
            if request.method == "POST":  # its own change: on its next kept page at once
                wrote = await run_in_threadpool(
                    _in_session, request.app.state.glance, data_generation, (), {}
                )
                set_cookie(request, response, WROTE_COOKIE, str(wrote), max_age=None)
            return response

        return run

    return wrap


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url``, lower-case (None when it has no host)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    default = {"http": ":80", "https": ":443"}[parts.scheme]
    netloc = parts.netloc.lower().rsplit("@", 1)[-1].removesuffix(default)
    return f"{parts.scheme}://{netloc}"


def own_origins(request: Request) -> set[str]:
    """This site: its configured public URL and the host it is being served on."""
    host = request.headers.get("host", "")
    schemes = {request.url.scheme, "https" if is_https(request) else request.url.scheme}
    found = {_origin(f"{scheme}://{host}") for scheme in schemes if host}
    found.add(_origin(request.app.state.settings.base_url))
    return {origin for origin in found if origin}


def same_site(request: Request) -> bool:
    """A state-changing request must come from this site: its Origin header (browsers send it
    on every POST) or, without one, its Referer. A client that sends neither (a script, an old
    browser) still needs the CSRF token; "null" (a sandboxed or file page) is refused."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True
    return _origin(sent) in own_origins(request)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _local_path(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def safe_next(value: str | None) -> str:
    """Only a path on this site: no scheme, no host, no "//" (an open redirect otherwise)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def is_https(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.settings.base_url.startswith(
        "https://"
    )


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def redirect(url: str, flash: str | None = None, error: bool = False) -> RedirectResponse:
    """303 after a POST; an optional one-shot message shown on the next page (``error``: it
    tells of a refusal, and looks like one)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE, quote(flash[:300], safe=""), path="/", httponly=True, samesite="lax"
        )
        if error:
            response.set_cookie(FLASH_ERROR_COOKIE, "1", path="/", httponly=True, samesite="lax")
        else:
            response.delete_cookie(FLASH_ERROR_COOKIE, path="/")
    return response
