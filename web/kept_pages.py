"""Pages many users read between two changes: their content rendered once and kept.

The board and the task list read only what the change generation (``web.snapshots``) covers:
tasks, partners, plans, bodies. Their content is therefore the same, until the next change, for
every user with the same role, body and scope (``CurrentUser.seen_as``) asking for the same
address on the same day: it is rendered once per (content template, that user's view, path,
query, today) and kept in ``app.state.pages`` (:class:`KeptPages`), with the generation it
reflects. Each request still checks its session and renders the page's frame (``base.html``: the
header naming the account, its CSRF token, the one-shot message) around the kept content. The
content is a fragment (``render.fragment``): it reads no request, no session, no token; the
account it is rendered for is the shared view.

Under a stream of changes (10^5–10^6 tasks, many writers) re-rendering after every change would
cost every worker a page per change. So a kept page is served for ``FRESH_FOR`` seconds after its
data was read, whatever changed since, and beyond that for as long as one recompute of it is
under way in the worker (one at a time per page): another person's change shows within about a
second. A browser's own change shows at once: every POST leaves the generation it produced in
the ``kh_wrote`` cookie (``web.guard``), and a page older than that is never served to it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlmodel import Session
from starlette.responses import Response

from web.auth import CurrentUser
from web.guard import WROTE_COOKIE, Ctx
from web.render import fragment, render
from web.snapshots import data_generation

FRESH_FOR = 1.0  # seconds a kept page is served after its data was read, changes or not


@dataclass(frozen=True)
class _Kept:
    html: Markup
    generation: int
    read_at: float  # the clock when its data was read


class KeptPages:
    """An LRU of page contents, thread-safe, one recompute at a time per page (the others wait
    for it, or are served the kept content when it may be served to them)."""

    def __init__(
        self, size: int, fresh_for: float = FRESH_FOR, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size, self.fresh_for, self.clock = size, fresh_for, clock
        self._items: OrderedDict[tuple, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}
        self.hits = self.misses = 0

    def keep(
        self, key: tuple, now: int, wrote: int, read_at: float, compute: Callable[[], Markup]
    ) -> Markup:
        """The content for ``key`` as of generation ``now`` (read at ``read_at``) to a browser
        whose last change produced generation ``wrote``: the kept one when it may be served,
        else ``compute()``."""
        with self._lock:
            kept = self._items.get(key)
            if kept is not None:
                self._items.move_to_end(key)
                if self._serves(kept, now, wrote, key in self._computing):
                    self.hits += 1
                    return kept.html
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                kept = self._items.get(key)
                fresh = kept is not None and (kept.generation >= now or kept.read_at >= read_at)
                if fresh and kept.generation >= wrote:  # type: ignore[union-attr]
                    self.hits += 1  # computed while this one waited, from data no older
                    return kept.html
            try:
                html = compute()
                with self._lock:
                    self.misses += 1
                    kept = self._items.get(key)
                    if kept is None or kept.read_at <= read_at:
                        self._items[key] = _Kept(html, now, read_at)
                        self._items.move_to_end(key)
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return html

    def _serves(self, kept: _Kept, now: int, wrote: int, in_flight: bool) -> bool:
        if kept.generation >= now:
            return True
        recent = in_flight or self.clock() - kept.read_at < self.fresh_for
        return recent and kept.generation >= wrote


def wrote_generation(ctx: Ctx) -> int:
    """The generation this browser's last change produced (0: none known)."""
    value = ctx.request.cookies.get(WROTE_COOKIE, "")
    return int(value) if value.isdigit() and len(value) < 20 else 0


async def kept_page(
    ctx: Ctx,
    frame: str,
    content: str,
    load: Callable[[Session, CurrentUser], dict[str, Any]],
) -> Response:
    """Page ``frame`` around ``content``, the fragment rendered from ``load(session, seen_as)``
    (see :class:`KeptPages` for when a kept one is served)."""
    assert ctx.user is not None
    seen_as, request = ctx.user.seen_as, ctx.request
    kept: KeptPages = request.app.state.pages
    key = ("page", content, seen_as, request.url.path, request.url.query, ctx.today())
    wrote = wrote_generation(ctx)

    def html(session: Session) -> Markup:
        read_at = kept.clock()
        now = data_generation(session)  # before the data: never older than what it keys
        return kept.keep(
            key,
            now,
            wrote,
            read_at,
            lambda: fragment(content, {"user": seen_as, **load(session, seen_as)}),
        )

    return render(request, frame, {"content": await ctx.db(html)})
