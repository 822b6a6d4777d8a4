"""Jinja2 for HTML pages: autoescape on for every template, Vietnamese display filters.

User text is only ever passed as data; no template is ever compiled from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from notifications.contexts import INFERRED_DEADLINE_NOTE
from web import branding
from web.auth import ROLE_LABELS
from workflows.followup.status_view import STORED_STATUS_LABELS, extension_status_label
from workflows.rules.quarters import Quarter
from workflows.rules.status import CATEGORY_LABELS, Category
from workflows.rules.timefmt import dmy, dmy_hm

TEMPLATES = Path(__file__).parent / "templates"
R = TypeVar("R", bound=Response)
FLASH_COOKIE = "kh_flash"
FLASH_ERROR_COOKIE = "kh_flash_error"  # set beside the flash when it tells of a refusal


def _dmy(value: date | datetime | None, empty: str = "—") -> str:
    if isinstance(value, datetime):
        return dmy_hm(value)
    return dmy(value, empty)


def _quarter(value: date | None) -> str:
    return Quarter.of(value).label if value else "—"


def _quarter_name(key: str) -> str:
    """A stored quarter ("2024-Q2") as people write it ("Quý II/2024")."""
    try:
        return Quarter.from_key(key).label
    except ValueError:
        return "—"


def _category_label(value: str) -> str:
    return CATEGORY_LABELS.get(Category(value), value) if value in Category else value


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """A query string from the current filters with some changed (for pagination links)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else "?"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template is HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the release: no stat of their files per page
    )
    env.filters.update(
        dmy=_dmy,
        quarter=_quarter,
        quarter_name=_quarter_name,
        extension_label=extension_status_label,
        category_label=_category_label,
        status_label=lambda s: STORED_STATUS_LABELS.get(s, s),
        role_label=lambda r: ROLE_LABELS.get(r, r),
        query=query_string,
    )
    env.globals["inferred_deadline_note"] = INFERRED_DEADLINE_NOTE
    return env


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A page; ``user``, ``csrf`` and a one-shot flash message are always in the context."""
    return shown_flash(request, HTMLResponse(page(request, name, context), status_code=status_code))


def shown_flash(request: Request, response: R) -> R:
    """The one-shot message, once shown on a page, is not shown again."""
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
        response.delete_cookie(FLASH_ERROR_COOKIE, path="/")
    return response


def page(request: Request, name: str, context: dict[str, Any] | None = None) -> str:
    """The HTML of page ``name`` (what :func:`render` sends; streamed pages cut it in two)."""
    user = getattr(request.state, "user", None)
    flash = request.cookies.get(FLASH_COOKIE)
    org = getattr(request.app.state, "org_name", None)
    full = {
        "request": request,
        "org_name": org.get() if org is not None else branding.DEFAULT,
        "extra_nav": getattr(request.app.state, "extra_nav", ()),  # the demo's mail page
        "user": user,
        "csrf": getattr(request.state, "csrf", ""),
        "flash": _unquote(flash) if flash else None,
        "flash_error": bool(flash) and request.cookies.get(FLASH_ERROR_COOKIE) == "1",
        "kept": NOTHING_KEPT,
        **(context or {}),
    }
    return environment().get_template(name).render(full)


@dataclass(frozen=True)
class Kept:
    """What was typed into a refused form, to show it again beside the reason: ``form`` is the
    form's id on the page, ``values`` its fields as sent."""

    form: str = ""
    values: dict[str, str] = field(default_factory=dict)
    error: str = ""

    def value(self, form: str, name: str, default: object = "") -> str:
        """The typed value when ``form`` is the refused one, else ``default`` (the stored one)."""
        if form == self.form and name in self.values:
            return self.values[name]
        return "" if default is None else str(default)

    def error_for(self, form: str) -> str:
        return self.error if form == self.form else ""


NOTHING_KEPT = Kept()


def fragment(name: str, context: dict[str, Any]) -> Markup:
    """Part of a page, rendered apart so that it can be kept (it reads no request)."""
    return Markup(environment().get_template(name).render(context))


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)[:500]
