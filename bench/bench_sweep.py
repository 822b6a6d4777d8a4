"""Sweep cost with 10^4 alarms due among 10^5 or 10^6 open tasks, beside the raw database limit.

    python bench/bench_sweep.py [--open 100000,1000000] [--due 10000] [--db sqlite,postgres]
                                [--workers 2]

Peak memory:

    /usr/bin/time -v python bench/bench_sweep.py --open 100000 --due 10000 --db sqlite 2>&1 \
        | grep -E "^ |Maximum resident"

Seeds (raw executemany on SQLite, COPY on PostgreSQL, not the ORM) 100 bodies with addresses
(one without), 10 published plans, ``open`` open tasks with the five alarms publishing stores
(four before the deadline, one overdue), of which ``due`` have one alarm due at the sweep
instant: 70 % a deadline-day reminder (every fifth task with a partner body), 20 % a first
overdue notice (which freezes the escalation policy and schedules the ladder and the next
overdue notice), 10 % an escalation to the body's head (with the chasing so far listed).

For each database and size, in one run and on the same rows:

* raw: one SELECT of the due alarms joined to their tasks, and one executemany INSERT of their
  ledger rows (rolled back): the floor the database and driver set;
* fire: ``jobs.fire_due`` (due alarms to ledger notices and follow-up alarms, committed);
* compose: ``jobs.compose_due`` (the notices rendered into outbox rows, committed);

after a small warm-up sweep (imports, holiday table, templates), each as CPU seconds of this
process (``time.process_time``; the PostgreSQL server's own CPU is
not in it) and wall seconds. With ``--workers N`` (N > 1) the due set is then reset and swept
again by one process and by N processes at once (each running ``fire_due`` + ``compose_due``),
printing both wall times and checking that no notice or message was made twice.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, text

from workflows.rules.escalation import DEFAULT_POLICY

BODIES = 100
PLANS = 10
NOW = datetime(2024, 5, 15, 1, 5, tzinfo=UTC)  # Wednesday 08:05 in Hà Nội, mid-quarter
TODAY = date(2024, 5, 15)
FIRE_HOUR = timedelta(hours=1)  # 08:00 local
POLICY = json.dumps(DEFAULT_POLICY.to_dict())  # as frozen when a task became overdue
TASK_COLUMNS = (
    "id, plan_id, identity, ext_id, section, line, text, kind, lead_id, due, status, progress, "
    "deadline_version, edited, escalation_policy"
)
ALARM_COLUMNS = "task_id, kind, step, deadline_version, fire_at, expires_at, fired"


def _at(day: date) -> datetime:
    """08:00 local on ``day``, as the naive UTC the columns store."""
    return datetime.combine(day, datetime.min.time()) + FIRE_HOUR


def rows_for(start: int, stop: int, due: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Tasks, alarms and partner rows of tasks ``start``…``stop - 1`` (the first ``due`` due)."""
    tasks, alarms, partners = [], [], []
    for i in range(start, stop):
        task_id, lead = i + 1, i % BODIES + 1
        policy = None
        if i >= due:  # open, not due: a deadline in the coming months, its alarms ahead
            deadline = date(2024, 6, 3) + timedelta(days=i % 180)
            fire = _at(deadline)
            for kind, back in (("before-7", 9), ("before-3", 5), ("before-1", 1), ("due-day", 0)):
                end = fire + timedelta(hours=23)
                alarms.append((task_id, kind, 0, 1, fire - timedelta(days=back), end, False))
            alarms.append((task_id, "overdue-1", 0, 1, fire + timedelta(days=1), None, False))
        elif i % 10 < 7:  # the deadline is today: the deadline-day reminder is due
            deadline = TODAY
            fire = _at(deadline)
            alarms.append((task_id, "due-day", 0, 1, fire, fire + timedelta(hours=23), False))
            alarms.append((task_id, "overdue-1", 0, 1, fire + timedelta(days=1), None, False))
            if i % 5 == 0:
                partners.append((task_id, (i + 7) % BODIES + 1))
        elif i % 10 < 9:  # the deadline was Friday: the first overdue notice is due
            deadline = date(2024, 5, 10)
            alarms.append((task_id, "overdue-1", 0, 1, _at(date(2024, 5, 13)), None, False))
        else:  # overdue for a week: the head hears of it (step 1)
            deadline, policy = date(2024, 5, 6), POLICY
            alarms.append((task_id, "overdue-1", 0, 1, _at(date(2024, 5, 7)), None, True))
            alarms.append((task_id, "escalation", 1, 1, _at(date(2024, 5, 10)), None, False))
            alarms.append((task_id, "escalation", 2, 1, _at(date(2024, 5, 16)), None, False))
        tasks.append(
            (
                task_id,
                i % PLANS + 1,
                f"t{i}",
                f"T{i}",
                "IV.1",
                1,
                f"Nhiệm vụ số {i}: báo cáo kết quả thực hiện",
                "action",
                lead,
                deadline,
                "not_started",
                0,
                1,
                False,
                policy,
            )
        )
    return tasks, alarms, partners


def seed(engine: Engine, size: int, due: int) -> None:
    from sqlalchemy import insert

    from models.agencies import Agency
    from models.plans import Plan

    with engine.begin() as conn:
        conn.execute(
            insert(Agency),
            [
                {
                    "id": i + 1,
                    "key": f"b{i}",
                    "name": f"Cơ quan số {i}",
                    "folded_name": f"co quan so {i}",
                    "registered": True,
                    "collective": False,
                    "email": None if i == BODIES - 1 else f"cq{i}@bench.gov.vn",
                    "head_email": f"tt{i}@bench.gov.vn",
                }
                for i in range(BODIES)
            ],
        )
        conn.execute(
            insert(Plan),
            [
                {
                    "id": p + 1,
                    "identity": f"bench-{p}",
                    "number": f"{p + 1}/KH-BENCH",
                    "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
                    "year": 2024,
                    "title": f"Kế hoạch đo hiệu năng số {p + 1}",
                    "status": "published",
                    "revision": 1,
                    "source_name": "",
                    "source_sha256": "",
                    "created_at": NOW,
                    "period_start": date(2024, 4, 1),
                    "period_end": date(2024, 12, 31),
                    "coordinator_id": p + 1,
                    "leadership_emails": f"ld{p}@bench.gov.vn",
                    "bases": [],
                    "recipients": [],
                }
                for p in range(PLANS)
            ],
        )
        for start in range(0, size, 50_000):
            tasks, alarms, partners = rows_for(start, min(size, start + 50_000), due)
            _bulk(conn, "task", TASK_COLUMNS, tasks)
            _bulk(conn, "task_alarm", ALARM_COLUMNS, alarms)
            _bulk(conn, "task_partner", "task_id, agency_id", partners)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("SELECT setval('task_id_seq', (SELECT max(id) FROM task))")
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def _bulk(conn: Any, table: str, columns: str, rows: list[tuple]) -> None:
    """executemany on SQLite, COPY on PostgreSQL (naive UTC instants either way)."""
    if not rows:
        return
    cursor = conn.connection.dbapi_connection.cursor()
    if conn.dialect.name == "postgresql":
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns.split(",")))
    cursor.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
        [tuple(_sqlite(v) for v in row) for row in rows],
    )


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def raw_limit(engine: Engine) -> tuple[float, float, int]:
    """One SELECT of the due rows, one executemany INSERT of their ledger rows; rolled back."""
    now = NOW.replace(tzinfo=None)
    cpu, wall = time.process_time(), time.perf_counter()
    with engine.connect() as conn, conn.begin() as transaction:
        due = conn.execute(
            text(
                "SELECT a.task_id, a.kind, a.step, a.deadline_version, a.expires_at, "
                "t.lead_id FROM task_alarm a JOIN task t ON t.id = a.task_id "
                "WHERE a.fired = false AND a.fire_at <= :now"
            ),
            {"now": now},
        ).all()
        conn.execute(
            text(
                "INSERT INTO notice (task_id, kind, step, deadline_version, recipient, "
                "agency_id, role, created_at, expires_at) VALUES (:t, :k, :s, :v, :r, :a, "
                "'body', :c, :e)"
            ),
            [
                {
                    "t": r.task_id,
                    "k": r.kind,
                    "s": r.step,
                    "v": r.deadline_version,
                    "r": f"cq{r.lead_id - 1}@bench.gov.vn",
                    "a": r.lead_id,
                    "c": now,
                    "e": r.expires_at,
                }
                for r in due
            ],
        )
        transaction.rollback()
    return time.process_time() - cpu, time.perf_counter() - wall, len(due)


def timed(step: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    step()
    return time.process_time() - cpu, time.perf_counter() - wall


def sweep_once(url: str) -> dict[str, Any]:
    """``fire_due`` then ``compose_due``, each committed and timed, as ``jobs.sweep`` runs them."""
    from sqlmodel import Session

    from config.settings import get_settings
    from workflows.jobs import SweepReport, compose_due, fire_due
    from workflows.runtime import database

    engine = database(url)
    report = SweepReport(now=NOW, dry_run=False)
    with Session(engine, expire_on_commit=False) as session:
        fire = timed(lambda: fire_due(session, NOW, report, commit=True))
        session.commit()

        def compose() -> None:
            compose_due(session, get_settings(), NOW, report)
            session.commit()

        composed = timed(compose)
    return {"fire": fire, "compose": composed, **report.counts}


def _worker(url: str, start: Any, results: Any) -> None:
    _environment()
    start.wait()
    began = time.perf_counter()
    counts = sweep_once(url)
    results.put((began, time.perf_counter(), counts["alarms"], counts["messages"]))


def parallel_wall(url: str, workers: int) -> tuple[float, int, int]:
    """Wall time for ``workers`` processes sweeping the same due set at once."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    procs = [context.Process(target=_worker, args=(url, start, results)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    time.sleep(3)  # let every worker import and connect before the start signal
    start.set()
    done = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join()
    began, ended = min(d[0] for d in done), max(d[1] for d in done)
    return ended - began, sum(d[2] for d in done), sum(d[3] for d in done)


def reset_due_set(engine: Engine, first_new_alarm: int) -> None:
    """Undo a sweep: no notices or messages, the due alarms unfired, no follow-up alarms."""
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM notice")
        conn.exec_driver_sql("DELETE FROM outbox_message")
        conn.exec_driver_sql(f"DELETE FROM task_alarm WHERE id >= {first_new_alarm}")
        # As seeded: every alarm due by now unfired, but the overdue notice already sent to
        # the tasks escalated to their head.
        conn.exec_driver_sql(
            "UPDATE task_alarm SET fired = (kind = 'overdue-1' AND fire_at < '2024-05-08') "
            f"WHERE fire_at <= '{NOW.replace(tzinfo=None).isoformat(sep=' ')}'"
        )
        conn.exec_driver_sql("UPDATE task SET escalation_policy = NULL WHERE due = '2024-05-10'")


def duplicates(engine: Engine) -> int:
    with engine.connect() as conn:
        return (
            conn.exec_driver_sql(
                "SELECT count(*) FROM (SELECT task_id, kind, step, deadline_version, recipient "
                "FROM notice GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d"
            ).scalar_one()
            + conn.exec_driver_sql(
                "SELECT count(*) FROM notice WHERE message_id IS NULL"
            ).scalar_one()
        )


def _environment() -> None:
    from config.settings import reset_settings

    os.environ.update(KEHOACH_SECRET_KEY="bench", KEHOACH_MAIL_FROM="kehoach@bench.gov.vn")
    reset_settings()


def database_url(kind: str, workdir: Path) -> Iterator[str | None]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    admin = create_engine(
        os.environ.get(
            "KEHOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        isolation_level="AUTOCOMMIT",
    )
    name = f"kehoach_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server here: say so and measure the rest
        print(f"  (PostgreSQL skipped: {type(error).__name__}: {str(error).splitlines()[0]})")
        yield None
        return
    url = str(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield url
    finally:
        from models.db import engine_for

        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(url: str, size: int, due: int, workers: int) -> None:
    from workflows.runtime import database

    engine = database(url)
    seconds, _ = timed(lambda: seed(engine, size, due))
    with engine.connect() as conn:
        first_new_alarm = conn.exec_driver_sql("SELECT max(id) + 1 FROM task_alarm").scalar_one()
    raw_cpu, raw_wall, raw_rows = raw_limit(engine)
    r = sweep_once(url)
    (fire_cpu, fire_wall), (comp_cpu, comp_wall) = r["fire"], r["compose"]
    total = fire_cpu + comp_cpu
    print(
        f"{engine.dialect.name:>10} {size:>9} {r['alarms']:>6} {r['notices']:>7} "
        f"{r['messages']:>6} {fire_cpu:>7.2f} {comp_cpu:>8.2f} {total:>7.2f} {raw_cpu:>6.3f} "
        f"{total / raw_cpu:>6.1f}x {fire_wall + comp_wall:>7.2f} {raw_wall:>6.3f}  "
        f"(raw rows {raw_rows}, seed {seconds:.0f} s CPU)",
        flush=True,
    )
    if workers > 1:
        walls = []
        for n in (1, workers):
            reset_due_set(engine, first_new_alarm)
            wall, alarms, messages = parallel_wall(url, n)
            walls.append(wall)
            print(
                f"{'':>10} {n} process(es): wall {wall:.2f} s, alarms {alarms}, messages "
                f"{messages}, duplicated or unsent notices {duplicates(engine)}",
                flush=True,
            )
        print(f"{'':>10} speed-up with {workers} processes: {walls[0] / walls[1]:.2f}x")


def warm_up(workdir: Path) -> None:
    """One small sweep first, so the figures leave out imports, the holiday table and template
    compilation (a serving process pays them once)."""
    from workflows.runtime import database

    url = f"sqlite:///{workdir / 'warm-up.db'}"
    seed(database(url), 100, 20)
    sweep_once(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", default="100000", help="open task counts, comma-separated")
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print("$ python bench/bench_sweep.py " + " ".join(sys.argv[1:]))
    _environment()
    print(
        f"{'database':>10} {'open':>9} {'alarms':>6} {'notices':>7} {'mails':>6} "
        f"{'fire s':>7} {'compose s':>8} {'total s':>7} {'raw s':>6} {'ratio':>7} "
        f"{'wall s':>7} {'raw wall':>6}   (CPU seconds of this process unless wall)"
    )
    with tempfile.TemporaryDirectory() as workdir:
        warm_up(Path(workdir))
        for kind in args.db.split(","):
            for size in (int(s) for s in args.open.split(",")):
                for url in database_url(kind, Path(workdir)):
                    if url is not None:
                        measure(url, size, args.due, args.workers)


if __name__ == "__main__":
    main()
