"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the real app
served by uvicorn on loopback. Screenshots of the main pages go to screenshots/ (git-ignored).

    ./dev.sh test tests/web/test_browser.py
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from config.settings import reset_settings
from models.agencies import Agency
from models.db import engine_for
from models.plans import Plan, PlanWarning
from models.tasks import Task, TaskPartner
from models.types import PlanStatus, TaskStatus
from tests.chromium import NEEDS_CHROMIUM, launched
from tests.web.expected import overdue_by_lead, scorecards, task_rows
from tests.web.icsparse import parse
from tests.web.world import EMAILS, NOW, PASSWORD, World
from web.app import create_app
from web.server import serving
from workflows.intake.ocr import tesseract_languages

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PLANS = Path(__file__).parent.parent / "data" / "plans"
TODAY = date(2024, 5, 15)  # the web tests' clock (KEHOACH_NOW)

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def site(world: World, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from web.server import free_port

    port = free_port()
    monkeypatch.setenv("KEHOACH_BASE_URL", f"http://127.0.0.1:{port}")
    reset_settings()
    with serving(create_app(world.url), port=port) as base:
        yield base


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with launched() as chromium:
        yield chromium


@pytest.fixture
def as_role(browser, site):  # type: ignore[no-untyped-def]
    contexts = []

    def open_as(role: str, width: int = 1280):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=site, accept_downloads=True, viewport={"width": width, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto("/login")
        page.fill("input[name=email]", EMAILS[role])
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login'] button")
        page.wait_for_load_state()
        assert "/login" not in page.url, page.content()[:500]
        return page

    yield open_as
    for context in contexts:
        context.close()


def _review_facts(
    world: World, plan_id: int
) -> tuple[dict[int, str], dict[int, list[int]], list[int]]:
    """From the stored plan: its warnings by the source line they name, its tasks' ids by their
    first line, and the live tasks without a lead body."""
    with Session(engine_for(world.url)) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        messages = session.exec(
            select(PlanWarning.message).where(
                PlanWarning.plan_id == plan_id, PlanWarning.revision == plan.revision
            )
        ).all()
        tasks = session.exec(select(Task).where(Task.plan_id == plan_id)).all()
    warnings = {int(m[1]): text for text in messages if (m := re.match(r"Dòng (\d+):", text))}
    by_line: dict[int, list[int]] = {}
    for task in tasks:
        by_line.setdefault(task.line, []).append(task.id)  # type: ignore[arg-type]
    unassigned = [t.id for t in tasks if t.lead_id is None and t.status != "dropped"]
    return warnings, by_line, unassigned  # type: ignore[return-value]


MAX_SHOT_HEIGHT = 2400  # a long page is cut there: the top is what a reviewer looks at


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_SHOT_HEIGHT)
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, clip=clip)


def box(page, selector: str) -> dict:  # type: ignore[no-untyped-def]
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not visible"
    return found


def test_a_coordinator_uploads_reviews_corrects_and_publishes(as_role, world: World):
    page = as_role("coordinator")
    shot(page, "coordinator-tasks")
    page.goto("/plans/upload")
    page.set_input_files("input[name=document]", str(PLANS / "tu-mo-rong-2022-giam-ngheo.txt"))
    page.click("#upload-form button")
    page.wait_for_selector("text=Nhiệm vụ trích xuất")
    assert "Đã nhập kế hoạch" in page.inner_text(".flash")
    plan_id = int(re.search(r"/plans/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    shot(page, "coordinator-review")
    # Side by side: the extracted tasks on the left, the source text on the right, both on screen.
    tasks, source = box(page, "section.extracted"), box(page, "section.source")
    assert source["x"] >= tasks["x"] + tasks["width"] - 1
    assert source["y"] < tasks["y"] + tasks["height"] and tasks["y"] < source["y"] + 200
    # Warnings first: the plan's warnings above the tasks, then the tasks they are about.
    assert box(page, "#warnings")["y"] < box(page, "article.task")["y"]
    # From the stored plan: every task has its lead body (the registry knows them all), so the
    # tasks to review are those starting on a line a warning names ("Dòng 166: …").
    warnings, tasks_by_line, unassigned = _review_facts(world, plan_id)
    warned_lines = sorted(warnings)
    assert unassigned == [] and set(warned_lines) <= tasks_by_line.keys()
    warned = page.locator("article.task.needs-review")
    assert warned.count() == sum(len(tasks_by_line[n]) for n in warned_lines)
    classes = [a.get_attribute("class") or "" for a in page.locator("article.task").all()]
    first_plain = next(i for i, c in enumerate(classes) if "needs-review" not in c)
    assert all("needs-review" not in c for c in classes[first_plain:])
    first_line = warned_lines[0]
    assert warned.first.get_attribute("id") == f"task-{min(tasks_by_line[first_line])}"
    assert warned.first.locator(".task-warning").inner_text() == warnings[first_line]
    # Each task shows the source lines it came from, and clicking it lights them up.
    article = page.locator("article.task").nth(first_plain)
    start, end = (int(n) for n in article.get_attribute("data-lines").split("-"))
    article.locator("p.task-text").click()
    lit = page.locator(".source li.hit")
    assert lit.count() == end - start + 1
    assert lit.first.get_attribute("id") == f"L{start}"
    assert article.locator("details summary").inner_text() == f"Dòng nguồn {start}–{end}"
    # Correct: a date on the first plain task, the lead and partners of a warned one.
    first = article.locator("form.correct-form")
    first.locator("input[name=due]").fill("30/11/2022")
    first.locator("button").click()
    page.wait_for_selector(".flash")
    assert "thời hạn" in page.inner_text(".flash")
    fixed = page.locator("article.task.needs-review").first
    fixed_id = int(fixed.get_attribute("id").removeprefix("task-"))
    form = fixed.locator("form.correct-form")
    form.locator("input[name=lead]").fill("Phòng Y tế huyện Tu Mơ Rông")
    form.locator("textarea[name=partners]").fill(
        "Phòng Tài chính - Kế hoạch huyện Tu Mơ Rông\nBảo hiểm xã hội huyện Tu Mơ Rông"
    )
    form.locator("button").click()
    page.wait_for_selector(".flash")
    assert "cơ quan chủ trì" in page.inner_text(".flash"), page.inner_text(".flash")
    with Session(engine_for(world.url)) as session:
        reassigned = session.get(Task, fixed_id)
        assert reassigned is not None and reassigned.lead_id is not None
        lead = session.get(Agency, reassigned.lead_id)
        partners = session.exec(
            select(Agency.name)
            .join(TaskPartner, col(TaskPartner.agency_id) == Agency.id)
            .where(TaskPartner.task_id == fixed_id)
        ).all()
    assert lead is not None and lead.name == "Phòng Y tế huyện Tu Mơ Rông"
    assert sorted(partners) == [
        "Bảo hiểm xã hội huyện Tu Mơ Rông",
        "Phòng Tài chính - Kế hoạch huyện Tu Mơ Rông",
    ]
    # Nothing lacks a lead (checked in the database above), so no «Vẫn ban hành» is offered.
    assert page.locator("#publish-form input[name=force]").count() == 0
    page.click("#publish-form button")
    page.wait_for_selector("text=Đã ban hành kế hoạch")
    assert page.inner_text("#plan-status").startswith("Đã ban hành")
    with Session(engine_for(world.url)) as session:
        plan = session.get(Plan, plan_id)
        corrected = session.exec(
            select(Task).where(Task.plan_id == plan_id, col(Task.edited).is_(True))
        ).all()
        live = session.exec(
            select(Task).where(Task.plan_id == plan_id, col(Task.status) != "dropped")
        ).all()
    assert plan is not None and plan.status == PlanStatus.PUBLISHED
    assert date(2022, 11, 30) in [t.due for t in corrected]
    assert fixed_id in [t.id for t in corrected]
    page.goto(f"/plans/{plan_id}/graph")
    assert page.locator(".graph svg a rect").count() == len(live)  # one box per live task
    shot(page, "coordinator-graph")
    page.goto(f"/plans/{plan_id}/timeline")
    # Every quarter of the plan's period (Quý I–IV/2022), each with the tasks due in it.
    roman = ("I", "II", "III", "IV")
    expected: dict[str, int] = {f"Quý {r}/2022": 0 for r in roman}
    for t in live:
        if t.due is not None:
            label = f"Quý {roman[(t.due.month - 1) // 3]}/{t.due.year}"
            expected[label] = expected.get(label, 0) + 1
    sections = page.locator(".timeline .quarter").all()
    shown_counts = {
        s.locator("h2").inner_text(): s.locator("li").count()
        for s in sections
        if s.locator("h2").inner_text().startswith("Quý")
    }
    assert shown_counts == expected
    assert sum(s.locator("li").count() for s in sections) == len(live)
    shot(page, "coordinator-timeline")


def test_an_agency_marks_its_task_done_with_evidence(as_role, world: World, tmp_path: Path):
    page = as_role("agency_a", width=390)  # a phone
    shot(page, "agency-tasks-phone")
    page.goto(f"/tasks/{world.task_a}")
    evidence = tmp_path / "bien-ban-nghiem-thu.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bien ban\n")
    page.set_input_files("#evidence-form input[type=file]", str(evidence))
    page.click("#evidence-form button")
    page.wait_for_selector("text=Đã lưu minh chứng")
    page.select_option("#status-form select[name=status]", "done")
    page.fill("#status-form textarea[name=note]", "Đã rà soát xong 120 hộ")
    page.click("#status-form button")
    page.wait_for_selector("text=Đã cập nhật tình trạng")
    assert "hoàn thành quá hạn" in page.inner_text("dl.facts")
    assert page.locator("a", has_text="bien-ban-nghiem-thu.pdf").count() == 1
    shot(page, "agency-task-done-phone")
    with Session(engine_for(world.url)) as session:
        done = session.get(Task, world.task_a)
    assert done is not None and (done.status, done.completed_late) == ("done", True)


def test_an_extension_request_is_approved(as_role, world: World):
    agency = as_role("agency_b")
    agency.goto(f"/tasks/{world.task_b}")
    agency.fill("#extension-form input[name=due]", "15/08/2024")
    agency.fill("#extension-form textarea[name=reason]", "Chờ số liệu thống kê quý II")
    agency.click("#extension-form button")
    agency.wait_for_selector("text=Đã gửi đề nghị gia hạn")
    coordinator = as_role("coordinator")
    coordinator.goto("/extensions")
    shot(coordinator, "coordinator-extensions")
    card = coordinator.locator("article", has_text="Chờ số liệu thống kê quý II")
    card.locator("button[value=approve]").click()
    coordinator.wait_for_selector("text=Đã duyệt gia hạn")
    agency.goto(f"/tasks/{world.task_b}")
    assert "15/08/2024" in agency.inner_text("dl.facts")
    with Session(engine_for(world.url)) as session:
        moved = session.get(Task, world.task_b)
    assert moved is not None and moved.due == date(2024, 8, 15)


def _scorecards_on_page(page) -> dict[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    columns = ("due", "on-time", "late", "overdue", "pending", "rate")
    return {
        int(row.get_attribute("data-agency")): {
            c: row.locator(f"td.{c}").inner_text() for c in columns
        }
        for row in page.locator("#scorecards tbody tr[data-agency]").all()
    }


def test_leadership_sees_an_overdue_board_and_scorecards_that_match_the_database(
    as_role, world: World
):
    from workflows.followup.updates import update_status
    from workflows.rules.timefmt import dmy

    # Body B finishes T3 late (due 30/04) and T2 early (due 30/06): scorecards have all kinds.
    with Session(engine_for(world.url)) as session:
        for task_id in (world.task_b_with_a, world.task_b):
            update_status(session, task_id, TaskStatus.DONE, "beta", NOW)
        session.commit()
    page = as_role("leader")
    page.goto("/board")
    shot(page, "leader-board")
    expected = overdue_by_lead(world.url, TODAY)
    shown = {
        int(row.get_attribute("data-agency")): int(row.locator("td.total").inner_text())
        for row in page.locator("#by-body tbody tr[data-agency]").all()
    }
    assert shown == expected and sum(expected.values()) == 1
    assert int(page.inner_text("#overdue-total")) == sum(expected.values())
    links = page.locator("#overdue-list tbody tr td:first-child a").all()
    listed = [int(a.inner_text()) for a in links]
    assert listed == [world.task_a]
    periods = {
        "2024-Q1": (date(2024, 1, 1), date(2024, 3, 31)),
        "2024-Q2": (date(2024, 4, 1), date(2024, 6, 30)),
        "2024": (date(2024, 1, 1), date(2024, 12, 31)),
    }
    for key, (first, last) in periods.items():
        page.goto(f"/scorecards?period={key}")
        assert f"{dmy(first)} – {dmy(last)}" in page.inner_text("main")
        expected_cards = scorecards(world.url, first, last, TODAY)
        assert expected_cards, key
        assert _scorecards_on_page(page) == expected_cards, key
        if key == "2024-Q2":
            shot(page, "leader-scorecards")
    page.goto("/milestones?year=2024")
    shot(page, "leader-milestones")
    quarters = [
        r.locator("td").nth(1).inner_text() for r in page.locator("#milestones tbody tr").all()
    ]
    assert quarters == ["Quý I/2024", "Quý II/2024", "Quý IV/2024"]  # quarters with deadlines
    page.goto(f"/tasks/{world.task_b_with_a}")
    history = page.inner_text("#history")
    assert "Hoàn thành" in history and "beta" in history
    shot(page, "leader-task-history")


def test_the_xlsx_and_ics_exports_download_and_parse(as_role, world: World):
    from openpyxl import load_workbook

    page = as_role("coordinator")
    page.goto("/tasks")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "DANH SÁCH NHIỆM VỤ"
    assert rows[1][0] == "Tính đến ngày 15/05/2024; 5 nhiệm vụ"
    header = ["STT", "Nội dung", "Cơ quan chủ trì", "Phối hợp", "Thời hạn", "Tình trạng", "Ghi chú"]
    assert rows[2] == header
    # Every live task of both plans (drafts included for a coordinator), cell by cell.
    expected = task_rows(world.url, TODAY)
    assert len(expected) == 5 and rows[3:] == expected
    statuses = {row[5] for row in expected}
    assert statuses == {"chưa thực hiện – quá hạn", "chưa thực hiện"}
    agency = as_role("agency_a")
    agency.goto("/feed")
    shot(agency, "agency-feed")
    agency.click("form[action='/feed'] button")
    url = agency.inner_text("#feed-url").strip()
    assert url.startswith(os.environ["KEHOACH_BASE_URL"]) and url.endswith(".ics")
    response = agency.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    events = parse(response.text())
    assert {e["UID"] for e in events} == {
        f"task-{world.task_a}@kehoach",
        f"task-{world.task_b_with_a}@kehoach",
        f"task-{world.task_a_later}@kehoach",
    }


@pytest.mark.skipif(
    "vie" not in tesseract_languages(),
    reason="Tesseract with Vietnamese is not installed: apt-get install tesseract-ocr "
    "tesseract-ocr-vie",
)
def test_a_long_ocr_upload_shows_its_progress_then_opens_the_review(
    as_role, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from tests.docgen import render_pdf, strip_to_unicode
    from tests.web.test_upload_formats import PLAN_TEXT, UNDATED

    monkeypatch.setattr("web.routes_plans.LONG_OCR_PAGES", 1)  # one page is "long" here
    good = render_pdf(PLAN_TEXT, tmp_path / "good.pdf", font_size=14)
    broken = strip_to_unicode(good, tmp_path / "hong.pdf")
    page = as_role("coordinator")
    page.goto("/plans/upload")
    page.set_input_files("input[name=document]", str(broken))
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#upload-form button")
    assert 'class="progress-line"' in posted.value.text()
    # The streamed page ends with a refresh to the review (no script: the CSP allows none).
    page.wait_for_url(re.compile(r"/plans/\d+$"), timeout=120_000)
    page.wait_for_selector("text=Nhiệm vụ trích xuất")
    assert "có lớp chữ hỏng" in page.inner_text("#warnings")
    assert UNDATED in page.inner_text("section.extracted")
    shot(page, "coordinator-review-after-ocr")
