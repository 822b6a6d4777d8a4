"""Kept aggregates never outlive the data: any change, by the web or not, counts at once; a kept
page shows it at once to whoever made it, to others a moment later (``web.kept_pages``)."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from models.db import engine_for
from models.types import TaskStatus
from tests.web.world import NOW, World, csrf_of
from workflows.followup.updates import update_status
from workflows.plans import corrections
from workflows.runners.runtime import registry


def overdue_total(client) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r'<strong id="overdue-total">(\d+)</strong>', client.get("/board").text)
    assert match
    return int(match.group(1))


def scorecard_cells(client, period: str) -> str:  # type: ignore[no-untyped-def]
    html = client.get(f"/scorecards?period={period}").text
    return html[html.index('<table id="scorecards">') :]


def done(client, task_id: int) -> None:  # type: ignore[no-untyped-def]
    page = f"/tasks/{task_id}"
    client.post(f"{page}/status", data={"csrf": csrf_of(client, page), "status": "done"})


def test_a_repeated_board_is_kept_and_another_users_update_is_on_it_a_moment_later(
    app, a_moment_later, client_for, world: World
):
    leader, agency = client_for("leader"), client_for("agency_a")
    assert overdue_total(leader) == 2
    misses = app.state.pages.misses
    assert overdue_total(leader) == 2
    assert app.state.pages.misses == misses and app.state.pages.hits > 0
    done(agency, world.task_a)
    assert overdue_total(leader) == 2  # the board kept a moment ago
    a_moment_later()
    assert overdue_total(leader) == 1


def test_a_coordinators_own_change_is_on_the_board_at_once(
    a_moment_later, client_for, world: World
):
    coordinator, leader = client_for("coordinator"), client_for("leader")
    assert overdue_total(coordinator) == 2 and overdue_total(leader) == 2
    done(coordinator, world.task_a)
    assert overdue_total(coordinator) == 1  # no moment later: its own change
    assert overdue_total(leader) == 2
    a_moment_later()
    assert overdue_total(leader) == 1


def test_after_a_status_change_the_board_moves_by_the_change_instead_of_recounting(
    app, a_moment_later, client_for, world: World
):
    leader, agency = client_for("leader"), client_for("agency_a")
    assert overdue_total(leader) == 2
    recounted = app.state.tallies.outcomes["recounted"]
    done(agency, world.task_a)
    a_moment_later()
    assert overdue_total(leader) == 1
    assert app.state.tallies.outcomes["recounted"] == recounted
    assert app.state.tallies.outcomes["moved"] >= 2  # the board by body and by plan
    moved, asked = app.state.tallies.outcomes["moved"], app.state.tallies.outcomes.total()
    assert overdue_total(leader) == 1
    assert app.state.tallies.outcomes.total() == asked  # no change since: the page was kept
    leader.get("/board?late=1")  # another page on the same tallies, no change since either
    assert app.state.tallies.outcomes["moved"] == moved  # nothing read
    assert app.state.tallies.outcomes["unchanged"] >= 2


def test_changes_made_outside_the_web_app_are_on_the_board_a_moment_later(
    a_moment_later, client_for, world: World
):
    """The CLI or the scheduler in another process: a status, a deadline, a publication."""
    leader = client_for("leader")
    assert overdue_total(leader) == 2
    before = scorecard_cells(leader, "2024")
    with Session(engine_for(world.url)) as session:
        update_status(session, world.task_b_with_a, TaskStatus.DONE, "cli", NOW)
        session.commit()
    a_moment_later()
    assert overdue_total(leader) == 1
    assert scorecard_cells(leader, "2024") != before
    with Session(engine_for(world.url)) as session:
        corrections.set_due(session, world.task_b, date(2024, 5, 1), NOW)  # now overdue
        session.commit()
    a_moment_later()
    assert overdue_total(leader) == 2
    with Session(engine_for(world.url)) as session:
        corrections.reassign(
            session, registry(), world.draft_task, "Phòng Thử nghiệm Beta huyện Kiểm Tra", NOW
        )
        corrections.set_due(session, world.draft_task, date(2024, 2, 1), NOW)
        session.commit()
    a_moment_later()
    assert overdue_total(leader) == 2  # a draft does not count...
    with Session(engine_for(world.url)) as session:
        corrections.publish(session, world.draft_id, NOW)
        session.commit()
    a_moment_later()
    assert overdue_total(leader) == 3  # ...until it is published
