"""A real plan swept every morning across its deadlines, with a real SMTP server on loopback:
nobody gets more than one reminder-family message in a sweep, and every message says what
is true of its items (its subject counts its groups, each task sits in the group its
deadline puts it in on that day).

The Lương Minh plan (Ủy ban MTTQ Việt Nam xã, election work 2025–2026) gives 21 dated tasks
to one lead office-holder: the case where a leader used to get one mail per task.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models.tasks import Task
from tests.conftest import PLANS
from tests.integration.sweep_world import configure_mail, kind_of, publish_document
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep

PLAN = PLANS / "more" / "luongminh-MTTQ-xa-16-KH-MTTQ-BTT-2025-cong-tac-bau-cu.txt"
LEADERSHIP = "lanhdao@luongminh.gov.vn"
HEADING = re.compile(r"(I|II|III|IV|V)\. (.+) \((\d+)\)")
ENTRY = re.compile(r"\d+\. .+")
DEADLINE = re.compile(
    r"   - Thời hạn: (\d\d/\d\d/\d{4}).* \((còn \d+ ngày|đến hạn hôm nay|quá hạn \d+ ngày)\)"
)
GROUP_WORDS = {  # a group heading → how the subject counts it
    "NHIỆM VỤ QUÁ HẠN": "quá hạn",
    "NHIỆM VỤ QUÁ HẠN CỦA CƠ QUAN KHÁC, ĐỀ NGHỊ CHỈ ĐẠO": "quá hạn cần chỉ đạo",
    "NHIỆM VỤ ĐẾN HẠN HÔM NAY": "đến hạn hôm nay",
    "NHIỆM VỤ SẮP ĐẾN HẠN": "sắp đến hạn",
    "THAY ĐỔI VỀ NHIỆM VỤ": "thay đổi",
}


def publish_plan(engine) -> list[date]:
    """The plan published through the normal path; its deadlines."""
    plan_id = publish_document(engine, PLAN, "2025-11-03T09:00", "luongminh.gov.vn", LEADERSHIP)
    with Session(engine) as session:
        tasks = session.exec(select(Task).where(Task.plan_id == plan_id)).all()
        return sorted({t.due for t in tasks if t.due is not None})


def groups_of(text: str) -> list[tuple[str, int, list[tuple[date, str]]]]:
    """Each group of a digest's text: its heading, the count it states, and each entry's
    deadline and the time left it shows."""
    groups: list[tuple[str, int, list[tuple[date, str]]]] = []
    for line in text.splitlines():
        if heading := HEADING.fullmatch(line):
            groups.append((heading.group(2), int(heading.group(3)), []))
        elif groups and (deadline := DEADLINE.fullmatch(line)):
            due = datetime.strptime(deadline.group(1), "%d/%m/%Y").date()
            groups[-1][2].append((due, deadline.group(2)))
    return groups


def check_words(mail, today: date) -> None:
    """The subject and the body of a digest say what is true of its items on ``today``."""
    subject = str(mail.message["Subject"])
    text = mail.message.get_body(("plain",)).get_content()
    groups = groups_of(text)
    assert groups, subject
    counted = []
    for title, stated, entries in groups:
        label = GROUP_WORDS[title]
        counted.append(f"{stated} {label}")
        if label == "thay đổi":
            continue
        assert len(entries) == stated, (subject, title)
        for due, shown in entries:
            left = (due - today).days
            if label.startswith("quá hạn"):
                assert left < 0 and shown == f"quá hạn {-left} ngày", (subject, due)
            elif label == "đến hạn hôm nay":
                assert left == 0 and shown == "đến hạn hôm nay", (subject, due)
            else:
                assert left > 0 and shown == f"còn {left} ngày", (subject, due)
    counted[0] = counted[0].replace(" ", " nhiệm vụ ", 1)
    assert subject.split("] ", 1)[1].startswith(", ".join(counted)), subject
    if not any(label == "sắp đến hạn" for label in map(GROUP_WORDS.get, (g[0] for g in groups))):
        assert "sắp đến hạn" not in subject and "sắp đến hạn" not in text


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_real_plan_swept_daily_sends_one_truthful_digest_per_recipient_per_sweep(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    deadlines = publish_plan(engine)
    assert len(deadlines) >= 5  # the plan's own dates, from 30/11/2025 to 30/04/2026
    day, last = deadlines[0] - timedelta(days=12), deadlines[-1] + timedelta(days=24)
    digests_seen = 0
    to_leadership: list[str] = []
    while day <= last:
        before = len(smtp_server.received)
        sweep(parse_instant(f"{day.isoformat()}T08:05"))
        digests = [m for m in smtp_server.received[before:] if kind_of(m) == "reminder_digest"]
        per_recipient = Counter(r for m in digests for r in m.rcpt_tos)
        assert all(n == 1 for n in per_recipient.values()), (day, per_recipient)
        for mail in digests:
            check_words(mail, day)
            if LEADERSHIP in mail.rcpt_tos:
                to_leadership.append(mail.message.get_body(("plain",)).get_content())
        digests_seen += len(digests)
        day += timedelta(days=1)
    assert digests_seen >= 20
    # The leadership heard of overdue work, several tasks in one message, addressed by its
    # real title: the plan is issued by the xã's Ban Thường trực Ủy ban MTTQ.
    assert to_leadership
    assert any(len(groups_of(t)[0][2]) > 1 for t in to_leadership)
    greeting = "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh"
    assert all(t.splitlines()[0] == greeting for t in to_leadership)
