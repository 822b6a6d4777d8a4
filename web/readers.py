"""Read-only engines for GET pages.

The embedded SQLite engine starts every transaction with ``BEGIN IMMEDIATE`` (the write lock,
so two writers never deadlock). Pages only read: under WAL, readers neither wait for nor block
the writer, so GET requests use a second engine on the same file whose transactions are
deferred and which refuses writes (``PRAGMA query_only``). On PostgreSQL GET pages read in
REPEATABLE READ: all of a page's statements see one snapshot, as on SQLite (the board's tallies,
``web.tallies``, move from it; a read-only transaction never fails to serialize).

A read that needs no snapshot shared by several statements (who holds a session cookie; a task's
page, whose every statement reads what was committed when it ran) begins no transaction at all:
``glance_for``, the same read-only connections without BEGIN (PostgreSQL: autocommit).
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event

from models.db import SQLITE_BUSY_TIMEOUT_MS


def reader_for(engine: Engine) -> Engine:
    """An engine for read-only transactions on ``engine``'s database."""
    if engine.dialect.name != "sqlite":
        return engine.execution_options(isolation_level="REPEATABLE READ")
    reader = _sqlite_reader(engine)

    @event.listens_for(reader, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN DEFERRED")

    return reader


def glance_for(engine: Engine) -> Engine:
    """An engine for reads outside any transaction on ``engine``'s database: each statement
    reads what is committed when it runs."""
    if engine.dialect.name != "sqlite":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return _sqlite_reader(engine)


def _sqlite_reader(engine: Engine) -> Engine:
    """Read-only connections in the driver's autocommit mode: no BEGIN unless one is issued."""
    reader = create_engine(
        engine.url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # As many connections as the thread pool has threads (40): a slow page must not make
        # the others time out waiting for a connection.
        pool_size=8,
        max_overflow=40,
    )

    @event.listens_for(reader, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # no BEGIN of the driver's own
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return reader
