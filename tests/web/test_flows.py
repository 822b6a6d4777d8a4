"""What people do on the web, end to end through the app and checked in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from models.db import engine_for
from models.followup import UsedLink
from models.plans import Plan
from models.tasks import Task, TaskEvent
from models.types import PlanStatus
from models.users import PlanSource
from notifications.links import LinkAction
from tests.web.objects import link_token
from tests.web.world import World, csrf_of

PLANS = Path(__file__).parent.parent / "data" / "plans"


def task(world: World, task_id: int) -> Task:
    with Session(engine_for(world.url)) as session:
        found = session.get(Task, task_id)
        assert found is not None
        return found


def events(world: World, task_id: int) -> list[str]:
    with Session(engine_for(world.url)) as session:
        rows = session.exec(
            select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.id))
        ).all()
        return [e.kind for e in rows]


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
    assert task(world, world.task_a).status == "in_progress"
    assert events(world, world.task_a)[-2:] == ["status", "status_refused"]


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
    done = task(world, world.task_a)
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
    moved = task(world, world.task_b)
    assert (moved.due, moved.deadline_version) == (date(2024, 8, 15), 2)
    history = agency.get(page).text
    assert "Gia hạn được duyệt" in history and "30/06/2024 → 15/08/2024" in history


def test_an_email_link_shows_a_page_on_get_and_acts_once_on_post(client_for, world: World):
    client = client_for(None)
    token = link_token(world.url, world.task_b, LinkAction.DONE)
    path = f"/l/done/{world.task_b}/{token}"
    page = client.get(path)
    assert page.status_code == 200 and "Xác nhận đã hoàn thành" in page.text
    assert task(world, world.task_b).status == "not_started"  # a GET changes nothing
    done = client.post(path, data={"csrf": csrf_of(client, path), "note": "xong"})
    assert done.status_code == 200 and "Đã ghi nhận" in done.text
    assert task(world, world.task_b).status == "done"
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


def test_the_overdue_board_counts_what_the_database_holds(client_for, world: World):
    html = client_for("leader").get("/board").text
    # 15/05/2024: T1 of body A (due 31/03, 45 days late) and T3 of body B (due 30/04, 15 days)
    assert '<strong id="overdue-total">2</strong>' in html
    with Session(engine_for(world.url)) as session:
        open_late = session.exec(
            select(Task).where(
                col(Task.status).in_(["not_started", "in_progress"]),
                col(Task.due) < date(2024, 5, 15),
                Task.plan_id == world.plan_id,
            )
        ).all()
    assert sorted(t.id for t in open_late) == sorted([world.task_a, world.task_b_with_a])
    scorecards = client_for("leader").get("/scorecards?period=2024-Q2").text
    assert "Quý II/2024" in scorecards


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
    assert task(world, first.id).due == date(2022, 11, 30)
    post(client, f"{plan_path}/publish", plan_path, force="1")
    with Session(engine_for(world.url)) as session:
        stored = session.get(Plan, plan.id)
        assert stored is not None and stored.status == PlanStatus.PUBLISHED
