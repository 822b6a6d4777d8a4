"""Scale-out runner: the plain jobs of ``workflows.runners.jobs`` as Prefect 3 flows.

The only module that imports Prefect. The flows are thin: they parse their parameters, call the
same job functions the CLI and the embedded scheduler call, and log the summary. Deployments,
schedules and the work pool are declared in ``prefect.yaml``; settings (database, SMTP, secret
key) come from the worker's ``KEHOACH_*`` environment, as for every other runner.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from workflows.runners.clock import now, parse_instant
from workflows.runners.jobs import SweepReport, drain, sweep


def _log(report: SweepReport) -> dict[str, int]:
    logger = get_run_logger()
    for line in report.summary().splitlines():
        logger.info("%s", line)
    return dict(report.counts)


@flow(name="kehoach-sweep")
def sweep_flow(now_iso: str | None = None, dry_run: bool = False) -> dict[str, int]:
    """One sweep (reminders, escalations, digests, milestone reports, then delivery) for
    ``now_iso`` (an ISO date-time; naive is local time), or for now."""
    at = parse_instant(now_iso) if now_iso else now()
    return _log(sweep(at, dry_run=dry_run, runner="prefect"))


@flow(name="kehoach-drain")
def drain_flow(now_iso: str | None = None) -> dict[str, int]:
    """Send what is due in the outbox (retries whose backoff ended), composing nothing new."""
    at = parse_instant(now_iso) if now_iso else now()
    return _log(drain(at))
