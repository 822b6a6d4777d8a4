"""Engines and sessions: SQLite (embedded default, WAL) or PostgreSQL by URL.

Nothing is built at import time; callers ask for an engine with the URL they hold.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    Engine,
    String,
    TypeDecorator,
    any_,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Result, make_url
from sqlmodel import Session, select

SQLITE_BUSY_TIMEOUT_MS = 15_000


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, a busy timeout and immediate write locks."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's BEGIN below be the only transaction start (pysqlite's own
        # deferred BEGIN would upgrade to a write lock later and ignore busy_timeout).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL per process."""
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def keep_loaded(session: Session, model: type, ids: Iterable[int] | None = None) -> None:
    """Load rows of ``model`` (all, or those with ``ids``) and hold them for the session's life.

    The identity map only holds weak references: without this, ``session.get`` in a loop loads
    the same body or plan again and again once nothing else refers to it.
    """
    query = select(model)
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return
        query = query.where(model.id.in_(wanted))  # type: ignore[attr-defined]
    session.info.setdefault("kept", []).extend(session.exec(query).all())


def records(result: Result) -> list[Any]:
    """The rows of ``result`` as named tuples of its columns. A field of a named tuple is read
    by a C slot, several times faster than by name from SQLAlchemy's ``Row``; the sweep reads
    hundreds of thousands of fields from rows it loaded in bulk."""
    make = _record(tuple(result.keys()))._make
    return [make(row) for row in result]


@lru_cache(maxsize=64)  # one type per column list the sweep's loads select
def _record(columns: tuple[str, ...]) -> type:
    return namedtuple("Record", columns)  # type: ignore[misc]


def among(session: Session, column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the ids bound as one parameter whatever their number (a
    PostgreSQL array, a SQLite JSON list read by ``json_each``): an IN list of thousands of
    bound parameters costs more to render, bind and adapt than the rows it selects."""
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        array = cast(bindparam(None, _id_list(ids, True), type_=String), ARRAY(BigInteger))
        return column == any_(array)
    each = func.json_each(bindparam(None, _id_list(ids, False), type_=String))
    return column.in_(core_select(literal_column("value")).select_from(each))


def _id_list(ids: Iterable[int], postgres: bool) -> str:
    """Integer ids as one parameter: a PostgreSQL array literal or a JSON list."""
    listed = ",".join(str(int(i)) for i in sorted(set(ids)))
    return f"{{{listed}}}" if postgres else f"[{listed}]"


def insert_ignoring_conflicts(session: Session, table: type, rows: list[dict]) -> int:
    """INSERT … ON CONFLICT DO NOTHING of ``rows`` (all with the same keys) on SQLite and
    PostgreSQL, in one statement (SQLite: one executemany); returns how many were inserted."""
    if not rows:
        return 0
    target = table.__table__  # type: ignore[attr-defined]
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        return _insert_recordset(session, target.name, rows)
    return _insert_executemany(session, target, rows)


def _insert_executemany(session: Session, target: Any, rows: list[dict]) -> int:
    """SQLite: the driver's executemany of the rows as the columns store them (JSON, dates and
    instants converted column by column, see ``sqlite_value``), without SQLAlchemy's per-row
    parameter processing; the connection's change counter says how many rows were inserted."""
    names = list(rows[0])
    columns = [[row[name] for row in rows] for name in names]
    for i, name in enumerate(names):
        kind = target.columns[name].type
        kind = kind.impl if isinstance(kind, TypeDecorator) else kind
        if isinstance(kind, JSON):  # as SQLAlchemy's default serializer writes it (None: null)
            columns[i] = [
                None if v is None and kind.none_as_null else json.dumps(v) for v in columns[i]
            ]
        elif isinstance(kind, DateTime | Date):
            seen: dict[date, str] = {}  # a batch shares few instants: each converted once
            columns[i] = [
                None if v is None else seen[v] if v in seen else seen.setdefault(v, sqlite_value(v))
                for v in columns[i]
            ]
    quoted, marks = ", ".join(f'"{n}"' for n in names), ", ".join("?" * len(names))
    statement = f'INSERT INTO "{target.name}" ({quoted}) VALUES ({marks}) ON CONFLICT DO NOTHING'
    connection = session.connection()
    driver = connection.connection.dbapi_connection
    before = driver.total_changes  # type: ignore[union-attr]
    connection.exec_driver_sql(statement, list(zip(*columns, strict=True)))  # type: ignore[arg-type]
    return driver.total_changes - before  # type: ignore[union-attr]


def sqlite_value(value: date) -> str:
    """A date or an aware instant as SQLAlchemy stores it on SQLite: ``2024-05-15`` and naive
    UTC ``2024-05-15 01:05:00.000000`` (so stored strings compare as instants do)."""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _insert_recordset(session: Session, table: str, rows: list[dict]) -> int:
    """PostgreSQL: the rows travel as one JSON parameter and are inserted from
    ``json_populate_recordset`` (one statement whatever their number, nothing for the driver to
    expand; instants as naive UTC, as ``UTCDateTime`` stores them)."""
    names = ", ".join(f'"{name}"' for name in rows[0])
    statement = text(
        f'INSERT INTO "{table}" ({names}) SELECT {names} FROM '
        f'json_populate_recordset(NULL::"{table}", CAST(:rows AS json)) '
        "ON CONFLICT DO NOTHING RETURNING 1"
    )
    payload = json.dumps(rows, default=_json_value, ensure_ascii=False)
    return len(session.execute(statement, {"rows": payload}).all())


def set_by_id(session: Session, table: type, column: str, pairs: Iterable[tuple[int, int]]) -> None:
    """``UPDATE table SET column = value WHERE id = row`` for each ``(row, value)`` pair of
    integers: one UPDATE per distinct value, its rows bound as one parameter (see ``among``),
    all in one executemany; made for many rows taking each value (a message's notices)."""
    rows_of: dict[int, list[int]] = {}
    for row, value in pairs:
        rows_of.setdefault(value, []).append(row)
    if not rows_of:
        return
    name = table.__table__.name  # type: ignore[attr-defined]
    postgres = is_postgres(session.get_bind())  # type: ignore[arg-type]
    rows = (
        "= ANY(CAST(:rows AS bigint[]))" if postgres else "IN (SELECT value FROM json_each(:rows))"
    )
    session.execute(
        text(f'UPDATE "{name}" SET "{column}" = :value WHERE id {rows}'),
        [{"value": value, "rows": _id_list(ids, postgres)} for value, ids in rows_of.items()],
    )


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be stored by insert_ignoring_conflicts")


def dialect_insert(session: Session, target: Any) -> Any:
    """The dialect's INSERT construct (it has ``on_conflict_do_nothing``) for ``target``."""
    if is_postgres(session.get_bind()):  # type: ignore[arg-type]
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(target)
