"""Sweep cost against the number of open tasks, with 1 % of them due.

    python bench/bench_sweep.py [--sizes 10000,100000,1000000] [--db sqlite|postgres]

Seeds a published plan (100 bodies with addresses) whose tasks have their reminder alarms
stored as publishing would store them (four before the deadline, one overdue), 1 % of them due
at the sweep instant. Times one real sweep's composing phase (``dry_run``: every query and
every rendered digest, then rolled back) and one full sweep with delivery to a loopback
SMTP server. The claim is that cost follows the due tasks, not all tasks.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, text

BODIES = 100
NOW = datetime(2024, 5, 15, 1, 5, tzinfo=UTC)  # Wednesday 08:05 in Hà Nội, mid-quarter


def seed(url: str, size: int) -> None:
    from models.agencies import Agency
    from models.delivery import TaskAlarm
    from models.plans import Plan
    from models.tasks import Task
    from workflows.runners.runtime import database

    engine = database(url)
    with engine.begin() as conn:
        conn.execute(
            insert(Agency),
            [
                {
                    "id": i + 1,
                    "key": f"b{i}",
                    "name": f"Cơ quan số {i}",
                    "folded_name": f"co quan {i}",
                    "registered": True,
                    "collective": False,
                    "email": f"cq{i}@bench.gov.vn",
                    "head_email": f"tt{i}@bench.gov.vn",
                }
                for i in range(BODIES)
            ],
        )
        conn.execute(
            insert(Plan),
            [
                {
                    "id": 1,
                    "identity": "bench",
                    "number": "1/KH-BENCH",
                    "year": 2024,
                    "title": "Kế hoạch đo hiệu năng",
                    "status": "published",
                    "revision": 1,
                    "source_name": "",
                    "source_sha256": "",
                    "created_at": NOW,
                    "period_start": date(2024, 4, 1),
                    "period_end": date(2024, 12, 31),
                    "coordinator_id": 1,
                    "leadership_emails": "ld@bench.gov.vn",
                    "bases": [],
                    "recipients": [],
                }
            ],
        )
        due_count = size // 100
        for start in range(0, size, 20_000):
            stop = min(size, start + 20_000)
            tasks, alarms = [], []
            for i in range(start, stop):
                due = (
                    date(2024, 5, 15)
                    if i < due_count
                    else date(2024, 6, 3) + timedelta(days=i % 180)
                )
                tasks.append(
                    {
                        "id": i + 1,
                        "plan_id": 1,
                        "identity": f"t{i}",
                        "ext_id": f"T{i}",
                        "section": "IV.1",
                        "line": 1,
                        "text": f"Nhiệm vụ số {i}",
                        "kind": "action",
                        "lead_id": i % BODIES + 1,
                        "due": due,
                        "status": "not_started",
                        "progress": 0,
                        "deadline_version": 1,
                        "edited": False,
                    }
                )
                fire = datetime.combine(due, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
                for kind, back in (
                    ("before-7", 9),
                    ("before-3", 5),
                    ("before-1", 1),
                    ("due-day", 0),
                ):
                    alarms.append(
                        {
                            "task_id": i + 1,
                            "kind": kind,
                            "step": 0,
                            "deadline_version": 1,
                            "fire_at": fire - timedelta(days=back),
                            "expires_at": fire + timedelta(hours=23),
                            "fired": back > 0 and i < due_count,
                        }
                    )
                alarms.append(
                    {
                        "task_id": i + 1,
                        "kind": "overdue-1",
                        "step": 0,
                        "deadline_version": 1,
                        "fire_at": fire + timedelta(days=1),
                        "expires_at": None,
                        "fired": False,
                    }
                )
            conn.execute(insert(Task), tasks)
            conn.execute(insert(TaskAlarm), alarms)


def measure(url: str, size: int) -> dict[str, float]:
    from tests.smtp_server import ScriptedSMTPServer
    from workflows.runners.jobs import sweep

    started = time.perf_counter()
    seed(url, size)
    seeded = time.perf_counter() - started
    server = ScriptedSMTPServer().start()
    os.environ.update(
        KEHOACH_SMTP_HOST=server.host,
        KEHOACH_SMTP_PORT=str(server.port),
        KEHOACH_SECRET_KEY="bench",
        KEHOACH_MAIL_FROM="kehoach@bench.gov.vn",
    )
    from config.settings import reset_settings

    reset_settings()
    started = time.perf_counter()
    dry = sweep(NOW, dry_run=True, database_url=url)
    composing = time.perf_counter() - started
    started = time.perf_counter()
    real = sweep(NOW, database_url=url)
    full = time.perf_counter() - started
    server.stop()
    return {
        "seed_s": seeded,
        "compose_s": composing,
        "sweep_s": full,
        "due_alarms": dry.counts["alarms"],
        "emails": real.counts["sent"],
    }


def database_url(kind: str, workdir: Path) -> tuple[str, object]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}", None
    admin = create_engine(
        os.environ.get(
            "KEHOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        isolation_level="AUTOCOMMIT",
    )
    name = f"kehoach_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return str(admin.url.set(database=name).render_as_string(hide_password=False)), (admin, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print("$ python bench/bench_sweep.py " + " ".join(sys.argv[1:]))
    print(
        f"{'open tasks':>10} {'due':>7} {'seed s':>8} {'compose s':>10} {'sweep s':>8} "
        f"{'emails':>7}  ({args.db})"
    )
    with tempfile.TemporaryDirectory() as workdir:
        for size in (int(s) for s in args.sizes.split(",")):
            url, cleanup = database_url(args.db, Path(workdir))
            r = measure(url, size)
            print(
                f"{size:>10} {r['due_alarms']:>7} {r['seed_s']:>8.1f} {r['compose_s']:>10.2f} "
                f"{r['sweep_s']:>8.2f} {r['emails']:>7}",
                flush=True,
            )
            if cleanup:
                from models.db import engine_for

                engine_for(url).dispose()
                admin, name = cleanup
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
