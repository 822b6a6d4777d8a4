"""The delivery log as readable lines (CLI); the web reads the same tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlmodel import Session, col, select

from models.delivery import MessageStatus, OutboxMessage
from workflows.rules.timefmt import dmy_hm

STATUS_LABELS = {
    MessageStatus.PENDING: "chờ gửi",
    MessageStatus.SENDING: "đang gửi",
    MessageStatus.SENT: "đã gửi",
    MessageStatus.FAILED_PERMANENT: "bị từ chối",
    MessageStatus.FAILED_RETRIES: "gửi lại không thành",
    MessageStatus.SUPERSEDED: "quá hạn nhắc, bỏ",
    MessageStatus.PAUSED: "tạm dừng (lỗi đăng nhập SMTP)",
}


def status_label(status: str) -> str:
    """A message's status as the log says it."""
    return STATUS_LABELS.get(status, "không rõ tình trạng")  # type: ignore[call-overload]


def outbox_lines(
    session: Session,
    names: Callable[[Session, Sequence[OutboxMessage]], list[str]],
    *,
    failed_only: bool = False,
    limit: int = 50,
) -> list[str]:
    """The newest messages, one line each; ``names`` says whom each is for (by name)."""
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
    if failed_only:
        query = query.where(
            col(OutboxMessage.status).in_(
                [MessageStatus.FAILED_PERMANENT, MessageStatus.FAILED_RETRIES]
            )
        )
    messages = session.exec(query).all()
    lines = []
    for m, who in zip(messages, names(session, messages), strict=True):
        when = dmy_hm(m.sent_at or m.created_at)
        code = f" [{m.last_code}]" if m.last_code else ""
        error = f" — {m.last_error}" if m.last_error and m.status != MessageStatus.SENT else ""
        lines.append(
            f"#{m.id} {when} {status_label(m.status)}{code} "
            f"{who} ({m.attempts} lần): {m.subject}{error}"
        )
    return lines or ["(nhật ký gửi thư trống)"]
