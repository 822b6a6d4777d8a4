"""What each role is shown, not only which pages open: lists, exports and drop-downs hold exactly
the tasks and plans in the role's scope; every POST form on every page carries the CSRF token."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.agencies import Agency
from models.db import engine_for
from models.delivery import OutboxMessage
from models.plans import Plan
from tests.web.objects import Objects
from tests.web.world import C_NAME, NOW, World, csrf_of
from workflows.followup.updates import request_extension

TEXTS = {
    "task_a": "Rà soát hộ nghèo quý I",
    "task_b": "Báo cáo tiến độ 6 tháng",
    "task_ab": "Tập huấn cán bộ cơ sở",
    "task_a_later": "Tổng kết năm",
    "draft_task": "Nhiệm vụ của dự thảo",
}
# Which tasks each role may see (agency: lead or partner, published plans only).
SCOPE = {
    "agency_a": {"task_a", "task_ab", "task_a_later"},
    "agency_b": {"task_b", "task_ab"},
    "leader": {"task_a", "task_b", "task_ab", "task_a_later"},
    # Body C coordinates the published plan (12/KH-UBND), not the draft.
    "plan_coordinator": {"task_a", "task_b", "task_ab", "task_a_later"},
    "coordinator": {"task_a", "task_b", "task_ab", "task_a_later", "draft_task"},
}


def ids_of(world: World) -> dict[str, int]:
    return {
        "task_a": world.task_a,
        "task_b": world.task_b,
        "task_ab": world.task_b_with_a,
        "task_a_later": world.task_a_later,
        "draft_task": world.draft_task,
    }


def listed_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/tasks/(\d+)"', html)}


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_the_task_list_shows_exactly_the_roles_tasks(role, world: World, client_for):
    ids = ids_of(world)
    html = client_for(role).get("/tasks").text
    assert listed_ids(html) == {ids[name] for name in SCOPE[role]}


@pytest.mark.parametrize("role", ["agency_a", "agency_b"])
def test_an_agency_cannot_widen_its_list_with_filters(role, world, objects: Objects, client_for):
    """Asking for the other body, the draft plan or a status does not leave the scope."""
    ids, client = ids_of(world), client_for(role)
    allowed = {ids[name] for name in SCOPE[role]}
    for query in (
        f"?agency={objects.agency_a}",
        f"?agency={objects.agency_b}",
        f"?plan={world.draft_id}",
        "?status=not_started",
        "?from=01/01/2020&to=31/12/2030",
    ):
        assert listed_ids(client.get("/tasks" + query).text) <= allowed, query


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_the_xlsx_export_holds_exactly_the_roles_tasks(role, world: World, client_for):
    response = client_for(role).get("/export/tasks.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert texts == {TEXTS[name] for name in SCOPE[role]}


def test_leadership_is_not_told_that_a_draft_plan_exists(world: World, client_for):
    client = client_for("leader")
    for path in ("/tasks", "/plans", "/board", "/scorecards?period=2024", "/milestones"):
        html = client.get(path).text
        assert "13/KH-UBND" not in html, path
        assert "12/KH-UBND" in html or path.startswith(("/scorecards", "/board")), path


def test_filters_narrow_the_coordinators_list(world: World, objects: Objects, client_for):
    ids, client = ids_of(world), client_for("coordinator")
    cases = {
        f"?plan={world.plan_id}": {"task_a", "task_b", "task_ab", "task_a_later"},
        f"?plan={world.draft_id}": {"draft_task"},
        f"?agency={objects.agency_b}": {"task_b", "task_ab"},  # lead or partner
        "?status=overdue": {"task_a", "task_ab"},
        "?from=01/04/2024&to=30/06/2024": {"task_b", "task_ab"},
        "?quarter=Quý I/2024": {"task_a"},
        "?quarter=2024-Q4": {"task_a_later"},
        f"?agency={objects.agency_a}&status=overdue": {"task_a", "task_ab"},
    }
    for query, expected in cases.items():
        shown = listed_ids(client.get("/tasks" + query).text)
        assert shown == {ids[name] for name in expected}, query


def test_a_plan_coordinator_is_held_to_its_plans_whatever_it_asks(
    world: World, objects: Objects, client_for
):
    """Filters, the export and the plan list never reach the draft its body does not coordinate;
    its plans' drafts and published plans alike are all there."""
    ids, client = ids_of(world), client_for("plan_coordinator")
    own = {ids[name] for name in SCOPE["plan_coordinator"]}
    cases = {
        f"?plan={world.draft_id}": set(),
        f"?plan={world.plan_id}": own,
        f"?agency={objects.agency_a}": {ids["task_a"], ids["task_ab"], ids["task_a_later"]},
        "?from=01/01/2020&to=31/12/2030": own,
        "?quarter=2024-Q3": set(),  # the draft's only task is due 30/09/2024
    }
    for query, expected in cases.items():
        assert listed_ids(client.get("/tasks" + query).text) == expected, query
        export = client.get("/export/tasks.xlsx" + query)
        sheet = load_workbook(io.BytesIO(export.content)).active
        texts = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)} - {None}
        by_id = {ids[n]: TEXTS[n] for n in TEXTS}
        assert texts == {by_id[i] for i in expected}, query
    for path in ("/tasks", "/plans", f"/plans/{world.plan_id}", "/export/tasks.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "13/KH-UBND" not in response.text, path
    assert "12/KH-UBND" in client.get("/plans").text
    assert "/board" not in client.get("/tasks").text  # the leadership pages are not offered


def _mail(session: Session, key: str, plan_id: int | None) -> None:
    session.add(
        OutboxMessage(
            key=key,
            message_id=f"<{key}@kehoach>",
            kind="reminder_digest",
            recipient=f"{key}@example.gov.vn",
            plan_id=plan_id,
            subject=f"Thư {key}",
            body_text="",
            body_html="",
            next_attempt_at=NOW,
            created_at=NOW,
        )
    )


def test_a_plan_coordinator_sees_and_decides_only_its_plans_requests_and_mail(
    world: World, objects: Objects, client_for
):
    with Session(engine_for(world.url), expire_on_commit=False) as session:
        other = request_extension(
            session, world.draft_task, date(2024, 12, 31), "Chờ dự thảo", "alpha", NOW
        )
        _mail(session, "own-plan", world.plan_id)
        _mail(session, "draft-plan", world.draft_id)
        _mail(session, "no-plan", None)
        session.commit()
    scoped, full = client_for("plan_coordinator"), client_for("coordinator")
    listing = scoped.get("/extensions").text
    assert "Chờ số liệu" in listing and "Chờ dự thảo" not in listing
    assert "Chờ dự thảo" in full.get("/extensions").text
    token = csrf_of(scoped, "/tasks")
    refused = scoped.post(
        f"/extensions/{other.id}/decide",
        data={"decision": "approve", "csrf": token},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    mail = scoped.get("/delivery").text
    assert "Thư own-plan" in mail
    assert "Thư draft-plan" not in mail and "Thư no-plan" not in mail
    everything = full.get("/delivery").text
    assert all(f"Thư {k}" in everything for k in ("own-plan", "draft-plan", "no-plan"))


def rows(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr id="agency-(\d+)"', html)}


def test_a_plan_coordinator_is_shown_only_the_bodies_of_its_own_plans(
    world: World, objects: Objects, client_for
):
    """Body A also leads the draft's task (a plan body C does not coordinate): its shared
    entry (addresses, aliases, feed) is not offered; B and C appear only in C's plan."""
    scoped = rows(client_for("plan_coordinator").get("/agencies").text)
    full = rows(client_for("coordinator").get("/agencies").text)
    assert scoped == {objects.agency_b, objects.agency_c}
    assert {objects.agency_a, objects.agency_b, objects.agency_c} <= full


PLAN_WITHOUT_COORDINATOR = """ỦY BAN NHÂN DÂN
HUYỆN KIỂM TRA
Số: 21/KH-UBND
Kiểm Tra, ngày 10 tháng 01 năm 2024

KẾ HOẠCH
Thực hiện công tác thử nghiệm năm 2024

I. MỤC ĐÍCH, YÊU CẦU
Bảo đảm thực hiện đúng tiến độ.
"""
PLANS = Path(__file__).parent.parent / "data" / "plans"


def _upload(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": (name, data, "text/plain")},
        follow_redirects=False,
    )


def test_a_plan_coordinators_upload_is_its_own_and_anothers_plan_is_refused(
    world: World, client_for
):
    scoped, full = client_for("plan_coordinator"), client_for("coordinator")
    uploaded = _upload(scoped, "kh21.txt", PLAN_WITHOUT_COORDINATOR.encode())
    assert uploaded.status_code == 303, uploaded.text[:400]
    plan_path = uploaded.headers["location"]
    with Session(engine_for(world.url)) as session:
        plan = session.exec(select(Plan).where(Plan.number == "21/KH-UBND")).one()
        gamma = session.exec(select(Agency).where(Agency.name == C_NAME)).one()
        assert plan.coordinator_id == gamma.id  # none in the document: the uploader's body
    assert scoped.get(plan_path).status_code == 200 and full.get(plan_path).status_code == 200
    again = _upload(scoped, "kh21.txt", PLAN_WITHOUT_COORDINATOR.encode())  # its own, again
    assert again.status_code == 200 and "Văn bản không có gì thay đổi" in again.text
    # A document naming another coordinating body, new or already stored: refused, nothing kept.
    source = PLANS / "tu-mo-rong-2022-giam-ngheo.txt"
    before = _plan_count(world)
    refused = _upload(scoped, source.name, source.read_bytes())
    assert refused.status_code == 400 and "do cơ quan khác điều phối" in refused.text
    assert _plan_count(world) == before
    assert _upload(full, source.name, source.read_bytes()).status_code == 303
    again = _upload(scoped, source.name, source.read_bytes())
    assert again.status_code == 400 and "do cơ quan khác điều phối" in again.text
    assert _plan_count(world) == before + 1


def _plan_count(world: World) -> int:
    with Session(engine_for(world.url)) as session:
        return len(session.exec(select(Plan)).all())


class Forms(HTMLParser):
    """Each <form>: its method, action and the names/values of its hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (found.get("method") or "get").lower(),
                    "action": found.get("action") or "",
                    "hidden": {},
                }
            )
        elif tag == "input" and self.forms and found.get("type") == "hidden":
            self.forms[-1]["hidden"][found.get("name")] = found.get("value")


def pages_for(world: World, objects: Objects, role: str) -> list[str]:
    ids = ids_of(world)
    tasks = [f"/tasks/{ids[name]}" for name in sorted(SCOPE.get(role, set()))]
    staff = [
        "/plans",
        f"/plans/{world.plan_id}",
        f"/plans/{world.plan_id}/graph",
        f"/plans/{world.plan_id}/timeline",
        "/board",
        "/scorecards",
        "/milestones",
    ]
    coordinator = [
        f"/plans/{world.draft_id}",
        "/plans/upload",
        "/extensions",
        "/delivery",
        "/agencies",
    ]
    return {
        "anonymous": ["/login"],
        "agency_a": ["/tasks", "/feed", *tasks],
        "agency_b": ["/tasks", "/feed", *tasks],
        "leader": ["/tasks", *staff, *tasks],
        "coordinator": ["/tasks", *staff, *coordinator, *tasks],
        "plan_coordinator": ["/tasks", *staff[:4], *coordinator[1:], *tasks],
    }[role]


ROLES = ["anonymous", "agency_a", "agency_b", "leader", "plan_coordinator", "coordinator"]


@pytest.mark.parametrize("role", ROLES)
def test_every_post_form_on_every_page_carries_the_sessions_csrf_token(
    role, world: World, objects: Objects, client_for
):
    client = client_for(None if role == "anonymous" else role)
    token = csrf_of(client, "/login" if role == "anonymous" else "/tasks")
    seen = 0
    for path in pages_for(world, objects, role):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        parser = Forms()
        parser.feed(response.text)
        for form in parser.forms:
            if form["method"] == "post":
                seen += 1
                assert form["hidden"].get("csrf") == token, (path, form["action"])
    assert seen > 0
