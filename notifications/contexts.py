"""Typed contexts of every email kehoach sends: plain frozen dataclasses, no ORM objects.

The workflows layer reads the database and fills these; the templates only read them. Dates are
calendar dates in local time (the caller converts), counts are already computed, so templates
do no arithmetic beyond formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True)
class ActionLink:
    """A signed link the recipient can click without an account (see ``links.py``)."""

    label: str  # "Xác nhận đã nhận", "Báo cáo hoàn thành", "Đề nghị gia hạn"
    url: str

    def __post_init__(self) -> None:
        # Only web links: a "javascript:" URL in an href would run script in webmail clients.
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"action link must be an http(s) URL, got {self.url!r}")


@dataclass(frozen=True)
class Addressee:
    """The body an email is written to ("Kính gửi: ...")."""

    agency_id: int
    name: str


@dataclass(frozen=True)
class TaskItem:
    """One task as shown in an email.

    ``days_left`` counts calendar days from the run date to the deadline: positive = still time,
    0 = due today, negative = overdue by ``-days_left`` days; None when there is no deadline
    (ongoing duties, "thường xuyên").
    """

    task_id: int
    text: str
    plan_number: str | None  # "48/KH-UBND"; None for drafts without a number
    plan_title: str
    deadline: date | None
    days_left: int | None
    kind: str  # TaskKind value: "action", "report", "milestone"
    status_label: str  # Vietnamese, e.g. "Đang thực hiện"
    role: str = "lead"  # "lead" (chủ trì) or "partner" (phối hợp)
    links: tuple[ActionLink, ...] = ()
    # When the deadline falls on a day off: "Chủ nhật — ngày nghỉ", "nghỉ Tết Nguyên Đán".
    deadline_note: str | None = None

    @property
    def is_overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.is_overdue and self.days_left is not None else 0


@dataclass(frozen=True)
class ReminderDigest:
    """One email per body per run listing every item that is due to be reminded."""

    addressee: Addressee
    as_of: date
    items: tuple[TaskItem, ...]
    sender_name: str  # the coordinating body signing the email
    dashboard_url: str

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("ReminderDigest needs at least one item")


@dataclass(frozen=True)
class PreviousSend:
    """An email already sent about the task, shown in an escalation as proof of chasing."""

    sent_on: date
    description: str  # "Nhắc hạn (còn 3 ngày)", "Thông báo quá hạn lần 1"
    to_name: str


@dataclass(frozen=True)
class EscalationNotice:
    """Sent to a superior (leader or coordinator) when the owning body has not acted."""

    addressee: Addressee
    as_of: date
    item: TaskItem
    owner_name: str  # the lead body (chủ trì) that owns the overdue task
    step: int  # escalation step, 1-based
    previous_sends: tuple[PreviousSend, ...]
    sender_name: str
    dashboard_url: str


@dataclass(frozen=True)
class WeeklyDigest:
    """Everything still open for a body, sent once a week."""

    addressee: Addressee
    as_of: date
    week_start: date
    week_end: date
    items: tuple[TaskItem, ...]
    sender_name: str
    dashboard_url: str

    @property
    def overdue_items(self) -> tuple[TaskItem, ...]:
        return tuple(i for i in self.items if i.is_overdue)

    @property
    def upcoming_items(self) -> tuple[TaskItem, ...]:
        return tuple(i for i in self.items if not i.is_overdue)


@dataclass(frozen=True)
class BodyRow:
    """Counts for one lead body in a quarter (each task is counted once, under its lead)."""

    agency_name: str
    done_on_time: int
    done_late: int
    open: int
    overdue: int

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.open + self.overdue


@dataclass(frozen=True)
class MilestoneReport:
    """Per plan per quarter: what was done on time, late, what is open or overdue, and what's next.

    ``open`` counts tasks due in the quarter that are not done and not yet overdue.
    """

    addressee: Addressee
    as_of: date
    plan_number: str | None
    plan_title: str
    year: int
    quarter: int  # 1..4
    rows: tuple[BodyRow, ...]
    next_quarter_items: tuple[TaskItem, ...]
    sender_name: str
    dashboard_url: str

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1..4, got {self.quarter}")

    @property
    def totals(self) -> BodyRow:
        return BodyRow(
            agency_name="Tổng cộng",
            done_on_time=sum(r.done_on_time for r in self.rows),
            done_late=sum(r.done_late for r in self.rows),
            open=sum(r.open for r in self.rows),
            overdue=sum(r.overdue for r in self.rows),
        )

    @property
    def next_year(self) -> int:
        return self.year + 1 if self.quarter == 4 else self.year

    @property
    def next_quarter(self) -> int:
        return 1 if self.quarter == 4 else self.quarter + 1


class ProblemKind(StrEnum):
    BOUNCED = "bounced"  # the server refused the address permanently (5xx)
    MISSING = "missing"  # the body has no email address in the registry
    INVALID = "invalid"  # the registry's address is malformed
    UNDELIVERED = "undelivered"  # retries ran out (transient failures for 3 days)


@dataclass(frozen=True)
class DeliveryProblem:
    agency_name: str
    address: str | None
    kind: ProblemKind
    detail: str  # the server's reply or our validation message
    code: int | None
    occurred_on: date | None
    tasks_affected: int


@dataclass(frozen=True)
class DeliveryProblems:
    """For the coordinator: bodies that could not be reached, so someone can phone them."""

    addressee: Addressee
    as_of: date
    problems: tuple[DeliveryProblem, ...]
    sender_name: str
    dashboard_url: str

    def __post_init__(self) -> None:
        if not self.problems:
            raise ValueError("DeliveryProblems needs at least one problem")
