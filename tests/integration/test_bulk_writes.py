"""The sweep's bulk writes (``models.db``) store what the ORM would and touch only their rows.
Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.db import insert_ignoring_conflicts, set_by_id
from models.delivery import MilestoneSnapshot, Notice, TaskAlarm
from tests.sweep_scale_world import seed

HANOI = timezone(timedelta(hours=7))
AT = datetime(2024, 5, 15, 8, 0, 0, 250, tzinfo=HANOI)  # 01:00:00.000250 UTC


def alarm(task_id: int, kind: str, fire_at: datetime, expires_at: datetime | None) -> dict:
    return {
        "task_id": task_id,
        "kind": kind,
        "step": 0,
        "deadline_version": 1,
        "fire_at": fire_at,
        "expires_at": expires_at,
        "fired": False,
    }


def test_bulk_inserted_rows_read_back_as_the_orm_writes_them_and_conflicts_are_skipped(engine):
    seed(engine, 3, 0)
    with Session(engine) as session:
        rows = [alarm(1, "extra-a", AT, AT + timedelta(hours=3)), alarm(2, "extra-b", AT, None)]
        assert insert_ignoring_conflicts(session, TaskAlarm, rows) == 2
        again = [alarm(1, "extra-a", AT, None), alarm(3, "extra-c", AT, None)]
        assert insert_ignoring_conflicts(session, TaskAlarm, again) == 1  # one conflict
        session.add(TaskAlarm(**alarm(3, "extra-orm", AT, None)))
        session.commit()
        stored = session.exec(
            select(TaskAlarm).where(col(TaskAlarm.kind).startswith("extra")).order_by("kind")
        ).all()
        assert [(a.kind, a.fire_at, a.expires_at) for a in stored] == [
            ("extra-a", AT.astimezone(UTC), (AT + timedelta(hours=3)).astimezone(UTC)),
            ("extra-b", AT.astimezone(UTC), None),
            ("extra-c", AT.astimezone(UTC), None),
            ("extra-orm", AT.astimezone(UTC), None),
        ]
        # Stored alike: an instant comparison finds the bulk rows and the ORM's row together.
        due = select(func.count()).where(
            col(TaskAlarm.kind).startswith("extra"), col(TaskAlarm.fire_at) <= AT
        )
        assert session.exec(due).one() == 4
        before = AT - timedelta(microseconds=1)
        early = select(func.count()).where(
            col(TaskAlarm.kind).startswith("extra"), col(TaskAlarm.fire_at) <= before
        )
        assert session.exec(early).one() == 0


def test_a_bulk_inserted_json_column_reads_back_as_written(engine):
    seed(engine, 1, 0)
    data = {"as_of": "2024-06-30", "rows": [{"agency": "Sở Tư pháp", "open": 2}]}
    with Session(engine) as session:
        row = {"plan_id": 1, "quarter": "2024-Q2", "taken_at": AT, "data": data}
        assert insert_ignoring_conflicts(session, MilestoneSnapshot, [row]) == 1
        session.commit()
        assert session.exec(select(MilestoneSnapshot.data)).one() == data


def test_set_by_id_changes_the_rows_named_and_no_other(engine):
    seed(engine, 3, 0)
    with Session(engine) as session:
        for task_id in (1, 2, 3):
            session.add(
                Notice(
                    task_id=task_id,
                    kind="due-day",
                    deadline_version=1,
                    recipient=f"cq{task_id}@bench.gov.vn",
                    created_at=AT,
                )
            )
        session.commit()
        ids = session.exec(select(Notice.id).order_by(Notice.id)).all()
        set_by_id(session, Notice, "step", [(ids[0], 7), (ids[2], 9)])
        set_by_id(session, Notice, "step", [])
        session.commit()
        steps = session.exec(select(Notice.task_id, Notice.step).order_by(Notice.task_id)).all()
        assert steps == [(1, 7), (2, 0), (3, 9)]
