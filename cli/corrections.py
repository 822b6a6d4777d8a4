"""``kehoach`` subcommands for a coordinator's corrections: task edits and history, merging
bodies, publishing a plan."""

from __future__ import annotations

import argparse
from typing import Any

from cli.helpers import open_session, parse_user_date


def task(args: argparse.Namespace) -> int:
    from workflows.plans import corrections
    from workflows.runners.clock import now
    from workflows.runners.runtime import registry

    at = now()
    with open_session() as session:
        if args.action == "lead":
            corrections.reassign(session, registry(), args.id, args.agency, at)
        elif args.action == "partners":
            corrections.set_partners(session, registry(), args.id, args.agencies, at)
        elif args.action == "due":
            due = None if args.date.lower() == "none" else parse_user_date(args.date)
            corrections.set_due(session, args.id, due, at)
        elif args.action == "add":
            due = parse_user_date(args.due) if args.due else None
            added = corrections.add_task(
                session, registry(), args.plan, args.text, args.lead, due, args.section, at
            )
            print(f"Đã thêm nhiệm vụ #{added.id}.")
        elif args.action == "drop":
            corrections.drop_task(session, args.id, at)
        elif args.action == "history":
            for line in history_lines(session, args.id):
                print(line)
            return 0
    print("Đã lưu.")
    return 0


def history_lines(session: Any, task_id: int) -> list[str]:
    """One line per event or mail, oldest first: local time, who, what, and the details (the
    same words as the task's web page)."""
    from workflows.followup.history_view import task_history
    from workflows.records.lookups import get_task
    from workflows.rules.timefmt import dmy, to_local

    get_task(session, task_id)
    lines = []
    for line in reversed(task_history(session, task_id)):
        local = to_local(line.at)
        lines.append(
            f"{dmy(local.date())} {local:%H:%M}  {line.actor}: {line.what}"
            + (f" — {line.detail}" if line.detail else "")
        )
    return lines or [f"Nhiệm vụ #{task_id} chưa có lịch sử."]


def merge(args: argparse.Namespace) -> int:
    from workflows.plans.corrections import merge_agency
    from workflows.runners.clock import now
    from workflows.runners.runtime import registry

    with open_session() as session:
        victim, target, moved = merge_agency(session, registry(), args.source, args.into, now())
        print(f"Đã gộp «{victim.name}» vào «{target.name}» ({moved} phân công được chuyển).")
    return 0


def publish(args: argparse.Namespace) -> int:
    from workflows.followup.contacts import check_plan
    from workflows.plans.corrections import publish as publish_plan
    from workflows.runners.clock import now

    with open_session() as session:
        plan = publish_plan(session, args.plan, now(), force=args.force)
        problems = check_plan(session, args.plan)
        print(f"Đã công bố kế hoạch #{plan.id} {plan.number or ''}.")
    if problems:
        print("Trước khi gửi thư, cần bổ sung địa chỉ (kehoach contact / plan-contacts):")
        for line in problems:
            print(f"  ! {line}")
    return 0
