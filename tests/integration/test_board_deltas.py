"""The board's figures and the task list's totals moved change by change equal a full recount
(a COUNT over the tasks), on SQLite and PostgreSQL, whatever the writes (one row or many per
statement, deletes, plans published, withdrawn or given to another coordinator, bodies renamed)
and whatever day it is; the change log is read, not recounted."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from models.plans import Plan
from web.auth import CurrentUser
from web.queries_board import (
    Overdue,
    Progress,
    QuarterRates,
    Scores,
    View,
    count_now,
    quarters_up_to,
)
from web.queries_tasks import Listed, TaskFilter
from web.readers import reader_for
from web.scope import scope_of
from web.snapshots import data_stamp
from web.tallies import Tallies
from workflows.rules.quarters import Quarter, year_period

TODAY = date(2024, 5, 15)
DAYS = [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=45), TODAY - timedelta(days=200)]
STATUSES = ["not_started", "in_progress", "done", "dropped"]
BODIES, PLANS = 6, 4


def scope(role: str, agency_id: int | None = None) -> CurrentUser:
    return scope_of(CurrentUser(0, "", role, agency_id, None, "", ""))


# The task list's totals for every scope they are kept for and every kind of filter.
LIST_FILTERS = [
    TaskFilter(),
    TaskFilter(plan_id=2),
    TaskFilter(category="overdue"),
    TaskFilter(category="not_started"),
    TaskFilter(category="in_progress"),
    TaskFilter(category="done_on_time"),
    TaskFilter(category="done_late", plan_id=1),
    TaskFilter(category="dropped"),
    TaskFilter(due_from=TODAY - timedelta(days=90), due_to=TODAY + timedelta(days=30)),
    TaskFilter(category="overdue", due_from=TODAY - timedelta(days=120)),
]


def views(today: date) -> list[View]:
    lists: list[View] = [Listed(scope("coordinator"), f, today) for f in LIST_FILTERS]
    for narrower in (scope("coordinator", 1), scope("leader")):  # only some plans
        lists += [Listed(narrower, f, today) for f in LIST_FILTERS[:3]]
    return [
        *lists,
        Overdue(today),
        Overdue(today, only=1),
        Overdue(today, by_plan=True),
        Overdue(today, by_plan=True, only=2),
        Scores(Quarter(2024, 2).period(), today),
        Scores(year_period(2024), today),
        Progress(2024, today),
        QuarterRates(quarters_up_to(Quarter(2024, 3)), today),
    ]


class Writer:
    """Random committed writes through plain SQL: the triggers see every writer alike."""

    def __init__(self, engine: Engine, rng: random.Random) -> None:
        self.engine, self.rng, self.next_id, self.ids = engine, rng, 1, []

    def run(self, *statements: tuple[str, dict]) -> None:
        with self.engine.begin() as conn:
            for sql, params in statements:
                conn.execute(text(sql), params)

    def due(self) -> date | None:
        return None if self.rng.random() < 0.1 else TODAY + timedelta(self.rng.randrange(-400, 300))

    def facts(self) -> dict:
        status = self.rng.choice(STATUSES)
        late = (
            self.rng.choice([True, False, None])
            if status == "done"
            else self.rng.choice([None, False])
        )
        lead = None if self.rng.random() < 0.1 else self.rng.randrange(1, BODIES + 1)
        return {"lead": lead, "status": status, "due": self.due(), "late": late}

    def insert(self, count: int) -> tuple[str, dict]:
        values, params = [], {}
        for n in range(count):
            task_id = self.next_id
            self.next_id += 1
            self.ids.append(task_id)
            values.append(
                f"({task_id}, :plan{n}, 't{task_id}', 'T{task_id}', 'I', 1, 'Việc', 'action', "
                f":status{n}, 0, 1, false, :lead{n}, :due{n}, :late{n})"
            )
            facts = self.facts()
            params |= {f"{k}{n}": v for k, v in facts.items()}
            params[f"plan{n}"] = self.rng.randrange(1, PLANS + 1)
        sql = (
            "INSERT INTO task (id, plan_id, identity, ext_id, section, line, text, kind, status, "
            "progress, deadline_version, edited, lead_id, due, completed_late) VALUES "
            + ", ".join(values)
        )
        return sql, params

    def step(self) -> None:
        """One transaction of one to three random writes."""
        statements = []
        for _ in range(self.rng.randrange(1, 4)):
            statements.append(self.write())
        self.run(*statements)

    def write(self) -> tuple[str, dict]:
        rng, roll = self.rng, self.rng.random()
        if roll < 0.25 or not self.ids:
            return self.insert(rng.randrange(1, 5))
        task = rng.choice(self.ids)
        if roll < 0.55:
            facts = self.facts()
            column = rng.choice(["status", "due", "lead", "late", "all"])
            sets = {
                "status": "status = :status",
                "due": "due = :due",
                "lead": "lead_id = :lead",
                "late": "completed_late = :late",
            }
            chosen = ", ".join(sets.values()) if column == "all" else sets[column]
            return f"UPDATE task SET {chosen} WHERE id = :id", {**facts, "id": task}
        if roll < 0.65:  # many rows in one statement
            return (
                "UPDATE task SET status = :status, due = :due WHERE lead_id = :lead",
                self.facts(),
            )
        if roll < 0.72:
            return "UPDATE task SET progress = progress + 1 WHERE id = :id", {"id": task}
        if roll < 0.8:
            return "UPDATE task SET plan_id = :plan WHERE id = :id", {
                "plan": rng.randrange(1, PLANS + 1),
                "id": task,
            }
        if roll < 0.9:
            self.ids.remove(task)
            return "DELETE FROM task WHERE id = :id", {"id": task}
        if roll < 0.97:
            status = rng.choice(["published", "draft"])
            return "UPDATE plan SET status = :s, coordinator_id = :body WHERE id = :id", {
                "s": status,
                "body": rng.choice([None, 1, 2]),
                "id": rng.randrange(1, PLANS + 1),
            }
        return "UPDATE agency SET name = :name WHERE id = :id", {
            "name": f"Sở thử {rng.randrange(100)}",
            "id": rng.randrange(1, BODIES + 1),
        }


def seed(engine: Engine) -> None:
    at = datetime(2024, 1, 2, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        for i in range(1, BODIES + 1):
            conn.execute(
                text(
                    "INSERT INTO agency (id, name, folded_name, registered, collective) "
                    "VALUES (:id, :name, :name, true, false)"
                ),
                {"id": i, "name": f"Sở thử {i}"},
            )
        for p in range(1, PLANS + 1):
            conn.execute(
                text(
                    "INSERT INTO plan (id, identity, number, title, status, revision, "
                    "source_name, source_sha256, created_at, coordinator_id) VALUES (:id, "
                    ":identity, :number, 'Kế hoạch thử', :status, 1, 'a.txt', 'x', :at, :body)"
                ),
                {
                    "id": p,
                    "identity": f"kh{p}",
                    "number": f"{p}/KH-UBND",
                    "status": "draft" if p == PLANS else "published",
                    "at": at,
                    "body": 1 if p in (1, PLANS) else None,  # body 1 coordinates a draft too
                },
            )


def tally_rows(tallies: Tallies, engine: Engine, view: View) -> list:
    with Session(engine) as session:
        return tallies.rows(session, view)[0]


def recounted(engine: Engine, view: View) -> list:
    with Session(engine) as session:
        return count_now(session, view)


def test_after_random_writes_the_moved_figures_equal_a_recount_for_every_day(engine):
    seed(engine)
    rng = random.Random(2)
    writer = Writer(engine, rng)
    every_step, now_and_then = Tallies(256), Tallies(256)  # two worker processes, say
    pages = reader_for(engine)  # as GET pages read (REPEATABLE READ on PostgreSQL)
    for step in range(40):
        writer.step()
        for today in DAYS:
            for view in views(today):
                expected = recounted(engine, view)
                assert tally_rows(every_step, pages, view) == expected, (step, view)
                if step % 3 == 0:  # a session reading committed data statement by statement
                    assert tally_rows(now_and_then, engine, view) == expected, (step, view)
    assert every_step.outcomes["moved"] > 2 * every_step.outcomes["recounted"]
    assert now_and_then.outcomes["moved"] > 0


def test_a_change_moves_the_board_by_its_delta_and_a_plan_change_recounts(engine):
    seed(engine)
    writer = Writer(engine, random.Random(3))
    writer.run(writer.insert(20))
    tallies, view = Tallies(), Overdue(TODAY)
    tally_rows(tallies, engine, view)
    assert tallies.outcomes == {"recounted": 1}
    writer.run(("UPDATE task SET status = 'not_started', due = :due WHERE id = 1", {"due": TODAY}))
    writer.run(("UPDATE task SET progress = 5 WHERE id = 2", {}))
    assert tally_rows(tallies, engine, view) == recounted(engine, view)
    assert tallies.outcomes == {"recounted": 1, "moved": 1}
    writer.run(("UPDATE plan SET status = 'draft' WHERE id = 1", {}))
    assert tally_rows(tallies, engine, view) == recounted(engine, view)
    assert tallies.outcomes == {"recounted": 2, "moved": 1}


def test_a_tally_whose_log_rows_were_pruned_recounts(engine):
    seed(engine)
    writer = Writer(engine, random.Random(4))
    writer.run(writer.insert(10))
    tallies, view = Tallies(), Overdue(TODAY, by_plan=True)
    tally_rows(tallies, engine, view)
    writer.run(writer.insert(10))
    with engine.begin() as conn:  # as the pruning trigger leaves it, far past this tally
        conn.execute(text("UPDATE task_delta_pruned SET upto = 9000000000000 WHERE slot = 0"))
    assert tally_rows(tallies, engine, view) == recounted(engine, view)
    assert tallies.outcomes == {"recounted": 2}


def test_the_triggers_prune_the_log_and_say_how_far(engine):
    from models.deltas import KEEP_ROWS, PRUNE_EVERY

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # five rows of a transaction long over
            conn.execute(
                text(
                    "INSERT INTO task_delta (xid, sign) "
                    "SELECT CASE WHEN i <= 5 THEN 1 ELSE 2 END, 0 FROM generate_series(1, :n) i"
                ),
                {"n": KEEP_ROWS + 10},
            )
            conn.execute(text("SELECT kh_task_delta_prune()"))
            expected = {"left": KEEP_ROWS + 5, "first": 6, "upto": 2}
        else:  # the trigger prunes on every PRUNE_EVERY-th row
            conn.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n) "
                    "INSERT INTO task_delta (sign) SELECT 0 FROM n"
                ),
                {"n": KEEP_ROWS + PRUNE_EVERY},
            )
            expected = {"left": KEEP_ROWS, "first": PRUNE_EVERY + 1, "upto": PRUNE_EVERY}
        found = conn.execute(
            text(
                "SELECT count(*) AS left, min(seq) AS first, "
                "(SELECT upto FROM task_delta_pruned) AS upto FROM task_delta"
            )
        )
    assert dict(found.one()._mapping) == expected


def test_on_postgresql_a_change_committed_after_a_later_one_is_not_missed(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: commits follow the log's order")
    seed(engine)
    writer = Writer(engine, random.Random(5))
    writer.run(
        (
            "INSERT INTO task (id, plan_id, identity, ext_id, section, line, text, kind, "
            "status, progress, deadline_version, edited, lead_id, due) VALUES "
            "(1, 1, 't1', 'T1', 'I', 1, 'Việc', 'action', 'done', 0, 1, false, 1, :due), "
            "(2, 1, 't2', 'T2', 'I', 1, 'Việc', 'action', 'done', 0, 1, false, 2, :due)",
            {"due": TODAY - timedelta(days=3)},
        )
    )
    tallies, view = Tallies(), Overdue(TODAY)
    assert tally_rows(tallies, engine, view) == []
    with engine.connect() as first, engine.connect() as second:
        first.execute(text("UPDATE task SET status = 'in_progress' WHERE id = 1"))
        second.execute(text("UPDATE task SET status = 'in_progress' WHERE id = 2"))
        second.commit()  # the later transaction commits first
        assert [r.key for r in tally_rows(tallies, engine, view)] == [2]
        first.commit()
    assert [r.key for r in tally_rows(tallies, engine, view)] == [1, 2]
    assert tallies.outcomes["moved"] == 2


def test_a_request_whose_snapshot_is_older_than_the_tally_is_served_the_newer_figures(engine):
    seed(engine)
    writer = Writer(engine, random.Random(6))
    writer.run(writer.insert(12))
    tallies, view, pages = Tallies(), Overdue(TODAY, by_plan=True), reader_for(engine)
    tally_rows(tallies, pages, view)
    with Session(pages) as older:
        older.exec(select(Plan.id)).all()  # its snapshot is taken here
        writer.run(("UPDATE task SET status = 'in_progress', due = :due", {"due": TODAY}))
        writer.run(("UPDATE task SET due = :due WHERE id <= 5", {"due": TODAY - timedelta(9)}))
        newer = tally_rows(tallies, pages, view)
        assert newer == recounted(engine, view) != []
        assert tallies.rows(older, view)[0] == newer  # not moved back to what it sees
        assert tallies.outcomes["kept"] == 1
    writer.run(("UPDATE task SET status = 'done' WHERE id = 1", {}))
    assert tally_rows(tallies, pages, view) == recounted(engine, view)
    assert tallies.outcomes["recounted"] == 1


def test_a_list_total_gives_a_key_for_plans_and_bodies_only_at_the_snapshot_it_reflects(engine):
    seed(engine)
    writer = Writer(engine, random.Random(7))
    writer.run(writer.insert(5))
    tallies, view, pages = (
        Tallies(),
        Listed(scope("coordinator"), TaskFilter(), TODAY),
        reader_for(engine),
    )

    def basis(session: Session) -> int | None:
        stamp = data_stamp(session)
        tallies.rows(session, view, stamp)
        return tallies.basis(view, stamp)

    with Session(pages) as session:
        first = basis(session)
    assert first is not None
    writer.run(("UPDATE task SET progress = 7 WHERE id = 1", {}))
    with Session(pages) as session:
        assert basis(session) == first  # a task changed: the same plans and bodies
    with Session(pages) as older:
        older.exec(select(Plan.id)).all()  # its snapshot is taken here
        writer.run(("UPDATE plan SET title = 'Kế hoạch đổi tên' WHERE id = 1", {}))
        with Session(pages) as newer:
            renamed = basis(newer)
        assert renamed is not None and renamed != first
        assert basis(older) is None  # older than the tally: the caller keys by its own stamp
