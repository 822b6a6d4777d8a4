"""``kehoach serve``: the embedded default, one process with the scheduler and the web app.

The scheduler runs in a background thread; uvicorn serves the web UI and the signed links in
the foreground. Ctrl-C or SIGTERM stops uvicorn, then the scheduler waits for a running job to
finish (a sweep interrupted anyway would resume at the next run: everything is keyed).
"""

from __future__ import annotations

import logging
import signal

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from config.settings import get_settings
from web.app import create_app
from workflows.jobs import SweepConfigError, check_sending_settings, last_finished_sweep
from workflows.rules.sweep_slots import SweepTimesError, parse_sweep_times
from workflows.runtime import database
from workflows.scheduler import build_scheduler

log = logging.getLogger("kehoach.serve")


def check_config() -> None:
    """Refuse to start with settings that would make every scheduled sweep fail."""
    settings = get_settings()
    check_sending_settings(settings)
    try:
        parse_sweep_times(settings.sweep_times)
    except SweepTimesError as error:
        raise SweepConfigError(str(error)) from error


def serve(host: str, port: int, *, with_scheduler: bool = True) -> None:
    """Run until interrupted. Raises ``SweepConfigError`` before starting on bad settings.

    ``with_scheduler=False`` serves only the web pages and links: the scale-out mode, where
    Prefect workers run the sweeps.
    """
    check_config()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    database()  # migrate before either side touches the schema
    scheduler = build_scheduler(get_settings()) if with_scheduler else None
    app = create_app()
    app.router.routes.insert(0, Route("/healthz", healthz, methods=["GET"]))
    app.state.scheduler = scheduler
    if scheduler is not None:
        scheduler.start()
        log.info("Bộ lập lịch đã chạy: %s", ", ".join(str(job) for job in scheduler.get_jobs()))
    # uvicorn handles SIGINT/SIGTERM itself, then re-raises the signal to the handler it found;
    # with a no-op there, the process goes on to stop the scheduler and exits 0 (a clean stop).
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: None)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        log.info("Đã dừng kehoach serve.")


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
