"""Several ``kehoach remind`` processes sweeping one PostgreSQL database at once split the due
alarms between them: each alarm is fired once, each notice made and mailed once."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import text

from tests.integration.sweep_world import configure_mail
from tests.sweep_scale_world import NOW, seed

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PROCESSES = 3
OPEN, DUE = 6000, 5000  # more due alarms than one claim takes, so the processes share them
FIRED = re.compile(r"mốc nhắc đến lượt: (\d+)")


def remind(url: str) -> subprocess.Popen[str]:
    environment = dict(os.environ, KEHOACH_DATABASE_URL=url)
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "remind", "--now", "2024-05-15T08:05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def test_processes_sweeping_at_once_fire_each_alarm_once_and_mail_each_notice_once(
    postgres_url, smtp_server, monkeypatch
):
    from tests.conftest import _reset_postgres
    from workflows.runners.runtime import database

    _reset_postgres(postgres_url)
    configure_mail(monkeypatch, smtp_server)
    engine = database(postgres_url)
    seed(engine, OPEN, DUE)
    fired_before = count(engine, "SELECT count(*) FROM task_alarm WHERE fired")
    processes = [remind(postgres_url) for _ in range(PROCESSES)]
    outputs = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0] * PROCESSES, outputs
    fired_by = [int(FIRED.search(out).group(1)) for out, _ in outputs]  # type: ignore[union-attr]
    # Each alarm due (or made due by firing) was claimed by exactly one process, none was left.
    fired = count(engine, "SELECT count(*) FROM task_alarm WHERE fired") - fired_before
    assert sum(fired_by) == fired >= DUE
    due_left = "SELECT count(*) FROM task_alarm WHERE NOT fired AND fire_at <= :now"
    assert count(engine, due_left, now=NOW.replace(tzinfo=None)) == 0
    # Each notice is in one message, each message went out once.
    assert count(engine, "SELECT count(*) FROM notice") >= DUE
    assert count(engine, "SELECT count(*) FROM notice WHERE message_id IS NULL") == 0
    ids = smtp_server.message_ids()
    sent = count(engine, "SELECT count(*) FROM outbox_message WHERE status = 'sent'")
    assert len(ids) == len(set(ids)) == sent > 0


def count(engine, query: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(query), params).scalar_one()
