"""Append-only task history (who changed what and when)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from models.tasks import Task, TaskEvent


def record(
    session: Session, task: Task, at: datetime, actor: str, kind: str, detail: dict[str, Any]
) -> TaskEvent:
    assert task.id is not None
    event = TaskEvent(task_id=task.id, at=at, actor=actor, kind=kind, detail=_plain(detail))
    session.add(event)
    return event


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates as ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# What each recorded event kind is called in histories (web page and CLI).
KIND_LABELS = {
    "imported": "Nhập từ văn bản",
    "changed": "Văn bản sửa đổi thay đổi nhiệm vụ",
    "correction_kept": "Giữ chỉnh sửa của điều phối khi nhập lại",
    "corrected": "Điều phối chỉnh sửa",
    "added": "Điều phối thêm nhiệm vụ",
    "dropped": "Bỏ nhiệm vụ",
    "restored": "Khôi phục nhiệm vụ",
    "status": "Cập nhật tình trạng",
    "status_refused": "Cập nhật bị từ chối (xung đột)",
    "deadline": "Đổi thời hạn",
    "extension_requested": "Xin gia hạn",
    "extension_approved": "Gia hạn được duyệt",
    "extension_refused": "Gia hạn bị từ chối",
    "evidence": "Thêm minh chứng",
    "acknowledged": "Cơ quan xác nhận đã nhận nhiệm vụ",
}
OTHER_EVENT = "Thay đổi khác"
OTHER_NOTICE = "Thư nhắc việc"


def event_label(kind: str) -> str:
    """What a history event is called (a kind this table does not know: a neutral phrase,
    never the stored kind)."""
    return KIND_LABELS.get(kind, OTHER_EVENT)


def notice_label(kind: str, step: int = 0) -> str:
    """What a ledger notice is called everywhere (mails, task history, web): one numbering.

    ``before-7`` → "Nhắc trước hạn 7 ngày làm việc", ``due-day`` → "Nhắc đến hạn hôm nay",
    ``overdue-2`` → "Thông báo quá hạn lần 2", an escalation of step 1 → "Báo cáo vượt cấp
    lần 1" (step 0 of the ladder is the body's own overdue notice), and a change told to a
    body (``change:<event>``) by its history label.
    """
    if kind.startswith("before-"):
        return f"Nhắc trước hạn {kind.removeprefix('before-')} ngày làm việc"
    if kind == "due-day":
        return "Nhắc đến hạn hôm nay"
    if kind.startswith("overdue-"):
        return f"Thông báo quá hạn lần {kind.removeprefix('overdue-')}"
    if kind == "escalation":
        return f"Báo cáo vượt cấp lần {step}"
    if kind.startswith(CHANGE_PREFIX):
        return CHANGE_LABELS.get(kind.removeprefix(CHANGE_PREFIX), OTHER_NOTICE)
    return OTHER_NOTICE


# Notices that tell a body what the coordinator decided about its task (see followup.tell).
CHANGE_PREFIX = "change:"
CHANGE_LABELS = {
    "extension_approved": "Đề nghị gia hạn được chấp thuận",
    "extension_refused": "Đề nghị gia hạn không được chấp thuận",
    "deadline": "Thời hạn được điều chỉnh",
    "assigned": "Nhiệm vụ được giao cho quý cơ quan chủ trì",
    "unassigned": "Nhiệm vụ chuyển sang cơ quan khác chủ trì",
}
