"""Every page names whose pages they are (the configured body, or the plans' issuer) and has an
icon."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from config.settings import reset_settings
from models.db import engine_for
from tests.web.world import NOW, World, published_plan
from web.app import STATIC_CACHE, create_app
from web.branding import OrgName, most_common_issuer
from workflows.plans.importing import import_plan
from workflows.runners.runtime import registry

ORG = re.compile(r'<span class="org">([^<]*)</span>')


def test_the_header_names_the_issuer_of_the_stored_plans_on_every_page(client_for):
    for role, path in ((None, "/login"), ("leader", "/board"), ("agency_a", "/tasks")):
        html = client_for(role).get(path).text
        assert ORG.findall(html) == ["Ủy ban nhân dân huyện Kiểm Tra"], path
        assert "<title>" in html and "· Ủy ban nhân dân huyện Kiểm Tra</title>" in html


def test_the_configured_name_wins_over_the_plans(world: World, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KEHOACH_ORG_NAME", "Ủy ban MTTQ Việt Nam tỉnh Kon Tum")
    reset_settings()
    with TestClient(create_app(world.url)) as client:
        assert ORG.findall(client.get("/login").text) == ["Ủy ban MTTQ Việt Nam tỉnh Kon Tum"]


def test_the_most_common_issuer_is_the_one_most_plans_name(world: World):
    engine = engine_for(world.url)
    other = replace(published_plan(number="77/KH-MTTQ"), issuer="Ủy ban MTTQ huyện Kiểm Tra")
    with Session(engine) as session:
        # Two plans of the district's People's Committee are stored: one other plan is fewer.
        import_plan(session, other, registry(), source_name="a", source_sha256="x", now=NOW)
        session.commit()
        assert most_common_issuer(session) == "Ủy ban nhân dân huyện Kiểm Tra"
        for number in ("78/KH-MTTQ", "79/KH-MTTQ"):
            plan = replace(other, number=number)
            sha = number  # a distinct document each
            import_plan(session, plan, registry(), source_name=number, source_sha256=sha, now=NOW)
        session.commit()
        assert most_common_issuer(session) == "Ủy ban MTTQ huyện Kiểm Tra"


def test_without_any_plan_the_header_says_kehoach(tmp_path):
    with TestClient(create_app(f"sqlite:///{tmp_path / 'empty.db'}")) as client:
        assert ORG.findall(client.get("/login").text) == ["kehoach"]


def test_the_icon_is_linked_served_and_found_at_the_address_browsers_try(client_for):
    client = client_for(None)
    assert (
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        in client.get("/login").text
    )
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and icon.headers["cache-control"] == STATIC_CACHE
    moved = client.get("/favicon.ico", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/static/favicon.svg"


PLAN_LINE = re.compile(r'<small class="plan">([^<]*)</small>')


def test_a_plans_pages_and_its_tasks_name_the_plan_under_the_body(client_for, world: World):
    coordinator, agency = client_for("coordinator"), client_for("agency_a")
    pages = [
        (coordinator, f"/plans/{world.plan_id}"),
        (coordinator, f"/plans/{world.plan_id}/graph"),
        (coordinator, f"/plans/{world.plan_id}/timeline"),
        (agency, f"/tasks/{world.task_a}"),
    ]
    for client, path in pages:
        html = client.get(path).text
        assert PLAN_LINE.findall(html) == ["12/KH-UBND · Kế hoạch thử nghiệm năm 2024"], path
        assert ORG.findall(html) == ["Ủy ban nhân dân huyện Kiểm Tra"], path
    assert PLAN_LINE.findall(coordinator.get("/plans").text) == []  # a list names no one plan


def test_a_database_that_cannot_be_read_leaves_the_last_name_in_the_header(world: World):
    from sqlalchemy import create_engine

    name = OrgName(engine_for(world.url), "")
    assert name.get() == "Ủy ban nhân dân huyện Kiểm Tra"
    folder = Path(world.url.removeprefix("sqlite:///")).parent
    name.engine = create_engine(f"sqlite:///{folder / 'no-such-folder' / 'kehoach.db'}")
    name._read_at = float("-inf")  # as if a minute had passed
    assert name.get() == "Ủy ban nhân dân huyện Kiểm Tra"
