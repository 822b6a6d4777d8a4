"""Each role's main path through what a newcomer sees (``kehoach demo --serve``), in Debian's
Chromium at a phone's size (390×844) and a desktop's (1280×800): the coordinator uploads,
reviews and publishes a plan, the agency opens a task and reports its progress, the leader
reads the board and the scorecards. Every page fits the phone's width (nothing scrolls
sideways but the tables inside their own boxes), and every step leaves a screenshot in
``$KEHOACH_SCREENSHOT_DIR`` (default ``screenshots/walk``, git-ignored).

    .venv/bin/python -m pytest -q tests/web/test_walk.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import NEEDS_CHROMIUM, launched
from tests.demo_process import Demo, running_demo

pytestmark = NEEDS_CHROMIUM
ROOT = Path(__file__).resolve().parents[2]
# Read at import: the suite's isolated settings drop every KEHOACH_* variable before a test.
SHOTS = Path(os.environ.get("KEHOACH_SCREENSHOT_DIR") or ROOT / "screenshots" / "walk")
PLANS = ROOT / "tests" / "data" / "plans"
WINDOWS = {"phone": (390, 844), "desktop": (1280, 800)}
UPLOADS = {  # a different plan per window: each upload is a new plan to review and publish
    "phone": PLANS / "ngoc-hoi-2022-cuoc-van-dong.txt",
    "desktop": PLANS / "dak-to-lung-2024-cuoc-van-dong.txt",
}
MIN_TEXT_PX = 10  # the smallest chart text as drawn on the screen, phone included
# The smallest font size in a chart once its viewBox is scaled to the width it is shown at.
SMALLEST_TEXT_PX = """svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("text")].map(t => Number(t.getAttribute("font-size")));
  return Math.min(...sizes) * scale;
}"""
STEP_BOUND_MS = 90_000  # a page on a loaded 2-core machine; a bound only caps a hang


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with running_demo(tmp_path_factory.mktemp("walk")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with launched() as chromium:
        yield chromium


@pytest.fixture(params=list(WINDOWS))
def window(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def as_role(browser, demo: Demo, window: str):  # type: ignore[no-untyped-def]
    contexts = []

    def open_as(role: str):  # type: ignore[no-untyped-def]
        width, height = WINDOWS[window]
        viewport = {"width": width, "height": height}
        context = browser.new_context(base_url=demo.base, viewport=viewport)
        context.set_default_timeout(STEP_BOUND_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # «Ban hành kế hoạch này?»
        email, password = demo.accounts[role]
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("form[action='/login'] button")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


def look(page, name: str, window: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot the page, then check that it fits the window's width: the document no wider
    than the window, and every chart inside it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{window}.png"), full_page=True)
    inner = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= inner, f"{name}: too wide"
    for chart in page.locator("figure.chart svg").all():
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= inner, name
        assert chart.evaluate(SMALLEST_TEXT_PX) >= MIN_TEXT_PX, f"{name}: chart text too small"


def test_the_coordinator_uploads_reviews_and_publishes_a_plan(as_role, window: str):
    page = as_role("coordinator")
    look(page, "coordinator-tasks", window)
    page.goto("/plans/upload")
    look(page, "coordinator-upload", window)
    page.set_input_files("input[name=document]", str(UPLOADS[window]))
    page.click("#upload-form button")
    page.wait_for_selector("text=Nhiệm vụ trích xuất")
    assert "Đã nhập kế hoạch" in page.inner_text(".flash")
    assert page.locator("article.task").count() > 0
    look(page, "coordinator-review", window)
    force = page.locator("#publish-form input[name=force]")
    if force.count():  # a task without a lead: the coordinator publishes anyway, knowingly
        force.check()
    page.click("#publish-form button")
    page.wait_for_selector("text=Đã ban hành kế hoạch")
    assert page.inner_text("#plan-status").startswith("Đã ban hành")
    look(page, "coordinator-published", window)
    page.goto("/plans")
    look(page, "coordinator-plans", window)


def test_the_agency_opens_a_task_and_reports_its_progress(as_role, window: str):
    page = as_role("agency")
    look(page, "agency-tasks", window)
    page.locator("table.tasks td[data-label='#'] a").first.click()
    page.wait_for_selector("#status-form")
    look(page, "agency-task", window)
    progress = {"phone": "40", "desktop": "70"}[window]
    page.select_option("#status-form select[name=status]", "in_progress")
    page.fill("#status-form input[name=progress]", progress)
    page.fill("#status-form textarea[name=note]", f"Đã triển khai {progress}% ({window})")
    page.click("#status-form button")
    page.wait_for_selector("text=Đã cập nhật tình trạng")
    assert page.input_value("#status-form input[name=progress]") == progress
    assert page.input_value("#status-form select[name=status]") == "in_progress"
    look(page, "agency-task-updated", window)


def test_the_leader_reads_the_board_and_the_scorecards_as_pictures_and_tables(as_role, window: str):
    page = as_role("leader")
    page.wait_for_selector("#overdue-total")
    bodies = page.locator("#by-body tbody tr[data-agency]").count()
    assert int(page.inner_text("#overdue-total")) > 0 and bodies > 0
    assert page.locator("svg#chart-overdue").is_visible()
    assert page.locator("svg#chart-overdue g").count() == min(bodies, 12)
    assert page.locator("svg#chart-on-time circle").count() >= 1  # a quarter with a rate
    look(page, "leader-board", window)
    page.goto("/scorecards?period=2022")
    cards = page.locator("#scorecards tbody tr[data-agency]").count()
    assert cards > 0 and page.locator("svg#chart-outcomes g").count() == min(cards, 12)
    assert page.locator("svg#chart-on-time").is_visible()
    look(page, "leader-scorecards", window)
    page.goto("/milestones?year=2022")
    look(page, "leader-milestones", window)
