"""``kehoach serve`` with several web processes: they all serve, exactly one scheduler runs (the
08:00 slot is swept once, not once per process), and SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.integration.sweep_world import LEAD_MAIL, mail_to
from tests.integration.test_scheduler import finished, runs, wait_for
from tests.integration.test_scheduler import world as world
from web.server import free_port
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep

pytestmark = pytest.mark.slow
WORKERS = 3
STARTING = 180  # seconds: each worker imports the whole app, on a busy machine


def web_processes(pid: int) -> set[int]:
    """The serve process's children spawned by multiprocessing (uvicorn's web workers)."""
    found = set()
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(int(child))
        except FileNotFoundError:  # gone meanwhile
            continue
    return found


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=STARTING / 6).status_code == 200
    except httpx.HTTPError:
        return False


def alive(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def test_several_web_processes_serve_while_one_scheduler_sweeps_once(world, smtp_server):
    sweep(parse_instant("2022-06-16T09:00"))  # yesterday's run: no catch-up at start
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KEHOACH_NOW="2022-06-17T07:59:56", KEHOACH_BASE_URL=base)
    env.update(KEHOACH_SWEEP_TIMES="08:00", KEHOACH_DELIVERY_INTERVAL_SECONDS="2")
    env.update(KEHOACH_WEB_WORKERS=str(WORKERS))
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: healthy(base), process, STARTING)
        wait_for(lambda: len(web_processes(process.pid)) == WORKERS, process, STARTING)
        workers = web_processes(process.pid)
        # The 08:00 slot, or the start-up catch-up if the machine is too busy to start first.
        wait_for(lambda: bool(finished(world, "scheduler") + finished(world, "catch-up")), process)
        wait_for(lambda: len(mail_to(smtp_server, LEAD_MAIL)) == 2, process)
        health = [httpx.get(f"{base}/healthz", timeout=60).json() for _ in range(2 * WORKERS)]
        pages = [httpx.get(f"{base}/login", timeout=60).status_code for _ in range(2 * WORKERS)]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    (_, swept) = runs(world)  # after the CLI's, one sweep: not one per process
    assert swept.runner in ("scheduler", "catch-up") and swept.finished_at is not None
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 2
    assert all(h["scheduler_running"] and h["jobs"] == ["drain", "sweep-0800"] for h in health)
    assert set(pages) == {200}
    assert process.returncode == 0  # SIGTERM stops the workers and the scheduler cleanly
    assert not any(alive(pid) for pid in workers)
