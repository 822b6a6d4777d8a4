"""A task's history in words, for the web page and ``kehoach task history`` alike: its events
(who changed what, when, «trường: cũ → mới») and the mail about it (which notice, to whom by
name, and what became of it). No stored key, kind or status code reaches the reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.delivery import Notice, OutboxMessage
from models.tasks import Task, TaskEvent
from notifications.wording import kind_label
from workflows.delivery.outbox_view import status_label as mail_status_label
from workflows.followup.addressees import Addressed, addressee_labels
from workflows.followup.status_view import STORED_STATUS_LABELS
from workflows.records.task_history import event_label, notice_label

MAILER = "hệ thống nhắc việc"
# What a history event's detail keys mean (the keys are those ``task_history.record`` stores).
FIELD_LABELS = {
    "text": "nội dung",
    "section": "mục",
    "kind": "loại",
    "lead_id": "chủ trì",
    "partners": "phối hợp",
    "due": "hạn",
    "due_inferred": "hạn suy ra từ thời hạn kế hoạch",
    "ocr_doubt": "ngày, số liệu đọc bằng OCR cần kiểm tra",
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
_EXTENSION_KINDS = {"extension_requested", "extension_approved", "extension_refused"}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    what: str
    detail: str


def describe(detail: dict[str, Any], names: dict[Any, str], kind: str = "") -> str:
    """``{"due": ["2022-06-20", "2022-06-30"]}`` → ``hạn: 20/06/2022 → 30/06/2022``; a key no
    label names is left out rather than shown raw."""
    parts = []
    for key, value in detail.items():
        label = FIELD_LABELS.get(key)
        if label is None:
            continue
        if key == "due" and kind in _EXTENSION_KINDS:
            label = "hạn đề nghị"
        if isinstance(value, dict):
            parts.append(f"{label}: {describe(value, names)}")
        elif isinstance(value, list) and len(value) == 2:  # [before, after]
            old, new = (_value(key, v, names) for v in value)
            parts.append(f"{label}: {old} → {new}")
        elif value is not None:
            parts.append(f"{label}: {_value(key, value, names)}")
    return "; ".join(parts)


def _value(key: str, value: Any, names: dict[Any, str]) -> str:
    if value is None or value == []:
        return "không có"
    if isinstance(value, bool):
        return "có" if value else "không"
    if key in _AGENCY_KEYS:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get(i, f"cơ quan #{i}") for i in ids)
    if key in _STATUS_KEYS:
        return STORED_STATUS_LABELS.get(str(value), "Không rõ")
    if key == "text":
        text = str(value)
        return f"«{text if len(text) <= 300 else text[:299] + '…'}»"
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


def _agency_ids(detail: Any) -> set[int]:
    """Every body id an event's detail mentions (to name them in one query)."""
    found: set[int] = set()
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in _AGENCY_KEYS:
                stack = [value]
                while stack:
                    item = stack.pop()
                    if isinstance(item, list):
                        stack.extend(item)
                    elif isinstance(item, int):
                        found.add(item)
            else:
                found |= _agency_ids(value)
    return found


# A task's events and mail, newest first: built once (every task page reads them).
_EVENTS = (
    select(TaskEvent)
    .where(TaskEvent.task_id == bindparam("task_id"))
    .order_by(col(TaskEvent.at).desc(), col(TaskEvent.id).desc())
    .limit(bindparam("limit"))
)
_MAILS = (
    select(Notice, OutboxMessage)
    .join(OutboxMessage, col(OutboxMessage.id) == Notice.message_id, isouter=True)
    .where(Notice.task_id == bindparam("task_id"))
    .order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
    .limit(bindparam("limit"))
)


def task_history(session: Session, task_id: int, limit: int = 200) -> list[HistoryLine]:
    """The task's events and mail, newest first."""
    of_task = {"task_id": task_id, "limit": limit}
    events = session.exec(_EVENTS, params=of_task).all()
    ids = set().union(*(_agency_ids(e.detail) for e in events))
    names = (
        dict(session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(ids))).all())
        if ids
        else {}
    )
    lines = [
        HistoryLine(e.at, e.actor, event_label(e.kind), describe(e.detail, names, e.kind))
        for e in events
    ]
    mails = session.exec(_MAILS, params=of_task).all()
    task = session.get(Task, task_id) if mails else None
    plan_id = task.plan_id if task else None
    whom = addressee_labels(
        session, (Addressed(n.recipient, n.agency_id, plan_id, n.role) for n, _ in mails)
    )
    for (notice, message), who in zip(mails, whom, strict=True):
        state = mail_status_label(message.status) if message else "chưa gửi"
        lines.append(
            HistoryLine(
                notice.created_at,
                MAILER,
                f"Thư: {notice_label(notice.kind, notice.step)}",
                f"gửi {who}: {state}",
            )
        )
    return sorted(lines, key=lambda line: line.at, reverse=True)
