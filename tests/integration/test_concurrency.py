"""Several senders and sweeps at once, and a clock that jumps: nothing twice, nothing lost."""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta

from sqlmodel import Session, select

from models.delivery import MessageStatus, Notice, OutboxMessage
from notifications.smtp import SmtpConfig
from tests.integration.sweep_world import (
    LEAD_MAIL,
    build_world,
    configure_mail,
    duty,
    mail_to,
    queue_bulk,
)
from workflows.delivery.outbox import deliver
from workflows.runners.clock import parse_instant


def test_four_senders_draining_500_rows_deliver_500_distinct_messages(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    now = parse_instant("2024-05-06T08:00")
    queue_bulk(engine, 500, now)
    config = SmtpConfig.from_settings()
    threads = [
        threading.Thread(
            target=deliver, args=(engine, config, now), kwargs={"worker": f"w{n}", "concurrency": 2}
        )
        for n in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = smtp_server.message_ids()
    assert len(ids) == 500 and len(set(ids)) == 500
    with Session(engine) as session:
        statuses = {m.status for m in session.exec(select(OutboxMessage)).all()}
    assert statuses == {MessageStatus.SENT}


def test_a_clock_jumping_forward_and_back_never_resends(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", "Báo cáo quý", date(2022, 6, 20)))
    for instant in [
        "2022-06-17T08:05",
        "2022-06-21T08:05",
        "2022-06-17T08:05",
        "2022-06-09T08:05",
        "2022-06-21T08:05",
        "2022-06-20T08:05",
    ]:
        world.sweep_at(instant)
    ids = [str(m.message["Message-ID"]) for m in mail_to(smtp_server, LEAD_MAIL)]
    assert len(ids) == len(set(ids))
    # 17/06 (1 working day before) and 21/06 (overdue) only: going back in time re-sends nothing.
    assert len(ids) == 2
    with Session(engine) as session:
        keys = [
            (n.task_id, n.kind, n.step, n.deadline_version, n.recipient)
            for n in session.exec(select(Notice)).all()
        ]
    assert len(keys) == len(set(keys))


def test_random_sweep_instants_never_duplicate_and_daily_sweeps_miss_nothing(
    engine, smtp_server, monkeypatch
):
    """A seeded property test: tasks, completions and sweep instants with gaps from one second
    to a week; each notice key is written at most once and each Message-ID arrives at most
    once (but for the documented after-"." window, not injected here)."""
    configure_mail(monkeypatch, smtp_server)
    rng = random.Random(20221)
    dues = [date(2022, 6, 1) + timedelta(days=rng.randrange(0, 60)) for _ in range(6)]
    world = build_world(engine, *[duty(f"T{i}", f"Nhiệm vụ số {i}", d) for i, d in enumerate(dues)])
    instant = parse_instant("2022-05-20T07:00")
    end = parse_instant("2022-08-31T18:00")
    while instant < end:
        instant += timedelta(seconds=rng.choice([1, 60, 3600, 86400, 3 * 86400, 7 * 86400]))
        world.sweep_at(instant.isoformat())
        if rng.random() < 0.05:
            from models.types import TaskStatus
            from workflows.followup.updates import update_status

            with Session(engine) as session:
                task_id = world.task_id(f"Nhiệm vụ số {rng.randrange(6)}")
                from models.tasks import Task

                if session.get(Task, task_id).status != TaskStatus.DONE:
                    update_status(session, task_id, TaskStatus.DONE, "ld", instant)
                    session.commit()
    ids = smtp_server.message_ids()
    assert len(ids) == len(set(ids))
    with Session(engine) as session:
        notices = session.exec(select(Notice)).all()
    keys = [(n.task_id, n.kind, n.step, n.deadline_version, n.recipient) for n in notices]
    assert len(keys) == len(set(keys))
