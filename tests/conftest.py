"""Shared fixtures: isolated settings, real SQLite files, a real PostgreSQL database per session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from config.settings import reset_settings

pytest_plugins = ["tests.smtp_fixture"]

DATA = Path(__file__).parent / "data"
PLANS = DATA / "plans"
POSTGRES_ADMIN_URL = os.environ.get(
    "KEHOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data dir and no stray KEHOACH_* variables from the shell."""
    for name in list(os.environ):
        if name.startswith("KEHOACH_") and name != "KEHOACH_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("KEHOACH_DATA_DIR", str(tmp_path / "data"))
    reset_settings()
    yield
    reset_settings()


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure means "no server here"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database on the real PostgreSQL server, dropped at the end of the session."""
    problem = _postgres_reachable()
    if problem:
        pytest.skip(f"no PostgreSQL reachable at {POSTGRES_ADMIN_URL} ({problem})")
    name = f"kehoach_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from models.db import engine_for

    engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kehoach.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Both databases, real: a SQLite file, and a schema-reset PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kehoach.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    yield url


def _reset_postgres(url: str) -> None:
    from models.db import engine_for

    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    from workflows.runners import runtime

    runtime._migrated.discard(url)


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A migrated engine on each database; the CLI in the same test uses it too."""
    from workflows.runners.runtime import database

    monkeypatch.setenv("KEHOACH_DATABASE_URL", db_url)
    reset_settings()
    return database(db_url)
