"""Typed contexts of every email kehoach sends: plain frozen dataclasses, no ORM objects.

The workflows layer reads the database and fills these; the templates only read them. Dates are
calendar dates in local time (the caller converts), counts are already computed, so templates
do no arithmetic beyond formatting. A digest's derived views (its groups, counts) are worked
out once per context (``cached_property``: the contexts never change), not once per template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

# Beside a deadline the document did not state (the plan period's last day, see
# ``workflows.parsing.deadlines``): the emails and the web pages say it the same way.
INFERRED_DEADLINE_NOTE = "hạn suy ra từ thời hạn kế hoạch — cần xác nhận"


def marked_inferred(shown: str) -> str:
    """A deadline as written out, marked as inferred: "31/12/2024 (hạn suy ra … — cần xác nhận)"
    (the spreadsheet, the calendar and the command line say it so)."""
    return f"{shown} ({INFERRED_DEADLINE_NOTE})"


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
    lead_name: str | None = None  # shown where the reader is not the lead (quarterly reports)
    deadline_inferred: bool = False  # the plan period's end, not a date the document states

    @property
    def is_overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.is_overdue and self.days_left is not None else 0


@dataclass(frozen=True)
class PreviousSend:
    """An email already sent about the task, shown beside an escalated task as proof of chasing."""

    sent_on: date
    description: str  # "Nhắc trước hạn 3 ngày làm việc", "Thông báo quá hạn lần 1"
    to_name: str


@dataclass(frozen=True)
class DigestEntry:
    """One task in a digest and why it is there (``notice``: "Thông báo quá hạn lần 2").

    ``owner_name`` is set when the task is another body's and the recipient is asked to
    direct it (an escalation); the entry then lists what was already sent about it.
    """

    item: TaskItem
    notice: str
    owner_name: str | None = None
    previous_sends: tuple[PreviousSend, ...] = ()

    @property
    def supervised(self) -> bool:
        return self.owner_name is not None


@dataclass(frozen=True)
class Change:
    """What the coordinator decided about a task, told to the body concerned."""

    item: TaskItem
    what: str  # "Đề nghị gia hạn được chấp thuận"
    detail: str  # "thời hạn mới 30/09/2022"


@dataclass(frozen=True)
class ReminderDigest:
    """The one message a recipient gets in a sweep about tasks to chase: its own overdue work,
    other bodies' overdue work it is asked to direct, what is due today, what is coming up,
    and what changed. Groups are decided by the facts on ``as_of``, not by the notice kind."""

    addressee: Addressee
    as_of: date
    entries: tuple[DigestEntry, ...]
    sender_name: str  # the coordinating body signing the email
    dashboard_url: str
    changes: tuple[Change, ...] = ()

    def __post_init__(self) -> None:
        if not self.entries and not self.changes:
            raise ValueError("ReminderDigest needs at least one entry or change")

    @cached_property
    def overdue(self) -> tuple[DigestEntry, ...]:
        return tuple(e for e in self.entries if not e.supervised and e.item.is_overdue)

    @cached_property
    def supervised(self) -> tuple[DigestEntry, ...]:
        return tuple(e for e in self.entries if e.supervised)

    @cached_property
    def due_today(self) -> tuple[DigestEntry, ...]:
        return tuple(e for e in self.entries if not e.supervised and e.item.days_left == 0)

    @cached_property
    def upcoming(self) -> tuple[DigestEntry, ...]:
        return tuple(
            e
            for e in self.entries
            if not e.supervised and (e.item.days_left is None or e.item.days_left > 0)
        )

    @cached_property
    def groups(self) -> tuple[tuple[str, tuple[DigestEntry, ...]], ...]:
        """The non-empty groups, in reading order, each with its heading."""
        named = (
            ("Nhiệm vụ quá hạn", self.overdue),
            ("Nhiệm vụ quá hạn của cơ quan khác, đề nghị chỉ đạo", self.supervised),
            ("Nhiệm vụ đến hạn hôm nay", self.due_today),
            ("Nhiệm vụ sắp đến hạn", self.upcoming),
        )
        return tuple((title, entries) for title, entries in named if entries)

    @cached_property
    def counts(self) -> tuple[str, ...]:
        """The subject's count of each group: "3 nhiệm vụ quá hạn", "2 sắp đến hạn"."""
        parts = [
            (len(self.overdue), "quá hạn"),
            (len(self.supervised), "quá hạn cần chỉ đạo"),
            (len(self.due_today), "đến hạn hôm nay"),
            (len(self.upcoming), "sắp đến hạn"),
        ]
        words = [f"{n} {label}" for n, label in parts if n]
        if words:
            words[0] = words[0].replace(" ", " nhiệm vụ ", 1)
        if self.changes:
            words.append(f"{len(self.changes)} thay đổi" + ("" if words else " về nhiệm vụ"))
        return tuple(words)

    @cached_property
    def tag(self) -> str:
        """The subject's first words: a report of others' overdue work, news of changes only,
        or a reminder."""
        if not self.entries:
            return "Thông báo"
        if not self.changes and all(e.supervised for e in self.entries):
            return "Báo cáo quá hạn"
        return "Nhắc việc"


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

    @cached_property
    def overdue_items(self) -> tuple[TaskItem, ...]:
        return tuple(i for i in self.items if i.is_overdue)

    @cached_property
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
    next_quarter: int = 0  # tasks of this body due in the following quarter

    @property
    def total(self) -> int:
        """Tasks due in the quarter (the next quarter's are counted apart)."""
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
            next_quarter=sum(r.next_quarter for r in self.rows),
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
