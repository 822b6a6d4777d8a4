"""A task's history in words: its events (who changed what, when) and the e-mails about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from models.agencies import Agency
from models.delivery import Notice, OutboxMessage
from models.tasks import TaskEvent
from models.types import TaskKindDb
from notifications.render import kind_label
from workflows.delivery.outbox_view import STATUS_LABELS as MAIL_LABELS
from workflows.followup.status_view import STORED_STATUS_LABELS
from workflows.records.task_history import KIND_LABELS, notice_label
from workflows.rules.timefmt import dmy


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    what: str
    detail: str


def _date_text(value: Any) -> str:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dmy(date.fromisoformat(value))
        except ValueError:
            return value
    return "không có" if value is None else str(value)


def _kind_text(kind: Any) -> str:
    return kind_label(kind) if kind in {k.value for k in TaskKindDb} else str(kind)


def _names(session: Session, ids: list[Any]) -> str:
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return "—"
    rows = dict(
        session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(wanted))).all()
    )
    return ", ".join(rows.get(i, f"#{i}") for i in wanted)


def describe(session: Session, kind: str, detail: dict[str, Any]) -> str:
    """A short Vietnamese account of one event's detail."""
    parts = []
    if "status" in detail and isinstance(detail["status"], list):
        old, new = detail["status"]
        parts.append(f"{STORED_STATUS_LABELS.get(old, old)} → {STORED_STATUS_LABELS.get(new, new)}")
    if detail.get("progress") is not None:
        parts.append(f"tiến độ {detail['progress']}%")
    if detail.get("note"):
        parts.append(f"ghi chú: {detail['note']}")
    if "due" in detail:
        due = detail["due"]
        parts.append(
            f"hạn {_date_text(due[0])} → {_date_text(due[1])}"
            if isinstance(due, list)
            else f"hạn xin: {_date_text(due)}"
        )
    if isinstance(detail.get("due_inferred"), list):
        was, now = ("có" if v else "không" for v in detail["due_inferred"])
        parts.append(f"hạn suy ra từ thời hạn kế hoạch: {was} → {now}")
    if "lead_id" in detail and isinstance(detail["lead_id"], list):
        parts.append(
            f"chủ trì: {_names(session, detail['lead_id'][:1])} → "
            f"{_names(session, detail['lead_id'][1:])}"
        )
    if "partners" in detail and isinstance(detail["partners"], list):
        parts.append(f"phối hợp → {_names(session, list(detail['partners'][-1]))}")
    if isinstance(detail.get("text"), list):  # a coordinator's rewording: [before, after]
        old, new = detail["text"]
        parts.append(f"nội dung: «{old}» → «{new}»")
    if isinstance(detail.get("kind"), list):
        parts.append(f"loại: {' → '.join(_kind_text(k) for k in detail['kind'])}")
    for key, label in (("reason", "lý do"), ("text", "nội dung"), ("file", "tệp")):
        if detail.get(key) and not isinstance(detail[key], list):
            parts.append(f"{label}: {detail[key]}")
    if kind == "status_refused":
        parts.append(f"trạng thái lúc đó: {STORED_STATUS_LABELS.get(detail.get('actual'), '?')}")
    return "; ".join(parts)


def task_history(session: Session, task_id: int, limit: int = 200) -> list[HistoryLine]:
    events = session.exec(
        select(TaskEvent)
        .where(TaskEvent.task_id == task_id)
        .order_by(col(TaskEvent.at).desc(), col(TaskEvent.id).desc())
        .limit(limit)
    ).all()
    lines = [
        HistoryLine(
            e.at, e.actor, KIND_LABELS.get(e.kind, e.kind), describe(session, e.kind, e.detail)
        )
        for e in events
    ]
    mails = session.exec(
        select(Notice, OutboxMessage)
        .join(OutboxMessage, col(OutboxMessage.id) == Notice.message_id, isouter=True)
        .where(Notice.task_id == task_id)
        .order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
        .limit(limit)
    ).all()
    for notice, message in mails:
        state = MAIL_LABELS.get(message.status, message.status) if message else "chưa gửi"
        lines.append(
            HistoryLine(
                notice.created_at,
                "hệ thống nhắc việc",
                f"Thư: {notice_label(notice.kind, notice.step)}",
                f"gửi {notice.recipient}: {state}",
            )
        )
    return sorted(lines, key=lambda line: line.at, reverse=True)
