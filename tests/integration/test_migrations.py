"""Migrations go up, down and up again with data in place, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from models.db import make_engine
from models.migrate import downgrade, upgrade


@pytest.fixture
def bare_url(db_url: str) -> str:
    return db_url  # an empty database (SQLite file, or a schema-reset PostgreSQL database)


def test_migrations_go_up_down_and_up_keeping_the_data_of_the_first_revision(bare_url):
    engine = make_engine(bare_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO plan (identity, status, revision, source_name, source_sha256, "
                "created_at, title) VALUES ('kh', 'draft', 1, 'a.txt', 'x', :at, 'Kế hoạch thử')"
            ),
            {"at": datetime(2024, 1, 2, tzinfo=UTC).replace(tzinfo=None)},
        )
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"outbox_message", "notice", "task_alarm", "extension"} <= tables
    downgrade(engine, "0001")
    assert "outbox_message" not in set(inspect(engine).get_table_names())
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM plan")).scalar_one() == "Kế hoạch thử"
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_the_migrations_build_exactly_the_schema_the_models_declare(bare_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401 - registers every table on the metadata

    engine = make_engine(bare_url)
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        drift = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert drift == []
    assert "ix_task_board" in {
        i["name"] for i in inspect(make_engine(bare_url)).get_indexes("task")
    }


def test_the_board_change_log_goes_down_to_0007_with_its_triggers_and_up_again(bare_url):
    engine = make_engine(bare_url)
    upgrade(engine)
    at = datetime(2024, 1, 2, tzinfo=UTC).replace(tzinfo=None)
    plan = (
        "INSERT INTO plan (id, identity, status, revision, source_name, source_sha256, "
        "created_at) VALUES (:id, :identity, 'published', 1, 'a.txt', 'x', :at)"
    )
    task = (
        "INSERT INTO task (id, plan_id, identity, ext_id, section, line, text, kind, status, "
        "progress, deadline_version, edited) VALUES (:id, 1, :identity, 'T', 'I', 1, 'Việc', "
        "'action', 'not_started', 0, 1, false)"
    )
    logged = "SELECT sign, plan_id, status FROM task_delta ORDER BY seq"
    with engine.begin() as conn:
        conn.execute(text(plan), {"id": 1, "identity": "kh", "at": at})
        conn.execute(text(task), {"id": 1, "identity": "t1"})
        conn.execute(text("UPDATE task SET status = 'done' WHERE id = 1"))
        assert conn.execute(text(logged)).all() == [
            (0, None, None),
            (1, 1, "not_started"),
            (-1, 1, "not_started"),
            (1, 1, "done"),
        ]
    downgrade(engine, "0007")
    assert not {"task_delta", "task_delta_pruned"} & set(inspect(engine).get_table_names())
    with engine.begin() as conn:  # no trigger is left writing to the dropped log
        conn.execute(text(plan), {"id": 2, "identity": "kh2", "at": at})
        conn.execute(text(task), {"id": 2, "identity": "t2"})
        conn.execute(text("UPDATE task SET status = 'done' WHERE id = 2"))
        conn.execute(text("DELETE FROM task WHERE id = 2"))
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM task WHERE id = 1"))
        assert conn.execute(text(logged)).all() == [(-1, 1, "done")]
    engine.dispose()
