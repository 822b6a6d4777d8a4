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


def reminder_digest(*items: c.TaskItem) -> c.ReminderDigest:
    chosen = items or (
        item(),
        item(task_id=8, text="Phân bổ kinh phí", deadline=AS_OF, days_left=0, role="partner"),
    )
    return c.ReminderDigest(LEAD, AS_OF, tuple(chosen), SENDER, DASHBOARD)


def escalation_notice() -> c.EscalationNotice:
    sends = (
        c.PreviousSend(date(2024, 3, 12), "Nhắc hạn (còn 3 ngày)", LEAD.name),
        c.PreviousSend(date(2024, 3, 16), "Thông báo quá hạn lần 1", LEAD.name),
        c.PreviousSend(date(2024, 3, 19), "Thông báo quá hạn lần 2", LEAD.name),
    )
    return c.EscalationNotice(LEADER, AS_OF, overdue_item(), LEAD.name, 1, sends, SENDER, DASHBOARD)


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
        c.BodyRow(LEAD.name, done_on_time=3, done_late=1, open=2, overdue=1),
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
    "escalation_notice": escalation_notice,
    "weekly_digest": weekly_digest,
    "milestone_report": milestone_report,
    "delivery_problems": delivery_problems,
}
