"""What each role is shown, not only which pages open: lists, exports and drop-downs hold exactly
the tasks and plans in the role's scope; every POST form on every page carries the CSRF token."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from tests.web.objects import Objects
from tests.web.world import World, csrf_of

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
    }[role]


@pytest.mark.parametrize("role", ["anonymous", "agency_a", "agency_b", "leader", "coordinator"])
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
