"""The pages read through autocommit connections on PostgreSQL as on SQLite: a task page, the
board, a change seen by its writer at once and the task list's totals moved by it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from config.settings import reset_settings
from tests.conftest import _reset_postgres
from tests.web.world import (
    A_NAME,
    B_NAME,
    World,
    build_world,
    csrf_of,
    login,
    totals_follow_a_change,
)
from web.app import create_app
from workflows.rules.timefmt import local_date
from workflows.runners import clock


@pytest.fixture
def pg_world(postgres_url: str, web_env, monkeypatch: pytest.MonkeyPatch) -> World:  # type: ignore[no-untyped-def]
    _reset_postgres(postgres_url)
    monkeypatch.setenv("KEHOACH_DATABASE_URL", postgres_url)
    reset_settings()
    return build_world(postgres_url)


@pytest.fixture
def pg_client(pg_world: World) -> Iterator[TestClient]:
    with TestClient(create_app(pg_world.url), base_url="http://testserver") as client:
        assert login(client, "coordinator").status_code == 303
        yield client


def test_on_postgresql_a_task_page_names_its_lead_and_partners(pg_client, pg_world: World):
    page = pg_client.get(f"/tasks/{pg_world.task_b_with_a}")
    assert page.status_code == 200
    assert f"<dt>Chủ trì</dt><dd>{B_NAME}</dd>" in page.text
    assert f"<dt>Phối hợp</dt><dd>{A_NAME}</dd>" in page.text


def test_on_postgresql_the_writer_sees_its_own_change_on_the_next_page(pg_client, pg_world):  # type: ignore[no-untyped-def]
    page, link = f"/tasks/{pg_world.task_a}", f'href="/tasks/{pg_world.task_a}"'
    assert pg_client.get("/board").status_code == 200
    assert link in pg_client.get("/tasks?status=overdue").text
    pg_client.post(f"{page}/status", data={"csrf": csrf_of(pg_client, page), "status": "done"})
    assert link not in pg_client.get("/tasks?status=overdue").text
    assert pg_client.get("/board").status_code == 200


def test_on_postgresql_the_task_lists_totals_follow_the_writers_change(pg_client, pg_world):  # type: ignore[no-untyped-def]
    totals_follow_a_change(pg_client, pg_world.url, pg_world.task_a, local_date(clock.now()))
