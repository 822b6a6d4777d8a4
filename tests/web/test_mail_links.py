"""From the mail to the web: a real sweep sends mail (loopback SMTP) whose signed links the web
app serves; the task's history shows the mail and the action taken through it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session

from config.settings import reset_settings
from models.db import engine_for
from models.tasks import Task
from tests.web.world import A_NAME, B_NAME, NOW, World, csrf_of
from workflows.followup.contacts import set_contact
from workflows.plans import corrections
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep
from workflows.runners.runtime import registry

A_MAIL, B_MAIL = "alpha.vanthu@example.gov.vn", "beta.vanthu@example.gov.vn"
LINK = re.compile(r"http://testserver(/l/(ack|done|extend)/(\d+)/[A-Za-z0-9_.%-]+)")


@pytest.fixture
def mailed(world: World, smtp_server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KEHOACH_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("KEHOACH_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("KEHOACH_SMTP_TIMEOUT", "30")
    monkeypatch.setenv("KEHOACH_MAIL_FROM", "kehoach@example.gov.vn")
    monkeypatch.setenv("KEHOACH_BASE_URL", "http://testserver")
    reset_settings()
    with Session(engine_for(world.url)) as session:
        set_contact(session, registry(), A_NAME, A_MAIL, None)
        set_contact(session, registry(), B_NAME, B_MAIL, None)
        session.commit()
    sweep(database_url=world.url)  # at the app clock: 15/05/2024 09:00
    return smtp_server


def links_in(server, address: str) -> list[tuple[str, str, int]]:
    found = []
    for mail in server.received:
        if address in mail.rcpt_tos:
            text = mail.message.get_body(("plain",)).get_content()
            found += [(m.group(1), m.group(2), int(m.group(3))) for m in LINK.finditer(text)]
    return found


def test_the_links_in_a_real_mail_work_on_the_web_once(mailed, world: World, client_for):
    links = links_in(mailed, A_MAIL)
    done = [path for path, action, task_id in links if (action, task_id) == ("done", world.task_a)]
    assert done, links
    client = client_for(None)
    page = client.get(done[0])
    assert page.status_code == 200 and "Rà soát hộ nghèo quý I" in page.text
    response = client.post(done[0], data={"csrf": csrf_of(client, done[0]), "note": "Xong"})
    assert response.status_code == 200 and "Đã ghi nhận" in response.text
    with Session(engine_for(world.url)) as session:
        task = session.get(Task, world.task_a)
        assert task is not None and (task.status, task.result_note) == ("done", "Xong")
    again = client.post(done[0], data={"csrf": csrf_of(client, "/login"), "note": "lần hai"})
    assert again.status_code == 410


def test_a_partner_body_is_mailed_only_an_acknowledge_link(mailed, world: World):
    """T3 is led by body B with body A as partner: moved to Monday 20/05/2024, its deadline-day
    reminder goes to both."""
    with Session(engine_for(world.url)) as session:
        corrections.set_due(session, world.task_b_with_a, date(2024, 5, 20), NOW)
        session.commit()
    before = len(mailed.received)
    sweep(parse_instant("2024-05-20T08:05"), database_url=world.url)
    del mailed.received[:before]  # only Monday's mail
    for_partner = {a for _, a, t in links_in(mailed, A_MAIL) if t == world.task_b_with_a}
    for_lead = {a for _, a, t in links_in(mailed, B_MAIL) if t == world.task_b_with_a}
    assert for_lead == {"ack", "done", "extend"}
    assert for_partner == {"ack"}


def test_the_task_history_lists_the_mail_about_it(mailed, world: World, client_for):
    html = client_for("leader").get(f"/tasks/{world.task_a}").text
    history = html[html.index('id="history"') :]
    assert "Thư: Thông báo quá hạn lần 1" in history and A_MAIL in history  # words, not a key
