"""A province-sized sweep world written in bulk (executemany on SQLite, COPY on PostgreSQL).

100 bodies with addresses (the last one without), 10 published plans, ``size`` open tasks with
the five alarms publishing stores (four before the deadline, one overdue), of which the first
``due`` have one alarm due at ``NOW``: 70 % a deadline-day reminder (every fifth task with a
partner body), 20 % a first overdue notice (which freezes the escalation policy and schedules
the ladder and the next overdue notice), 10 % an escalation to the body's head. Used by
``bench/bench_sweep.py`` and the scale-out test.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

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
