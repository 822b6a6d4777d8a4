"""The scale-out runner for real: a local Prefect server, ``prefect deploy`` from prefect.yaml,
a process worker, the kehoach database on PostgreSQL and mail to a loopback SMTP server.

Every Prefect step is the command a user types (see README, "Scale-out: Prefect"); the test
reads the flow run's state and logs from the server's REST API, the ``sweep_run`` rows from
PostgreSQL and the mail from the SMTP server. The server's scheduler service is off, so the only
flow runs are the ones the test creates.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from config.settings import reset_settings
from models.delivery import SweepRun
from tests.conftest import _reset_postgres
from tests.integration.sweep_world import LEAD_MAIL, build_world, configure_mail, duty
from web.server import free_port
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep
from workflows.runners.runtime import database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
# Bounds for a loaded 2-core machine: they only cap a hang, a fast machine never waits for them
# (every wait polls a condition). The Prefect server migrates its database before /health
# answers, which alone can take a minute or more beside other work.
SERVER_START_SECONDS = 300
CLI_SECONDS = 300
WORKER_SECONDS = 600
PREFECT = str(Path(sys.executable).with_name("prefect"))
REPORT = "Báo cáo kết quả thực hiện 6 tháng đầu năm"
DUE = date(2022, 6, 22)  # a Wednesday: the on-the-day reminder goes at the 08:00 sweep
NOW = "2022-06-22T08:05"


@dataclass
class Prefect:
    home: Path
    api: str

    def env(self, **extra: str) -> dict[str, str]:
        """The shell of a Prefect user: no stray PREFECT_*/KEHOACH_* settings, this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KEHOACH_"))}
        env.update(
            PREFECT_HOME=str(self.home),
            PREFECT_API_URL=self.api,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
        )
        env.update(extra)
        return env

    def cli(self, *args: str, cwd: Path = ROOT) -> str:
        done = subprocess.run(
            [PREFECT, "--no-prompt", *args],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=CLI_SECONDS,
        )
        assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def get(self, path: str) -> dict:
        response = httpx.get(f"{self.api}{path}", timeout=60)
        response.raise_for_status()
        return response.json()

    def logs(self, flow_run_id: str) -> list[str]:
        body = {"logs": {"flow_run_id": {"any_": [flow_run_id]}}, "limit": 200, "offset": 0}
        response = httpx.post(f"{self.api}/logs/filter", json=body, timeout=60)
        response.raise_for_status()
        return [entry["message"] for entry in response.json()]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, with all it started (flow-run processes)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def prefect_server(home: Path) -> Iterator[Prefect]:
    port = free_port()
    prefect = Prefect(home, f"http://127.0.0.1:{port}/api")
    env = prefect.env(
        PREFECT_UI_ENABLED="false",
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
        # SQLite statements beside a busy machine: the 10 s / 5 s defaults fail spuriously.
        PREFECT_SERVER_DATABASE_TIMEOUT="120",
        PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT="60",
    )
    env.pop("PREFECT_API_URL")
    log = home / "server.log"
    home.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(prefect.api):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"prefect server not healthy after {SERVER_START_SECONDS} s:\n"
                    f"{log.read_text()[-3000:]}"
                )
            time.sleep(0.5)
        yield prefect
    finally:
        _stop(process)


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def run_deployments(
    prefect: Prefect, worker_env: dict[str, str], workdir: Path, *deployments: str
) -> list[str]:
    """``prefect deployment run`` for each deployment (at ``NOW``), then one ``--run-once``
    process worker, which runs them all and waits for them; the flow runs' ids."""
    ids = []
    for name in deployments:
        out = prefect.cli("deployment", "run", f"{name}/{name}", "--param", f"now_iso={NOW}")
        match = re.search(r"UUID: ([0-9a-f-]{36})", out)
        assert match, out
        ids.append(match.group(1))
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "kehoach-pool", "--type", "process", "--run-once"],
        cwd=workdir,  # not the checkout: the pull step finds it through KEHOACH_HOME
        env=prefect.env(**worker_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = worker.communicate(timeout=WORKER_SECONDS)[0]
    finally:
        _stop(worker)
    for flow_run_id in ids:
        state = prefect.get(f"/flow_runs/{flow_run_id}")["state"]
        assert state["type"] == "COMPLETED", f"{state}\nworker printed:\n{output}"
    return ids


def sweeps(engine) -> list[SweepRun]:
    with Session(engine) as session:
        query = select(SweepRun).where(SweepRun.runner == "prefect").order_by(SweepRun.id)
        return list(session.exec(query).all())


def test_a_deployed_sweep_run_by_a_worker_sends_the_reminder_once(
    postgres_url, smtp_server, tmp_path, monkeypatch
):
    _reset_postgres(postgres_url)
    monkeypatch.setenv("KEHOACH_DATABASE_URL", postgres_url)
    configure_mail(monkeypatch, smtp_server)
    engine = database(postgres_url)
    build_world(engine, duty("T1", REPORT, DUE), published_at="2022-04-01T09:00")
    sweep(parse_instant("2022-06-21T09:00"))  # yesterday's sweep, by the CLI's job function
    before = len(smtp_server.received)
    worker_env = {k: v for k, v in os.environ.items() if k.startswith("KEHOACH_")}
    worker_env.update(KEHOACH_HOME=str(ROOT), KEHOACH_DATA_DIR=str(tmp_path / "worker-data"))
    reset_settings()

    with prefect_server(tmp_path / "prefect") as prefect:
        prefect.cli("work-pool", "create", "kehoach-pool", "--type", "process")
        prefect.cli("deploy", "--all")
        deployment = prefect.get("/deployments/name/kehoach-sweep/kehoach-sweep")
        (schedule,) = deployment["schedules"]
        assert schedule["schedule"]["cron"] == "0 8 * * *"
        assert schedule["schedule"]["timezone"] == "Asia/Ho_Chi_Minh"
        assert deployment["work_pool_name"] == "kehoach-pool"

        drain = prefect.get("/deployments/name/kehoach-drain/kehoach-drain")
        assert drain["schedules"][0]["schedule"]["interval"] == 300

        (first,) = run_deployments(prefect, worker_env, tmp_path, "kehoach-sweep")
        (mail,) = [m for m in smtp_server.received[before:] if LEAD_MAIL in m.rcpt_tos]
        subject = str(mail.message["Subject"])
        assert subject.startswith("[Nhắc việc] 1 nhiệm vụ ") and REPORT in subject
        assert "Kính gửi" in mail.message.get_body(("plain",)).get_content()
        assert any(m.startswith("Lượt nhắc việc đã chạy") for m in prefect.logs(first))
        (run,) = sweeps(engine)
        assert run.finished_at is not None and run.now == parse_instant(NOW)
        assert run.counts["sent"] >= 1
        received = len(smtp_server.received)

        # The same instant again, and the between-sweeps delivery job: nothing more is sent.
        run_deployments(prefect, worker_env, tmp_path, "kehoach-sweep", "kehoach-drain")
        assert len(smtp_server.received) == received
        second = sweeps(engine)[-1]
        assert len(sweeps(engine)) == 2 and second.finished_at is not None
        assert second.counts.get("sent", 0) == 0
