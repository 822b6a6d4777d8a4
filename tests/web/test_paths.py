"""Row ids in paths: a number too big for the database answers 404, never a 500 page."""

from __future__ import annotations

import re

import pytest
from starlette.convertors import IntegerConvertor
from starlette.routing import Route

from tests.web.world import A_NAME, World, csrf_of
from web.paths import IdConvertor

HUGE = "9" * 30  # > 2**63: SQLite and PostgreSQL would overflow on it
LONGEST = "9" * 18  # the largest id a path accepts: it must reach the database and be not found
OTHER = {"action": "ack", "token": "Zm9yZ2VkLXRva2Vu"}
FORM = {  # every form's fields, valid, so that a handler gets as far as looking the id up
    "status": "in_progress",
    "progress": "10",
    "due": "31/12/2030",
    "reason": "Chờ kinh phí",
    "decision": "approve",
    "text": "Việc thêm",
    "lead": A_NAME,
    "email": "moi@example.gov.vn",
    "name": "Tên gọi khác",
}


def id_routes(app) -> list[tuple[str, str, list[str]]]:  # type: ignore[no-untyped-def]
    """(method, path template, names of its id parameters) for every route taking an id."""
    found = []
    for route in app.routes:
        if not isinstance(route, Route):
            continue
        for name, convertor in route.param_convertors.items():
            assert not isinstance(convertor, IntegerConvertor), (
                f"{route.path}: write {{{name}:id}}, not {{{name}:int}} (bounded to 18 digits)"
            )
        ids = [n for n, c in route.param_convertors.items() if isinstance(c, IdConvertor)]
        if ids:
            found += [(m, route.path, ids) for m in sorted(route.methods or ()) if m != "HEAD"]
    return found


def fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m[1]], template)


def test_every_id_route_is_found_by_the_walk(app):
    paths = {path for _, path, _ in id_routes(app)}
    assert {
        "/tasks/{task_id:id}",
        "/plans/{plan_id:id}",
        "/l/{action}/{task_id:id}/{token}",
    } <= paths
    assert "/extensions/{extension_id:id}/decide" in paths and len(paths) >= 15


@pytest.mark.parametrize("digits", [HUGE, LONGEST], ids=["30-digit", "18-digit"])
def test_an_id_too_big_for_the_database_answers_404_on_every_route(
    app, client_for, world: World, digits: str
):
    client = client_for("coordinator")
    token = csrf_of(client, "/tasks")
    failures = []
    for method, template, ids in id_routes(app):
        for name in ids:  # one id at a time out of range, the others real (1)
            values = {**OTHER, **dict.fromkeys(ids, "1"), name: digits}
            path = fill(template, values)
            if method == "GET":
                response = client.get(path, follow_redirects=False)
            else:
                response = client.post(path, data={**FORM, "csrf": token}, follow_redirects=False)
            # a mail link is checked (its signature) before its task is looked up: 400
            allowed = {404, 400} if template.startswith("/l/") and digits == LONGEST else {404}
            if response.status_code not in allowed:
                failures.append(f"{method} {path}: {response.status_code}")
    assert not failures, "\n".join(failures)
