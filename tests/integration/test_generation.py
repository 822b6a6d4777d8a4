"""The change generation grows with every committed write to what pages keep counts of, on
SQLite and PostgreSQL, whoever writes; reads and rolled-back writes leave it alone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, text

from web.snapshots import data_stamp


def generation(engine: Engine) -> int:
    from sqlmodel import Session

    with Session(engine) as session:
        return int(data_stamp(session)[0])


WRITES = [
    "INSERT INTO agency (id, name, folded_name, registered, collective) "
    "VALUES (1, 'Sở Thử', 'so thu', true, false)",
    "UPDATE agency SET name = 'Sở Thử nghiệm' WHERE id = 1",
    "INSERT INTO plan (id, identity, status, revision, source_name, source_sha256, created_at) "
    "VALUES (1, 'kh', 'draft', 1, 'a.txt', 'x', :at)",
    "UPDATE plan SET status = 'published' WHERE id = 1",
    "INSERT INTO task (id, plan_id, identity, ext_id, section, line, text, kind, status, "
    "progress, deadline_version, edited) VALUES (1, 1, 't1', 'T1', 'I', 1, 'Việc', 'action', "
    "'not_started', 0, 1, false)",
    "INSERT INTO task_partner (task_id, agency_id) VALUES (1, 1)",
    "UPDATE task SET status = 'in_progress' WHERE id = 1",
    "DELETE FROM task_partner WHERE task_id = 1",
    "DELETE FROM task WHERE id = 1",
    "DELETE FROM plan WHERE id = 1",
    "DELETE FROM agency WHERE id = 1",
]


def test_every_write_to_tasks_partners_plans_and_bodies_makes_a_new_generation(engine):
    seen = [generation(engine)]
    for statement in WRITES:
        with engine.begin() as conn:
            conn.execute(text(statement), {"at": datetime(2024, 1, 2, tzinfo=UTC)})
        seen.append(generation(engine))
        assert seen[-1] > seen[-2], statement


def test_reads_and_rolled_back_writes_keep_the_generation(engine):
    before = generation(engine)
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM task")).one()
        conn.commit()
        conn.execute(text(WRITES[0]))
        conn.rollback()
    assert generation(engine) == before
