"""Keyset pages and kept totals: walking "next" then "previous" shows every task exactly once in
the list's order, even when many share a deadline, and totals follow every change at once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import insert, text
from sqlmodel import Session

from models.db import engine_for
from models.tasks import Task
from tests.web.world import NOW, World
from workflows.plans import corrections

ROW_ID = re.compile(r'<td data-label="#"><a href="/tasks/(\d+)">')
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
PREVIOUS = re.compile(r'<a rel="prev" href="([^"]+)"')
SHOWN = re.compile(r"Trang (\d+)/(\d+)")


def add_tasks(world: World, dues: list[date | None]) -> None:
    """Tasks of the published plan, led by the first task's body, one per deadline given."""
    with engine_for(world.url).begin() as conn:
        lead = conn.execute(text("SELECT lead_id FROM task WHERE id = :id"), {"id": world.task_a})
        lead_id = lead.scalar_one()
        conn.execute(
            insert(Task),
            [
                {
                    "plan_id": world.plan_id,
                    "identity": f"extra-{n}",
                    "ext_id": f"X{n}",
                    "section": "III",
                    "line": n,
                    "text": f"Nhiệm vụ thêm {n}",
                    "lead_id": lead_id,
                    "due": due,
                }
                for n, due in enumerate(dues)
            ],
        )


def expected_order(world: World, where: str) -> list[int]:
    query = f"SELECT id FROM task WHERE {where} ORDER BY due IS NULL, due, id"
    with engine_for(world.url).connect() as conn:
        return [row[0] for row in conn.execute(text(query))]


def walk(client, first: str) -> tuple[list[list[int]], list[list[int]], list[str]]:  # type: ignore[no-untyped-def]
    """Pages by "next" from ``first`` to the end, then by "previous" back to the start; and
    the "Trang i/n" each page showed on the way forward."""
    forward, labels, url = [], [], first
    while True:
        html = client.get(url).text
        forward.append([int(i) for i in ROW_ID.findall(html)])
        labels.append("/".join(SHOWN.search(html).groups()) if SHOWN.search(html) else "")
        following = NEXT.search(html)
        if not following:
            break
        url = first.split("?")[0] + unescape(following.group(1))
    backward = []
    while previous := PREVIOUS.search(html):
        html = client.get(first.split("?")[0] + unescape(previous.group(1))).text
        backward.append([int(i) for i in ROW_ID.findall(html)])
    return forward, backward, labels


@pytest.fixture
def crowded(world: World) -> World:
    """130 more tasks: runs of equal deadlines across page boundaries, and 12 without one."""
    start = date(2024, 1, 1)
    dues: list[date | None] = [start + timedelta(days=n // 17) for n in range(118)]
    add_tasks(world, dues + [None] * 12)
    return world


def test_next_then_previous_pages_show_every_task_once_in_order(client_for, crowded: World):
    forward, backward, labels = walk(client_for("coordinator"), "/tasks")
    order = expected_order(crowded, "status != 'dropped'")
    assert [i for page in forward for i in page] == order
    assert [len(page) for page in forward] == [50, 50, len(order) - 100]
    assert labels == ["1/3", "2/3", "3/3"]
    assert backward == list(reversed(forward[:-1]))


def test_the_boards_list_pages_the_same_way(client_for, crowded: World):
    forward, backward, _ = walk(client_for("leader"), "/board")
    order = expected_order(
        crowded,
        f"status IN ('not_started', 'in_progress') AND due < '2024-05-15' "
        f"AND plan_id = {crowded.plan_id}",
    )
    assert [i for page in forward for i in page] == order
    assert len(forward) == 3 and backward == list(reversed(forward[:-1]))


def test_a_filter_is_kept_from_page_to_page(client_for, crowded: World):
    forward, _, _ = walk(client_for("coordinator"), "/tasks?status=overdue")
    order = expected_order(
        crowded, "status IN ('not_started', 'in_progress') AND due < '2024-05-15'"
    )
    assert [i for page in forward for i in page] == order


def test_a_cursor_that_makes_no_sense_shows_the_first_page(client_for, crowded: World):
    client = client_for("coordinator")
    first = ROW_ID.findall(client.get("/tasks").text)
    for junk in ("abc", "2024-13-01_5", "_", "-_x", "2024-01-01_" + "9" * 30):
        assert ROW_ID.findall(client.get(f"/tasks?after={junk}&page=7").text) == first


def total_shown(client) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r'<p class="muted">(\d+) nhiệm vụ</p>', client.get("/tasks").text)
    assert match
    return int(match.group(1))


def test_the_kept_total_follows_additions_drops_and_new_deadlines_a_moment_later(
    a_moment_later, client_for, world: World
):
    coordinator = client_for("coordinator")
    before = total_shown(coordinator)
    assert total_shown(coordinator) == before  # kept: the same answer
    add_tasks(world, [date(2024, 7, 1), None])
    a_moment_later()
    assert total_shown(coordinator) == before + 2
    with Session(engine_for(world.url)) as session:
        corrections.drop_task(session, world.task_b, NOW)
        session.commit()
    a_moment_later()
    assert total_shown(coordinator) == before + 1
    overdue = "/tasks?status=overdue"
    shown = len(ROW_ID.findall(coordinator.get(overdue).text))
    with Session(engine_for(world.url)) as session:
        corrections.set_due(session, world.task_a_later, date(2024, 5, 1), NOW)
        session.commit()
    a_moment_later()
    assert len(ROW_ID.findall(coordinator.get(overdue).text)) == shown + 1
