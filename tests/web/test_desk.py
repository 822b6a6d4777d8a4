"""The coordinator's desk: rewording tasks, the plan's header and reminder policy, bulk actions,
body pickers and new bodies, forms that keep what was typed, the review list, re-uploads."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.db import engine_for
from models.delivery import TaskAlarm
from models.plans import Plan, PlanEvent, PlanWarning
from models.tasks import Task, TaskPartner
from models.types import PlanStatus
from tests.web.world import (
    A_NAME,
    B_NAME,
    C_NAME,
    NOW,
    World,
    csrf_of,
    published_plan,
    store,
    stored,
    task_events,
)
from web.render import FLASH_COOKIE, FLASH_ERROR_COOKIE
from workflows.parsing.result import ExtractedTask
from workflows.plans.importing import import_plan
from workflows.runners.runtime import registry

pytestmark = pytest.mark.usefixtures("clean_server_log")
PLANS = Path(__file__).parent.parent / "data" / "plans"


def send(client, path: str, page: str, **data):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf": csrf_of(client, page), **data}, follow_redirects=False)


def said(response) -> str:  # type: ignore[no-untyped-def]
    return unquote(response.cookies.get(FLASH_COOKIE) or "")


def history(world: World, task_id: int) -> list[dict]:
    return [e.detail for e in task_events(world, task_id) if e.kind == "corrected"]


def test_a_coordinator_rewords_a_task_and_changes_its_kind_and_its_history_says_so(
    client_for, world: World
):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    response = send(
        client,
        f"{review}/tasks/{world.task_a}/correct",
        review,
        text="Rà soát  hộ nghèo, hộ cận nghèo quý I",
        kind="report",
    )
    assert said(response) == f"Đã sửa nội dung, loại của nhiệm vụ #{world.task_a}."
    task = stored(world, Task, world.task_a)
    assert (task.text, task.kind, task.edited) == (
        "Rà soát hộ nghèo, hộ cận nghèo quý I",
        "report",
        True,
    )
    assert history(world, world.task_a)[-2:] == [
        {"text": ["Rà soát hộ nghèo quý I", "Rà soát hộ nghèo, hộ cận nghèo quý I"]},
        {"kind": ["action", "report"]},
    ]
    page = client.get(f"/tasks/{world.task_a}").text
    assert "nội dung: «Rà soát hộ nghèo quý I» → «Rà soát hộ nghèo, hộ cận nghèo quý I»" in page
    assert "loại: Nhiệm vụ → Báo cáo" in page


def test_the_task_page_form_rewords_the_task_and_comes_back_to_the_task(client_for, world):
    client = client_for("coordinator")
    task_id = world.task_b_with_a
    page = f"/tasks/{task_id}"
    form = client.get(page).text
    assert f'id="correct-{task_id}"' in form and 'name="kind"' in form
    response = send(
        client,
        f"/plans/{world.plan_id}/tasks/{task_id}/correct",
        page,
        text="Tập huấn cán bộ cơ sở về giảm nghèo",
        kind="action",
        **{"from": "task"},
    )
    assert response.headers["location"] == page
    assert said(response) == f"Đã sửa nội dung của nhiệm vụ #{task_id}."
    assert stored(world, Task, task_id).text == "Tập huấn cán bộ cơ sở về giảm nghèo"
    with Session(engine_for(world.url)) as session:  # the fields it did not send stay
        partners = session.exec(select(TaskPartner).where(TaskPartner.task_id == task_id)).all()
    assert len(partners) == 1


def test_a_refused_correction_shows_the_form_again_with_what_was_typed_and_why(client_for, world):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    typed = "Rà soát hộ nghèo quý I và lập danh sách hộ cận nghèo"
    response = send(
        client, f"{review}/tasks/{world.task_a}/correct", review, text=typed, due="31/02/2024"
    )
    assert response.status_code == 400
    assert f'<p class="error" role="alert" id="correct-{world.task_a}-error">' in response.text
    assert "Thời hạn: ngày 31/02/2024 không tồn tại." in response.text
    assert typed in response.text and 'value="31/02/2024"' in response.text
    assert stored(world, Task, world.task_a).text == "Rà soát hộ nghèo quý I"  # nothing saved


def test_an_error_message_looks_unlike_a_success_message(client_for, world: World):
    client = client_for("coordinator")
    review = f"/plans/{world.draft_id}"
    empty = send(client, f"{review}/tasks/{world.draft_task}/correct", review, lead="")
    assert FLASH_ERROR_COOKIE not in empty.cookies
    calm = client.get(empty.headers["location"]).text
    assert '<p class="flash" role="status">Không có gì thay đổi.</p>' in calm
    store(world, Task, world.draft_task, lead_id=None)
    refused = send(client, f"{review}/publish", review)
    assert refused.cookies.get(FLASH_ERROR_COOKIE) == "1"
    alarmed = client.get(refused.headers["location"]).text
    assert (
        '<p class="flash flash-error" role="alert">Còn 1 nhiệm vụ chưa có cơ quan chủ trì'
        in alarmed
    )
    assert 'class="flash flash-error"' not in client.get(review).text  # shown once


def test_the_plan_header_is_corrected_recorded_and_kept_when_the_document_comes_again(
    client_for, world: World
):
    client = client_for("coordinator")
    review = f"/plans/{world.draft_id}"
    response = send(
        client,
        f"{review}/header",
        review,
        number="13/KH-UBND-VP",
        issuer="Ủy ban nhân dân huyện Kiểm Tra",
        issued_on="05/01/2024",
        period_start="01/02/2024",
        period_end="30/11/2024",
        coordinator="van phong thu nghiem gamma huyen kiem tra",
        leadership="chutich@example.gov.vn; phochutich@example.gov.vn",
    )
    assert said(response).startswith("Đã sửa số, ký hiệu, ngày ban hành, ngày bắt đầu thực hiện")
    plan = stored(world, Plan, world.draft_id)
    coordinator = stored(world, Agency, plan.coordinator_id)
    assert (plan.number, plan.issued_on, plan.period_end) == (
        "13/KH-UBND-VP",
        date(2024, 1, 5),
        date(2024, 11, 30),
    )
    assert coordinator.name == C_NAME
    assert plan.leadership_emails == "chutich@example.gov.vn,phochutich@example.gov.vn"
    page = client.get(review).text
    assert 'id="plan-history"' in page and "số, ký hiệu: 13/KH-UBND → 13/KH-UBND-VP" in page
    assert f"cơ quan thường trực: không có → {C_NAME}" in page
    with Session(engine_for(world.url)) as session:  # the same document, imported again
        draft = published_plan(
            ExtractedTask(
                id="T1", section="III.1", line=4, text="Nhiệm vụ của dự thảo", lead=A_NAME
            ),
            number="13/KH-UBND",
        )
        import_plan(session, draft, registry(), source_name="kh13b.txt", source_sha256="c", now=NOW)
        session.commit()
    again = stored(world, Plan, world.draft_id)
    assert (again.number, again.period_start, again.coordinator_id) == (
        "13/KH-UBND-VP",
        date(2024, 2, 1),
        plan.coordinator_id,
    )
    assert again.source_name == "kh13b.txt"


def test_a_header_with_a_period_ending_before_it_starts_is_refused_keeping_what_was_typed(
    client_for, world: World
):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    response = send(
        client, f"{review}/header", review, period_start="01/12/2024", period_end="01/01/2024"
    )
    assert response.status_code == 400
    assert "Ngày bắt đầu thực hiện phải trước ngày kết thúc." in response.text
    assert 'value="01/12/2024"' in response.text and 'id="plan-desk" open' in response.text
    with Session(engine_for(world.url)) as session:
        assert session.exec(select(PlanEvent)).all() == []


def test_a_plan_coordinator_cannot_hand_its_plan_to_another_body(client_for, world: World):
    client = client_for("plan_coordinator")
    review = f"/plans/{world.plan_id}"
    response = send(client, f"{review}/header", review, coordinator=A_NAME, number="12/KH-X")
    assert response.status_code == 400
    assert "Chỉ điều phối chung được giao kế hoạch cho cơ quan thường trực khác." in response.text
    plan = stored(world, Plan, world.plan_id)
    assert plan.number == "12/KH-UBND" and stored(world, Agency, plan.coordinator_id).name == C_NAME
    own = send(client, f"{review}/header", review, coordinator=C_NAME, number="12/KH-X")
    assert said(own) == "Đã sửa số, ký hiệu của kế hoạch."


def _alarms(world: World, task_id: int) -> list[str]:
    with Session(engine_for(world.url)) as session:
        rows = session.exec(
            select(TaskAlarm).where(TaskAlarm.task_id == task_id).order_by(col(TaskAlarm.id))
        ).all()
        return sorted(a.kind for a in rows)


def test_a_plans_reminder_policy_set_on_the_web_reschedules_its_open_tasks(client_for, world):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    response = send(client, f"{review}/policy", review, offsets="10,2", escalation_days="0,5,10")
    assert said(response).startswith("Đã lưu lịch nhắc của kế hoạch; lịch nhắc của 4 nhiệm vụ")
    plan = stored(world, Plan, world.plan_id)
    assert (plan.reminder_offsets, plan.escalation_days) == ("10,2", "0,5,10")
    assert "before-10" in _alarms(world, world.task_a_later)
    assert "trước hạn 10,2 ngày làm việc" in client.get(review).text
    bad = send(client, f"{review}/policy", review, offsets="mười", escalation_days="")
    assert bad.status_code == 400 and 'value="mười"' in bad.text
    back = send(client, f"{review}/policy", review, offsets="", escalation_days="")
    assert said(back).startswith("Đã lưu lịch nhắc của kế hoạch")
    plan = stored(world, Plan, world.plan_id)
    assert (plan.reminder_offsets, plan.escalation_days) == (None, None)


def test_a_bodys_own_reminder_offsets_are_set_from_the_review_page(client_for, world):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    response = send(
        client,
        f"{review}/agency-policy",
        review,
        name="PHONG THU NGHIEM BETA huyen kiem tra",
        offsets="15,1",
    )
    assert said(response).startswith(f"Đã lưu lịch nhắc riêng của «{B_NAME}»")
    with Session(engine_for(world.url)) as session:
        beta = session.exec(select(Agency).where(Agency.name == B_NAME)).one()
    assert beta.reminder_offsets == "15,1"
    assert "before-15" in _alarms(world, world.task_b)
    assert f"Lịch nhắc riêng: {B_NAME} (15,1)" in client.get(review).text


def test_a_bulk_deadline_reaches_every_ticked_task_in_one_go_and_says_how_many(client_for, world):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    ticked = [world.task_a, world.task_b, world.task_b_with_a]
    page = client.get(review).text
    assert all(f'name="task" value="{t}" form="bulk"' in page for t in ticked)
    response = client.post(
        f"{review}/tasks/bulk",
        data={
            "csrf": csrf_of(client, review),
            "action": "due",
            "due": "30/06/2024",
            "task": [str(t) for t in ticked],
        },
        follow_redirects=False,
    )
    # T2 was already due on 30/06/2024: it is left alone, and the message says so.
    assert said(response) == "Đã đặt hạn 30/06/2024 cho 2 nhiệm vụ (1 nhiệm vụ không cần đổi)."
    assert {stored(world, Task, t).due for t in ticked} == {date(2024, 6, 30)}
    lead = client.post(
        f"{review}/tasks/bulk",
        data={
            "csrf": csrf_of(client, review),
            "action": "lead",
            "lead": "phong thu nghiem alpha huyen kiem tra",
            "task": [str(world.task_b)],
        },
        follow_redirects=False,
    )
    assert said(lead) == f"Đã giao «{A_NAME}» chủ trì 1 nhiệm vụ."
    dropped = client.post(
        f"{review}/tasks/bulk",
        data={
            "csrf": csrf_of(client, review),
            "action": "drop",
            "task": [str(world.task_b), str(world.task_a_later)],
        },
        follow_redirects=False,
    )
    assert said(dropped) == "Đã bỏ 2 nhiệm vụ."
    assert {stored(world, Task, t).status for t in (world.task_b, world.task_a_later)} == {
        "dropped"
    }


def test_a_bulk_action_with_a_task_of_another_plan_changes_nothing(client_for, world: World):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    response = client.post(
        f"{review}/tasks/bulk",
        data={
            "csrf": csrf_of(client, review),
            "action": "drop",
            "task": [str(world.task_a), str(world.draft_task)],
        },
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert stored(world, Task, world.task_a).status == "not_started"
    nothing = send(client, f"{review}/tasks/bulk", review, action="drop")
    assert nothing.status_code == 400 and "Hãy đánh dấu ít nhất một nhiệm vụ." in nothing.text


@pytest.mark.parametrize(
    "typed", ["van phong thu nghiem", "VĂN PHÒNG  Thử–nghiệm", "Gamma huyen", "vanphong"]
)
def test_the_body_search_finds_a_body_whatever_its_tone_marks_case_spacing_or_dashes(
    client_for, typed: str
):
    names = client_for("coordinator").get("/agencies/search", params={"q": typed}).json()["names"]
    if typed == "vanphong":  # words are words: a run-together name is not guessed
        assert C_NAME not in names
    else:
        assert names[0] == C_NAME


def test_the_body_search_puts_the_exact_name_first_and_answers_nothing_to_nothing(client_for):
    client = client_for("coordinator")
    names = client.get("/agencies/search", params={"q": "phong thu nghiem"}).json()["names"]
    assert names[:2] == [A_NAME, B_NAME]
    assert client.get("/agencies/search", params={"q": " – "}).json() == {"names": []}


def test_the_review_page_brings_the_picker_script_served_with_the_app(client_for, world):
    client = client_for("coordinator")
    page = client.get(f"/plans/{world.plan_id}").text
    assert '<script src="/static/picker.js" defer></script>' in page and "data-picker" in page
    script = client.get("/static/picker.js")
    assert script.status_code == 200 and "/agencies/search?q=" in script.text


def test_a_lead_typed_without_tone_marks_is_the_one_body_with_that_name(client_for, world):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    response = send(
        client,
        f"{review}/tasks/{world.task_a}/correct",
        review,
        lead="phong thu nghiem beta huyen kiem tra",
    )
    assert said(response) == f"Đã sửa cơ quan chủ trì của nhiệm vụ #{world.task_a}."
    assert stored(world, Agency, stored(world, Task, world.task_a).lead_id).name == B_NAME


def test_a_new_body_entered_from_the_review_page_leads_the_task_and_later_imports_find_it(
    client_for, world: World
):
    client = client_for("coordinator")
    review = f"/plans/{world.draft_id}"
    store(world, Task, world.draft_task, lead_id=None)
    form = client.get(review).text
    assert f'id="add-agency-{world.draft_task}"' in form
    response = send(
        client,
        f"{review}/agencies/add",
        review,
        name="Hội Nông dân huyện Kiểm Tra",
        level="huyen",
        locality="huyện Kiểm Tra",
        email="hoinongdan@example.gov.vn",
        task=str(world.draft_task),
        make_lead="1",
    )
    assert said(response) == "Đã thêm «Hội Nông dân huyện Kiểm Tra» vào danh mục cơ quan."
    lead = stored(world, Agency, stored(world, Task, world.draft_task).lead_id)
    assert (lead.name, lead.registered, lead.level, lead.email) == (
        "Hội Nông dân huyện Kiểm Tra",
        True,
        "huyen",
        "hoinongdan@example.gov.vn",
    )
    assert lead.key == f"web.{lead.id}"
    again = send(
        client,
        f"{review}/agencies/add",
        review,
        name="hội nông dân huyện kiểm tra",
        level="huyen",
        locality="huyện Kiểm Tra",
    )
    assert again.status_code == 400 and "Danh mục đã có «Hội Nông dân huyện Kiểm Tra»" in again.text
    with Session(engine_for(world.url)) as session:  # a later plan naming it finds the same body
        later = published_plan(
            ExtractedTask(
                id="T1",
                section="I",
                line=4,
                text="Vận động hội viên",
                lead="Hội Nông dân huyện Kiểm Tra",
            ),
            number="20/KH-UBND",
        )
        outcome = import_plan(
            session, later, registry(), source_name="kh20.txt", source_sha256="d", now=NOW
        )
        session.commit()
        new = session.exec(select(Task).where(Task.plan_id == outcome.plan_id)).one()
    assert new.lead_id == lead.id


def _warn(world: World, plan_id: int, *messages: str) -> None:
    with Session(engine_for(world.url)) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        for message in messages:
            session.add(PlanWarning(plan_id=plan_id, revision=plan.revision, message=message))
        session.commit()


def test_the_review_list_of_things_to_check_shrinks_as_corrections_and_merges_are_made(
    client_for, world: World
):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    line = stored(world, Task, world.task_a).line
    _warn(
        world,
        world.plan_id,
        f"Dòng {line}: thời hạn «cuối quý» không rõ ngày",
        f"Cơ quan chưa có trong danh mục: {A_NAME}",
        "Không xác định được ngày ban hành; hãy nhập khi duyệt",
    )
    page = client.get(review).text
    assert "thời hạn «cuối quý» không rõ ngày" in page
    assert f"Cơ quan chưa có trong danh mục: {A_NAME}" in page
    assert "Không xác định được ngày ban hành" in page
    send(client, f"{review}/tasks/{world.task_a}/correct", review, due="29/03/2024")
    send(client, f"{review}/header", review, issued_on="02/01/2024")
    page = client.get(review).text
    assert "không rõ ngày" not in page and "Không xác định được ngày ban hành" not in page
    assert f"Cơ quan chưa có trong danh mục: {A_NAME}" in page
    with Session(engine_for(world.url)) as session:
        ids = {a.name: a.id for a in session.exec(select(Agency)).all()}
    send(client, "/agencies/merge", "/agencies", source=str(ids[A_NAME]), into=str(ids[B_NAME]))
    page = client.get(review).text
    assert "Cơ quan chưa có trong danh mục" not in page and 'id="warnings"' not in page


def test_re_uploading_a_published_plan_keeps_it_published_and_lists_the_changes(
    client_for, world: World
):
    client = client_for("coordinator")
    source = PLANS / "tu-mo-rong-2022-giam-ngheo.txt"
    text = source.read_text(encoding="utf-8")

    def upload(content: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/plans/upload",
            data={"csrf": csrf_of(client, "/plans/upload")},
            files={"document": (source.name, content.encode("utf-8"), "text/plain")},
            follow_redirects=False,
        )

    first = upload(text)
    plan_path = first.headers["location"]
    send(client, f"{plan_path}/publish", plan_path, force="1")
    lines = text.split("\n")
    gone = lines[167]
    assert gone.startswith("- Tổng hợp, tham mưu báo cáo kết quả thực hiện")
    added = "- Chủ trì tổ chức hội nghị sơ kết công tác giảm nghèo trước ngày 15/12/2022."
    revised = "\n".join([*lines[:167], *lines[168:176], added, *lines[176:]])
    again = upload(revised)
    assert again.status_code == 200
    assert "Kế hoạch <strong>vẫn đã ban hành</strong>" in again.text
    assert "thêm 1, sửa 0, bỏ 1 nhiệm vụ" in again.text
    assert "hội nghị sơ kết công tác giảm nghèo" in again.text.split('id="reimport-added"')[1]
    assert "Tổng hợp, tham mưu báo cáo kết quả" in again.text.split('id="reimport-dropped"')[1]
    plan_id = int(plan_path.rsplit("/", 1)[1])
    assert stored(world, Plan, plan_id).status == PlanStatus.PUBLISHED
    with Session(engine_for(world.url)) as session:
        new = session.exec(
            select(Task).where(Task.plan_id == plan_id, col(Task.text).contains("hội nghị sơ kết"))
        ).one()
    assert new.due == date(2022, 12, 15) and _alarms(world, new.id)  # reminded like the others
    same = upload(revised)
    assert "Văn bản không có gì thay đổi so với lần nhập trước." in same.text


def test_a_leadership_address_that_is_not_one_is_refused_and_the_others_are_kept_as_typed(
    client_for, world: World
):
    client = client_for("coordinator")
    review = f"/plans/{world.plan_id}"
    typed = "chutich@example.gov.vn, ai đó"
    response = send(client, f"{review}/header", review, leadership=typed)
    assert response.status_code == 400
    assert "Địa chỉ lãnh đạo không hợp lệ: «ai»." in response.text
    assert f'value="{typed}"' in response.text
    assert stored(world, Plan, world.plan_id).leadership_emails is None


def test_a_plan_coordinator_cannot_enter_in_the_registry_a_body_another_plan_names_too(
    client_for, world: World
):
    client = client_for("plan_coordinator")
    review = f"/plans/{world.plan_id}"
    shared = send(
        client,
        f"{review}/agencies/add",
        review,
        name=A_NAME,
        level="huyen",
        locality="huyện Kiểm Tra",
    )
    assert (
        shared.status_code == 403
    )  # body A also leads the draft, which body C does not coordinate
    own = send(
        client,
        f"{review}/agencies/add",
        review,
        name=B_NAME,
        level="huyen",
        locality="huyện Kiểm Tra",
    )
    assert said(own) == f"Đã thêm «{B_NAME}» vào danh mục cơ quan."
    with Session(engine_for(world.url)) as session:
        alpha = session.exec(select(Agency).where(Agency.name == A_NAME)).one()
        beta = session.exec(select(Agency).where(Agency.name == B_NAME)).one()
    assert (alpha.registered, beta.registered, beta.key) == (False, True, f"web.{beta.id}")
