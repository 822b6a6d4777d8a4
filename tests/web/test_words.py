"""Words, not keys: after real sweeps (loopback SMTP; body A and the plan's coordinator and
leadership without an address), the task history and the delivery log, on the web and in the
CLI, name the notices and the bodies in Vietnamese; no stored key, kind or status reaches a
reader."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from cli.main import main as cli_main
from config.settings import reset_settings
from models.db import engine_for
from models.delivery import MilestoneSnapshot, Notice, OutboxMessage
from tests.web.world import A_NAME, B_NAME, World
from workflows.followup.contacts import set_contact
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep
from workflows.runners.runtime import registry

pytestmark = pytest.mark.usefixtures("clean_server_log")

B_MAIL = "beta.vanthu@example.gov.vn"
# What the tables store and a reader must never see: ledger markers, notice kinds, message
# kinds and statuses, history event kinds, task statuses.
RAW = re.compile(
    r"missing:|before-\d|overdue-\d|due-day|change:|\bescalation\b|reminder_digest|"
    r"weekly_digest|milestone_report|delivery_problems|failed_permanent|failed_retries|"
    r"\bsuperseded\b|\bpending\b|\bsent\b|\bpaused\b|not_started|in_progress|"
    r"extension_(requested|approved|refused)|status_refused|correction_kept|\backnowledged\b|"
    r"\d{4}-Q\d"
)


class _Text(HTMLParser):
    """What a browser shows of a page: its text, outside scripts, styles and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def swept(world: World, smtp_server, monkeypatch: pytest.MonkeyPatch) -> World:
    """Sweeps on 15/05/2024 (task A overdue: escalations too) and 20/06/2024 (task B's
    reminder 7 working days ahead); only body B has an address."""
    monkeypatch.setenv("KEHOACH_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("KEHOACH_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("KEHOACH_SMTP_TIMEOUT", "2")
    monkeypatch.setenv("KEHOACH_MAIL_FROM", "kehoach@example.gov.vn")
    reset_settings()
    with Session(engine_for(world.url)) as session:
        set_contact(session, registry(), B_NAME, B_MAIL, None)
        session.commit()
    sweep(database_url=world.url)
    sweep(parse_instant("2024-06-20T08:05"), database_url=world.url)
    with Session(engine_for(world.url)) as session:
        kinds = {n.kind for n in session.exec(select(Notice)).all()}
        recipients = {m.recipient for m in session.exec(select(OutboxMessage)).all()}
        quarters = {s.quarter for s in session.exec(select(MilestoneSnapshot)).all()}
    assert {"before-7", "overdue-1", "escalation"} <= kinds  # the keys are really stored
    assert any(r.startswith("missing:") for r in recipients) and B_MAIL in recipients
    assert "2024-Q1" in quarters
    return world


def test_the_task_history_names_each_notice_and_each_recipient_in_words(swept: World, client_for):
    client = client_for("coordinator")
    overdue = shown(client.get(f"/tasks/{swept.task_a}").text)
    assert not RAW.findall(overdue), RAW.findall(overdue)
    assert "Thư: Thông báo quá hạn lần 1" in overdue
    assert f"gửi {A_NAME} — chưa có địa chỉ thư" in overdue
    assert "Thư: Báo cáo vượt cấp lần 1" in overdue
    upcoming = shown(client.get(f"/tasks/{swept.task_b}").text)
    assert not RAW.findall(upcoming), RAW.findall(upcoming)
    assert "Thư: Nhắc trước hạn 7 ngày làm việc" in upcoming
    assert f"gửi {B_NAME} <{B_MAIL}>: đã gửi" in upcoming


def test_the_delivery_log_names_the_body_of_a_message_without_an_address(swept: World, client_for):
    text = shown(client_for("coordinator").get("/delivery").text)
    assert not RAW.findall(text), RAW.findall(text)
    assert f"{A_NAME} — chưa có địa chỉ thư" in text
    assert f"{B_NAME} <{B_MAIL}>" in text


def test_the_cli_outbox_and_task_history_say_the_same_words(swept: World, capsys):
    assert cli_main(["outbox", "--limit", "200"]) == 0
    outbox = capsys.readouterr().out
    assert not RAW.findall(outbox), RAW.findall(outbox)
    assert f"{A_NAME} — chưa có địa chỉ thư" in outbox and f"{B_NAME} <{B_MAIL}>" in outbox
    assert cli_main(["task", "history", str(swept.task_b)]) == 0
    history = capsys.readouterr().out
    assert not RAW.findall(history), RAW.findall(history)
    assert "hệ thống nhắc việc: Thư: Nhắc trước hạn 7 ngày làm việc" in history


def test_the_milestone_snapshots_are_named_by_their_quarter(swept: World, client_for):
    text = shown(client_for("leader").get("/milestones?year=2024").text)
    assert not RAW.findall(text), RAW.findall(text)
    assert "Báo cáo mốc quý đã chốt" in text and "· Quý I/2024 · chốt lúc" in text
