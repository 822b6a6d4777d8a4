"""Retries across days off and downtime, and the weekly digest after a missed Monday.

A real aiosmtpd on loopback; the app clock (each sweep's instant), no sleeps; both databases.
The lead body's mailbox refuses mail for a while with a 4xx (a transient failure of that one
recipient), then accepts it again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session, col, select

from models.delivery import MessageStatus, OutboxMessage
from tests.integration.sweep_world import (
    LEAD_MAIL,
    build_world,
    configure_mail,
    duty,
    local_send_day,
    mail_to,
)
from workflows.rules.retry import RETRY_POLICY

REPORT = "Báo cáo kết quả thực hiện 6 tháng đầu năm"
BUSY = "450 4.2.1 Hộp thư tạm thời không nhận thư"
DUE = date(2022, 6, 15)  # a Wednesday: overdue from Thursday 16/06


def first_overdue_notice(engine) -> OutboxMessage:
    """The lead body's first overdue notice (kept until delivered, unlike a before-deadline
    reminder)."""
    with Session(engine) as session:
        return session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.recipient == LEAD_MAIL,
                OutboxMessage.kind == "reminder_digest",
                col(OutboxMessage.expires_at).is_(None),
            )
            .order_by(col(OutboxMessage.id))
        ).first()


def copies(server, message_id: str) -> int:
    return Counter(server.message_ids())[message_id]


def fail_then_deliver(engine, server, failing: list[str], after: list[str], due: date = DUE):
    """Sweep at each ``failing`` instant with the lead's mailbox refusing, then at each
    ``after`` instant with it accepting; return the notice as it was before and after."""
    world = build_world(engine, duty("T1", REPORT, due))
    server.refuse_recipient(LEAD_MAIL, BUSY)
    for instant in failing:
        world.sweep_at(instant)
    tried = first_overdue_notice(engine)
    assert (tried.status, tried.last_code) == (MessageStatus.PENDING, 450)
    server.accept_recipient(LEAD_MAIL)
    for instant in after:
        world.sweep_at(instant)
    return tried, first_overdue_notice(engine)


@pytest.mark.parametrize(
    ("due", "failing", "after"),
    [
        pytest.param(
            DUE,
            ["2022-06-16T08:05", "2022-06-17T08:05", "2022-06-17T12:05", "2022-06-17T16:05"],
            ["2022-06-20T08:05"],
            id="Thursday-and-Friday-then-the-weekend",
        ),
        pytest.param(  # 01–02/09/2022 (Thursday, Friday) are off, then the weekend
            date(2022, 8, 30),
            ["2022-08-31T08:05", "2022-08-31T12:05", "2022-08-31T20:05"],
            ["2022-09-05T08:05"],
            id="Wednesday-then-National-Day",
        ),
    ],
)
def test_a_failure_before_days_off_is_retried_on_the_next_working_day_and_delivered(
    engine, smtp_server, monkeypatch, due, failing, after
):
    configure_mail(monkeypatch, smtp_server)
    before, ended = fail_then_deliver(engine, smtp_server, failing, after, due=due)
    assert before.attempts == len(failing)  # each sweep tried it once
    assert (ended.status, ended.attempts) == (MessageStatus.SENT, before.attempts + 1)
    assert copies(smtp_server, ended.message_id) == 1


def test_after_forty_days_down_a_queued_mail_gets_its_retries_and_is_delivered(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    # One failure, then nothing runs from 16/06 to 26/07; the first two tries after that fail
    # too (each would have given it up when the budget ran on the calendar), the third goes.
    down = ["2022-06-16T08:05", "2022-07-26T08:05", "2022-07-26T08:20"]
    before, after = fail_then_deliver(engine, smtp_server, down, ["2022-07-26T09:00"])
    assert before.attempts == 3 < RETRY_POLICY.min_attempts
    assert (after.status, after.attempts) == (MessageStatus.SENT, 4)
    assert copies(smtp_server, after.message_id) == 1


def digests_by_week(server) -> Counter[str]:
    """Weekly digests that reached the lead body, counted by ISO week (from their key)."""
    received = mail_to(server, LEAD_MAIL, kinds=("weekly_digest",))
    return Counter(str(r.message["X-Kehoach-Key"]).split(":")[1] for r in received)


def test_a_monday_without_a_sweep_still_yields_that_weeks_digest_once_and_the_next_mondays(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 7, 29)))
    world.sweep_at("2022-06-17T08:05")  # Friday of week 24
    # Monday 20/06: nothing ran.
    world.sweep_at("2022-06-21T08:05")  # Tuesday's catch-up
    world.sweep_at("2022-06-22T08:05")
    world.sweep_at("2022-06-27T08:05")  # the next Monday
    world.sweep_at("2022-06-28T08:05")
    assert digests_by_week(smtp_server) == {"2022-W24": 1, "2022-W25": 1, "2022-W26": 1}
    (late,) = [
        r
        for r in mail_to(smtp_server, LEAD_MAIL, kinds=("weekly_digest",))
        if "2022-W25" in str(r.message["X-Kehoach-Key"])
    ]
    assert local_send_day(late).date() == date(2022, 6, 21)


def test_an_older_weeks_digest_never_follows_a_newer_one(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 7, 29)))
    world.sweep_at("2022-06-27T08:05")  # week 26
    world.sweep_at("2022-06-23T08:05")  # the clock set back into week 25
    assert digests_by_week(smtp_server) == {"2022-W26": 1}


def test_a_digest_undelivered_all_week_gives_way_to_the_next_weeks(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 7, 29)))
    smtp_server.refuse_recipient(LEAD_MAIL, BUSY)
    world.sweep_at("2022-06-20T08:05")  # week 25's digest fails
    world.sweep_at("2022-06-24T16:05")  # and again on Friday
    smtp_server.accept_recipient(LEAD_MAIL)
    world.sweep_at("2022-06-27T08:05")  # week 26
    world.sweep_at("2022-06-28T08:05")
    assert digests_by_week(smtp_server) == {"2022-W26": 1}
    with Session(engine) as session:
        statuses = dict(
            session.exec(
                select(OutboxMessage.key, OutboxMessage.status).where(
                    OutboxMessage.recipient == LEAD_MAIL, OutboxMessage.kind == "weekly_digest"
                )
            ).all()
        )
    assert sorted(statuses.values()) == [MessageStatus.SENT, MessageStatus.SUPERSEDED]
