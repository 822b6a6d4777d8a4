"""Faults injected into real deliveries: each test states what was delivered, retried,
recorded, and never duplicated. A real aiosmtpd on loopback; both databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from models.delivery import DeliveryAttempt, MessageStatus, OutboxMessage
from tests.integration.sweep_world import (
    COORD_MAIL,
    LEAD_MAIL,
    PARTNER,
    PARTNER_MAIL,
    build_world,
    configure_mail,
    duty,
    mail_to,
)
from tests.smtp_server import Delay, Drop, Reply
from workflows.clock import parse_instant
from workflows.jobs import sweep

REPORT = "Báo cáo kết quả thực hiện 6 tháng đầu năm"
DUE = date(2022, 6, 20)
FIRST = "2022-06-20T08:05"


def rows(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def attempts(engine, row_id: int) -> list[DeliveryAttempt]:
    with Session(engine) as session:
        return list(
            session.exec(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == row_id)).all()
        )


def reminder_row(engine, recipient: str) -> OutboxMessage:
    return next(r for r in rows(engine) if r.recipient == recipient and r.kind == "reminder_digest")


def test_451_then_accepted_is_one_copy_after_two_attempts_with_one_message_id(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE))
    smtp_server.script("DATA", Reply("451 4.3.0 Tạm thời bận"))
    world.sweep_at(FIRST)
    row = reminder_row(engine, LEAD_MAIL)
    assert (row.status, row.attempts, row.last_code) == (MessageStatus.PENDING, 1, 451)
    world.sweep_at("2022-06-20T08:20")  # after the first backoff (5 min ± 20 %)
    (mail,) = mail_to(smtp_server, LEAD_MAIL)
    row = reminder_row(engine, LEAD_MAIL)
    assert (row.status, row.attempts) == (MessageStatus.SENT, 2)
    assert str(mail.message["Message-ID"]) == row.message_id
    assert [a.outcome for a in attempts(engine, row.id)] == ["transient", "sent"]


def test_a_421_greeting_is_retried_and_delivered_once(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE))
    smtp_server.script("CONNECT", Reply("421 4.3.2 Đang bảo trì"))
    world.sweep_at(FIRST)
    assert mail_to(smtp_server, LEAD_MAIL) == []
    world.sweep_at("2022-06-20T08:20")
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    assert reminder_row(engine, LEAD_MAIL).status == MessageStatus.SENT


def test_a_550_recipient_fails_after_one_attempt_others_go_and_the_coordinator_hears(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE, partners=(PARTNER,)))
    smtp_server.refuse_recipient(LEAD_MAIL, "550 5.1.1 Hộp thư không tồn tại")
    world.sweep_at(FIRST)
    world.sweep_at("2022-06-20T09:00")
    row = reminder_row(engine, LEAD_MAIL)
    assert (row.status, row.attempts, row.last_code) == (MessageStatus.FAILED_PERMANENT, 1, 550)
    assert len(mail_to(smtp_server, PARTNER_MAIL)) == 1
    world.sweep_at("2022-06-21T08:05")  # the next day's sweep reports the bounce
    (report,) = mail_to(smtp_server, COORD_MAIL)
    assert LEAD_MAIL in report.message.get_body(("plain",)).get_content()


def test_an_auth_failure_pauses_the_queue_until_resumed(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    monkeypatch.setenv("KEHOACH_SMTP_USERNAME", "kehoach")
    monkeypatch.setenv("KEHOACH_SMTP_PASSWORD", "sai-mat-khau")
    from config.settings import reset_settings

    reset_settings()
    smtp_server.state.credentials = ("kehoach", "dung-mat-khau")
    world = build_world(engine, duty("T1", REPORT, DUE, partners=(PARTNER,)))
    report = world.sweep_at(FIRST)
    assert any("tạm dừng" in line for line in report.lines)
    statuses = {r.status for r in rows(engine) if r.kind == "reminder_digest"}
    assert statuses == {MessageStatus.PAUSED}
    world.sweep_at("2022-06-20T09:00")
    assert smtp_server.received == []  # paused: nobody hammers the server with bad credentials


def test_a_drop_after_the_final_dot_gives_two_copies_with_one_message_id(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE))
    smtp_server.script("DATA", Drop(store=True))
    world.sweep_at(FIRST)
    world.sweep_at("2022-06-20T08:20")
    copies = mail_to(smtp_server, LEAD_MAIL)
    assert len(copies) == 2  # the admitted duplicate: the server took it, the 250 was lost
    assert len({str(m.message["Message-ID"]) for m in copies}) == 1
    row = reminder_row(engine, LEAD_MAIL)
    assert [a.outcome for a in attempts(engine, row.id)] == ["ambiguous", "sent"]


def test_a_server_failing_forever_stops_at_the_retry_budget(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    build_world(engine, duty("T1", REPORT, date(2022, 6, 15)))
    smtp_server.script("DATA", *[Reply("451 4.3.0 bận")] * 500)
    start = parse_instant("2022-06-16T08:05")  # the first overdue notice keeps failing
    for hour in range(0, 24 * 5, 2):
        sweep(start + timedelta(hours=hour))
    overdue = [
        r
        for r in rows(engine)
        if r.recipient == LEAD_MAIL and r.kind == "reminder_digest" and r.expires_at is None
    ]
    assert overdue and overdue[0].status == MessageStatus.FAILED_RETRIES
    assert overdue[0].give_up_at is not None
    last = attempts(engine, overdue[0].id)[-1]
    assert last.started_at <= overdue[0].give_up_at + timedelta(hours=6)
    assert mail_to(smtp_server, LEAD_MAIL) == []


def test_a_before_deadline_reminder_that_cannot_go_in_time_is_superseded(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE))
    smtp_server.script("DATA", *[Reply("451 4.3.0 bận")] * 50)
    world.sweep_at(FIRST)
    world.sweep_at("2022-06-21T00:30")  # the deadline day has ended
    row = reminder_row(engine, LEAD_MAIL)
    assert row.status == MessageStatus.SUPERSEDED


def test_two_sweeps_at_the_same_instant_write_one_row_per_key_and_send_once(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE, partners=(PARTNER,)))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            world.sweep_at(FIRST)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = [r.key for r in rows(engine)]
    assert len(keys) == len(set(keys))
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    assert len(mail_to(smtp_server, PARTNER_MAIL)) == 1


# A Friday in a plan that starts in Q2: the due-day reminder is the only mail of that sweep.
QUIET_DUE, QUIET_SWEEP = date(2022, 6, 17), "2022-06-17T08:05"
QUIET_PERIOD = (date(2022, 4, 1), date(2022, 12, 31))


def _sweep_process(now: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "workflows.cli", "remind", "--now", now],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition, process: subprocess.Popen, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            out, err = process.communicate()
            raise AssertionError(f"condition not reached; sweep said: {out!r} {err!r}")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_sender_killed_after_the_server_took_the_mail_resends_it_once_after_the_lease(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine, duty("T1", REPORT, QUIET_DUE), period=QUIET_PERIOD, published_at="2022-04-01T09:00"
    )
    smtp_server.script("DATA", Delay(30, store=True))  # stored; the 250 never comes back
    process = _sweep_process(QUIET_SWEEP)
    _wait_for(lambda: len(smtp_server.received) == 1, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    row = reminder_row(engine, LEAD_MAIL)
    assert row.status == MessageStatus.SENDING  # claimed, never recorded
    world.sweep_at("2022-06-17T08:10")  # lease still held: nothing happens
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    world.sweep_at("2022-06-17T08:20")  # lease expired: claimed again, sent again
    copies = mail_to(smtp_server, LEAD_MAIL)
    assert len(copies) == 2 and len({str(m.message["Message-ID"]) for m in copies}) == 1
    row = reminder_row(engine, LEAD_MAIL)
    assert (row.status, row.reclaims) == (MessageStatus.SENT, 1)  # counted as expected dup


@pytest.mark.slow
def test_a_sender_killed_after_claiming_sends_exactly_once_after_the_lease(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine, duty("T1", REPORT, QUIET_DUE), period=QUIET_PERIOD, published_at="2022-04-01T09:00"
    )
    smtp_server.script("MAIL", Delay(30))
    process = _sweep_process(QUIET_SWEEP)
    _wait_for(
        lambda: (
            # Claimed, and the server is holding our MAIL command (its scripted delay taken).
            reminder_row_or_none(engine) == MessageStatus.SENDING
            and not smtp_server.state.scripts["MAIL"]
        ),
        process,
    )
    process.send_signal(signal.SIGKILL)
    process.wait()
    world.sweep_at("2022-06-17T08:20")
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    assert reminder_row(engine, LEAD_MAIL).status == MessageStatus.SENT


def reminder_row_or_none(engine) -> str | None:
    found = [r for r in rows(engine) if r.recipient == LEAD_MAIL and r.kind == "reminder_digest"]
    return found[0].status if found else None


def test_a_message_that_cannot_be_rendered_fails_alone_and_the_rest_go(
    engine, smtp_server, monkeypatch
):
    from config.settings import get_settings
    from workflows.compose import new_message, render_safely

    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, DUE))
    broken = render_safely("reminder_digest", lambda: object())  # not a ReminderDigest
    with Session(engine) as session:
        session.add(
            new_message(
                get_settings(),
                parse_instant(FIRST),
                key="reminder_digest:x",
                kind="reminder_digest",
                recipient=PARTNER_MAIL,
                agency_id=None,
                plan_id=None,
                rendered=broken,
            )
        )
        session.commit()
    world.sweep_at(FIRST)
    failed = next(r for r in rows(engine) if r.key == "reminder_digest:x")
    assert failed.status == MessageStatus.FAILED_PERMANENT
    assert failed.last_error.startswith("Lỗi dựng thư") and failed.attempts == 0
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1 and mail_to(smtp_server, PARTNER_MAIL) == []
