"""The coordinator's desk in headless Chromium: the body picker as a person uses it (typing
without tone marks, choosing with the keyboard or the mouse), and a refused form as it looks."""

from __future__ import annotations

from sqlmodel import Session, select

from models.agencies import Agency
from models.db import engine_for
from models.tasks import Task
from tests.chromium import NEEDS_CHROMIUM
from tests.web import test_browser as walk
from tests.web.world import B_NAME, C_NAME, World

# The browser walk's fixtures: the served app, one Chromium, a logged-in page per role.
site, browser, as_role = walk.site, walk.browser, walk.as_role
SHOTS = walk.SHOTS

pytestmark = NEEDS_CHROMIUM
BOUND_MS = 15_000  # a generous bound on a busy machine; the wait ends as soon as it holds


def test_a_body_typed_without_tone_marks_is_offered_and_chosen_with_the_keyboard(
    as_role, world: World
):
    page = as_role("coordinator")
    page.goto(f"/plans/{world.plan_id}")
    page.click("#plan-desk summary")
    field = page.locator("#agency-policy input[name=name]")
    field.type("van phong gamma", delay=20)
    offered = page.locator("#agency-policy .picker li")
    offered.first.wait_for(state="visible", timeout=BOUND_MS)
    assert offered.all_inner_texts()[0] == C_NAME
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == C_NAME
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "desk-plan-header-and-policy-1280.png"), full_page=True)
    page.fill("#agency-policy input[name=offsets]", "12,3")
    page.click("#agency-policy button[type=submit]")
    page.wait_for_load_state()
    assert f"Đã lưu lịch nhắc riêng của «{C_NAME}»" in page.inner_text(".flash")
    with Session(engine_for(world.url)) as session:
        gamma = session.exec(select(Agency).where(Agency.name == C_NAME)).one()
    assert gamma.reminder_offsets == "12,3"


def test_a_lead_is_chosen_with_the_mouse_and_a_refused_form_shows_its_error_on_a_phone(
    as_role, world: World
):
    page = as_role("coordinator", width=390)
    page.goto(f"/plans/{world.plan_id}")
    form = page.locator(f"#correct-{world.task_a}")
    lead = form.locator("input[name=lead]")
    lead.fill("")
    lead.type("PHONG THU NGHIEM BETA", delay=20)
    choice = form.locator(".picker li", has_text=B_NAME)
    choice.wait_for(state="visible", timeout=BOUND_MS)
    choice.click()
    assert lead.input_value() == B_NAME
    form.locator("input[name=due]").fill("31/02/2024")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    error = page.locator(f"#correct-{world.task_a}-error")
    assert error.inner_text() == "Thời hạn: ngày 31/02/2024 không tồn tại."
    assert page.locator(f"#correct-{world.task_a} input[name=lead]").input_value() == B_NAME
    colour = error.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(253, 236, 234)"  # the error tint, not the notice's blue
    SHOTS.mkdir(exist_ok=True)
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "desk-refused-correction-390.png"))
    with Session(engine_for(world.url)) as session:
        task = session.get(Task, world.task_a)
        assert task is not None and task.due is not None and task.due.isoformat() == "2024-03-31"


def test_choose_all_ticks_every_task_and_the_bulk_deadline_reaches_them(as_role, world: World):
    page = as_role("coordinator")
    page.goto(f"/plans/{world.plan_id}")
    page.check("#bulk input[data-check-all]")
    ticked = page.locator("input[name=task][form=bulk]")
    assert ticked.count() == 4 and all(box.is_checked() for box in ticked.all())
    page.fill("#bulk input[name=due]", "30/09/2024")
    page.click("#bulk button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text(".flash") == "Đã đặt hạn 30/09/2024 cho 4 nhiệm vụ."
    with Session(engine_for(world.url)) as session:
        dues = {t.due for t in session.exec(select(Task).where(Task.plan_id == world.plan_id))}
    assert {d.isoformat() for d in dues if d} == {"2024-09-30"}
