"""The embedded runner: APScheduler 3.11 calling the plain jobs of ``workflows.runners.jobs``.

Jobs run at fixed local times (``KEHOACH_SWEEP_TIMES``, Asia/Ho_Chi_Minh), one at a time (one
worker thread: the SQLite file has one writer anyway). At start, one catch-up sweep runs if a
slot passed while the process was down. Between sweeps, the outbox is drained every
``KEHOACH_DELIVERY_INTERVAL_SECONDS`` so retries go out when their backoff ends.

Triggers follow the app clock (``workflows.runners.clock``): with ``KEHOACH_NOW`` set, an 08:00 slot
fires when the *shifted* clock reads 08:00, which is how the tests run ``kehoach serve`` on a
chosen day.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from config.settings import Settings
from workflows.rules.sweep_slots import needs_catch_up, parse_sweep_times
from workflows.runners import clock
from workflows.runners.jobs import drain, last_finished_sweep, sweep

log = logging.getLogger("kehoach.scheduler")


class AppClockTrigger(BaseTrigger):
    """Wraps a trigger so that it computes in app-clock time and fires in wall-clock time."""

    def __init__(self, inner: BaseTrigger, offset: timedelta) -> None:
        self.inner = inner
        self.offset = offset

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        previous = previous_fire_time + self.offset if previous_fire_time else None
        shifted = self.inner.get_next_fire_time(previous, now + self.offset)
        return shifted - self.offset if shifted else None

    def __str__(self) -> str:
        return f"{self.inner} (app clock)"


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """A scheduler with the daily sweeps, the delivery tick and a catch-up check; not started."""
    slots = parse_sweep_times(settings.sweep_times)
    scheduler = BackgroundScheduler(
        timezone=settings.tz,
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        # A sweep that could not start on time (machine asleep, a long sweep before it) still
        # runs once when it can: everything is keyed, so late is better than skipped.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    offset = clock.offset()
    for slot in slots:
        cron = CronTrigger(hour=slot.hour, minute=slot.minute, timezone=settings.tz)
        scheduler.add_job(
            scheduled_sweep,
            AppClockTrigger(cron, offset),
            id=f"sweep-{slot:%H%M}",
            name=f"Lượt nhắc việc {slot:%H:%M}",
            replace_existing=True,
        )
    tick = IntervalTrigger(seconds=settings.delivery_interval_seconds, timezone=settings.tz)
    scheduler.add_job(drain_outbox, tick, id="drain", name="Gửi thư đến hạn gửi lại")
    scheduler.add_job(
        catch_up,
        "date",
        args=[slots, settings],
        id="catch-up",
        name="Bù lượt nhắc việc bị lỡ",
        replace_existing=True,
    )
    return scheduler


def scheduled_sweep() -> None:
    _log_report(sweep(clock.now(), runner="scheduler").summary())


def catch_up(slots: list[time], settings: Settings) -> None:
    """One sweep if a slot passed since the last finished sweep (see ``needs_catch_up``)."""
    now = clock.now()
    if needs_catch_up(last_finished_sweep(), now, slots, settings.tz):
        _log_report(sweep(now, runner="catch-up").summary())
    else:
        log.info("Không có lượt nhắc việc nào bị lỡ; không cần chạy bù.")


def drain_outbox() -> None:
    report = drain(clock.now())
    if report.counts.get("sent") or report.counts.get("failed"):
        _log_report(report.summary())


def _log_report(summary: str) -> None:
    for line in summary.splitlines():
        log.info("%s", line)
