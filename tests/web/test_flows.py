"""What people do on the web, end to end through the app and checked in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models.db import engine_for
from models.followup import UsedLink
from models.plans import Plan
from models.tasks import Task
from models.types import PlanStatus
from models.users import PlanSource
from notifications.links import LinkAction
from tests.web.expected import overdue_by_lead, scorecards, table_cells
from tests.web.objects import Objects, link_token
from tests.web.world import NOW, World, csrf_of, event_kinds, published_plan, stored
from workflows.parsing.result import ExtractedTask
from workflows.plans.importing import import_plan
from workflows.runners.runtime import registry

PLANS = Path(__file__).parent.parent / "data" / "plans"
TODAY = date(2024, 5, 15)  # the web tests' clock (KEHOACH_NOW)


def post(client, path: str, form_page: str, **data):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf": csrf_of(client, form_page), **data})


def test_the_second_of_two_conflicting_updates_is_refused_and_both_are_audited(
    client_for, world: World
):
    first, second = client_for("agency_a"), client_for("coordinator")
    page = f"/tasks/{world.task_a}"
    stale = {"expected_status": "not_started"}
    post(first, f"{page}/status", page, status="in_progress", progress="30", **stale)
    response = post(second, f"{page}/status", page, status="done", **stale)
    assert "hãy tải lại" in response.text
    assert stored(world, Task, world.task_a).status == "in_progress"
    assert event_kinds(world, world.task_a)[-2:] == ["status", "status_refused"]


def test_an_agency_marks_its_task_done_with_a_note_and_evidence(client_for, world: World):
    client = client_for("agency_a")
    page = f"/tasks/{world.task_a}"
    client.post(
        f"{page}/evidence",
        data={"csrf": csrf_of(client, page)},
        files={"file": ("bien-ban.pdf", b"%PDF-1.4 bien ban", "application/pdf")},
    )
    response = post(client, f"{page}/status", page, status="done", note="Đã rà soát 120 hộ")
    assert "bien-ban.pdf" in response.text and "Đã rà soát 120 hộ" in response.text
    done = stored(world, Task, world.task_a)
    assert (done.status, done.progress, done.completed_late) == ("done", 100, True)
    download = client.get(f"{page}/evidence/{_last_evidence(world)}")
    assert download.content == b"%PDF-1.4 bien ban"
    assert "attachment" in download.headers["content-disposition"]


def _last_evidence(world: World) -> int:
    from models.users import Evidence

    with Session(engine_for(world.url)) as session:
        item = session.exec(select(Evidence).order_by(col(Evidence.id).desc())).first()
        assert item is not None and item.id is not None
        return item.id


def test_an_extension_requested_by_the_agency_and_approved_moves_the_deadline(
    client_for, world: World
):
    agency, coordinator = client_for("agency_b"), client_for("coordinator")
    page = f"/tasks/{world.task_b}"
    post(agency, f"{page}/extension", page, due="15/08/2024", reason="Chờ số liệu thống kê")
    listing = coordinator.get("/extensions").text
    assert "Chờ số liệu thống kê" in listing and "15/08/2024" in listing
    with Session(engine_for(world.url)) as session:
        from models.followup import Extension

        pending = session.exec(select(Extension).where(Extension.task_id == world.task_b)).one()
    post(coordinator, f"/extensions/{pending.id}/decide", "/extensions", decision="approve")
    moved = stored(world, Task, world.task_b)
    assert (moved.due, moved.deadline_version) == (date(2024, 8, 15), 2)
    history = agency.get(page).text
    assert "Gia hạn được duyệt" in history and "30/06/2024 → 15/08/2024" in history


def test_an_email_link_shows_a_page_on_get_and_acts_once_on_post(client_for, world: World):
    client = client_for(None)
    token = link_token(world.url, world.task_b, LinkAction.DONE)
    path = f"/l/done/{world.task_b}/{token}"
    page = client.get(path)
    assert page.status_code == 200 and "Xác nhận đã hoàn thành" in page.text
    assert stored(world, Task, world.task_b).status == "not_started"  # a GET changes nothing
    done = client.post(path, data={"csrf": csrf_of(client, path), "note": "xong"})
    assert done.status_code == 200 and "Đã ghi nhận" in done.text
    assert stored(world, Task, world.task_b).status == "done"
    again = client.post(path, data={"csrf": csrf_of(client, "/login")})
    assert again.status_code == 410 and "đã được dùng" in again.text
    with Session(engine_for(world.url)) as session:
        assert len(session.exec(select(UsedLink)).all()) == 1


def test_a_link_from_before_a_deadline_change_no_longer_works(client_for, world: World):
    token = link_token(world.url, world.task_b, LinkAction.ACKNOWLEDGE)
    coordinator = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    post(coordinator, f"{review}/tasks/{world.task_b}/correct", review, due="31/07/2024")
    response = client_for(None).get(f"/l/ack/{world.task_b}/{token}")
    assert response.status_code == 400 and "Thời hạn nhiệm vụ đã thay đổi" in response.text


def test_the_overdue_board_and_scorecards_show_what_the_database_holds(
    client_for, world: World, objects: Objects
):
    # Body B finishes T2 early (due 30/06): the scorecards then have every kind of figure.
    page = f"/tasks/{world.task_b}"
    post(client_for("agency_b"), f"{page}/status", page, status="done")
    leader = client_for("leader")
    board = leader.get("/board").text
    overdue = overdue_by_lead(world.url, TODAY)
    # 15/05/2024: T1 of body A (due 31/03) and T3 of body B (due 30/04) are open and late.
    assert overdue == {objects.agency_a: 1, objects.agency_b: 1}
    assert f'<strong id="overdue-total">{sum(overdue.values())}</strong>' in board
    shown = {int(k): int(row["total"]) for k, row in table_cells(board, "by-body").items()}
    assert shown == overdue
    periods = {
        "2024-Q1": (date(2024, 1, 1), date(2024, 3, 31)),
        "2024-Q2": (date(2024, 4, 1), date(2024, 6, 30)),
        "2024": (date(2024, 1, 1), date(2024, 12, 31)),
    }
    for key, (first, last) in periods.items():
        html = leader.get(f"/scorecards?period={key}").text
        expected = scorecards(world.url, first, last, TODAY)
        assert expected, key
        cards = {int(k): row for k, row in table_cells(html, "scorecards").items()}
        assert cards == expected, key
    year = scorecards(world.url, date(2024, 1, 1), date(2024, 12, 31), TODAY)
    assert year[objects.agency_b] == {
        "due": "2",
        "on-time": "1",
        "late": "0",
        "overdue": "1",
        "pending": "0",
        "rate": "50%",
    }


@pytest.mark.parametrize(
    ("progress", "message"),
    [
        ("500", "Tiến độ phải từ 0 đến 100%; giá trị 500 không hợp lệ."),
        ("-5", "Tiến độ phải từ 0 đến 100%; giá trị -5 không hợp lệ."),
        ("năm mươi", "Tiến độ phải là một số từ 0 đến 100."),
    ],
)
def test_a_progress_outside_0_to_100_is_refused_and_nothing_is_recorded(
    client_for, world: World, progress: str, message: str
):
    client = client_for("agency_a")
    page = f"/tasks/{world.task_a}"
    before, history = stored(world, Task, world.task_a), event_kinds(world, world.task_a)
    response = post(
        client,
        f"{page}/status",
        page,
        status="in_progress",
        progress=progress,
        note="Đã làm được một nửa",
        expected_status="not_started",
    )
    assert response.status_code == 200 and response.url.path == page
    assert f'<p class="flash flash-error" role="alert">{message}</p>' in response.text
    assert 'id="status-form"' in response.text  # the form again, to correct the figure
    after = stored(world, Task, world.task_a)
    assert (after.status, after.progress, after.result_note) == (
        before.status,
        before.progress,
        before.result_note,
    )
    assert event_kinds(world, world.task_a) == history


def test_publishing_with_a_task_lacking_a_lead_asks_for_the_force_box(client_for, world: World):
    orphan = ExtractedTask(id="T1", section="III.1", line=5, text="Việc chưa giao", lead=None)
    with Session(engine_for(world.url), expire_on_commit=False) as session:
        plan_id = import_plan(
            session,
            published_plan(orphan, number="14/KH-UBND"),
            registry(),
            source_name="kh14.txt",
            source_sha256="c",
            now=NOW,
        ).plan_id
        session.commit()
        orphan_id = session.exec(select(Task.id).where(Task.plan_id == plan_id)).one()
    client = client_for("coordinator")
    review = f"/plans/{plan_id}"
    refused = post(client, f"{review}/publish", review)
    assert (
        f"Còn 1 nhiệm vụ chưa có cơ quan chủ trì: #{orphan_id} (dòng 5). Hãy giao cơ quan chủ "
        "trì cho từng nhiệm vụ, hoặc chọn «Vẫn ban hành»."
    ) in refused.text
    assert 'name="force"' in refused.text and "--force" not in refused.text
    assert _plan(world, plan_id).status == PlanStatus.DRAFT
    published = post(client, f"{review}/publish", review, force="1")
    assert "Đã ban hành kế hoạch" in published.text
    assert _plan(world, plan_id).status == PlanStatus.PUBLISHED


def _plan(world: World, plan_id: int) -> Plan:
    with Session(engine_for(world.url)) as session:
        found = session.get(Plan, plan_id)
        assert found is not None
        return found


def test_a_coordinator_uploads_reviews_corrects_and_publishes_a_real_plan(client_for, world):
    client = client_for("coordinator")
    source = PLANS / "tu-mo-rong-2022-giam-ngheo.txt"
    response = client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": (source.name, source.read_bytes(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:400]
    plan_path = response.headers["location"]
    review = client.get(plan_path).text
    assert "Nhiệm vụ trích xuất" in review and 'id="L1"' in review
    with Session(engine_for(world.url)) as session:
        plan = session.exec(select(Plan).where(Plan.source_name == source.name)).one()
        first = session.exec(
            select(Task).where(Task.plan_id == plan.id).order_by(col(Task.line))
        ).first()
        assert session.get(PlanSource, plan.id) is not None
    assert first is not None and first.id is not None
    post(client, f"{plan_path}/tasks/{first.id}/correct", plan_path, due="30/11/2022")
    assert stored(world, Task, first.id).due == date(2022, 11, 30)
    post(client, f"{plan_path}/publish", plan_path, force="1")
    with Session(engine_for(world.url)) as session:
        again = session.get(Plan, plan.id)
        assert again is not None and again.status == PlanStatus.PUBLISHED


def test_a_task_page_links_the_step_before_it_and_the_step_it_comes_before(
    client_for, world: World
):
    coordinator = client_for("coordinator")
    later = coordinator.get(f"/tasks/{world.task_a_later}").text
    assert f'Cần xong trước: <a href="/tasks/{world.task_a}">#{world.task_a}</a>' in later
    assert "Là bước trước của:" not in later
    first = coordinator.get(f"/tasks/{world.task_a}").text
    assert f'Là bước trước của: <a href="/tasks/{world.task_a_later}">' in first
    assert "Cần xong trước:" not in first
