"""The board and the task list are rendered once per change for everyone who sees the same
tasks; each page still names its own account and carries its own session's token."""

from __future__ import annotations

import re
from threading import Event, Thread

from markupsafe import Markup
from sqlalchemy import text

from models.db import engine_for
from tests.web.world import (
    A_NAME,
    KEPT_TOTALS,
    PASSWORD,
    World,
    csrf_of,
    totals_follow_a_change,
)
from web.admin import create_user
from web.kept_pages import KeptPages
from workflows.rules.timefmt import local_date
from workflows.runners import clock


def content(html: str) -> str:
    """What is kept: everything inside <main> but the one-shot message."""
    return html[html.index("<main>") : html.index("</main>")]


def who(html: str) -> str:
    match = re.search(r'<span class="who">([^<]*)</span>', html)
    assert match
    return match.group(1)


def test_two_leaders_share_one_kept_board_each_with_their_own_name_and_token(
    app, client_for, world: World
):
    create_user(world.url, "phochutich@example.gov.vn", "leader", None, PASSWORD)
    first, second = client_for("leader"), client_for(None)
    token = csrf_of(second)
    second.post(
        "/login",
        data={"email": "phochutich@example.gov.vn", "password": PASSWORD, "csrf": token},
    )
    one = first.get("/board").text
    misses = app.state.pages.misses
    other = second.get("/board").text
    assert app.state.pages.misses == misses  # the second leader's board was the kept one
    assert content(one) == content(other)
    assert who(one).startswith("lanhdao@example.gov.vn")
    assert who(other).startswith("phochutich@example.gov.vn")
    assert csrf_of(first, "/board") != csrf_of(second, "/board")
    # each page's token is its own session's: logging out with it works only there
    first.post("/logout", data={"csrf": csrf_of(second, "/board")})
    assert first.get("/board", follow_redirects=False).status_code == 200
    first.post("/logout", data={"csrf": csrf_of(first, "/board")})
    assert first.get("/board", follow_redirects=False).status_code == 302


def test_bodies_do_not_share_a_kept_task_list(client_for, world: World):
    alpha, beta = client_for("agency_a"), client_for("agency_b")
    for_alpha = alpha.get("/tasks").text
    for_beta = beta.get("/tasks").text
    assert f'href="/tasks/{world.task_a}"' in for_alpha
    assert f'href="/tasks/{world.task_a}"' not in for_beta  # A's own task, not B's to see
    assert f"Nhiệm vụ của {A_NAME}" in for_alpha and f"Nhiệm vụ của {A_NAME}" not in for_beta


def test_a_kept_task_list_shows_a_change_at_once(client_for, world: World):
    coordinator = client_for("coordinator")
    assert f'href="/tasks/{world.task_a}"' in coordinator.get("/tasks?status=overdue").text
    page = f"/tasks/{world.task_a}"
    coordinator.post(f"{page}/status", data={"csrf": csrf_of(coordinator, page), "status": "done"})
    assert f'href="/tasks/{world.task_a}"' not in coordinator.get("/tasks?status=overdue").text


def test_the_task_list_filters_keep_the_chosen_plan_and_body_selected(
    client_for, world: World, objects
):
    coordinator = client_for("coordinator")
    chosen = coordinator.get(f"/tasks?plan={world.plan_id}&agency={objects.agency_a}").text
    assert re.search(rf'<option value="{world.plan_id}" selected>', chosen)
    assert re.search(rf'<option value="{objects.agency_a}" selected>', chosen)
    assert len(re.findall(r"<option value=\"\d+\" selected>", chosen)) == 2
    plain = coordinator.get("/tasks").text  # the same drop-downs, nothing chosen
    assert not re.search(r'<option value="\d+" selected>', plain)
    assert f'<option value="{world.plan_id}" >' in plain


def test_while_a_page_is_recomputed_other_readers_get_the_kept_one_however_old():
    pages, started, release = (
        KeptPages(size=4, fresh_for=1.0, clock=lambda: 100.0),
        Event(),
        Event(),
    )
    pages.keep(("board",), 1, 0, 0.0, lambda: Markup("gen 1"))  # read long ago

    def slow() -> Markup:
        started.set()
        release.wait()
        return Markup("gen 3")

    computing = Thread(target=pages.keep, args=(("board",), 3, 0, 100.0, slow))
    computing.start()
    started.wait()
    assert pages.keep(("board",), 3, 0, 100.0, lambda: Markup("a second recompute")) == "gen 1"
    release.set()
    computing.join()
    assert pages.keep(("board",), 3, 0, 100.0, lambda: Markup("not needed")) == "gen 3"


def test_a_reader_whose_own_change_is_newer_than_the_kept_page_gets_a_fresh_one():
    pages = KeptPages(size=4, fresh_for=1.0, clock=lambda: 10.5)
    pages.keep(("board",), 1, 0, 10.0, lambda: Markup("gen 1"))
    assert pages.keep(("board",), 2, 0, 10.5, lambda: Markup("gen 2")) == "gen 1"  # another's
    assert pages.keep(("board",), 2, 2, 10.5, lambda: Markup("gen 2")) == "gen 2"  # its own
    assert pages.misses == 2


def test_a_task_lists_lines_are_rendered_once_per_line_as_shown():
    from dataclasses import replace
    from datetime import date

    from web.queries_tasks import TaskLine
    from web.routes_tasks import task_row

    line = TaskLine(
        id=90001,
        plan_id=1,
        plan_number="1/KH-UBND",
        text="Rà soát <hồ sơ>",
        lead="Sở Nội vụ",
        partners=("Sở Tài chính",),
        due=date(2024, 6, 30),
        recurrence=None,
        status="in_progress",
        category="in_progress",
        label="đang thực hiện – trong hạn",
        progress=40,
        result_note=None,
    )
    first = task_row(line)
    hits = task_row.cache_info().hits
    assert task_row(replace(line)) is first  # an equal line: the HTML kept
    assert task_row.cache_info().hits == hits + 1
    moved = task_row(replace(line, progress=60))
    assert "40%" in first and "60%" in moved and "60%" not in first
    assert "Rà soát &lt;hồ sơ&gt;" in first and 'href="/tasks/90001"' in first


def today():  # type: ignore[no-untyped-def]
    return local_date(clock.now())


def test_the_task_lists_totals_are_moved_by_a_change_and_equal_a_count(app, client_for, world):  # type: ignore[no-untyped-def]
    coordinator = client_for("coordinator")
    totals_follow_a_change(coordinator, world.url, world.task_a, today())
    assert app.state.list_counts.outcomes["moved"] >= len(KEPT_TOTALS)  # not recounted


def test_the_lists_drop_downs_are_read_again_after_a_plan_changes_not_after_a_task_does(
    app, client_for, world: World
):
    coordinator = client_for("coordinator")
    app.state.pages.fresh_for = 0  # another writer's change shows on the next page
    coordinator.get("/tasks")
    read = app.state.snapshots.misses
    with engine_for(world.url).begin() as conn:
        conn.execute(text("UPDATE task SET progress = 55 WHERE id = :id"), {"id": world.task_a})
    assert "55%" in coordinator.get("/tasks").text
    assert app.state.snapshots.misses == read  # the same plans and bodies: not read again
    with engine_for(world.url).begin() as conn:
        conn.execute(
            text("UPDATE plan SET title = 'Kế hoạch đổi tên' WHERE id = :id"), {"id": world.plan_id}
        )
    assert "Kế hoạch đổi tên</option>" in coordinator.get("/tasks").text
    assert app.state.snapshots.misses == read + 1
