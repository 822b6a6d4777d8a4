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
