"""Faults injected into real deliveries: each test states what was delivered, retried,
recorded, and never duplicated. A real aiosmtpd on loopback; both databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from models.delivery import DeliveryAttempt, MessageStatus, OutboxMessage
from notifications.smtp import SmtpConfig
from tests.integration.sweep_world import (
    COORD_MAIL,
    LEAD_MAIL,
    PARTNER,
    PARTNER_MAIL,
    build_world,
    configure_mail,
    duty,
    mail_to,
    queue_bulk,
)
from tests.smtp_server import Delay, Drop, Reply
from workflows.delivery.outbox import LEASE, deliver
from workflows.rules.retry import RETRY_POLICY
from workflows.rules.timefmt import local_date
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep

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


def latest_reminder(engine) -> OutboxMessage | None:
    """The lead body's newest reminder (a quiet Friday's, after Monday's went out)."""
    found = [r for r in rows(engine) if r.recipient == LEAD_MAIL and r.kind == "reminder_digest"]
    return found[-1] if found else None


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


def test_a_server_failing_forever_is_given_up_after_three_working_days_of_retries(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    build_world(engine, duty("T1", REPORT, date(2022, 6, 15)))
    smtp_server.script("DATA", *[Reply("451 4.3.0 bận")] * 500)
    start = parse_instant("2022-06-16T08:05")  # a Thursday: the first overdue notice fails
    for hour in range(0, 24 * 6, 3):  # every 3 hours until Wednesday
        sweep(start + timedelta(hours=hour))
    overdue = [
        r
        for r in rows(engine)
        if r.recipient == LEAD_MAIL and r.kind == "reminder_digest" and r.expires_at is None
    ]
    assert overdue and overdue[0].status == MessageStatus.FAILED_RETRIES
    tried = attempts(engine, overdue[0].id)
    assert len(tried) >= RETRY_POLICY.min_attempts
    assert {local_date(a.started_at).weekday() for a in tried} <= {0, 1, 3, 4}  # no weekend
    assert tried[-1].started_at >= parse_instant("2022-06-21T00:00")  # Thu, Fri, Mon, then Tue
    assert overdue[0].give_up_at == tried[-1].started_at  # given up by an attempt, not waiting
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


# A Friday in a plan that starts in Q2: the due-day reminder is the only mail of that sweep
# (the week's digest went out with Monday's sweep, which the server's count then forgets).
QUIET_DUE, QUIET_SWEEP = date(2022, 6, 17), "2022-06-17T08:05"
QUIET_PERIOD = (date(2022, 4, 1), date(2022, 12, 31))


def quiet_friday(engine, server):
    world = build_world(
        engine, duty("T1", REPORT, QUIET_DUE), period=QUIET_PERIOD, published_at="2022-04-01T09:00"
    )
    world.sweep_at("2022-06-13T08:05")
    server.forget_received()
    return world


def _process(args: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _sweep_process(now: str) -> subprocess.Popen:
    return _process(["-m", "cli.main", "remind", "--now", now])


def _wait_for(condition, process: subprocess.Popen, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            out, err = process.communicate()
            raise AssertionError(f"condition not reached; the process said: {out!r} {err!r}")
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate()


@pytest.mark.slow
def test_a_sender_killed_after_the_server_took_the_mail_resends_it_once_after_the_lease(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = quiet_friday(engine, smtp_server)
    smtp_server.script("DATA", Delay(60, store=True))  # stored; the 250 never comes back
    process = _sweep_process(QUIET_SWEEP)
    _wait_for(lambda: len(smtp_server.received) == 1, process)
    _kill(process)
    row = latest_reminder(engine)
    assert row.status == MessageStatus.SENDING  # claimed, never recorded
    world.sweep_at("2022-06-17T08:10")  # lease still held: nothing happens
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    world.sweep_at("2022-06-17T08:20")  # lease expired: claimed again, sent again
    copies = mail_to(smtp_server, LEAD_MAIL)
    assert len(copies) == 2 and len({str(m.message["Message-ID"]) for m in copies}) == 1
    row = latest_reminder(engine)
    assert (row.status, row.reclaims) == (MessageStatus.SENT, 1)  # counted as expected dup


@pytest.mark.slow
def test_a_sender_killed_after_claiming_sends_exactly_once_after_the_lease(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = quiet_friday(engine, smtp_server)
    smtp_server.script("MAIL", Delay(60))
    process = _sweep_process(QUIET_SWEEP)
    _wait_for(
        lambda: (
            # Claimed, and the server is holding our MAIL command (its scripted delay taken).
            getattr(latest_reminder(engine), "status", None) == MessageStatus.SENDING
            and not smtp_server.state.scripts["MAIL"]
        ),
        process,
    )
    _kill(process)
    world.sweep_at("2022-06-17T08:20")
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    assert latest_reminder(engine).status == MessageStatus.SENT


DRAIN = """
import sys
from notifications.smtp import SmtpConfig
from workflows.runners.clock import parse_instant
from workflows.delivery.outbox import deliver
from workflows.runners.runtime import database
deliver(database(), SmtpConfig.from_settings(), parse_instant(sys.argv[1]),
        concurrency=int(sys.argv[2]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("connections", [1, 4])
def test_a_drain_killed_mid_batch_resends_only_the_mail_in_flight(
    engine, smtp_server, monkeypatch, connections
):
    """The server answers the first ``quick`` messages at once, then stores each next one and
    holds its 250: the drain is killed once every connection holds one."""
    configure_mail(monkeypatch, smtp_server)
    total, quick, now = 40, 12, parse_instant("2022-06-16T09:00")
    queue_bulk(engine, total, now)
    smtp_server.script("DATA", *[Delay(0)] * quick, *[Delay(60, store=True)] * connections)
    process = _process(
        ["-c", DRAIN, "2022-06-16T09:00", str(connections)], KEHOACH_SMTP_TIMEOUT="120"
    )
    _wait_for(lambda: len(smtp_server.received) == quick + connections, process)
    _kill(process)
    in_flight = set(smtp_server.message_ids()[quick:])
    statuses = Counter(r.status for r in rows(engine))
    assert statuses[MessageStatus.SENT] == quick  # each recorded as its 250 came
    deliver(engine, SmtpConfig.from_settings(), now + LEASE + timedelta(minutes=1))
    arrived = Counter(smtp_server.message_ids())
    assert set(arrived) == {r.message_id for r in rows(engine)}  # nothing lost
    assert {m for m, n in arrived.items() if n > 1} == in_flight  # resent: only those
    assert all(r.status == MessageStatus.SENT for r in rows(engine))
    assert sum(r.reclaims for r in rows(engine) if r.message_id in in_flight) == connections


def test_a_message_that_cannot_be_rendered_fails_alone_and_the_rest_go(
    engine, smtp_server, monkeypatch
):
    from config.settings import get_settings
    from workflows.followup.compose import new_message, render_safely

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
