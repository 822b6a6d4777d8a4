"""Pages many users read between two changes: their content rendered once and kept.

The board and the task list read only what the change generation (``web.snapshots``) covers:
tasks, partners, plans, bodies. Their content is therefore the same, until the next change, for
every user with the same role, body and scope (``CurrentUser.seen_as``) asking for the same
address on the same day: it is rendered once per (content template, that user's view, path,
query, today, generation) and kept in ``app.state.pages``, an LRU of its own beside the
aggregates'. Each request still checks its session and renders the page's frame
(``base.html``: the header naming the account, its CSRF token, the one-shot message) around the
kept content. The content is a fragment (``render.fragment``): it reads no request, no session,
no token; the account it is rendered for is the shared view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from sqlmodel import Session
from starlette.responses import Response

from web.auth import CurrentUser
from web.guard import Ctx
from web.render import fragment, render
from web.snapshots import Snapshots, data_stamp


async def kept_page(
    ctx: Ctx,
    frame: str,
    content: str,
    load: Callable[[Session, CurrentUser], dict[str, Any]],
) -> Response:
    """Page ``frame`` around ``content``, the fragment rendered from ``load(session, seen_as)``
    once per change generation (and per everything else the content depends on)."""
    assert ctx.user is not None
    seen_as, request = ctx.user.seen_as, ctx.request
    kept: Snapshots = request.app.state.pages
    key = ("page", content, seen_as, request.url.path, request.url.query, ctx.today())

    def html(session: Session) -> Markup:
        stamp = data_stamp(session)  # before the data: what is kept is never older than its key
        return kept.keep(
            (*key, stamp), lambda: fragment(content, {"user": seen_as, **load(session, seen_as)})
        )

    return render(request, frame, {"content": await ctx.db(html)})
