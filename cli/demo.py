"""``kehoach demo``: the bundled sample plan imported, published and swept in one command (it
runs the other groups' handlers, so it sits above them)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.corrections import publish
from cli.followup import remind
from cli.helpers import INSTANT_HINT, UserError
from cli.plans import import_and_report, tasks

SAMPLE_PLAN = Path(__file__).resolve().parent.parent / "config/data/samples/tu-mo-rong-2022.txt"
DEMO_SWEEP_AT = "2022-06-20T08:05"  # the sample plan's 6-month reports fall due that day


def demo(args: argparse.Namespace) -> int:
    """Import and publish the sample plan, list its tasks, then show (without sending) what the
    reminder sweep of a day inside the plan would send."""
    from workflows.runners.clock import parse_instant

    sweep_at = args.sweep_at or DEMO_SWEEP_AT
    try:
        parse_instant(sweep_at)
    except ValueError as error:
        raise UserError(f"--sweep-at không hợp lệ: «{sweep_at}» ({INSTANT_HINT}).") from error
    plan_id = import_and_report(args.sample or str(SAMPLE_PLAN))
    publish(argparse.Namespace(plan=plan_id, force=True))
    tasks(argparse.Namespace(plan=plan_id, agency=None, due_before=None, all=False))
    print(f"\nLượt nhắc việc lúc {sweep_at} (chạy thử, không gửi thư):")
    return remind(argparse.Namespace(now=sweep_at, dry_run=True))
