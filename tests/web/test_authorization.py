"""Every route × every role × own/other objects: nobody reaches what is not theirs.

The matrix below is written out by hand (not derived from the app's own rules). A route added
to the app without a row here fails ``test_the_matrix_covers_every_route``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import pytest
from sqlalchemy import inspect, text
from starlette.routing import Mount, Route

from models.db import engine_for
from notifications.links import LinkAction
from tests.web.objects import NEW_PASSWORD, Objects, link_token, reset_token
from tests.web.world import A_NAME, B_NAME, EMAILS, PASSWORD, World, csrf_of
from web.render import FLASH_COOKIE

# The app's log must stay free of tracebacks and 500s throughout (tests/web/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_server_log")

ROLES = ("anonymous", "agency_a", "agency_b", "leader", "plan_coordinator", "coordinator")
# Each group walks a world of its own. In the first, coordinator comes last: it is the one whose
# allowed actions change the world (drop, merge, publish…). The plan coordinator (body C, which
# coordinates the published plan and not the draft) changes the same things, so it gets its own.
GROUPS = (("anonymous", "agency_a", "agency_b", "leader", "coordinator"), ("plan_coordinator",))
TASKS = ("task_a", "task_ab", "task_b", "draft_task")

# Shorthands: one code for every object, or a code per object.
VIEW_TASK = {
    "anonymous": 302,
    "agency_a": {"task_a": 200, "task_ab": 200, "task_b": 404, "draft_task": 404},
    "agency_b": {"task_a": 404, "task_ab": 200, "task_b": 200, "draft_task": 404},
    "leader": {"task_a": 200, "task_ab": 200, "task_b": 200, "draft_task": 404},
    "plan_coordinator": {"task_a": 200, "task_ab": 200, "task_b": 200, "draft_task": 404},
    "coordinator": 200,
}
WRITE_TASK = {
    "anonymous": 403,
    "agency_a": {"task_a": 303, "task_ab": 403, "task_b": 404, "draft_task": 404},
    "agency_b": {"task_a": 404, "task_ab": 303, "task_b": 303, "draft_task": 404},
    "leader": {"task_a": 403, "task_ab": 403, "task_b": 403, "draft_task": 404},
    "plan_coordinator": {"task_a": 303, "task_ab": 303, "task_b": 303, "draft_task": 404},
    "coordinator": 303,
}
VIEW_PLAN = {
    "anonymous": 302,
    "agency_a": 403,
    "agency_b": 403,
    "leader": {"plan": 200, "draft": 404},
    "plan_coordinator": {"plan": 200, "draft": 404},
    "coordinator": 200,
}
NO_AGENCY = {"anonymous": 302, "agency_a": 403, "agency_b": 403}
STAFF_PAGE = {**NO_AGENCY, "leader": 200, "plan_coordinator": 200, "coordinator": 200}
# The leadership pages count every plan: not for a coordinator limited to some.
BOARD_PAGE = {**NO_AGENCY, "leader": 200, "plan_coordinator": 403, "coordinator": 200}
COORD_PAGE = {**NO_AGENCY, "leader": 403, "plan_coordinator": 200, "coordinator": 200}
# Accounts: the coordinator without a body only.
ADMIN_PAGE = {**COORD_PAGE, "plan_coordinator": 403}
USER_PAGE = {"anonymous": 302, "agency_a": 200, "agency_b": 200, "leader": 200}
USER_PAGE |= {"plan_coordinator": 200, "coordinator": 200}


def coord_post(code: int | dict, plan: int | dict | None = None) -> dict:
    """Coordinators only; ``plan``: what the plan coordinator gets, when it differs."""
    others = dict.fromkeys(("anonymous", "agency_a", "agency_b", "leader"), 403)
    return {**others, "plan_coordinator": code if plan is None else plan, "coordinator": code}


def admin_post(code: int | dict) -> dict:
    """The coordinator without a body only."""
    return {**coord_post(code), "plan_coordinator": 403}


def everyone(code: int | dict) -> dict:
    return dict.fromkeys(ROLES, code)


@dataclass(frozen=True)
class Cell:
    """How to call one route for one object: path parameters and form data."""

    params: Callable[[World, Objects, str | None], dict]
    objects: tuple[str | None, ...] = (None,)
    data: dict = field(default_factory=dict)
    per_object: dict[str | None, dict] = field(default_factory=dict)  # more data, by object
    files: dict | None = None
    said: str | None = None  # a 303 that did the job: the start of its flash ("" for none)
    lands: str | None = None  # … and where it redirects to (a path prefix), when fixed


def task_params(world: World, objects: Objects, obj: str | None) -> dict:
    ids = {
        "task_a": world.task_a,
        "task_ab": world.task_b_with_a,
        "task_b": world.task_b,
        "draft_task": world.draft_task,
    }
    task_id = ids[obj or "task_a"]
    return {"task_id": task_id, "evidence_id": objects.evidence[task_id]}


def plan_params(world: World, objects: Objects, obj: str | None) -> dict:
    return {"plan_id": world.draft_id if obj in ("draft", "mismatch") else world.plan_id}


def plan_task_params(world: World, objects: Objects, obj: str | None) -> dict:
    pairs = {
        "task_a": (world.plan_id, world.task_a),
        "draft_task": (world.draft_id, world.draft_task),
        "mismatch": (world.draft_id, world.task_a),  # a task of another plan: not found
    }
    plan_id, task_id = pairs[obj or "task_a"]
    return {"plan_id": plan_id, "task_id": task_id}


def none(world: World, objects: Objects, obj: str | None) -> dict:
    return {}


def agency_params(world: World, objects: Objects, obj: str | None) -> dict:
    """``shared``: body A, which also leads the draft's task (a plan the plan coordinator's body
    does not coordinate); ``own``: body B, which appears only in body C's plan."""
    ids = {"shared": objects.agency_a, "own": objects.agency_b, "missing": 999_999}
    return {"agency_id": ids[obj or "shared"]}


def merge_data(objects: Objects, obj: str | None) -> dict:
    """``shared``: A into B (A is in another body's plan); ``own``: B into C (both only in C's)."""
    a, b, c = objects.agency_a, objects.agency_b, objects.agency_c
    source, into = {"shared": (a, b), "own": (b, c), "missing": (999_999, b)}[obj or "shared"]
    return {"source": str(source), "into": str(into)}


def bulk_data(world: World, obj: str | None) -> dict:
    """The bulk form ticks one task: the plan's own, or (``mismatch``) another plan's."""
    tasks = {"plan": world.task_a, "draft": world.draft_task, "mismatch": world.task_a}
    return {"task": str(tasks[obj or "plan"])}


def extension_params(world: World, objects: Objects, obj: str | None) -> dict:
    return {"extension_id": objects.extension_a if obj != "missing" else 999_999}


def feed_params(world: World, objects: Objects, obj: str | None) -> dict:
    return {"token": objects.feed_token if obj == "valid" else "Zm9yZ2VkLXRva2Vu"}


_salt = iter(range(10_000))


def link_params(world: World, objects: Objects, obj: str | None) -> dict:
    token = link_token(world.url, world.task_a, LinkAction.ACKNOWLEDGE, next(_salt))
    if obj == "forged":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    return {"action": "ack", "task_id": world.task_a, "token": token}


def account_params(world: World, objects: Objects, obj: str | None) -> dict:
    """``other``: body B's account (enable: the disabled account); ``self``: the coordinator's
    own; ``missing``: no such account."""
    if obj == "missing":
        return {"user_id": 999_999}
    if obj == "disabled":
        return {"user_id": objects.disabled_user}
    email = EMAILS["coordinator" if obj == "self" else "agency_b"]
    with engine_for(world.url).connect() as connection:
        query = text("SELECT id FROM web_user WHERE email = :email")
        return {"user_id": connection.execute(query, {"email": email}).scalar_one()}


def reset_params(world: World, objects: Objects, obj: str | None) -> dict:
    """A fresh one-time link to the spare account (``used``: already used; ``forged``: none)."""
    if obj == "forged":
        return {"token": "Zm9yZ2VkLXRva2VuLWRvaS1tYXQta2hhdQ"}
    return {"token": reset_token(world.url, objects.spare_user, obj or "valid")}


RESET_OBJECTS = ("valid", "used", "forged")
REGISTRY_OBJECTS = ("shared", "own", "missing")
REGISTRY_EDIT = {"shared": 303, "own": 303, "missing": 404}
SCOPED_REGISTRY_EDIT = {"shared": 403, "own": 303, "missing": 404}
PDF = {"file": ("bien-ban.pdf", b"%PDF-1.4 minh chung", "application/pdf")}
MATRIX: dict[tuple[str, str], tuple[Cell, dict]] = {
    ("GET", "/"): (Cell(none), {**everyone(302)}),
    ("GET", "/login"): (Cell(none), {**everyone(302), "anonymous": 200}),
    ("GET", "/favicon.ico"): (Cell(none), everyone(301)),  # to /static/favicon.svg, for all
    ("POST", "/login"): (
        Cell(none, data={"email": EMAILS["agency_a"], "password": PASSWORD}, said="", lands="/"),
        everyone(303),
    ),
    ("POST", "/logout"): (
        Cell(none, said="Đã đăng xuất.", lands="/login"),
        {**everyone(303), "anonymous": 403},
    ),
    ("GET", "/tasks"): (Cell(none), USER_PAGE),
    ("GET", "/tasks/{task_id:id}"): (Cell(task_params, TASKS), VIEW_TASK),
    ("POST", "/tasks/{task_id:id}/status"): (
        Cell(
            task_params,
            TASKS,
            {"status": "in_progress", "progress": "40"},
            said="Đã cập nhật tình trạng nhiệm vụ.",
            lands="/tasks/",
        ),
        WRITE_TASK,
    ),
    ("POST", "/tasks/{task_id:id}/evidence"): (
        Cell(task_params, TASKS, files=PDF, said="Đã lưu minh chứng", lands="/tasks/"),
        WRITE_TASK,
    ),
    ("GET", "/tasks/{task_id:id}/evidence/{evidence_id:id}"): (
        Cell(task_params, TASKS),
        VIEW_TASK,
    ),
    ("POST", "/tasks/{task_id:id}/extension"): (
        Cell(
            task_params,
            TASKS,
            {"due": "31/12/2024", "reason": "Chờ kinh phí"},
            said="Đã gửi đề nghị gia hạn",
            lands="/tasks/",
        ),
        WRITE_TASK,
    ),
    ("GET", "/plans"): (Cell(none), STAFF_PAGE),
    ("GET", "/plans/upload"): (Cell(none), COORD_PAGE),
    ("POST", "/plans/upload"): (
        Cell(none, files={"document": ("kh.exe", b"MZ\x90\x00", "application/octet-stream")}),
        coord_post(400),  # reached: the type is refused with a message
    ),
    ("GET", "/plans/{plan_id:id}"): (Cell(plan_params, ("plan", "draft")), VIEW_PLAN),
    ("POST", "/plans/{plan_id:id}/tasks/{task_id:id}/correct"): (
        Cell(
            plan_task_params,
            ("task_a", "draft_task", "mismatch"),
            {"lead": B_NAME},
            said="Đã sửa cơ quan chủ trì",
            lands="/plans/",
        ),
        coord_post(
            {"task_a": 303, "draft_task": 303, "mismatch": 404},
            {"task_a": 303, "draft_task": 404, "mismatch": 404},
        ),
    ),
    ("POST", "/plans/{plan_id:id}/tasks/{task_id:id}/drop"): (
        Cell(
            plan_task_params,
            ("task_a", "draft_task", "mismatch"),
            said="Đã bỏ nhiệm vụ",
            lands="/plans/",
        ),
        coord_post(
            {"task_a": 303, "draft_task": 303, "mismatch": 404},
            {"task_a": 303, "draft_task": 404, "mismatch": 404},
        ),
    ),
    ("POST", "/plans/{plan_id:id}/tasks/add"): (
        Cell(
            plan_params,
            ("plan", "draft"),
            {"text": "Việc thêm", "lead": A_NAME},
            said="Đã thêm nhiệm vụ",
            lands="/plans/",
        ),
        coord_post(303, {"plan": 303, "draft": 404}),
    ),
    ("POST", "/plans/{plan_id:id}/tasks/bulk"): (  # data: bulk_data (the plan's own task)
        Cell(
            plan_params,
            ("plan", "draft", "mismatch"),
            {"action": "due", "due": "15/10/2024"},
            said="Đã đặt hạn 15/10/2024 cho 1 nhiệm vụ",
            lands="/plans/",
        ),
        coord_post(
            {"plan": 303, "draft": 303, "mismatch": 404},
            {"plan": 303, "draft": 404, "mismatch": 404},
        ),
    ),
    ("POST", "/plans/{plan_id:id}/agencies/add"): (
        Cell(
            plan_params,
            ("plan", "draft"),
            {"level": "huyen", "locality": "huyện Kiểm Tra"},
            per_object={
                "plan": {"name": "Hội Nông dân huyện Kiểm Tra"},
                "draft": {"name": "Hội Cựu chiến binh huyện Kiểm Tra"},
            },
            said="Đã thêm «",
            lands="/plans/",
        ),
        coord_post(303, {"plan": 303, "draft": 404}),
    ),
    ("POST", "/plans/{plan_id:id}/header"): (
        Cell(
            plan_params,
            ("plan", "draft"),
            {"number": "99/KH-SUA", "issued_on": "02/01/2024"},
            said="Đã sửa số, ký hiệu",
            lands="/plans/",
        ),
        coord_post(303, {"plan": 303, "draft": 404}),
    ),
    ("POST", "/plans/{plan_id:id}/policy"): (
        Cell(
            plan_params,
            ("plan", "draft"),
            {"offsets": "10,5,1,0"},
            said="Đã lưu lịch nhắc của kế hoạch",
            lands="/plans/",
        ),
        coord_post(303, {"plan": 303, "draft": 404}),
    ),
    # A body's own policy reaches every plan it is in: registry-wide, like its addresses.
    ("POST", "/plans/{plan_id:id}/agency-policy"): (
        Cell(
            plan_params,
            REGISTRY_OBJECTS,
            {"offsets": "10,5,1,0"},
            per_object={
                "shared": {"name": A_NAME},
                "own": {"name": B_NAME},
                "missing": {"name": "Phòng không có"},
            },
            said="Đã lưu lịch nhắc riêng",
            lands="/plans/",
        ),
        coord_post(
            {"shared": 303, "own": 303, "missing": 400},
            {"shared": 403, "own": 303, "missing": 400},
        ),
    ),
    ("GET", "/agencies/search"): (Cell(none), COORD_PAGE),
    ("POST", "/plans/{plan_id:id}/publish"): (
        Cell(plan_params, ("draft", "plan"), said="Đã ban hành kế hoạch", lands="/plans/"),
        coord_post(303, {"draft": 404, "plan": 303}),
    ),
    ("GET", "/plans/{plan_id:id}/graph"): (Cell(plan_params, ("plan", "draft")), VIEW_PLAN),
    ("GET", "/plans/{plan_id:id}/timeline"): (Cell(plan_params, ("plan", "draft")), VIEW_PLAN),
    ("GET", "/board"): (Cell(none), BOARD_PAGE),
    ("GET", "/scorecards"): (Cell(none), BOARD_PAGE),
    ("GET", "/milestones"): (Cell(none), BOARD_PAGE),
    ("GET", "/extensions"): (Cell(none), COORD_PAGE),
    ("POST", "/extensions/{extension_id:id}/decide"): (
        Cell(
            extension_params,
            ("known", "missing"),
            {"decision": "approve"},
            said="Đã duyệt gia hạn",
            lands="/extensions",
        ),
        coord_post({"known": 303, "missing": 404}),
    ),
    ("GET", "/delivery"): (Cell(none), COORD_PAGE),
    ("GET", "/agencies"): (Cell(none), COORD_PAGE),
    # Registry-wide: a plan coordinator changes only bodies that appear solely in its plans.
    ("POST", "/agencies/{agency_id:id}/contacts"): (
        Cell(
            agency_params,
            REGISTRY_OBJECTS,
            {"email": "alpha.moi@example.gov.vn"},
            said="Đã lưu địa chỉ thư",
            lands="/agencies",
        ),
        coord_post(REGISTRY_EDIT, SCOPED_REGISTRY_EDIT),
    ),
    ("POST", "/agencies/{agency_id:id}/alias"): (
        Cell(
            agency_params,
            REGISTRY_OBJECTS,
            per_object={
                "shared": {"name": "Phòng Alpha (tên cũ)"},
                "own": {"name": "Phòng Beta (tên cũ)"},
                "missing": {"name": "Phòng không có"},
            },
            said="Đã thêm tên gọi khác",
            lands="/agencies",
        ),
        coord_post(REGISTRY_EDIT, SCOPED_REGISTRY_EDIT),
    ),
    ("POST", "/agencies/merge"): (  # data: merge_data
        Cell(none, REGISTRY_OBJECTS, said="Đã gộp", lands="/agencies"),
        coord_post(REGISTRY_EDIT, SCOPED_REGISTRY_EDIT),
    ),
    ("POST", "/agencies/{agency_id:id}/feed"): (
        Cell(agency_params, REGISTRY_OBJECTS),
        coord_post(
            {"shared": 200, "own": 200, "missing": 404},
            {"shared": 403, "own": 200, "missing": 404},
        ),
    ),
    ("GET", "/accounts"): (Cell(none), ADMIN_PAGE),
    ("POST", "/accounts/add"): (
        Cell(none, data={"email": "moi@example.gov.vn", "role": "agency", "agency": A_NAME}),
        admin_post(200),  # the page showing the new account's one-time link
    ),
    ("POST", "/accounts/{user_id:id}/disable"): (
        Cell(
            account_params,
            ("other", "self", "missing"),
            said="Đã khóa tài khoản",
            lands="/accounts",
        ),
        admin_post({"other": 303, "self": 400, "missing": 404}),
    ),
    ("POST", "/accounts/{user_id:id}/enable"): (
        Cell(account_params, ("disabled", "missing"), said="Đã mở lại", lands="/accounts"),
        admin_post({"disabled": 303, "missing": 404}),
    ),
    ("POST", "/accounts/{user_id:id}/reset"): (
        Cell(account_params, ("other", "missing")),
        admin_post({"other": 200, "missing": 404}),
    ),
    ("GET", "/reset/{token}"): (
        Cell(reset_params, RESET_OBJECTS),
        everyone({"valid": 200, "used": 410, "forged": 404}),
    ),
    ("POST", "/reset/{token}"): (
        Cell(
            reset_params,
            RESET_OBJECTS,
            {"password": NEW_PASSWORD, "again": NEW_PASSWORD},
            said="Đã đặt mật khẩu mới",
            lands="/login",
        ),
        everyone({"valid": 303, "used": 410, "forged": 404}),
    ),
    ("GET", "/feed"): (
        Cell(none),
        {**USER_PAGE, "leader": 403, "plan_coordinator": 403, "coordinator": 403},
    ),
    ("POST", "/feed"): (
        Cell(none),
        {**USER_PAGE, "anonymous": 403, "leader": 403, "plan_coordinator": 403, "coordinator": 403},
    ),
    ("GET", "/export/tasks.xlsx"): (Cell(none), USER_PAGE),
    ("GET", "/export/scorecards.xlsx"): (Cell(none), BOARD_PAGE),
    ("GET", "/ical/{token}.ics"): (
        Cell(feed_params, ("valid", "forged")),
        everyone({"valid": 200, "forged": 404}),
    ),
    ("GET", "/l/{action}/{task_id:id}/{token}"): (
        Cell(link_params, ("valid", "forged")),
        everyone({"valid": 200, "forged": 400}),
    ),
    ("POST", "/l/{action}/{task_id:id}/{token}"): (
        Cell(link_params, ("valid", "forged")),
        everyone({"valid": 200, "forged": 400}),
    ),
}
STATIC_MOUNT = "/static"


def app_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = set()
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == STATIC_MOUNT, f"unexpected mount {route.path}"
            continue
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


def test_the_matrix_covers_every_route(app):
    routes = app_routes(app)
    assert routes - MATRIX.keys() == set(), "routes missing from the authorization matrix"
    assert MATRIX.keys() - routes == set(), "matrix rows for routes that no longer exist"


def fill(path: str, params: dict) -> str:
    for name, value in params.items():
        path = path.replace(f"{{{name}:id}}", str(value)).replace(f"{{{name}}}", str(value))
    return path


def expected_code(table: dict, role: str, obj: str | None) -> int:
    value = table[role]
    return value[obj] if isinstance(value, dict) else value


def table_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table (as text, sorted): what a refused request must leave alone."""
    with engine_for(url).connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: sorted(
                repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{name}"'))
            )
            for name in names
        }


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def landing_problem(client, response, cell: Cell) -> str | None:  # type: ignore[no-untyped-def]
    """An allowed write answers 303: it must land where the job is shown done, saying so (a
    303 back to the form with a validation message is a refusal in disguise)."""
    location = response.headers["location"]
    if cell.lands is None or cell.said is None:
        return "the matrix does not say where this write lands"
    if not location.startswith(cell.lands):
        return f"redirects to {location}, not {cell.lands}…"
    flash = unquote(response.cookies.get(FLASH_COOKIE) or "")
    if not flash.startswith(cell.said) or (not cell.said and flash):
        return f"says «{flash}», not «{cell.said}…»"
    landed = client.get(location)
    if landed.status_code != 200:
        return f"landing page {location} answers {landed.status_code}"
    return None


def write_problem(world: World, client, response, cell: Cell, before: dict) -> str | None:  # type: ignore[no-untyped-def]
    """A refused POST left every table as it was; an allowed one (303) did its job."""
    if response.request.method != "POST":
        return None
    if response.status_code >= 400 and (changed := changed_tables(before, table_rows(world.url))):
        return f"refused ({response.status_code}) but changed {changed}"
    if response.status_code == 303:
        if not changed_tables(before, table_rows(world.url)):
            return "answered 303 but changed nothing"
        return landing_problem(client, response, cell)
    return None


def test_the_matrix_names_every_role():
    assert sorted(r for group in GROUPS for r in group) == sorted(ROLES)
    for key, (_, table) in MATRIX.items():
        assert set(table) == set(ROLES), key


# A task's deadline takes one extension request (a second is refused, showing the first), so
# on that route each role asks in a world of its own.
ONE_REQUEST_ROUTES = {("POST", "/tasks/{task_id:id}/extension")}
WALKS = [
    (key, group)
    for key in sorted(MATRIX)
    for group in (tuple((r,) for r in ROLES) if key in ONE_REQUEST_ROUTES else GROUPS)
]


@pytest.mark.parametrize(
    ("key", "group"), WALKS, ids=[f"{k[0]} {k[1]}-{'+'.join(g)}" for k, g in WALKS]
)
def test_every_role_gets_what_the_matrix_says(key, group, world, objects, client_for):
    method, template = key
    cell, table = MATRIX[key]
    clients = {role: client_for(None if role == "anonymous" else role) for role in group}
    failures = []
    for role in group:
        client = clients[role]
        for obj in cell.objects:
            data = {**cell.data, **cell.per_object.get(obj, {})}
            if template == "/agencies/merge":
                data = merge_data(objects, obj)
            if template == "/plans/{plan_id:id}/tasks/bulk":
                data |= bulk_data(world, obj)
            path = fill(template, cell.params(world, objects, obj))
            before = table_rows(world.url)
            if method == "GET":
                response = client.get(path, follow_redirects=False)
            else:
                token = csrf_of(client, "/login" if role == "anonymous" else "/tasks")
                files = {k: v for k, v in (cell.files or {}).items()} or None
                response = client.post(
                    path, data={**data, "csrf": token}, files=files, follow_redirects=False
                )
            want, where = expected_code(table, role, obj), f"{role} {method} {path} ({obj})"
            if response.status_code != want:
                failures.append(f"{where}: {response.status_code} ≠ {want}")
            elif problem := write_problem(world, client, response, cell, before):
                failures.append(f"{where}: {problem}")
    assert not failures, "\n".join(failures)


POSTS = sorted(k for k in MATRIX if k[0] == "POST")
CROSS_SITE = (
    {"origin": "https://evil.example"},
    {"origin": "null"},
    {"referer": "http://testserver.evil.example/trang"},  # no Origin: the Referer decides
)


@pytest.mark.parametrize("key", POSTS, ids=lambda k: k[1])
def test_a_post_without_a_valid_csrf_token_is_refused(key, world, objects, client_for):
    _, template = key
    cell, _ = MATRIX[key]
    path = fill(template, cell.params(world, objects, cell.objects[0]))
    for role in ROLES:
        client = client_for(None if role == "anonymous" else role)
        for token in (None, "forged-token"):
            data = dict(cell.data) | ({"csrf": token} if token else {})
            before = table_rows(world.url)
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (role, path, token, response.status_code)
            assert changed_tables(before, table_rows(world.url)) == [], (role, path, token)


@pytest.mark.parametrize("key", POSTS, ids=lambda k: k[1])
def test_a_post_from_another_site_is_refused_even_with_the_right_token(
    key, world, objects, client_for
):
    _, template = key
    cell, _ = MATRIX[key]
    path = fill(template, cell.params(world, objects, cell.objects[0]))
    for role in ROLES:
        client = client_for(None if role == "anonymous" else role)
        token = csrf_of(client, "/login" if role == "anonymous" else "/tasks")
        for header in CROSS_SITE:
            before = table_rows(world.url)
            response = client.post(
                path, data={**cell.data, "csrf": token}, headers=header, follow_redirects=False
            )
            assert response.status_code == 403, (role, path, header, response.status_code)
            assert "trang khác" in response.text
            assert changed_tables(before, table_rows(world.url)) == [], (role, path, header)
