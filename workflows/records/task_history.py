"""Append-only task history (who changed what and when)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from models.tasks import Task, TaskEvent


def record(
    session: Session, task: Task, at: datetime, actor: str, kind: str, detail: dict[str, Any]
) -> None:
    assert task.id is not None
    session.add(TaskEvent(task_id=task.id, at=at, actor=actor, kind=kind, detail=_plain(detail)))


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
}
