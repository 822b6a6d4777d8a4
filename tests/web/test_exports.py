"""Hostile task text: escaped in every page, defused in spreadsheets, escaped in calendars."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session
from starlette.testclient import TestClient

from config.settings import reset_settings
from models.db import engine_for
from models.tasks import Task
from notifications.contexts import INFERRED_DEADLINE_NOTE
from tests.web.icsparse import parse
from tests.web.objects import make_objects
from tests.web.world import World, build_world, csrf_of, login
from web.app import create_app

SCRIPT = "<script>alert('xss')</script> & {{7*7}} Lập kế hoạch"
FORMULAS = {
    "T2": '=HYPERLINK("http://evil.example","bấm")',
    "T3": "+SUM(1,2)",
    "T4": "@cmd|' /C calc'!A0",
}
ICS_TEXT = "Họp, tổng kết; báo cáo \\ năm 2024\nvề UBND huyện " + "rất dài " * 12


@pytest.fixture
def hostile(web_env, tmp_path, monkeypatch) -> tuple[World, TestClient]:
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    monkeypatch.setenv("KEHOACH_DATABASE_URL", url)
    reset_settings()
    world = build_world(url, {"T1": SCRIPT, **FORMULAS})
    return world, TestClient(create_app(url))


def test_task_text_is_escaped_on_every_page_that_shows_it(hostile):
    world, client = hostile
    login(client, "coordinator")
    pages = [
        "/tasks",
        f"/tasks/{world.task_a}",
        f"/plans/{world.plan_id}",
        f"/plans/{world.plan_id}/graph",
        f"/plans/{world.plan_id}/timeline",
        "/board",
    ]
    for path in pages:
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(" in html, path
        assert "{{7*7}}" in html and "&amp; {{7*7}}" in html, path


def test_exported_cells_are_text_and_formulas_are_defused(hostile):
    world, client = hostile
    login(client, "agency_a")
    client.post(
        f"/tasks/{world.task_a}/status",
        data={
            "csrf": csrf_of(client, f"/tasks/{world.task_a}"),
            "status": "in_progress",
            "note": "-1+1 ghi chú",
        },
    )
    login(client, "coordinator")
    response = client.get("/export/tasks.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[2]]
    assert header == [
        "STT",
        "Nội dung",
        "Cơ quan chủ trì",
        "Phối hợp",
        "Thời hạn",
        "Tình trạng",
        "Ghi chú",
    ]
    cells = [c for row in rows for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells)
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in cells)
    texts = {str(c.value) for c in cells}
    for payload in FORMULAS.values():
        assert "'" + payload in texts
    assert "'-1+1 ghi chú" in texts
    assert any(t == SCRIPT for t in texts)  # not HTML-escaped in a spreadsheet
    dates = {str(r[4].value) for r in rows[3:]}
    assert "31/03/2024" in dates


def test_scorecard_export_has_one_row_per_body(hostile):
    _, client = hostile
    login(client, "leader")
    response = client.get("/export/scorecards.xlsx?period=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN – NĂM 2024")
    assert rows[2][:3] == ["STT", "Cơ quan", "Số nhiệm vụ đến hạn trong kỳ"]
    assert sorted(r[1] for r in rows[3:]) == [
        "Phòng Thử nghiệm Alpha huyện Kiểm Tra",
        "Phòng Thử nghiệm Beta huyện Kiểm Tra",
    ]
    by_body = {r[1]: r for r in rows[3:]}
    alpha = by_body["Phòng Thử nghiệm Alpha huyện Kiểm Tra"]
    assert alpha[2:7] == ["2", "0", "0", "1", "1"]  # T1 overdue, T4 (31/12) not yet due


def test_the_calendar_feed_parses_back_with_escaped_text(web_env, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ics.db'}"
    monkeypatch.setenv("KEHOACH_DATABASE_URL", url)
    reset_settings()
    world = build_world(url, {"T1": ICS_TEXT})
    objects = make_objects(world, web_env)
    client = TestClient(create_app(url))
    response = client.get(f"/ical/{objects.feed_token}.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    events = parse(response.text)
    assert {e["UID"] for e in events} == {
        f"task-{world.task_a}@kehoach",
        f"task-{world.task_b_with_a}@kehoach",
        f"task-{world.task_a_later}@kehoach",
    }
    first = next(e for e in events if e["UID"] == f"task-{world.task_a}@kehoach")
    assert first["DTSTART"] == "20240331" and first["DTEND"] == "20240401"
    assert first["SUMMARY"] == f"[chưa thực hiện – quá hạn] {ICS_TEXT}"
    assert ICS_TEXT in first["DESCRIPTION"]
    assert "\\;" in response.text and "\\," in response.text and "\\n" in response.text


def test_a_new_feed_url_revokes_the_old_one(client_for, objects):
    client = client_for("agency_a")
    assert client.get(f"/ical/{objects.feed_token}.ics").status_code == 200
    page = client.post("/feed", data={"csrf": csrf_of(client, "/feed")})
    assert 'id="feed-url"' in page.text
    assert client.get(f"/ical/{objects.feed_token}.ics").status_code == 404


@pytest.fixture
def inferred(web_env, tmp_path, monkeypatch) -> tuple[World, TestClient, str]:
    """The world with its year-end duty (T4, 31/12/2024) undated in the document: its deadline
    is the plan period's end, inferred, as an import stores it."""
    url = f"sqlite:///{tmp_path / 'inferred.db'}"
    monkeypatch.setenv("KEHOACH_DATABASE_URL", url)
    reset_settings()
    world = build_world(url)
    with Session(engine_for(url)) as session:
        task = session.get(Task, world.task_a_later)
        assert task is not None and task.due == date(2024, 12, 31)
        task.due_inferred = True
        session.add(task)
        session.commit()
    objects = make_objects(world, web_env)
    return world, TestClient(create_app(url)), objects.feed_token


def test_the_task_export_marks_an_inferred_deadline_in_the_words_of_the_task_list(inferred):
    _, client, _ = inferred
    login(client, "coordinator")
    sheet = load_workbook(io.BytesIO(client.get("/export/tasks.xlsx").content)).active
    due_by_text = {r[1]: r[4] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert due_by_text["Tổng kết năm"] == f"31/12/2024 ({INFERRED_DEADLINE_NOTE})"
    assert due_by_text["Rà soát hộ nghèo quý I"] == "31/03/2024"  # stated: no mark
    listed = client.get("/tasks").text
    assert f'31/12/2024 <small class="inferred-due">({INFERRED_DEADLINE_NOTE})</small>' in listed


def test_the_calendar_says_an_inferred_deadline_is_inferred_until_it_is_confirmed(inferred):
    world, client, token = inferred
    inferred_uid, stated_uid = f"task-{world.task_a_later}@kehoach", f"task-{world.task_a}@kehoach"

    def events() -> dict[str, dict[str, str]]:
        return {e["UID"]: e for e in parse(client.get(f"/ical/{token}.ics").text)}

    before = events()
    assert before[inferred_uid]["SUMMARY"].endswith(f" ({INFERRED_DEADLINE_NOTE})")
    assert f"Thời hạn: 31/12/2024 ({INFERRED_DEADLINE_NOTE})" in before[inferred_uid]["DESCRIPTION"]
    assert INFERRED_DEADLINE_NOTE not in before[stated_uid]["SUMMARY"]
    assert "Thời hạn: 31/03/2024\n" in before[stated_uid]["DESCRIPTION"]
    login(client, "coordinator")
    plan_path = f"/plans/{world.plan_id}"
    client.post(
        f"{plan_path}/tasks/{world.task_a_later}/correct",
        data={"csrf": csrf_of(client, plan_path), "due": "31/12/2024", "confirm_due": "1"},
    )
    after = events()[inferred_uid]
    assert INFERRED_DEADLINE_NOTE not in after["SUMMARY"] + after["DESCRIPTION"]
