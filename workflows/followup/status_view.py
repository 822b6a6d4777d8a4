"""A stored task's status in the taxonomy Vietnamese task tracking uses (labels, categories).

Thin adapter from the ``Task`` row to the pure rule in ``workflows.rules.status``.
"""

from __future__ import annotations

from datetime import date

from models.followup import ExtensionStatus
from models.tasks import Task
from models.types import PlanStatus
from workflows.rules import status as rule
from workflows.rules.timefmt import local_date

# Reports count open work in one column whether or not it has started.
_REPORT_COLUMN = {
    rule.Category.NOT_STARTED: "open",
    rule.Category.IN_PROGRESS: "open",
    rule.Category.OVERDUE: "overdue",
    rule.Category.DONE_ON_TIME: "done_on_time",
    rule.Category.DONE_LATE: "done_late",
    rule.Category.DROPPED: "dropped",
}

PLAN_STATUS_LABELS = {PlanStatus.DRAFT: "dự thảo", PlanStatus.PUBLISHED: "đã ban hành"}
EXTENSION_STATUS_LABELS = {
    ExtensionStatus.REQUESTED: "chờ duyệt",
    ExtensionStatus.APPROVED: "đã duyệt",
    ExtensionStatus.REFUSED: "từ chối",
    ExtensionStatus.CLOSED: "đã đóng (nhiệm vụ hoàn thành)",
}


def view(task: Task, today: date) -> rule.StatusView:
    completed_on = local_date(task.completed_at) if task.completed_at else None
    return rule.describe(
        task.status, task.due, today, completed_on=completed_on, frozen_late=task.completed_late
    )


def status_label(task: Task, today: date) -> str:
    return view(task, today).label


def category(task: Task, today: date) -> str:
    """One of done_on_time, done_late, open, overdue, dropped (report columns)."""
    return _REPORT_COLUMN[view(task, today).category]


def plan_status_label(status: str) -> str:
    return PLAN_STATUS_LABELS.get(PlanStatus(status), status)


def extension_status_label(status: str) -> str:
    return EXTENSION_STATUS_LABELS.get(ExtensionStatus(status), status)


# A stored status as people say it (without the on-time/overdue judgement of status_label).
STORED_STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "dropped": "Đã bỏ",
}
