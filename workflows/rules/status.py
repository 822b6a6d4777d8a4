"""The status taxonomy of Vietnamese task tracking, derived from the stored status and dates.

Stored: not started, in progress, done (or dropped). Shown: whether it is within its deadline
or overdue, and for done tasks whether they were done on time or late. Lateness is judged
against the deadline in force (after approved extensions) and frozen at completion: a later
extension does not turn a late completion into an on-time one.

A task is overdue from the day after its deadline: the deadline day itself is still on time.
A not-started task past its deadline is overdue too ("chưa thực hiện – quá hạn").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# The stored values (they equal models.types.TaskStatus; pure rules do not import models).
NOT_STARTED, IN_PROGRESS, DONE, DROPPED = "not_started", "in_progress", "done", "dropped"


class Category(StrEnum):
    """What a dashboard counts a task as."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DROPPED = "dropped"


CATEGORY_LABELS = {
    Category.NOT_STARTED: "Chưa thực hiện",
    Category.IN_PROGRESS: "Đang thực hiện – trong hạn",
    Category.OVERDUE: "Quá hạn",
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
    Category.DROPPED: "Không thực hiện (đã bỏ)",
}


@dataclass(frozen=True)
class StatusView:
    category: Category
    label: str  # Vietnamese, as shown to people
    overdue: bool  # open and past its deadline

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]


def completed_late(deadline: date | None, completed_on: date) -> bool:
    """Done after the deadline day; a task without a deadline is never late."""
    return deadline is not None and completed_on > deadline


def describe(
    status: str,
    deadline: date | None,
    today: date,
    *,
    completed_on: date | None = None,
    frozen_late: bool | None = None,
) -> StatusView:
    """The label and counting category of a task.

    ``deadline`` is the one in force now (open tasks) or at completion (done tasks);
    ``frozen_late`` is the lateness stored at completion and wins when given.
    """
    if status == DROPPED:
        return StatusView(Category.DROPPED, "không thực hiện (đã bỏ)", False)
    if status == DONE:
        if frozen_late is None:
            if completed_on is None:
                raise ValueError("Nhiệm vụ đã hoàn thành nhưng thiếu ngày hoàn thành")
            frozen_late = completed_late(deadline, completed_on)
        if frozen_late:
            return StatusView(Category.DONE_LATE, "hoàn thành quá hạn", False)
        return StatusView(Category.DONE_ON_TIME, "hoàn thành đúng hạn", False)
    overdue = deadline is not None and today > deadline
    if status == NOT_STARTED:
        if overdue:
            return StatusView(Category.OVERDUE, "chưa thực hiện – quá hạn", True)
        return StatusView(Category.NOT_STARTED, "chưa thực hiện", False)
    if status == IN_PROGRESS:
        if overdue:
            return StatusView(Category.OVERDUE, "đang thực hiện – quá hạn", True)
        return StatusView(Category.IN_PROGRESS, "đang thực hiện – trong hạn", False)
    raise ValueError(f"Trạng thái không biết: {status!r} (not_started, in_progress, done, dropped)")
