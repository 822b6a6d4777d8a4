"""``kehoach serve`` for real: a subprocess with a shifted clock, a SQLite file, loopback SMTP.

The app clock is shifted with ``KEHOACH_NOW``; the scheduler's triggers follow it, so an 08:00
slot fires a few wall-clock seconds after start. What the tests read: the ``sweep_run`` rows,
the mail the SMTP server received, ``/healthz`` and a signed link served by the same process.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session, select

from config.settings import reset_settings
from models.delivery import SweepRun
from tests.integration.sweep_world import LEAD_MAIL, build_world, configure_mail, duty, mail_to
from tests.processes import stop
from web.server import free_port
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep
from workflows.runners.runtime import database

pytestmark = pytest.mark.slow

REPORT = "Báo cáo kết quả thực hiện 6 tháng đầu năm"
DUE = date(2022, 6, 17)  # a Friday; reminders 7, 3, 1 working days before and on the day
PERIOD = (date(2022, 4, 1), date(2022, 12, 31))
PUBLISHED = "2022-04-01T09:00"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def world(tmp_path: Path, smtp_server, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'kehoach.db'}"
    monkeypatch.setenv("KEHOACH_DATABASE_URL", url)
    configure_mail(monkeypatch, smtp_server)
    engine = database(url)
    build_world(engine, duty("T1", REPORT, DUE), period=PERIOD, published_at=PUBLISHED)
    return engine


@contextmanager
def serving(now: str, *options: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """``kehoach serve`` with the app clock at ``now`` (local time); stopped with SIGTERM."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KEHOACH_NOW=now, KEHOACH_BASE_URL=base)
    env.update(KEHOACH_SWEEP_TIMES="08:00", KEHOACH_DELIVERY_INTERVAL_SECONDS="2")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: _healthy(base), process)
        yield process, base
    finally:
        stop(process)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(
    condition: Callable[[], bool], process: subprocess.Popen, seconds: float = 120
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.communicate()[0]
            raise AssertionError(f"condition not reached; kehoach serve printed:\n{output}")
        time.sleep(0.1)


def runs(engine) -> list[SweepRun]:
    with Session(engine) as session:
        return list(session.exec(select(SweepRun).order_by(SweepRun.id)).all())


def finished(engine, *runners: str) -> list[SweepRun]:
    return [r for r in runs(engine) if r.runner in runners and r.finished_at is not None]


# How long before the 08:00 slot (on the app clock) ``serve`` starts. The app clock starts
# ticking when the process starts; if serving takes longer than the head start, the slot is
# already past and the catch-up job rightly runs it instead. The test then starts again on a
# fresh database with a longer head start, so a loaded machine only makes it slower.
HEAD_STARTS = (4, 15, 45)


def serve_across_the_0800_slot(engine, smtp_server, head_start: int) -> dict | None:
    """``serve`` started ``head_start`` seconds before 08:00 on its clock, after yesterday's
    sweep: /healthz once the 08:00 mail arrived, or None when serve came up too late (the
    catch-up ran the slot)."""
    earlier = len(mail_to(smtp_server, LEAD_MAIL))  # a previous attempt's
    sweep(parse_instant("2022-06-16T09:00"))  # yesterday's run: the 1-day reminder went
    assert len(mail_to(smtp_server, LEAD_MAIL)) == earlier + 1
    start = parse_instant("2022-06-17T08:00") - timedelta(seconds=head_start)
    with serving(start.astimezone(LOCAL).replace(tzinfo=None).isoformat()) as (process, base):
        wait_for(lambda: bool(finished(engine, "scheduler", "catch-up")), process)
        if finished(engine, "catch-up"):
            return None
        wait_for(lambda: len(mail_to(smtp_server, LEAD_MAIL)) == earlier + 2, process)
        health = httpx.get(f"{base}/healthz", timeout=30).json()
    assert process.returncode == 0  # SIGTERM is a clean stop
    return health


def test_the_0800_slot_fires_on_the_app_clock_and_its_mail_arrives(
    world, smtp_server, tmp_path, monkeypatch
):
    for attempt, head_start in enumerate(HEAD_STARTS):
        if attempt:  # a fresh world: the previous attempt's catch-up swept the first one
            url = f"sqlite:///{tmp_path / f'kehoach-{attempt}.db'}"
            monkeypatch.setenv("KEHOACH_DATABASE_URL", url)
            reset_settings()
            world = database(url)
            build_world(world, duty("T1", REPORT, DUE), period=PERIOD, published_at=PUBLISHED)
        health = serve_across_the_0800_slot(world, smtp_server, head_start)
        if health is not None:
            break
    else:
        raise AssertionError(f"serve never came up within {HEAD_STARTS[-1]} s")
    (run,) = finished(world, "scheduler")
    local = run.now.astimezone(LOCAL)
    assert parse_instant("2022-06-17T08:00") <= local < parse_instant("2022-06-17T08:01")
    assert not finished(world, "catch-up")
    assert health["scheduler_running"] and health["jobs"] == ["drain", "sweep-0800"]
    assert health["last_sweep"].startswith("2022-06-17T01:00")  # 08:00 in Hà Nội, in UTC
    mail = mail_to(smtp_server, LEAD_MAIL)[-1]
    assert "Báo cáo kết quả thực hiện 6 tháng đầu năm" in str(mail.message["Subject"])
    assert "17/06/2022" in mail.message.get_body(("plain",)).get_content()


def test_after_three_days_down_it_catches_up_once_and_a_restart_adds_nothing(world, smtp_server):
    sweep(parse_instant("2022-06-14T08:00"))  # Tuesday: the 3-working-days reminder goes
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    with serving("2022-06-17T10:00") as (process, _):
        wait_for(lambda: bool(finished(world, "catch-up")), process)
        wait_for(lambda: len(mail_to(smtp_server, LEAD_MAIL)) == 2, process)
    with serving("2022-06-17T10:00") as (process, _):
        time.sleep(4)  # long enough for a catch-up and two delivery ticks
    assert len(finished(world, "catch-up")) == 1
    assert [r.runner for r in runs(world)] == ["cli", "catch-up"]
    mails = mail_to(smtp_server, LEAD_MAIL)
    assert len(mails) == 2 and len({m.message_id for m in mails}) == 2
    assert "17/06/2022" in mails[1].message.get_body(("plain",)).get_content()


def test_the_signed_link_in_a_reminder_is_served_by_the_same_process(world, smtp_server):
    with serving("2022-06-17T10:00") as (process, base):
        wait_for(lambda: len(mail_to(smtp_server, LEAD_MAIL)) == 1, process)
        (mail,) = mail_to(smtp_server, LEAD_MAIL)
        text = mail.message.get_body(("plain",)).get_content()
        link = re.search(re.escape(base) + r"/l/done/\S+", text)
        assert link, text
        page = httpx.get(link.group(0))
        forged = httpx.get(link.group(0)[:-3] + "xyz")
    assert page.status_code == 200 and "Báo cáo hoàn thành nhiệm vụ" in page.text
    assert forged.status_code in (400, 403, 404)


def test_with_no_scheduler_it_serves_pages_and_links_but_never_sweeps(world, smtp_server):
    sweep(parse_instant("2022-06-16T09:00"))
    with serving("2022-06-17T07:59:58", "--no-scheduler") as (_, base):
        time.sleep(5)  # past the 08:00 slot on the app clock
        health = httpx.get(f"{base}/healthz").json()
        login = httpx.get(f"{base}/login")
    (cli_run,) = runs(world)
    assert cli_run.runner == "cli"  # no catch-up, no 08:00 sweep
    assert cli_run.now.isoformat() == "2022-06-16T02:00:00+00:00"  # 09:00 in Hà Nội
    assert health == {
        "scheduler_running": False,
        "jobs": [],
        "last_sweep": cli_run.now.isoformat(),
    }
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1
    assert login.status_code == 200 and "Đăng nhập" in login.text


def test_a_taken_or_impossible_port_is_one_clear_line_and_nothing_is_swept(world):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        results = [
            subprocess.run(
                [sys.executable, "-m", "cli.main", "serve", "--port", str(p)],
                env=dict(os.environ, KEHOACH_NOW="2022-06-17T10:00"),
                capture_output=True,
                text=True,
                timeout=60,
            )
            for p in (port, 99999)
        ]
    finally:
        taken.close()
    for result in results:
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert f"Không mở được cổng 127.0.0.1:{port}" in results[0].stderr
    assert "Cổng 99999 không hợp lệ" in results[1].stderr
    assert runs(world) == []  # the catch-up did not run before the port failed


def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "KEHOACH_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr
