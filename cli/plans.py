"""``kehoach`` subcommands for plans and bodies: extract, import, list plans, tasks and
agencies, migrate. Thin glue from arguments to workflows."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.helpers import UserError, open_session, parse_user_date


def _extract(path: str):
    from workflows.intake.readers import DocumentError
    from workflows.plans.extraction import extract_file
    from workflows.runners.runtime import registry

    try:
        return extract_file(Path(path), registry(), _progress)
    except DocumentError as error:
        raise UserError(error.message, exit_code=3) from error


def _progress(done: int, total: int, what: str) -> None:
    """OCR page by page on stderr (stdout stays the plan: JSON or summary)."""
    from workflows.intake.reading import progress_line

    print(progress_line(done, total, what), file=sys.stderr, flush=True)


def extract(args: argparse.Namespace) -> int:
    from workflows.plans.summary import plan_summary

    extraction = _extract(args.file)
    if args.format == "json":
        print(json.dumps(extraction.plan.to_json(), ensure_ascii=False, indent=2))
    else:
        print(plan_summary(extraction.plan))
    return 0


def import_(args: argparse.Namespace) -> int:
    import_and_report(args.file)
    return 0


def import_and_report(file: str) -> int:
    """Import ``file`` (new plan or re-import), print what happened; returns the plan id."""
    from workflows.plans.importing import import_plan
    from workflows.plans.summary import plan_summary
    from workflows.runners.clock import now
    from workflows.runners.runtime import registry

    extraction = _extract(file)
    with open_session() as session:
        outcome = import_plan(
            session,
            extraction.plan,
            registry(),
            source_name=extraction.source_name,
            source_sha256=extraction.sha256,
            now=now(),
        )
    print(plan_summary(extraction.plan))
    print()
    changed = outcome.added or outcome.changed or outcome.dropped or outcome.kept_corrections
    if outcome.created:
        print(f"Đã nhập mới kế hoạch #{outcome.plan_id} (dự thảo).")
    elif not changed:
        print(f"Kế hoạch #{outcome.plan_id} đã có; văn bản không có gì thay đổi.")
    else:
        print(
            f"Đã cập nhật kế hoạch #{outcome.plan_id} (lần sửa {outcome.revision}): "
            f"không đổi {outcome.unchanged}, thêm {len(outcome.added)}, sửa "
            f"{len(outcome.changed)}, bỏ {len(outcome.dropped)}, giữ chỉnh sửa của điều phối "
            f"{len(outcome.kept_corrections)}."
        )
        for label, items in (
            ("+", outcome.added),
            ("~", outcome.changed),
            ("-", outcome.dropped),
            ("!", outcome.kept_corrections),
        ):
            for text in items:
                print(f"  {label} {text if len(text) <= 100 else text[:99] + '…'}")
    return outcome.plan_id


def plans(args: argparse.Namespace) -> int:
    from workflows.followup.status_view import plan_status_label
    from workflows.plans.queries import list_plans

    with open_session() as session:
        rows = list_plans(session)
        if not rows:
            print("Chưa có kế hoạch nào. Dùng: kehoach import TỆP")
        for plan, count in rows:
            print(
                f"#{plan.id}  {plan.number or '(chưa số)':<16} {plan_status_label(plan.status):<12}"
                f" năm {plan.year or '—'}"
                f"  {count:>3} nhiệm vụ  {(plan.title or '')[:70]}"
            )
    return 0


def tasks(args: argparse.Namespace) -> int:
    from notifications.contexts import marked_inferred
    from workflows.plans.queries import list_tasks
    from workflows.rules.timefmt import dmy, local_date
    from workflows.runners.clock import now

    due_before = parse_user_date(args.due_before) if args.due_before else None
    with open_session() as session:
        rows = list_tasks(
            session,
            args.plan,
            args.agency,
            due_before,
            include_dropped=args.all,
            today=local_date(now()),
        )
    for r in rows:
        lead = r.lead or "(chưa có chủ trì)"
        partners = f" | phối hợp: {', '.join(r.partners)}" if r.partners else ""
        due = marked_inferred(dmy(r.due)) if r.due_inferred else dmy(r.due)
        print(
            f"#{r.id} KH{r.plan_id} {r.section} [{r.status_label}] hạn {due} | {lead}"
            f"{partners}\n    {r.text[:140]}"
        )
    print(f"({len(rows)} nhiệm vụ)")
    return 0


def agencies(args: argparse.Namespace) -> int:
    from sqlmodel import col, select

    from models.agencies import Agency

    with open_session() as session:
        query = select(Agency).where(Agency.merged_into_id == None)  # noqa: E711
        if args.unregistered:
            query = query.where(Agency.registered == False)  # noqa: E712
        for a in session.exec(query.order_by(Agency.name, col(Agency.id))).all():
            flag = "" if a.registered else "  [chưa có trong danh mục]"
            print(f"#{a.id} {a.name} ({a.locality or '—'}) {a.email or ''}{flag}")
    return 0


def migrate(args: argparse.Namespace) -> int:
    from workflows.runners.runtime import database

    engine = database()
    print(f"CSDL đã ở phiên bản mới nhất: {engine.url.render_as_string(hide_password=True)}")
    return 0
