"""A database held by another writer for longer than we wait: the user is told it is busy and
what to do, not that the account is wrong. Real SQLite and PostgreSQL, a real CLI process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.slow


def remind(db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "KEHOACH_DATABASE_URL"}
    environment.update(
        KEHOACH_DATABASE_URL=db_url,
        KEHOACH_SECRET_KEY="khoa-bi-mat-thu-nghiem",
        KEHOACH_MAIL_FROM="kehoach@tn.gov.vn",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "remind", "--now", "2022-06-16T08:05"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=180,
    )


def test_a_database_locked_by_another_writer_is_reported_busy(engine, db_url):
    with engine.connect() as holder:
        if engine.dialect.name == "sqlite":
            # Our engine begins every transaction IMMEDIATE: this one holds the write lock
            # past the 15 s busy timeout.
            holder.execute(text("SELECT 1"))
            env = {}
        else:
            holder.execute(text("LOCK TABLE sweep_run IN ACCESS EXCLUSIVE MODE"))
            env = {"PGOPTIONS": "-c lock_timeout=2s"}
        done = remind(db_url, **env)
        holder.rollback()
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and len(lines) == 1, done.stderr
    assert "đang bận" in lines[0] and "chạy lại" in lines[0]
    assert "sai tài khoản" not in lines[0] and "Traceback" not in done.stderr
