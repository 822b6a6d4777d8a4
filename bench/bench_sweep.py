"""Sweep cost with 10^4 alarms due among 10^5 or 10^6 open tasks, beside the raw database limit.

    python bench/bench_sweep.py [--open 100000,1000000] [--due 10000] [--db sqlite,postgres]
                                [--workers 2] [--no-weekly] [--pg-prefix kehoach_bench]

Peak memory:

    /usr/bin/time -v python bench/bench_sweep.py --open 100000 --due 10000 --db sqlite 2>&1 \
        | grep -E "^[^\t]|Maximum resident"   # time -v's own lines start with a tab

Seeds the world of ``tests/sweep_scale_world.py`` in bulk (not the ORM): ``open`` open tasks
with their alarms, ``due`` of them due at the sweep instant (reminders, first overdue notices,
escalations to the head, some partners).

For each database and size, in one run and on the same rows:

* raw: one SELECT of the due alarms joined to their tasks, and one executemany INSERT of their
  ledger rows (rolled back): the floor the database and driver set;
* fire: ``jobs.fire_due`` (due alarms to ledger notices and follow-up alarms, committed);
* compose: ``jobs.compose_due`` (the notices rendered into outbox rows, committed);

after a small warm-up sweep (imports, holiday table, templates), each as CPU seconds of this
process (``time.process_time``; the PostgreSQL server's own CPU is not in it) and wall seconds.
The sweep instant is a Wednesday: that week's digests went out on Monday (seeded as sent), so
the sweep does what a daily sweep does. The Monday job is measured apart, after it:

* weekly: ``compose_weekly`` (every open task listed to its lead and partners, one digest per
  body), whose cost follows the open tasks, not the due alarms (``--no-weekly`` skips it).
With ``--workers N`` (N > 1) the due set is then reset and swept again by one process and by N
processes at once (each running ``fire_due`` + ``compose_due``), printing both wall times and
checking that no notice was made twice or left out of a message.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, text

from tests.sweep_scale_world import NOW, seed

WEEKLY = "weekly_digest:2024-W20:"  # the week of NOW (Wednesday 15/05/2024)


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


def weekly_sent_on_monday(engine: Engine) -> None:
    """This week's digests, composed and sent by Monday's sweep (one per body)."""
    from sqlalchemy import insert

    from models.delivery import OutboxMessage
    from tests.sweep_scale_world import BODIES

    monday = NOW - timedelta(days=2)
    with engine.begin() as conn:
        conn.execute(
            insert(OutboxMessage),
            [
                {
                    "key": f"{WEEKLY}{body}",
                    "message_id": f"<weekly-{body}@bench.gov.vn>",
                    "kind": "weekly_digest",
                    "recipient": f"cq{body - 1}@bench.gov.vn",
                    "agency_id": body,
                    "subject": "(đã gửi)",
                    "body_text": "",
                    "body_html": "",
                    "status": "sent",
                    "next_attempt_at": monday,
                    "created_at": monday,
                    "sent_at": monday,
                }
                for body in range(1, BODIES + 1)
            ],
        )


def monday_weekly(url: str) -> tuple[tuple[float, float], int]:
    """Monday's weekly digests, composed anew (Wednesday's sweep has run) and committed."""
    from sqlmodel import Session

    from config.settings import get_settings
    from workflows.followup.weekly import compose_weekly
    from workflows.runners.runtime import database

    engine = database(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox_message WHERE key LIKE :k"), {"k": f"{WEEKLY}%"})
    made: list[int] = []
    with Session(engine, expire_on_commit=False) as session:

        def weekly() -> None:
            made.append(compose_weekly(session, get_settings(), NOW, []))
            session.commit()

        return timed(weekly), made[0]


def timed(step: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    step()
    return time.process_time() - cpu, time.perf_counter() - wall


def sweep_once(url: str) -> dict[str, Any]:
    """``fire_due`` then ``compose_due``, each committed and timed, as ``jobs.sweep`` runs them."""
    from sqlmodel import Session

    from config.settings import get_settings
    from workflows.runners.jobs import SweepReport, compose_due, fire_due
    from workflows.runners.runtime import database

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
    """Undo a sweep: no notices or messages (but the week's digests), the due alarms unfired,
    no follow-up alarms."""
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM notice")
        conn.exec_driver_sql(f"DELETE FROM outbox_message WHERE key NOT LIKE '{WEEKLY}%'")
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


def database_url(kind: str, workdir: Path, prefix: str) -> Iterator[str | None]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        return
    admin = create_engine(
        os.environ.get(
            "KEHOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        isolation_level="AUTOCOMMIT",
    )
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
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


def measure(url: str, size: int, due: int, workers: int, weekly: bool) -> None:
    from workflows.runners.runtime import database

    engine = database(url)
    seconds, _ = timed(lambda: seed(engine, size, due))
    weekly_sent_on_monday(engine)
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
    if weekly:
        (weekly_cpu, weekly_wall), digests = monday_weekly(url)
        print(
            f"{'':>10} Monday's weekly digests: {digests} listing the {size} open tasks, "
            f"{weekly_cpu:.2f} s CPU ({weekly_cpu / size * 1e6:.0f} µs per open task), "
            f"{weekly_wall:.2f} s wall",
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
    from workflows.runners.runtime import database

    url = f"sqlite:///{workdir / 'warm-up.db'}"
    seed(database(url), 100, 20)
    sweep_once(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", default="100000", help="open task counts, comma-separated")
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-weekly", action="store_true", help="skip Monday's weekly digests")
    parser.add_argument(
        "--pg-prefix", default="kehoach_bench", help="name of the PostgreSQL database made per run"
    )
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
                for url in database_url(kind, Path(workdir), args.pg_prefix):
                    if url is not None:
                        measure(url, size, args.due, args.workers, not args.no_weekly)


if __name__ == "__main__":
    main()
