"""The delivery log as readable lines (CLI); the web reads the same tables."""

from __future__ import annotations

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


def outbox_lines(session: Session, *, failed_only: bool = False, limit: int = 50) -> list[str]:
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
    if failed_only:
        query = query.where(
            col(OutboxMessage.status).in_(
                [MessageStatus.FAILED_PERMANENT, MessageStatus.FAILED_RETRIES]
            )
        )
    lines = []
    for m in session.exec(query).all():
        when = dmy_hm(m.sent_at or m.created_at)
        code = f" [{m.last_code}]" if m.last_code else ""
        error = f" — {m.last_error}" if m.last_error and m.status != MessageStatus.SENT else ""
        lines.append(
            f"#{m.id} {when} {STATUS_LABELS.get(m.status, m.status)}{code} "
            f"{m.recipient} ({m.attempts} lần): {m.subject}{error}"
        )
    return lines or ["(nhật ký gửi thư trống)"]
