"""A sweep works out what its mails share once (a deadline's time left and status, a notice's
wording, the claims common to a task's links) and every mail still carries its own recipient's
parts: its greeting, and action links signed for its own body, task and action."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlmodel import Session, select

from config.settings import get_settings, reset_settings
from models.delivery import Notice, OutboxMessage
from notifications.links import LinkAction, verify
from tests.sweep_scale_world import NOW, seed
from workflows.runners.jobs import SweepReport, compose_due, fire_due

LINK = re.compile(r"https?://\S+/l/(ack|done|extend)/(\d+)/([A-Za-z0-9_.-]+)")
SECRET = "shared-pieces-secret"


@pytest.fixture
def swept(engine, monkeypatch):
    """30 open tasks of 30 bodies, all due at ``NOW`` (seven due today, two overdue since
    Friday, one escalated to the head, per ten), swept once; the outbox rows and the task
    ids of each row's notices."""
    monkeypatch.setenv("KEHOACH_SECRET_KEY", SECRET)
    reset_settings()
    seed(engine, 30, 30)
    with Session(engine, expire_on_commit=False) as session:
        report = SweepReport(now=NOW, dry_run=False)
        fire_due(session, NOW, report, commit=True)
        compose_due(session, get_settings(), NOW, report)
        session.commit()
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "reminder_digest")
            .order_by(OutboxMessage.id)
        ).all()
        told: dict[int, set[int]] = defaultdict(set)
        for notice in session.exec(select(Notice).order_by(Notice.id)).all():
            assert notice.message_id is not None
            told[notice.message_id].add(notice.task_id)
    return rows, told


def links_of(body: str) -> list[tuple[str, int, str]]:
    return [(a, int(t), token) for a, t, token in LINK.findall(body)]


def test_each_mail_greets_its_own_body_and_links_only_for_that_body(swept):
    rows, told = swept
    # 27 lead bodies, body 33 as a partner only, and the heads of the 3 escalated tasks' bodies.
    assert len(rows) == 31
    for row in rows:
        head = row.recipient.startswith("tt")
        name = f"{'Thủ trưởng ' if head else ''}Cơ quan số {row.agency_id - 1}"
        assert f"Kính gửi: {name}\n" in row.body_text
        assert f"<strong>Kính gửi: {name}</strong>" in row.body_html
        links = links_of(row.body_text)
        assert links == links_of(row.body_html)  # the same links in both parts
        assert not head or not links  # a head directs; it gets no action links
        for action, task_id, token in links:
            claims = verify(
                token, secret=SECRET, action=LinkAction(action), task_id=task_id, now=NOW
            )
            assert (claims.agency_id, claims.task_id) == (row.agency_id, task_id)
            assert task_id in told[row.id]


def test_a_task_told_to_its_lead_and_its_partner_gets_each_its_own_links(swept):
    rows, _ = swept
    # Task 1 (due today) is led by body 1 (cq0@) with body 8 (cq7@) as partner; body 8 leads
    # task 8 (overdue since Friday): the two mails share the task's shown facts, not its links.
    lead = next(r for r in rows if r.recipient == "cq0@bench.gov.vn")
    partner = next(r for r in rows if r.recipient == "cq7@bench.gov.vn")
    lead_links = [(a, t) for a, t, _ in links_of(lead.body_text)]
    partner_links = [(a, t) for a, t, _ in links_of(partner.body_text)]
    assert lead_links == [("ack", 1), ("done", 1), ("extend", 1)]
    assert ("ack", 1) in partner_links and ("done", 1) not in partner_links
    assert ("ack", 8) in partner_links and ("done", 8) in partner_links
    tokens = {token for row in (lead, partner) for *_, token in links_of(row.body_text)}
    assert len(tokens) == len(lead_links) + len(partner_links)  # no token twice
    for row in (lead, partner):
        assert "Nhiệm vụ số 0: báo cáo kết quả thực hiện" in row.body_text
        assert "đến hạn hôm nay" in row.body_text


def test_tasks_sharing_a_deadline_each_keep_their_own_text_and_links(swept):
    rows, _ = swept
    # Tasks 2 and 3 are both due today, led by bodies 2 and 3.
    for body in (2, 3):
        row = next(r for r in rows if r.recipient == f"cq{body - 1}@bench.gov.vn")
        assert f"1. Nhiệm vụ số {body - 1}: báo cáo kết quả thực hiện" in row.body_text
        assert "   - Thời hạn: 15/05/2024 (đến hạn hôm nay)" in row.body_text
        assert {t for _, t, _ in links_of(row.body_text)} == {body}
