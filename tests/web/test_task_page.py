"""One task's page: what it shows to whom, and what it costs the database."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session, col, delete

from models.db import engine_for
from models.tasks import Task, TaskEvent
from models.users import Evidence
from tests.web.world import A_NAME, B_NAME, EMAILS, World, csrf_of, store


def test_a_task_page_names_its_plan_its_lead_and_its_partners(client_for, world: World):
    page = client_for("coordinator").get(f"/tasks/{world.task_b_with_a}").text
    assert f'<a href="/plans/{world.plan_id}">12/KH-UBND</a>' in page
    assert f"<dt>Chủ trì</dt><dd>{B_NAME}</dd>" in page
    assert f"<dt>Phối hợp</dt><dd>{A_NAME}</dd>" in page
    assert "12/KH-UBND – Kế hoạch thử nghiệm năm 2024" in page


def test_the_ocr_doubt_is_shown_to_a_coordinator_and_not_to_the_lead_body(client_for, world: World):
    store(world, Task, world.task_a, ocr_doubt="ngày 31/03/2024 đọc bằng OCR")
    assert (
        "ngày 31/03/2024 đọc bằng OCR"
        in client_for("coordinator").get(f"/tasks/{world.task_a}").text
    )
    assert "OCR" not in client_for("agency_a").get(f"/tasks/{world.task_a}").text


def test_a_requested_extension_is_listed_on_the_task_page_until_decided(client_for, world: World):
    agency = client_for("agency_b")
    page = f"/tasks/{world.task_b}"
    agency.post(
        f"{page}/extension",
        data={"csrf": csrf_of(agency, page), "due": "15/08/2024", "reason": "Chờ số liệu"},
    )
    shown = client_for("leader").get(page).text
    assert "xin đến 15/08/2024 — Chờ số liệu — <strong>chờ duyệt</strong>" in shown


def test_another_bodys_task_answers_404_on_a_page_that_still_names_the_account(
    client_for, world: World
):
    response = client_for("agency_b").get(f"/tasks/{world.task_a}")
    assert response.status_code == 404
    assert EMAILS["agency_b"] in response.text


def test_a_change_is_on_the_task_page_at_the_next_look(client_for, world: World):
    agency = client_for("agency_a")
    page = f"/tasks/{world.task_a}"
    agency.post(
        f"{page}/status",
        data={"csrf": csrf_of(agency, page), "status": "in_progress", "progress": "40"},
    )
    assert "tiến độ 40%" in agency.get(page).text


def test_a_task_with_nothing_attached_is_read_in_one_statement_beside_the_session_check(
    app, client_for, world: World
):
    with Session(engine_for(world.url)) as session:  # no history, no evidence left
        for model in (TaskEvent, Evidence):
            session.exec(delete(model).where(col(model.task_id) == world.task_b))  # type: ignore[call-overload]
        session.commit()
    client = client_for("leader")
    page = f"/tasks/{world.task_b}"
    client.get(page)
    seen: list[str] = []
    for engine in (app.state.engine, app.state.reader, app.state.glance):
        event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: seen.append(sql))
    shown = client.get(page)
    assert shown.status_code == 200 and "Chưa có thay đổi." in shown.text
    assert len(seen) == 2, seen  # who holds the cookie, then the task: no BEGIN, no history
    assert "FROM web_session" in seen[0] and "FROM task" in seen[1]
