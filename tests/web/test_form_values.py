"""Every form of the app, as every role, with empty, overlong, hostile and repeated values: each
answer is a page or a redirect with a message (never a 500), and the app's log stays free of
tracebacks. The routes come from the app's router, the field names from its templates."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlmodel import Session, select

from models.db import engine_for
from models.tasks import Task
from tests.web.test_authorization import MATRIX, ROLES, Cell, app_routes, fill
from tests.web.world import A_NAME, World, csrf_of
from web.app import create_app
from web.render import FLASH_COOKIE

pytestmark = pytest.mark.usefixtures("clean_server_log")

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
NOT_FIELDS = {"csrf", "viewport", "file", "document"}  # the token, a <meta>, the file inputs
QUERY_KEYS = ("plan", "agency", "status", "from", "to", "quarter", "page", "period", "year", "next")
VALUES = {
    "empty": "",
    "blank": " \t\n ",
    "overlong": "Quá dài " * 7_000,  # ~56 KB: under the 64 KB a field may hold
    "markup": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "sql": "1' OR '1'='1'; DROP TABLE task; --",
    "header": "a@example.gov.vn\r\nBcc: ke-gian@evil.example",
    "nul": "Phòng\x00Alpha",
    "path": "../../../../etc/passwd",
    "number": "-99999999999999999999999",
    "date": "31/02/2024",
    "unicode": "Pho\u0300ng Thu\u031b\u0309 nghie\u0323m \U0001f525 \u202e",
    "formula": '=HYPERLINK("http://evil.example","x")',
}


def form_fields() -> list[str]:
    names = set()
    for template in TEMPLATES.glob("*.html"):
        names |= set(re.findall(r'name="([a-z_]+)"', template.read_text(encoding="utf-8")))
    return sorted(names - NOT_FIELDS)


FIELDS = form_fields()
POSTS = sorted(k for k in MATRIX if k[0] == "POST")
GETS = sorted(k for k in MATRIX if k[0] == "GET")


def test_the_walk_reaches_every_route_and_every_field(world: World):
    assert set(POSTS) | set(GETS) == app_routes(create_app(world.url))
    assert {"text", "lead", "due", "email", "name", "source", "into", "reason"} <= set(FIELDS)


def _client(client_for, role: str):  # type: ignore[no-untyped-def]
    client = client_for(None if role == "anonymous" else role)
    return client, csrf_of(client, "/login" if role == "anonymous" else "/tasks")


def route(key: tuple[str, str], world: World, objects) -> tuple[Cell, str]:  # type: ignore[no-untyped-def]
    """The matrix's cell for a route, and its path filled with the cell's first object."""
    cell, _ = MATRIX[key]
    return cell, fill(key[1], cell.params(world, objects, cell.objects[0]))


def sendings(cell: Cell) -> dict[str, dict]:
    """What each role sends: every field with each value above, then the route's form twice."""
    own = {**cell.data, **cell.per_object.get(cell.objects[0], {})}
    hostile = {label: dict.fromkeys(FIELDS, value) for label, value in VALUES.items()}
    return {**hostile, "its form": own, "its form again": own}


@pytest.mark.parametrize("key", POSTS, ids=lambda k: k[1])
def test_every_form_answers_hostile_and_repeated_values_without_a_server_error(
    key, world: World, objects, client_for
):
    cell, path = route(key, world, objects)
    failures = []
    clients = {role: _client(client_for, role) for role in ROLES}  # before any failed log-in
    for role in ROLES:
        client, token = clients[role]
        for label, data in sendings(cell).items():
            response = client.post(
                path, data={**data, "csrf": token}, files=cell.files, follow_redirects=False
            )
            if response.status_code >= 500:
                failures.append(f"{role} {label}: {response.status_code}")
            elif response.status_code == 303 and FLASH_COOKIE in response.cookies:
                landed = client.get(response.headers["location"])
                if landed.status_code >= 500:
                    failures.append(f"{role} {label}: landing {landed.status_code}")
            if path == "/logout":
                client, token = _client(client_for, role)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("key", GETS, ids=lambda k: k[1])
def test_every_page_answers_hostile_query_values_without_a_server_error(
    key, world: World, objects, client_for
):
    _, path = route(key, world, objects)
    for role in ROLES:
        client = client_for(None if role == "anonymous" else role)
        for label, value in VALUES.items():
            if label == "overlong":
                value = value[:400]  # a URL, not a body: ten keys of it
            query = dict.fromkeys(QUERY_KEYS, value)
            response = client.get(path, params=query, follow_redirects=False)
            assert response.status_code < 500, (role, path, label)


def test_adding_a_task_the_plan_already_has_says_so_in_vietnamese(world: World, client_for):
    client = client_for("coordinator")
    form = {
        "text": "Tổ chức hội nghị sơ kết",
        "lead": A_NAME,
        "due": "30/06/2024",
        "csrf": csrf_of(client, "/tasks"),
    }
    first = client.post(f"/plans/{world.plan_id}/tasks/add", data=form, follow_redirects=False)
    assert unquote(first.cookies[FLASH_COOKIE]).startswith("Đã thêm nhiệm vụ")
    again = client.post(f"/plans/{world.plan_id}/tasks/add", data=form, follow_redirects=False)
    assert again.status_code == 400  # the review page again, the form as it was typed
    said = again.text.split('id="add-task-error">')[1].split("</p>")[0]
    assert said.startswith("Kế hoạch đã có nhiệm vụ này: #") and "Tổ chức hội nghị sơ kết" in said
    form_part = again.text.split('id="add-task-form"')[1].split("</form>")[0]
    assert ">Tổ chức hội nghị sơ kết</textarea>" in form_part and 'value="30/06/2024"' in form_part
    with Session(engine_for(world.url)) as session:
        same = session.exec(select(Task).where(Task.text == "Tổ chức hội nghị sơ kết")).all()
    assert len(same) == 1
