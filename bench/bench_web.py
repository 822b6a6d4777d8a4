"""Web under load on a province-sized database: the board, the task list, a task page.

    .venv/bin/python bench/bench_web.py                      # 10^5 tasks, SQLite, a few minutes
    .venv/bin/python bench/bench_web.py --tasks 100000 1000000 --cache-dir /tmp/kehoach-bench
    .venv/bin/python bench/bench_web.py --db postgres --only board
    /usr/bin/time -v .venv/bin/python bench/bench_web.py ...  # "Maximum resident set size"

Seeds N tasks with bulk inserts (500-task plans, 400 bodies, a third with a partner, deadlines
over 2023–2025, mixed statuses) into a fresh SQLite file (``--cache-dir`` keeps it for the next
run) or PostgreSQL database, serves the app as ``kehoach serve`` does (``--workers`` uvicorn
processes, default one per core, no scheduler), logs in (httpx), and drives each page with
``--concurrency`` clients in a closed loop on kept connections (``bench.loadgen``: a lean
HTTP/1.1 client, since httpx costs about as much CPU per request as the server's static file and
shares its cores), first reading only, then with one request in ten a status update
(``POST /tasks/N/status`` on a random task). Printed per page: requests/s, p50/p95/p99 of the
GETs, the CPU time one request cost the server's processes and the load generator (what a busy
shared machine changes least), and beside it the raw limits measured in the same run:

- *static*: a trivial route (a small static file) on the same server with the same clients:
  what the server, loopback and the load generator allow at all; the ratio is page/static;
- *SQL*: the very statements the page ran (captured in-process), replayed on a raw DB-API
  connection: the database's share of one page, and pages/s that would allow on one core.

"after a change" pages update a task before each (timed) GET, so what is kept per change is
recomputed every time: the board right after a change, read by the browser that made it (a
kept page is served to others for a moment, ``web.kept_pages``). They run with one client (and a
fifth of the requests): the figure is one GET's latency after its own change, not 50 writers
queuing for SQLite's write lock. Each server process's peak memory (VmHWM) is printed at the end
of its run; ``/usr/bin/time -v`` gives the whole run's.
The machine is shared: figures are taken while other work runs (load average printed).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from bench import loadgen  # noqa: E402

NOW_TEXT = "2024-05-15T09:00:00"
PASSWORD = "mật-khẩu-đo-hiệu-năng-2024"
PLAN_SIZE = 500
BODIES = 400
WRITE_SHARE = 0.1
STATIC = "/static/app.js"


@dataclass(frozen=True)
class Page:
    label: str
    role: str
    path: str
    after_change: bool = False


# The targets' three pages first; a deep list page is reached by its keyset "next" links.
PAGES = [
    Page("board", "leader", "/board"),
    Page("task list", "coordinator", "/tasks"),
    Page("task page", "coordinator", "/tasks/{task}"),
    Page("board filtered by body", "leader", "/board?agency=7"),
    Page("task list overdue, page 40", "coordinator", "/tasks?status=overdue&deep=40"),
    Page("task list (agency scope)", "agency", "/tasks"),
    Page("board after a change", "coordinator", "/board", after_change=True),
    Page("task list after a change", "coordinator", "/tasks", after_change=True),
]


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


def serve(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    """The web side of ``kehoach serve`` (``web.embedded``), without a scheduler."""
    env = {
        **os.environ,
        "KEHOACH_NOW": NOW_TEXT,
        "KEHOACH_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "import uvicorn; uvicorn.run('web.embedded:web_only', factory=True, host='127.0.0.1', "
        f"port={port}, workers={workers}, log_level='warning', access_log=False, "
        "timeout_worker_healthcheck=60)"
    )
    with log.open("ab") as sink:  # the child keeps its own handle; a pipe could fill and block
        return subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=sink, stderr=sink
        )


def peak_memory(pid: int) -> dict[int, int]:
    """VmHWM (peak resident set, kB) of ``pid`` and its children."""
    found = {}
    for p in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        if match := re.search(r"VmHWM:\s+(\d+) kB", status):
            found[p] = int(match.group(1))
    return found


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


async def login(base: str, email: str) -> tuple[httpx.AsyncClient, loadgen.Client]:
    """A logged-in browser: httpx for reading pages (links, tokens), the lean client for load."""
    client = httpx.AsyncClient(base_url=base, timeout=120)
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf": token}
    )
    assert response.status_code in (200, 303), response.status_code
    return client, loadgen.Client(base, cookies=dict(client.cookies))


Action = Callable[[], Awaitable[None]]


@dataclass
class Run:
    reads: list[float]  # seconds, successful GETs
    writes: list[float]
    elapsed: float
    failures: list[str]
    server_cpu: float = 0.0  # seconds of CPU, all server processes
    client_cpu: float = 0.0  # seconds of CPU, this process (the load generator)

    @property
    def rate(self) -> float:
        return (len(self.reads) + len(self.writes)) / self.elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)] * 1000


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and its children (the server's workers)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


async def drive(
    read: Callable[[], Awaitable[loadgen.Response]],
    requests: int,
    concurrency: int,
    write: Callable[[], Awaitable[loadgen.Response]] | None = None,
    before: Action | None = None,
    rng: random.Random | None = None,
    server: int | None = None,
) -> Run:
    """``requests`` requests by ``concurrency`` clients in a closed loop: a share
    ``WRITE_SHARE`` of them ``write()`` when given, the others ``read()``; ``before()``, if
    given, runs (untimed) before each read. ``server``: the pid whose CPU time (with its
    children's) is counted."""
    run = Run([], [], 0.0, [])
    queue = iter(range(requests))
    rng = rng or random.Random(0)

    async def worker() -> None:
        for _ in queue:
            writing = write is not None and rng.random() < WRITE_SHARE
            if before is not None and not writing:
                await before()
            started = time.perf_counter()
            try:
                response = await (write() if writing and write else read())
            except loadgen.ERRORS as error:
                run.failures.append(type(error).__name__)
                continue
            if response.status_code in (200, 303):
                (run.writes if writing else run.reads).append(time.perf_counter() - started)
            else:
                run.failures.append(f"HTTP {response.status_code}")

    server_began = cpu_seconds(server) if server else 0.0
    client_began, began = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - began
    run.client_cpu = time.process_time() - client_began
    run.server_cpu = cpu_seconds(server) - server_began if server else 0.0
    return run


def line(label: str, run: Run, static_rate: float, sql_ms: float | None) -> str:
    problems = f"  FAILED {len(run.failures)}: {sorted(set(run.failures))}" if run.failures else ""
    if not run.reads:
        return f"  {label:34s} no successful request{problems}"
    sql = f"  SQL {sql_ms:6.1f} ms ({1000 / sql_ms:6.0f}/s)" if sql_ms else ""
    writes = f"  writes p50 {statistics.median(run.writes) * 1000:6.0f}" if run.writes else ""
    done = len(run.reads) + len(run.writes)
    cpu = (
        f"  CPU/req server {run.server_cpu / done * 1000:5.2f} client "
        f"{run.client_cpu / done * 1000:5.2f} ms"
    )
    return (
        f"  {label:34s} {run.rate:6.1f} req/s ({run.rate / static_rate:5.1%} of static)  "
        f"p50 {percentile(run.reads, 0.5):6.0f}  p95 {percentile(run.reads, 0.95):6.0f}  "
        f"p99 {percentile(run.reads, 0.99):6.0f} ms{writes}{cpu}{sql}{problems}"
    )


def sql_of_page(url: str, role: str, path: str, after_change: bool) -> list[tuple[str, object]]:
    """The statements one GET of ``path`` runs, captured on the app in this process, after one
    warm-up GET (so kept counts are reused as on a warm server) and, ``after_change``, a write
    (so they are not)."""
    from starlette.testclient import TestClient

    from web.app import create_app

    os.environ["KEHOACH_NOW"] = NOW_TEXT
    app = create_app(url)
    captured: list[tuple[str, object]] = []
    with TestClient(app, base_url="http://bench") as client:
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        email = {"coordinator": "dieuphoi", "leader": "lanhdao", "agency": "coquan"}[role]
        client.post(
            "/login", data={"email": f"{email}@bench.example", "password": PASSWORD, "csrf": token}
        )
        client.get(path)
        if after_change:
            app.state.pages.fresh_for = 0  # what a recompute runs, not a kept page served
            with app.state.engine.begin() as conn:
                conn.execute(text("UPDATE task SET progress = progress WHERE id = 1"))
        for engine in {app.state.engine, app.state.reader, app.state.glance}:
            event.listen(
                engine,
                "before_cursor_execute",
                lambda _c, _cur, statement, params, *_: captured.append((statement, params)),
            )
        client.get(path)
    return [(sql, params) for sql, params in captured if not sql.startswith("BEGIN")]


def replay_ms(url: str, statements: list[tuple[str, object]], rounds: int = 20) -> float:
    """Wall time of one page's statements on a raw DB-API connection, best of ``rounds``."""
    engine = create_engine(url)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        best = math.inf
        for _ in range(rounds):
            started = time.perf_counter()
            for statement, params in statements:
                cursor.execute(statement, params)
                cursor.fetchall()
            best = min(best, time.perf_counter() - started)
            connection.rollback()
        return best * 1000
    finally:
        connection.close()
        engine.dispose()


async def deep_path(client: httpx.AsyncClient, path: str) -> str:
    """``/tasks?...&deep=N``: follow "next" N-1 times from the first page; the N-th page's URL."""
    base, _, pages = path.partition("&deep=")
    url = base
    for _ in range(int(pages) - 1):
        found = re.search(r'<a rel="next" href="([^"]+)"', (await client.get(url)).text)
        if not found:
            break
        url = base.split("?")[0] + found.group(1).replace("&amp;", "&")
    return url


async def measure(
    base: str, url: str, args: argparse.Namespace, tasks: int, server: int
) -> list[tuple[str, Run, float | None]]:
    logins = {
        "coordinator": await login(base, "dieuphoi@bench.example"),
        "leader": await login(base, "lanhdao@bench.example"),
        "agency": await login(base, "coquan@bench.example"),
    }
    browser, coordinator = logins["coordinator"]
    page = await browser.get("/tasks/1")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    rng = random.Random(args.seed)

    async def write() -> loadgen.Response:
        """A status update on a random task (one task event, a new change generation); the
        browser keeps the mark of its change (its next kept page shows it, ``web.kept_pages``)."""
        data = {"csrf": csrf, "status": "in_progress", "progress": str(rng.randrange(100))}
        response = await coordinator.post(f"/tasks/{rng.randrange(1, tasks + 1)}/status", data)
        coordinator.keep({k: v for k, v in response.cookies.items() if k == "kh_wrote"})
        return response

    async def change() -> None:
        await write()  # a failed change shows as the next GET's latency, not as a stop

    anonymous = loadgen.Client(base)
    await drive(lambda: anonymous.get(STATIC), 50, args.concurrency)  # warm-up
    static = await drive(
        lambda: anonymous.get(STATIC), args.requests * 2, args.concurrency, server=server
    )
    results: list[tuple[str, Run, float | None]] = [(f"static {STATIC}", static, None)]
    print(line(results[0][0], static, static.rate, None), flush=True)
    for spec in PAGES:
        if args.only and args.only not in spec.label:
            continue
        reader, client = logins[spec.role]
        path = spec.path.format(task=tasks // 2)
        if "&deep=" in path:
            path = await deep_path(reader, path)
        sql = replay_ms(url, sql_of_page(url, spec.role, path, spec.after_change))
        mixes = [("read", None)] if spec.after_change else [("read", None), ("10% write", write)]
        for mix, writer in mixes:
            # warm-up, on as many connections as the run: every worker gets some, and keeps
            # what it computes once per process (a cold worker's first board counts it all)
            await drive(lambda c=client, p=path: c.get(p), args.concurrency, args.concurrency)
            run = await drive(
                lambda c=client, p=path: c.get(p),
                args.requests // 5 if spec.after_change else args.requests,
                1 if spec.after_change else args.concurrency,  # each GET right after its change
                write=writer,
                before=change if spec.after_change else None,
                rng=rng,
                server=server,
            )
            label = f"{spec.label} [{mix}]"
            results.append((label, run, sql))
            print(line(label, run, static.rate, sql), flush=True)
    for reader, client in logins.values():
        await reader.aclose()
        client.close()
    anonymous.close()
    return results


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        try:
            httpx.get(base + "/login", timeout=5)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def sqlite_database(n: int, args: argparse.Namespace) -> tuple[str, Callable[[], None]]:
    """A seeded SQLite file: a copy of the kept one (``--cache-dir``), or seeded now."""
    folder = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    path = folder / "bench.db"
    kept = Path(args.cache_dir) / f"tasks-{n}-seed{args.seed}.db" if args.cache_dir else None
    if kept and kept.exists():
        shutil.copy(kept, path)
        print(f"sqlite: {n:,} tasks copied from {kept}")
    else:
        began = time.perf_counter()
        seed(f"sqlite:///{path}", n, random.Random(args.seed))
        print(f"sqlite: {n:,} tasks seeded (bulk inserts) in {time.perf_counter() - began:.0f} s")
        if kept:  # SQLite's backup: a plain copy would lose what is still in the WAL file
            kept.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(kept)) as to:
                source.backup(to)
    return f"sqlite:///{path}", lambda: shutil.rmtree(folder, ignore_errors=True)


def postgres_database(n: int, args: argparse.Namespace) -> tuple[str, Callable[[], None]]:
    name = f"kehoach_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.pg_admin.rsplit("/", 1)[0] + f"/{name}"

    def cleanup() -> None:
        from models.db import engine_for

        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    began = time.perf_counter()
    seed(url, n, random.Random(args.seed))
    print(f"postgres: {n:,} tasks seeded (bulk inserts) in {time.perf_counter() - began:.0f} s")
    return url, cleanup


def run_one(kind: str, n: int, args: argparse.Namespace) -> None:
    from web.server import free_port

    url, cleanup = (sqlite_database if kind == "sqlite" else postgres_database)(n, args)
    try:
        port = free_port()
        log = Path(tempfile.mkdtemp(prefix="kehoach-bench-log-")) / "server.log"
        process = serve(url, port, args.workers, log)
        peaks: dict[int, int] = {}
        try:
            wait_until_up(f"http://127.0.0.1:{port}", process, log)
            print(f"{kind}, {n:,} tasks, load average {os.getloadavg()[0]:.1f}:", flush=True)
            loadgen.run(measure(f"http://127.0.0.1:{port}", url, args, n, process.pid))
            peaks = peak_memory(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=60)
        memory = ", ".join(f"{kb / 1024:.0f}" for kb in peaks.values())
        print(f"  peak memory (VmHWM, MB) of the supervisor and its workers: {memory}")
        errors = log.read_text(errors="replace")
        if "Traceback" in errors:
            print(f"  server errors (log {log}):\n" + errors[-3000:])
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[100_000])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument("--requests", type=int, default=300, help="per page and mix")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache-dir", help="keep seeded SQLite files here for the next run")
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
        f"{args.requests} requests per page and mix, {args.concurrency} concurrent clients, "
        f"{args.workers} uvicorn worker(s), loopback, {os.cpu_count()} cores (shared)"
    )
    for n in args.tasks:
        for kind in args.db:
            run_one(kind, n, args)


if __name__ == "__main__":
    main()
