"""The Starlette application: routes from the ``web.routes_*`` modules, middleware, errors."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from config.settings import get_settings
from web import (
    routes_accounts,
    routes_admin,
    routes_auth,
    routes_board,
    routes_corrections,
    routes_desk,
    routes_exports,
    routes_links,
    routes_plans,
    routes_tasks,
    routes_updates,
)
from web.branding import OrgName
from web.kept_pages import KeptPages
from web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from web.readers import glance_for, reader_for
from web.render import render
from web.snapshots import Snapshots
from web.tallies import Tallies
from workflows.runners.runtime import database, registry

STATIC = Path(__file__).parent / "static"
# Style and script change only with a release: browsers keep them an hour, then ask again with
# the ETag StaticFiles sends (and answer 304 Not Modified to while unchanged).
STATIC_CACHE = "public, max-age=3600"
log = logging.getLogger("kehoach.web")
# Whole pages kept (web.kept_pages), apart from the aggregates: the board at 10^6 is 0.6 MB.
PAGES_KEPT = 64
# Task-list totals kept and moved per change (web.queries_tasks.Listed): one per filter, scope
# and day, a few numbers each; apart from the board's figures, which a list filter never evicts.
LISTS_COUNTED = 256

ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không được phép",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    413: "Dữ liệu quá lớn",
    429: "Quá nhiều yêu cầu",
}


class CachedStatic(StaticFiles):
    """Static files with a Cache-Control header beside StaticFiles' ETag and Last-Modified."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["cache-control"] = STATIC_CACHE
        return response


def all_routes() -> list[BaseRoute]:
    return [
        *routes_auth.ROUTES,
        *routes_tasks.ROUTES,
        *routes_updates.ROUTES,
        *routes_plans.ROUTES,
        *routes_corrections.ROUTES,
        *routes_desk.ROUTES,
        *routes_board.ROUTES,
        *routes_admin.ROUTES,
        *routes_accounts.ROUTES,
        *routes_exports.ROUTES,
        *routes_links.ROUTES,
        Route("/favicon.ico", favicon, methods=["GET"]),
        Mount("/static", app=CachedStatic(directory=STATIC), name="static"),
    ]


async def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico before reading the page's icon link."""
    return RedirectResponse("/static/favicon.svg", 301)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = ERROR_TITLES.get(exc.status_code, "Lỗi")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else title
    if not hasattr(request.state, "user"):
        request.state.user = None
    response = render(
        request, "error.html", {"title": title, "message": detail}, status_code=exc.status_code
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    if not hasattr(request.state, "user"):
        request.state.user = None
    message = "Đã có lỗi không mong đợi. Hãy thử lại; nếu vẫn lỗi, báo quản trị viên."
    return render(request, "error.html", {"title": "Lỗi máy chủ", "message": message}, 500)


def create_app(database_url: str | None = None) -> Starlette:
    """The web app on ``database_url`` (default: settings), its schema migrated to head."""
    settings = get_settings()
    app = Starlette(
        routes=all_routes(),
        middleware=[Middleware(SecurityHeadersMiddleware), Middleware(BodyLimitMiddleware)],
        exception_handlers={HTTPException: http_error, 500: server_error},
    )
    app.state.engine = database(database_url)
    app.state.reader = reader_for(app.state.engine)
    app.state.glance = glance_for(app.state.engine)
    app.state.snapshots = Snapshots()
    app.state.pages = KeptPages(size=PAGES_KEPT)
    app.state.tallies = Tallies()
    app.state.list_counts = Tallies(size=LISTS_COUNTED)  # the task list's totals
    app.state.settings = settings
    app.state.registry = registry()
    app.state.org_name = OrgName(app.state.engine, settings.org_name)
    return app
