"""Sample email contexts with named personas, shared by the notification tests and the bench.

Personas: a lead body (Phòng Tài chính - Kế hoạch), a partner body (Phòng Nông nghiệp và Môi
trường), a coordinator (Văn phòng HĐND và UBND huyện) and a leader (Chủ tịch UBND huyện).
"""

from __future__ import annotations

from datetime import date

from notifications import contexts as c

AS_OF = date(2024, 3, 25)
LEAD = c.Addressee(agency_id=11, name="Phòng Tài chính - Kế hoạch")
PARTNER = c.Addressee(agency_id=12, name="Phòng Nông nghiệp và Môi trường")
COORDINATOR = c.Addressee(agency_id=1, name="Văn phòng HĐND và UBND huyện")
LEADER = c.Addressee(agency_id=2, name="Chủ tịch UBND huyện")
SENDER = "Văn phòng HĐND và UBND huyện Đăk Tô"
DASHBOARD = "https://kehoach.example.gov.vn/co-quan/11"
PLAN_TITLE = "Thực hiện Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”"


def links(task_id: int) -> tuple[c.ActionLink, ...]:
    base = f"https://kehoach.example.gov.vn/l/{task_id}"
    return (
        c.ActionLink("Xác nhận đã nhận", f"{base}/ack?t=abc"),
        c.ActionLink("Báo cáo hoàn thành", f"{base}/done?t=def"),
        c.ActionLink("Đề nghị gia hạn", f"{base}/extend?t=ghi"),
    )


def item(
    task_id: int = 7,
    text: str = "Tham mưu UBND huyện báo cáo sơ kết 6 tháng thực hiện Cuộc vận động",
    deadline: date | None = date(2024, 3, 28),
    days_left: int | None = 3,
    kind: str = "report",
    role: str = "lead",
    deadline_note: str | None = None,
) -> c.TaskItem:
    return c.TaskItem(
        task_id=task_id,
        text=text,
        plan_number="48/KH-UBND",
        plan_title=PLAN_TITLE,
        deadline=deadline,
        days_left=days_left,
        kind=kind,
        status_label="Đang thực hiện",
        role=role,
        links=links(task_id),
        deadline_note=deadline_note,
    )


def overdue_item(text: str = "Hoàn thành rà soát hộ nghèo, hộ cận nghèo năm 2024") -> c.TaskItem:
    return item(task_id=9, text=text, deadline=date(2024, 3, 15), days_left=-10, kind="action")


def entry(task_item: c.TaskItem, notice: str = "Nhắc trước hạn 3 ngày làm việc") -> c.DigestEntry:
    return c.DigestEntry(task_item, notice)


def reminder_digest(*items: c.TaskItem) -> c.ReminderDigest:
    """A body's digest: by default one task coming up and one due today (as partner)."""
    chosen = items or (
        item(),
        item(task_id=8, text="Phân bổ kinh phí", deadline=AS_OF, days_left=0, role="partner"),
    )
    entries = tuple(entry(i, _notice_for(i)) for i in chosen)
    return c.ReminderDigest(LEAD, AS_OF, entries, SENDER, DASHBOARD)


def _notice_for(task_item: c.TaskItem) -> str:
    if task_item.is_overdue:
        return "Thông báo quá hạn lần 1"
    if task_item.days_left == 0:
        return "Nhắc đến hạn hôm nay"
    return "Nhắc trước hạn 3 ngày làm việc"


SENDS = (
    c.PreviousSend(date(2024, 3, 12), "Nhắc trước hạn 3 ngày làm việc", "ptckh@dakto.gov.vn"),
    c.PreviousSend(date(2024, 3, 18), "Thông báo quá hạn lần 1", "ptckh@dakto.gov.vn"),
    c.PreviousSend(date(2024, 3, 21), "Thông báo quá hạn lần 2", "ptckh@dakto.gov.vn"),
)


def escalated(task_item: c.TaskItem, step: int = 1) -> c.DigestEntry:
    """Another body's overdue task, put before the recipient to direct."""
    return c.DigestEntry(task_item, f"Báo cáo vượt cấp lần {step}", LEAD.name, SENDS)


def leader_digest(count: int = 3) -> c.ReminderDigest:
    """What the leadership receives in a sweep where ``count`` tasks climbed to it."""
    entries = tuple(
        escalated(overdue_item(f"Nhiệm vụ quá hạn số {n}"), step=3) for n in range(1, count + 1)
    )
    return c.ReminderDigest(LEADER, AS_OF, entries, SENDER, DASHBOARD)


def mixed_digest() -> c.ReminderDigest:
    """Every group at once: own overdue, another body's overdue, due today, coming up, a
    change told back."""
    today = item(task_id=8, text="Phân bổ kinh phí", deadline=AS_OF, days_left=0)
    change = c.Change(
        item(task_id=12, text="Tổng hợp danh sách hộ nghèo", deadline=date(2024, 4, 30)),
        "Đề nghị gia hạn được chấp thuận",
        "thời hạn: 29/03/2024 → 30/04/2024",
    )
    entries = (
        entry(item(), "Nhắc trước hạn 3 ngày làm việc"),
        entry(today, "Nhắc đến hạn hôm nay"),
        entry(overdue_item(), "Thông báo quá hạn lần 2"),
        escalated(overdue_item("Báo cáo công tác cải cách hành chính quý I"), step=2),
    )
    return c.ReminderDigest(COORDINATOR, AS_OF, entries, SENDER, DASHBOARD, (change,))


def weekly_digest() -> c.WeeklyDigest:
    ongoing = item(task_id=10, text="Tuyên truyền Cuộc vận động", deadline=None, days_left=None)
    return c.WeeklyDigest(
        LEAD,
        AS_OF,
        date(2024, 3, 25),
        date(2024, 3, 31),
        (overdue_item(), item(), ongoing),
        SENDER,
        DASHBOARD,
    )


def milestone_report() -> c.MilestoneReport:
    rows = (
        c.BodyRow(LEAD.name, done_on_time=3, done_late=1, open=2, overdue=1, next_quarter=1),
        c.BodyRow(PARTNER.name, done_on_time=2, done_late=0, open=1, overdue=2),
    )
    upcoming = item(task_id=20, text="Tổng kết năm", deadline=date(2024, 6, 30), days_left=97)
    return c.MilestoneReport(
        LEADER, AS_OF, "48/KH-UBND", PLAN_TITLE, 2024, 1, rows, (upcoming,), SENDER, DASHBOARD
    )


def delivery_problems() -> c.DeliveryProblems:
    problems = (
        c.DeliveryProblem(
            PARTNER.name,
            "pnnmt@dakto.example.gov.vn",
            c.ProblemKind.BOUNCED,
            "5.1.1 Mailbox does not exist",
            550,
            date(2024, 3, 24),
            4,
        ),
        c.DeliveryProblem(
            "UBND xã Tân Cảnh", None, c.ProblemKind.MISSING, "Chưa có trong danh mục", None, None, 2
        ),
    )
    return c.DeliveryProblems(COORDINATOR, AS_OF, problems, SENDER, DASHBOARD)


SAMPLES = {
    "reminder_digest": reminder_digest,
    "weekly_digest": weekly_digest,
    "milestone_report": milestone_report,
    "delivery_problems": delivery_problems,
}
