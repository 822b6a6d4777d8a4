"""Web fixtures: a world built once per session and copied per test (a SQLite file and its
evidence folder), a fixed clock, and a logged-in TestClient per role."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from config.settings import reset_settings
from tests.web.objects import SECRET, Objects, make_objects
from tests.web.world import NOW_TEXT, World, build_world, login
from web.app import create_app

TEMPLATE_ENV = {"KEHOACH_NOW": NOW_TEXT, "KEHOACH_SECRET_KEY": SECRET}


@pytest.fixture(scope="session")
def template_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World, Objects]:
    folder = tmp_path_factory.mktemp("web-template")
    url = f"sqlite:///{folder / 'kehoach.db'}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**TEMPLATE_ENV, "KEHOACH_DATA_DIR": str(folder / "data")}.items():
            patch.setenv(name, value)
        reset_settings()
        world = build_world(url)
        objects = make_objects(world, folder / "data")
    reset_settings()
    from models.db import engine_for

    engine_for(url).dispose()
    return folder, world, objects


@pytest.fixture
def web_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The fixed clock and secret; returns the test's data dir."""
    for name, value in TEMPLATE_ENV.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    return tmp_path / "data"


@pytest.fixture
def world(template_world, web_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    folder, template, _ = template_world
    shutil.copy(folder / "kehoach.db", tmp_path / "kehoach.db")
    if (folder / "data" / "evidence").exists():
        shutil.copytree(folder / "data" / "evidence", web_env / "evidence")
    url = f"sqlite:///{tmp_path / 'kehoach.db'}"
    monkeypatch.setenv("KEHOACH_DATABASE_URL", url)
    reset_settings()
    return World(url, *list(template.__dict__.values())[1:])


@pytest.fixture
def objects(template_world, world: World) -> Objects:
    return template_world[2]


@pytest.fixture
def app(world: World):  # type: ignore[no-untyped-def]
    return create_app(world.url)


@pytest.fixture
def a_moment_later(app) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Move the app's kept pages, on a clock moved by hand from now on, as far on as a kept
    page is served whatever changed (``web.kept_pages``)."""
    seconds = [0.0]
    app.state.pages.clock = lambda: seconds[0]

    def move() -> None:
        seconds[0] += app.state.pages.fresh_for

    return move


@pytest.fixture
def client_for(app) -> Iterator[Callable[[str | None], TestClient]]:  # type: ignore[no-untyped-def]
    """``client_for("agency_a")``: a client logged in as that account (None: anonymous)."""
    made: list[TestClient] = []

    def make(role: str | None) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        made.append(client)
        if role is not None:
            response = login(client, role)
            assert response.status_code == 303, response.text[:500]
        return client

    yield make
    for client in made:
        client.close()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def log_problems(lines: list[str]) -> list[str]:
    """Lines of a captured log that show a traceback or a 500 (``web.app.server_error``)."""
    return [line for line in lines if "Traceback" in line or "unexpected error on" in line]


@contextmanager
def collected_log() -> Iterator[list[str]]:
    """Every record logged by any logger meanwhile, formatted with its traceback."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)


@pytest.fixture
def clean_server_log() -> Iterator[list[str]]:
    """The log of the app under test; at the end of the test it must hold no traceback and no
    unexpected-error (500) line."""
    with collected_log() as lines:
        yield lines
    assert not log_problems(lines), "\n".join(lines)[-5000:]
