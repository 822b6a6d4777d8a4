"""``kehoach serve``: the embedded default, one process with the scheduler and the web app.

The scheduler runs in a background thread; uvicorn serves the web UI and the signed links in
the foreground. Ctrl-C or SIGTERM stops uvicorn, then the scheduler waits for a running job to
finish (a sweep interrupted anyway would resume at the next run: everything is keyed).
"""

from __future__ import annotations

import logging
import signal
import socket

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from config.settings import get_settings
from web.app import create_app
from web.server import proxy_options
from workflows.rules.sweep_slots import SweepTimesError
from workflows.runners.jobs import SweepConfigError, check_sending_settings, last_finished_sweep
from workflows.runners.runtime import database
from workflows.runners.scheduler import build_scheduler

log = logging.getLogger("kehoach.serve")


def serve(host: str, port: int, *, with_scheduler: bool = True) -> None:
    """Run until interrupted. Raises ``SweepConfigError`` before starting on bad settings.

    ``with_scheduler=False`` serves only the web pages and links: the scale-out mode, where
    Prefect workers run the sweeps.
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
    app = create_app()
    app.router.routes.insert(0, Route("/healthz", healthz, methods=["GET"]))
    app.state.scheduler = scheduler
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="info", **proxy_options(settings))
    )
    if scheduler is not None:
        scheduler.start()
        log.info("Bộ lập lịch đã chạy: %s", ", ".join(str(job) for job in scheduler.get_jobs()))
    # uvicorn handles SIGINT/SIGTERM itself, then re-raises the signal to the handler it found;
    # with a no-op there, the process goes on to stop the scheduler and exits 0 (a clean stop).
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    try:
        server.run(sockets=[listener])
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        log.info("Đã dừng kehoach serve.")


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
