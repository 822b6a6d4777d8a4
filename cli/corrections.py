"""``kehoach`` subcommands for a coordinator's corrections: task edits and history, merging
bodies, publishing a plan."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from cli.helpers import open_session, parse_user_date

# What a history event's detail keys mean (the keys are those ``task_history.record`` stores).
FIELD_LABELS = {
    "text": "nội dung",
    "section": "mục",
    "kind": "loại",
    "lead_id": "chủ trì",
    "partners": "phối hợp",
    "due": "hạn",
    "due_inferred": "hạn suy ra từ thời hạn kế hoạch",
    "recurrence": "định kỳ",
    "report_to": "báo cáo về",
    "via": "qua",
    "status": "tình trạng",
    "progress": "tiến độ (%)",
    "note": "ghi chú",
    "reason": "lý do",
    "line": "dòng",
    "file": "tệp",
    "wanted": "muốn đổi sang",
    "expected": "tình trạng đã thấy",
    "actual": "tình trạng thực tế",
    "document": "văn bản đề nghị",
}
_STATUS_KEYS = {"status", "wanted", "expected", "actual"}
_AGENCY_KEYS = {"lead_id", "partners"}


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
    """One line per event, oldest first: local time, who, what, and «trường: cũ → mới»."""
    from sqlmodel import col, select

    from models.agencies import Agency
    from models.tasks import TaskEvent
    from workflows.records.lookups import get_task
    from workflows.records.task_history import KIND_LABELS
    from workflows.rules.timefmt import dmy, to_local

    get_task(session, task_id)
    names = {a.id: a.name for a in session.exec(select(Agency)).all()}
    query = select(TaskEvent).where(TaskEvent.task_id == task_id)
    lines = []
    for event in session.exec(query.order_by(col(TaskEvent.at), col(TaskEvent.id))).all():
        local = to_local(event.at)
        detail = describe_detail(event.detail, names)
        what = KIND_LABELS.get(event.kind, event.kind)
        lines.append(
            f"{dmy(local.date())} {local:%H:%M}  {event.actor}: {what}"
            + (f" — {detail}" if detail else "")
        )
    return lines or [f"Nhiệm vụ #{task_id} chưa có lịch sử."]


def describe_detail(detail: dict[str, Any], names: dict[Any, str]) -> str:
    """``{"due": ["2022-06-20", "2022-06-30"]}`` → ``hạn: 20/06/2022 → 30/06/2022``."""
    parts = []
    for key, value in detail.items():
        label = FIELD_LABELS.get(key, key)
        if isinstance(value, dict):
            parts.append(f"{label}: {describe_detail(value, names)}")
        elif isinstance(value, list) and len(value) == 2:  # [before, after]
            old, new = (_value(key, v, names) for v in value)
            parts.append(f"{label}: {old} → {new}")
        elif value is not None:
            parts.append(f"{label}: {_value(key, value, names)}")
    return "; ".join(parts)


def _value(key: str, value: Any, names: dict[Any, str]) -> str:
    from notifications.render import kind_label
    from workflows.followup.status_view import STORED_STATUS_LABELS

    if value is None or value == []:
        return "không có"
    if isinstance(value, bool):
        return "có" if value else "không"
    if key in _AGENCY_KEYS:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get(i, f"#{i}") for i in ids)
    if key in _STATUS_KEYS:
        return STORED_STATUS_LABELS.get(str(value), str(value)).lower()
    if key == "kind":
        try:
            return kind_label(str(value))
        except KeyError:
            return str(value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            pass
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


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
