"""``kehoach serve``: the embedded default, the scheduler and the web app from one command.

The scheduler runs in a background thread of the process ``kehoach serve`` starts, and only
there. The web side may use every core: with ``KEHOACH_WEB_WORKERS`` above 1 (0: one per core)
that process supervises as many uvicorn worker processes, which share its listening socket and
serve the pages and signed links; they never run a scheduler, and stop if their parent dies.
With one worker (the default), uvicorn serves in the same process. Ctrl-C or SIGTERM stops
the web side, then the scheduler waits for a running job to finish (a sweep interrupted anyway
would resume at the next run: everything is keyed).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from uvicorn.supervisors import Multiprocess

from config.settings import get_settings
from web.app import create_app
from web.server import proxy_options
from workflows.rules.sweep_slots import SweepTimesError
from workflows.runners.jobs import SweepConfigError, check_sending_settings, last_finished_sweep
from workflows.runners.runtime import database
from workflows.runners.scheduler import build_scheduler

log = logging.getLogger("kehoach.serve")


def web_workers(configured: int) -> int:
    """How many web processes: as configured, or one per core."""
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def serve(
    host: str,
    port: int,
    *,
    with_scheduler: bool = True,
    extend: Callable[[Starlette], None] | None = None,
) -> None:
    """Run until interrupted. Raises ``SweepConfigError`` before starting on bad settings.

    ``with_scheduler=False`` serves only the web pages and links: the scale-out mode, where
    Prefect workers run the sweeps. ``extend`` adds to the app (``kehoach demo --serve``: its
    mail pages), which this process then serves alone (one web process).
    """
    settings = get_settings()
    check_sending_settings(settings)  # every scheduled sweep would fail without them
    try:  # built (and its settings checked) in every mode, started only with the scheduler
        built = build_scheduler(settings)
    except SweepTimesError as error:
        raise SweepConfigError(str(error)) from error
    scheduler = built if with_scheduler else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    listener = listen(host, port)  # before anything runs: a taken port must not start sweeps
    database()  # migrate before either side touches the schema
    # What ``extend`` adds lives in this process's app: the web side then stays in it.
    workers = 1 if extend else web_workers(settings.web_workers)
    if scheduler is not None:
        scheduler.start()
        log.info("Bộ lập lịch đã chạy: %s", ", ".join(str(job) for job in scheduler.get_jobs()))
    # uvicorn handles SIGINT/SIGTERM itself, then re-raises the signal to the handler it found;
    # with a no-op there, the process goes on to stop the scheduler and exits 0 (a clean stop).
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    try:
        if workers == 1:
            app = web_app(scheduler)
            if extend is not None:
                extend(app)
            uvicorn.Server(config(app, host, port)).run(sockets=[listener])
        else:
            log.info("Trang web: %d tiến trình", workers)
            factory = "web.embedded:beside_scheduler" if scheduler else "web.embedded:web_only"
            Multiprocess(config(factory, host, port, workers), sockets=[listener]).run()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        log.info("Đã dừng kehoach serve.")


def config(app: Any, host: str, port: int, workers: int = 1) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        workers=workers,
        factory=isinstance(app, str),
        timeout_worker_healthcheck=60,  # a worker still importing on a busy machine is not hung
        **proxy_options(get_settings()),
    )


def web_app(scheduler: Any) -> Starlette:
    """The web app with ``/healthz`` reporting on ``scheduler`` (None: no scheduler here)."""
    app = create_app()
    app.router.routes.insert(0, Route("/healthz", healthz, methods=["GET"]))
    app.state.scheduler = scheduler
    return app


class ParentScheduler:
    """What a web worker knows of the scheduler in the process that started it: its jobs (the
    same settings build the same ones) and whether that process still runs."""

    def __init__(self) -> None:
        self.parent = os.getppid()
        jobs = build_scheduler(get_settings()).get_jobs()
        self.jobs = [job for job in jobs if job.id != "catch-up"]  # one-shot, run there at start

    @property
    def running(self) -> bool:
        return os.getppid() == self.parent  # a worker whose parent died is adopted by another

    def get_jobs(self) -> list:
        return self.jobs


def beside_scheduler() -> Starlette:
    """A web worker's app when the supervising process runs the scheduler."""
    follow_parent()
    return web_app(ParentScheduler())


def web_only() -> Starlette:
    """A web worker's app under ``--no-scheduler``."""
    follow_parent()
    return web_app(None)


def follow_parent(every: float = 1.0) -> None:
    """Stop this worker (as on SIGTERM) once its supervisor is gone, even if killed outright:
    an orphan would keep the port and the database open."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="kehoach-follow-parent", daemon=True).start()


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound now so that a bad or taken port is a clear error up front."""
    if not 0 < port < 65536:
        raise SweepConfigError(f"Cổng {port} không hợp lệ: cần một số từ 1 đến 65535.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SweepConfigError(
            f"Không mở được cổng {host}:{port} ({error.strerror or error}). Cổng đang được "
            "dùng bởi chương trình khác? Chọn cổng khác với --port."
        ) from error
    return sock


async def healthz(request: Request) -> JSONResponse:
    """Liveness for monitors: whether the scheduler runs (when it should), the last sweep."""
    scheduler = request.app.state.scheduler
    last = last_finished_sweep()
    running = scheduler is not None and bool(scheduler.running)
    return JSONResponse(
        {
            "scheduler_running": running,
            "jobs": sorted(job.id for job in scheduler.get_jobs()) if scheduler else [],
            "last_sweep": last.isoformat() if last else None,
        },
        status_code=200 if running or scheduler is None else 503,
    )
