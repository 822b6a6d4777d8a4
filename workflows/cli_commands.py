"""Handlers behind ``kehoach`` subcommands: thin glue from arguments to workflows."""

from __future__ import annotations

import argparse
import calendar
import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

SAMPLE_PLAN = Path(__file__).resolve().parent.parent / "config/data/samples/tu-mo-rong-2022.txt"


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def parse_user_date(text: str) -> date:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd``; a date that does not exist is an error that says why."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(x) for x in text.split("/"))
        else:
            year, month, day = (int(x) for x in text.split("-"))
    except ValueError as error:
        raise UserError(
            f"Ngày không hợp lệ: «{text}» (cần dạng dd/mm/yyyy hoặc yyyy-mm-dd)."
        ) from error
    if not 1 <= month <= 12:
        raise UserError(f"Ngày không tồn tại: «{text}» (không có tháng {month}).")
    if not 1000 <= year <= 9999:
        raise UserError(f"Ngày không hợp lệ: «{text}» (năm cần đủ 4 chữ số).")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise UserError(f"Ngày không tồn tại: «{text}» (tháng {month}/{year} chỉ có {days} ngày).")
    return date(year, month, day)


@contextmanager
def open_session():
    from models.db import session_scope
    from workflows.agencies import UnknownAgencyError
    from workflows.lookups import CorrectionError
    from workflows.runtime import database

    try:
        with session_scope(database()) as session:
            yield session
    except (CorrectionError, UnknownAgencyError) as error:
        raise UserError(str(error)) from error


def _extract(path: str):
    from workflows.extraction import extract_file
    from workflows.intake.readers import DocumentError
    from workflows.runtime import registry

    try:
        return extract_file(Path(path), registry())
    except DocumentError as error:
        raise UserError(error.message, exit_code=3) from error


def extract(args: argparse.Namespace) -> int:
    from workflows.summary import plan_summary

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
    from workflows.clock import now
    from workflows.importing import import_plan
    from workflows.runtime import registry
    from workflows.summary import plan_summary

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
    from workflows.queries import list_plans
    from workflows.status_view import plan_status_label

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
    from workflows.queries import list_tasks
    from workflows.rules.timefmt import dmy

    due_before = parse_user_date(args.due_before) if args.due_before else None
    with open_session() as session:
        rows = list_tasks(session, args.plan, args.agency, due_before, include_dropped=args.all)
    for r in rows:
        lead = r.lead or "(chưa có chủ trì)"
        partners = f" | phối hợp: {', '.join(r.partners)}" if r.partners else ""
        print(
            f"#{r.id} KH{r.plan_id} {r.section} [{r.status_label}] hạn {dmy(r.due)} | {lead}"
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
    from workflows.runtime import database

    engine = database()
    print(f"CSDL đã ở phiên bản mới nhất: {engine.url.render_as_string(hide_password=True)}")
    return 0


DEMO_SWEEP_AT = "2022-06-20T08:05"  # the sample plan's 6-month reports fall due that day
INSTANT_HINT = "cần ngày giờ dạng ISO, ví dụ 2022-06-20T08:05 hoặc 2022-06-20"


def demo(args: argparse.Namespace) -> int:
    """Import and publish the sample plan, list its tasks, then show (without sending) what the
    reminder sweep of a day inside the plan would send."""
    from workflows.cli_corrections import publish
    from workflows.cli_followup import remind
    from workflows.clock import parse_instant

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
