"""pytest plugin: the ``smtp_server`` fixture (a scripted aiosmtpd on 127.0.0.1).

Enable it for the whole suite with ``pytest_plugins = ["tests.smtp_fixture"]`` in
tests/conftest.py, or import the fixture into a test module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notifications.smtp import SmtpConfig
from tests.smtp_server import ScriptedSMTPServer


@pytest.fixture
def smtp_server() -> Iterator[ScriptedSMTPServer]:
    server = ScriptedSMTPServer().start()
    try:
        yield server
    finally:
        server.stop()


def config_for(server: ScriptedSMTPServer, **overrides: object) -> SmtpConfig:
    """Client settings pointing at ``server``, with a short timeout so faults show quickly."""
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "sender": "kehoach@ubnd.test.vn",
        "timeout": 2.0,
    }
    values.update(overrides)
    return SmtpConfig(**values)  # type: ignore[arg-type]
