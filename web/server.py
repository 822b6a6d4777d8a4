"""Serving the app with uvicorn: in the foreground (``kehoach serve``) or in a background
thread on a free loopback port (browser tests, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette

from config.settings import Settings, get_settings


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header handling from ``KEHOACH_TRUSTED_PROXIES``: with none (the
    default) X-Forwarded-For is ignored from everyone, so a client cannot choose the address
    its log-in attempts are counted under; with some, only those peers are believed."""
    proxies = settings.trusted_proxy_list
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Starlette, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Run ``app`` in a thread for the duration of the block; yields its base URL."""
    port = port or free_port(host)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
        **proxy_options(get_settings()),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="kehoach-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the web server did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run(
    host: str = "127.0.0.1",
    port: int = 8080,
    database_url: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve in the foreground until interrupted (what ``kehoach serve`` can call)."""
    from web.app import create_app

    uvicorn.run(
        create_app(database_url),
        host=host,
        port=port,
        log_level=log_level,
        **proxy_options(get_settings()),
    )
