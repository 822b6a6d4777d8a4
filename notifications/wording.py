"""How a task's facts read in every email and page: dates, kinds, roles, the deadline, the time
left and the plan (Vietnamese; pure)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from notifications import contexts as c

_KIND_LABELS = {"action": "Nhiệm vụ", "report": "Báo cáo", "milestone": "Sơ kết, tổng kết"}
_ROLE_LABELS = {"lead": "Chủ trì", "partner": "Phối hợp"}


@lru_cache(maxsize=1024)  # a sweep's thousands of cards share a few deadlines
def vn_date(value: date) -> str:
    if not isinstance(value, date):
        raise TypeError(f"vn_date expects a date, got {value!r}")
    return value.strftime("%d/%m/%Y")


def kind_label(kind: str) -> str:
    return _KIND_LABELS[kind]


def role_label(role: str) -> str:
    return _ROLE_LABELS[role]


def deadline_label(item: c.TaskItem) -> str:
    return vn_date(item.deadline) if item.deadline else "Thường xuyên"


def time_left(item: c.TaskItem) -> str:
    if item.days_left is None:
        return "không có thời hạn cố định"
    if item.days_left > 0:
        return f"còn {item.days_left} ngày"
    if item.days_left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {item.days_overdue} ngày"


def plan_ref(item: c.TaskItem) -> str:
    if item.plan_number:
        return f"Kế hoạch số {item.plan_number} ({item.plan_title})"
    return f"Kế hoạch {item.plan_title}"
