"""Web latency on a province-sized database: the overdue board and the task list.

    /work/venv/bin/python bench/bench_web.py --tasks 100000 --db sqlite postgres
    /work/venv/bin/python bench/bench_web.py --tasks 1000000 --db sqlite --requests 200

Seeds N tasks (spread over 500-task plans, 400 bodies, a third with a partner, deadlines over
2023–2025, mixed statuses) into a fresh SQLite file and/or a fresh PostgreSQL database
(``--pg-admin``, default the test server), serves the app with uvicorn in a child process on
loopback, logs in, and drives each page with an async httpx load generator (``--concurrency``
clients in a closed loop). Prints p50/p95/max latency and throughput per page, and the command
line. Pages marked "(cold)" change a task before each request (not timed), so the board's and
scorecards' kept aggregates are recomputed each time: that is the latency right after a change.
``--only TEXT`` measures only the pages whose label contains TEXT.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

NOW_TEXT = "2024-05-15T09:00:00"
PASSWORD = "mật-khẩu-đo-hiệu-năng-2024"
PLAN_SIZE = 500
BODIES = 400
# "(cold)": before each request the load generator changes a task (a status update through the
# app), so the board's kept aggregates (web/snapshots.py) are recomputed every time.
PAGES = {
    "board (leader)": ("leader", "/board"),
    "board (cold)": ("leader", "/board"),
    "board filtered by body": ("leader", "/board?agency=7"),
    "board by body (cold)": ("leader", "/board?agency=7"),
    "task list p1 (coordinator)": ("coordinator", "/tasks"),
    "task list overdue, page 40": ("coordinator", "/tasks?status=overdue&page=40"),
    "task list quarter filter": ("coordinator", "/tasks?quarter=Quý II/2024"),
    "task list (agency scope)": ("agency", "/tasks"),
    "scorecards year": ("leader", "/scorecards?period=2024"),
    "scorecards year (cold)": ("leader", "/scorecards?period=2024"),
}


def seed(url: str, n: int, rng: random.Random) -> None:
    from models.agencies import Agency
    from models.plans import Plan
    from models.tasks import Task, TaskPartner
    from workflows.parsing.text import fold
    from workflows.runners.runtime import database

    engine = database(url)
    now = datetime(2024, 5, 15, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Agency),
            [
                {
                    "id": i,
                    "name": f"Cơ quan thử {i}",
                    "folded_name": fold(f"Cơ quan thử {i}"),
                    "registered": True,
                    "collective": False,
                    "key": f"bench-{i}",
                }
                for i in range(1, BODIES + 1)
            ],
        )
        plans = -(-n // PLAN_SIZE)
        conn.execute(
            insert(Plan),
            [
                {
                    "id": p,
                    "identity": f"bench-{p}",
                    "number": f"{p}/KH-UBND",
                    "year": 2024,
                    "title": f"Kế hoạch thử {p}",
                    "status": "published",
                    "revision": 1,
                    "source_name": "",
                    "source_sha256": "",
                    "bases": [],
                    "recipients": [],
                    "created_at": now,
                    "published_at": now,
                }
                for p in range(1, plans + 1)
            ],
        )
    start, batch = date(2023, 1, 1), 20_000
    for first in range(1, n + 1, batch):
        tasks, partners = [], []
        for i in range(first, min(first + batch, n + 1)):
            due = start + timedelta(days=rng.randrange(3 * 365))
            status = rng.choices(["not_started", "in_progress", "done"], [3, 3, 4])[0]
            done = status == "done"
            tasks.append(
                {
                    "id": i,
                    "plan_id": (i - 1) // PLAN_SIZE + 1,
                    "identity": f"t{i}",
                    "ext_id": f"T{i}",
                    "section": "III",
                    "line": i % 400,
                    "kind": "action",
                    "text": f"Nhiệm vụ thử số {i}: rà soát, tổng hợp và báo cáo kết quả",
                    "lead_id": rng.randrange(1, BODIES + 1),
                    "due": due,
                    "status": status,
                    "progress": 100 if done else rng.randrange(0, 90, 10),
                    "deadline_version": 1,
                    "edited": False,
                    "completed_at": now if done else None,
                    "completed_late": (rng.random() < 0.3) if done else None,
                }
            )
            if i % 3 == 0:
                partners.append({"task_id": i, "agency_id": rng.randrange(1, BODIES + 1)})
        with engine.begin() as conn:
            conn.execute(insert(Task), tasks)
            conn.execute(insert(TaskPartner), partners)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("agency", "plan", "task"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    from web.admin import create_user

    create_user(url, "dieuphoi@bench.example", "coordinator", None, PASSWORD)
    create_user(url, "lanhdao@bench.example", "leader", None, PASSWORD)
    create_user(url, "coquan@bench.example", "agency", "Cơ quan thử 7", PASSWORD)


def serve(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "KEHOACH_NOW": NOW_TEXT,
        "KEHOACH_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "import logging; from web.server import run; "
        f"run('127.0.0.1', {port}, {url!r}, log_level='warning')"
    )
    with log.open("ab") as sink:  # the child keeps its own handle; a pipe could fill and block
        return subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=sink, stderr=sink
        )


async def login(base: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf": token}
    )
    assert response.status_code in (200, 303), response.status_code
    return client


Change = Callable[[int], Awaitable[None]]


async def drive(
    client: httpx.AsyncClient,
    path: str,
    requests: int,
    concurrency: int,
    change: Change | None = None,
):
    """``requests`` GETs of ``path`` by ``concurrency`` clients in a closed loop; latencies of
    the successful ones, the elapsed time and the failures (status code or exception name).
    ``change(n)``, if given, runs before each GET and is not timed."""
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for n in queue:
            if change is not None:
                await change(n)
            started = time.perf_counter()
            try:
                response = await client.get(path)
            except httpx.HTTPError as error:
                failures.append(type(error).__name__)
                continue
            if response.status_code == 200:
                latencies.append(time.perf_counter() - started)
            else:
                failures.append(f"HTTP {response.status_code}")

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - began, failures


async def measure(base: str, requests: int, concurrency: int, only: str | None = None) -> None:
    clients = {
        "coordinator": await login(base, "dieuphoi@bench.example"),
        "leader": await login(base, "lanhdao@bench.example"),
        "agency": await login(base, "coquan@bench.example"),
    }
    coordinator = clients["coordinator"]
    page = await coordinator.get("/tasks/1")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]

    async def change(n: int) -> None:
        """A status update on task 1 (one task event: a new data stamp)."""
        data = {"csrf": csrf, "status": "in_progress", "progress": str(n % 100)}
        response = await coordinator.post("/tasks/1/status", data=data)
        if response.status_code not in (200, 303):
            raise RuntimeError(f"status update: HTTP {response.status_code}")

    for label, (role, path) in PAGES.items():
        if only and only not in label:
            continue
        cold = change if "(cold)" in label else None
        await drive(clients[role], path, min(5, requests), 1, cold)  # warm-up
        latencies, elapsed, failures = await drive(clients[role], path, requests, concurrency, cold)
        ms = sorted(x * 1000 for x in latencies)
        problems = f"  FAILED {len(failures)}: {sorted(set(failures))}" if failures else ""
        if not ms:
            print(f"  {label:30s} no successful request{problems}", flush=True)
            continue
        p95 = ms[max(0, math.ceil(len(ms) * 0.95) - 1)]
        print(
            f"  {label:30s} p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {ms[-1]:7.1f} ms  {len(ms) / elapsed:6.1f} req/s{problems}",
            flush=True,
        )
    for client in clients.values():
        await client.aclose()


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        try:
            httpx.get(base + "/login", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def run_one(kind: str, args: argparse.Namespace) -> None:
    from web.server import free_port

    cleanup = None
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
        url = f"sqlite:///{folder / 'bench.db'}"

        def cleanup() -> None:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        name = f"kehoach_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg_admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = args.pg_admin.rsplit("/", 1)[0] + f"/{name}"

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        began = time.perf_counter()
        seed(url, args.tasks, random.Random(args.seed))
        print(f"{kind}: {args.tasks:,} tasks seeded in {time.perf_counter() - began:.1f} s")
        port = free_port()
        log = Path(tempfile.mkdtemp(prefix="kehoach-bench-log-")) / "server.log"
        process = serve(url, port, log)
        try:
            wait_until_up(f"http://127.0.0.1:{port}", process, log)
            asyncio.run(
                measure(f"http://127.0.0.1:{port}", args.requests, args.concurrency, args.only)
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
        errors = log.read_text(errors="replace")
        if "Traceback" in errors:
            print(f"  server errors (log {log}):\n" + errors[-3000:])
    finally:
        if cleanup:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument("--requests", type=int, default=200, help="per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    parser.add_argument(
        "--pg-admin",
        default=os.environ.get(
            "KEHOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print(
        f"{args.requests} requests per page, {args.concurrency} concurrent clients, "
        "one uvicorn worker, loopback"
    )
    for kind in args.db:
        run_one(kind, args)


if __name__ == "__main__":
    main()
