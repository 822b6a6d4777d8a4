"""Sweeps against a real SMTP server on loopback: the right mail, to the right people, on the
right days, once. Both databases."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from config.settings import get_settings
from models.delivery import MessageStatus, MilestoneSnapshot, OutboxMessage
from models.types import TaskStatus
from tests.integration.sweep_world import (
    COORD,
    COORD_MAIL,
    LEAD,
    LEAD_HEAD,
    LEAD_MAIL,
    LEADER_MAIL,
    PARTNER,
    PARTNER_MAIL,
    UNRELATED_MAIL,
    build_world,
    configure_mail,
    duty,
    kind_of,
    mail_to,
)
from workflows.followup.updates import decide_extension, request_extension, update_status
from workflows.rules.calendar import load_calendar
from workflows.runners.clock import parse_instant

SENT_LINE = re.compile(r"- Ngày (\d\d/\d\d/\d{4}): (.+), gửi (\S+)")  # a send listed in a mail
REPORT = "Báo cáo kết quả thực hiện 6 tháng đầu năm"
CREDIT = "Giải ngân vốn tín dụng ưu đãi cho hộ nghèo"


def sweep_days(
    world,
    server,
    first: date,
    last: date,
    at: str = "08:05",
    kinds: tuple[str, ...] = ("reminder_digest",),
) -> dict[date, list]:
    """Sweep every day from ``first`` to ``last`` and note which mail of ``kinds`` arrived
    on which day (weekly digests and quarterly reports are tested on their own)."""
    arrived: dict[date, list] = {}
    day = first
    while day <= last:
        before = len(server.received)
        world.sweep_at(f"{day.isoformat()}T{at}")
        new = [m for m in server.received[before:] if kind_of(m) in kinds]
        if new:
            arrived[day] = new
        day += timedelta(days=1)
    return arrived


def test_reminders_reach_lead_and_partner_on_working_days_before_the_deadline(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20), partners=(PARTNER,)))
    arrived = sweep_days(world, smtp_server, date(2022, 6, 1), date(2022, 6, 20))
    # 20/06/2022 is a Monday: 7, 3 and 1 working days before are 09/06, 15/06 and 17/06.
    assert sorted(arrived) == [
        date(2022, 6, 9),
        date(2022, 6, 15),
        date(2022, 6, 17),
        date(2022, 6, 20),
    ]
    for mails in arrived.values():
        assert sorted(r.rcpt_tos[0] for r in mails) == sorted([LEAD_MAIL, PARTNER_MAIL])
    assert mail_to(smtp_server, UNRELATED_MAIL) == []


def test_a_reminder_is_in_vietnamese_with_escaped_html_and_signed_links(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine, duty("T1", "Rà soát <script>alert(1)</script> & {{7*7}}", date(2022, 6, 20))
    )
    world.sweep_at("2022-06-20T08:05")
    (mail,) = mail_to(smtp_server, LEAD_MAIL)
    subject = str(mail.message["Subject"])
    assert "hạn" in subject.lower() or "nhắc" in subject.lower()
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert "Kính gửi" in text and "Phòng Lao động – Thương binh và Xã hội" in text
    assert "{{7*7}}" in text and "<script>" not in html and "&lt;script&gt;" in html
    assert "https://kehoach.tn.gov.vn/l/done/" in text


def test_running_a_sweep_twice_sends_nothing_more(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20)))
    world.sweep_at("2022-06-20T08:05")
    world.sweep_at("2022-06-20T08:05")
    world.sweep_at("2022-06-20T09:30")
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1


def test_after_a_gap_only_the_nearest_reminder_of_a_task_goes(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20)))
    report = world.sweep_at("2022-06-20T08:05")  # the first sweep ever, on the deadline day
    (mail,) = mail_to(smtp_server, LEAD_MAIL)
    subject = str(mail.message["Subject"])
    assert subject == f"[Nhắc việc] 1 nhiệm vụ đến hạn hôm nay: {REPORT}"  # one item, not two
    assert mail.message.get_body(("plain",)).get_content().count(REPORT) == 1
    assert (report.counts["notices"], report.counts["superseded"]) == (1, 3)


def test_a_body_gets_one_digest_for_all_its_items_in_a_run(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine, duty("T1", REPORT, date(2022, 6, 20)), duty("T2", CREDIT, date(2022, 6, 20))
    )
    world.sweep_at("2022-06-20T08:05")
    (mail,) = mail_to(smtp_server, LEAD_MAIL)
    text = mail.message.get_body(("plain",)).get_content()
    assert REPORT in text and CREDIT in text


def test_completion_stops_reminders(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20)))
    world.sweep_at("2022-06-09T08:05")
    with Session(engine) as session:
        update_status(
            session,
            world.task_id(REPORT),
            TaskStatus.DONE,
            "ld",
            parse_instant("2022-06-10T10:00"),
            note="Đã gửi báo cáo",
        )
        session.commit()
    arrived = sweep_days(world, smtp_server, date(2022, 6, 10), date(2022, 7, 30))
    assert arrived == {}
    assert len(mail_to(smtp_server, LEAD_MAIL)) == 1


def test_overdue_work_climbs_the_escalation_ladder_on_its_working_days(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    deadline = date(2022, 6, 20)
    world = build_world(engine, duty("T1", CREDIT, deadline))
    arrived = sweep_days(world, smtp_server, date(2022, 6, 21), date(2022, 7, 20))
    # Day 0 is the first working day after the deadline; each step comes that many working
    # days later (KEHOACH_ESCALATION_DAYS, by default 0,3,7,14): body, head, coordinator, leader.
    steps = get_settings().escalation_days
    assert steps == "0,3,7,14"
    calendar = load_calendar()
    first_overdue = calendar.next_working_day(deadline)
    body_day, head_day, coord_day, leader_day = (
        calendar.add_working_days(first_overdue, int(n)) for n in steps.split(",")
    )
    sent = [(day, mail) for day, mails in sorted(arrived.items()) for mail in mails]
    # Step 0: the body's own overdue notice, the first mail after the deadline.
    assert (sent[0][0], sent[0][1].rcpt_tos) == (body_day, (LEAD_MAIL,))
    assert "- Thông báo quá hạn lần 1" in text_of(sent[0][1])
    escalations = [(day, mail) for day, mail in sent if "Báo cáo vượt cấp" in text_of(mail)]
    assert [(day, mail.rcpt_tos) for day, mail in escalations] == [
        (head_day, (LEAD_HEAD,)),
        (coord_day, (COORD_MAIL,)),
        (leader_day, (LEADER_MAIL,)),
    ]
    greetings = [text_of(mail).splitlines()[0] for _, mail in escalations]
    assert greetings == [
        f"Kính gửi: Thủ trưởng {LEAD}",
        f"Kính gửi: {COORD}",
        "Kính gửi: Lãnh đạo Ủy ban nhân dân huyện Thử Nghiệm",  # the plan's issuer's
    ]
    for step, (day, mail) in enumerate(escalations, start=1):
        text = text_of(mail)
        days_overdue = (day - deadline).days
        assert str(mail.message["Subject"]) == (
            f"[Báo cáo quá hạn] 1 nhiệm vụ quá hạn cần chỉ đạo: {CREDIT}"
        )
        assert f"   - Báo cáo vượt cấp lần {step}; cơ quan chủ trì: {LEAD}" in text.splitlines()
        assert f"(quá hạn {days_overdue} ngày)" in text
        # What went before it, on earlier days, each listed with its day and recipient.
        assert "   - Các lần đã nhắc, thông báo:" in text.splitlines()
        sends = (SENT_LINE.fullmatch(line.strip()) for line in text.splitlines())
        listed = [found.groups() for found in sends if found]
        # In day order; two sends of one day in the order they were made, which is not
        # necessarily the order the SMTP server received them (mail goes out concurrently).
        days = [datetime.strptime(d, "%d/%m/%Y").date() for d, _, _ in listed]
        assert days == sorted(days)
        earlier = [(d, m) for d, m in sent if d < day]
        assert [(d, to) for d, _, to in listed] == [
            (f"{d:%d/%m/%Y}", m.rcpt_tos[0]) for d, m in earlier
        ]
        kinds = ["vượt cấp" if m.rcpt_tos[0] != LEAD_MAIL else "quá hạn" for _, m in earlier]
        assert all(k in what for k, (_, what, _) in zip(kinds, listed, strict=True))


def text_of(mail) -> str:
    return mail.message.get_body(("plain",)).get_content()


def test_an_approved_extension_stops_the_escalation(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", CREDIT, date(2022, 6, 20)))
    sweep_days(world, smtp_server, date(2022, 6, 21), date(2022, 6, 22))
    with Session(engine) as session:
        ext = request_extension(
            session,
            world.task_id(CREDIT),
            date(2022, 9, 30),
            "Chờ vốn phân bổ",
            "ld",
            parse_instant("2022-06-22T10:00"),
        )
        session.commit()
        decide_extension(session, ext.id, True, "vp", parse_instant("2022-06-22T11:00"))
        session.commit()
    arrived = sweep_days(world, smtp_server, date(2022, 6, 23), date(2022, 7, 31))
    assert mail_to(smtp_server, LEAD_HEAD) == []
    assert mail_to(smtp_server, LEADER_MAIL) == []
    # The lead hears of the decision the next morning, and nothing else until September.
    ((day, (told,)),) = arrived.items()
    assert (day, told.rcpt_tos) == (date(2022, 6, 23), (LEAD_MAIL,))
    assert str(told.message["Subject"]) == "[Thông báo] 1 thay đổi về nhiệm vụ"
    lines = text_of(told).splitlines()
    assert f"1. Đề nghị gia hạn được chấp thuận: {CREDIT}" in lines
    assert "   - thời hạn: 20/06/2022 → 30/09/2022" in lines


def test_a_missing_address_is_shown_to_the_coordinator(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20)), addresses=False)
    from workflows.followup import contacts

    with Session(engine) as session:
        contacts.set_contact(session, world.registry, "Văn phòng HĐND và UBND", COORD_MAIL, None)
        session.commit()
    printed = world.sweep_at("2022-06-20T08:05").lines
    (report,) = mail_to(smtp_server, COORD_MAIL)
    assert "  ! chưa có địa chỉ thư: Phòng Lao động – Thương binh và Xã hội — [Nhắc việc]" in [
        line[: line.index("[Nhắc việc]") + 11] for line in printed if "[Nhắc việc]" in line
    ]
    text = report.message.get_body(("plain",)).get_content()
    assert "Phòng Lao động – Thương binh và Xã hội" in text
    with Session(engine) as session:
        failed = session.exec(
            select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED_PERMANENT)
        ).all()
    # 20/06/2022 is a Monday: the reminder and the weekly digest both lacked an address.
    assert sorted(m.kind for m in failed) == ["reminder_digest", "weekly_digest"]
    assert {m.recipient.split(":")[0] for m in failed} == {"missing"}


def test_a_quarter_end_snapshot_matches_the_tasks_and_goes_to_coordinator_and_leader(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine,
        duty("T1", REPORT, date(2022, 6, 20)),
        duty("T2", CREDIT, date(2022, 5, 31)),
        duty("T3", "Tổng kết năm", date(2022, 8, 15)),
    )
    with Session(engine) as session:
        update_status(
            session, world.task_id(REPORT), TaskStatus.DONE, "ld", parse_instant("2022-06-15T10:00")
        )
        session.commit()
    world.sweep_at("2022-07-01T08:05")
    with Session(engine) as session:
        snapshot = session.exec(select(MilestoneSnapshot)).one()
    assert snapshot.quarter == "2022-Q2"
    (row,) = snapshot.data["rows"]
    assert (row["done_on_time"], row["overdue"], row["open"]) == (1, 1, 0)
    assert [i["text"] for i in snapshot.data["next_quarter"]] == ["Tổng kết năm"]
    report = ("milestone_report",)
    assert len(mail_to(smtp_server, COORD_MAIL, report)) == 1
    assert len(mail_to(smtp_server, LEADER_MAIL, report)) == 1
    # Frozen: a later change does not alter the snapshot, and no second report goes out.
    with Session(engine) as session:
        update_status(
            session, world.task_id(CREDIT), TaskStatus.DONE, "ld", parse_instant("2022-07-02T10:00")
        )
        session.commit()
    count = len(smtp_server.received)
    world.sweep_at("2022-07-04T08:05")
    with Session(engine) as session:
        assert session.exec(select(MilestoneSnapshot)).one().data == snapshot.data
    assert not [m for m in smtp_server.received[count:] if kind_of(m) == "milestone_report"]


def test_a_plan_can_have_its_own_reminder_days(engine, smtp_server, monkeypatch):
    from workflows.followup.policy import set_plan_policy

    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20)))
    with Session(engine) as session:
        set_plan_policy(session, world.plan_id, "10,1", None, parse_instant("2022-05-01T09:00"))
        session.commit()
    arrived = sweep_days(world, smtp_server, date(2022, 6, 1), date(2022, 6, 19))
    # 10 working days before Monday 20/06/2022 is Monday 06/06; 1 before is Friday 17/06.
    assert sorted(arrived) == [date(2022, 6, 6), date(2022, 6, 17)]


def test_a_task_text_cannot_inject_headers_into_the_reminder(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    evil = "Nộp báo cáo\r\nBcc: ke-gian@example.com =?UTF-8?Q?=0A?=Bcc: ke-gian2@example.com"
    world = build_world(engine, duty("T1", evil, date(2022, 6, 20)))
    world.sweep_at("2022-06-20T08:05")
    received = [m for m in smtp_server.received if kind_of(m) == "reminder_digest"]
    (mail,) = received
    assert mail.rcpt_tos == (LEAD_MAIL,)
    headers = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert mail.message["Bcc"] is None and b"Bcc" not in headers
    assert all("example.com" not in r for m in smtp_server.received for r in m.rcpt_tos)


def test_a_coordinator_leading_overdue_work_is_not_asked_to_direct_itself(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    deadline = date(2022, 6, 20)
    world = build_world(engine, duty("T1", CREDIT, deadline, lead=COORD))
    arrived = sweep_days(world, smtp_server, date(2022, 6, 21), date(2022, 7, 20))
    calendar = load_calendar()
    coord_day = calendar.add_working_days(calendar.next_working_day(deadline), 7)
    sent = [(day, mail) for day, mails in sorted(arrived.items()) for mail in mails]
    to_coordinator = [text_of(m) for _, m in sent if m.rcpt_tos == (COORD_MAIL,)]
    assert to_coordinator and all("Báo cáo vượt cấp" not in t for t in to_coordinator)
    # The coordinator's step (2) goes up to the leadership instead, on its own day.
    climbed = [(d, text_of(m)) for d, m in sent if m.rcpt_tos == (LEADER_MAIL,)]
    assert climbed[0][0] == coord_day
    assert f"   - Báo cáo vượt cấp lần 2; cơ quan chủ trì: {COORD}" in climbed[0][1].splitlines()


def test_the_lead_hears_a_refused_extension_and_a_new_deadline_in_its_next_digest(
    engine, smtp_server, monkeypatch
):
    from workflows.plans.corrections import set_due

    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine, duty("T1", REPORT, date(2022, 6, 20)), duty("T2", CREDIT, date(2022, 8, 31))
    )
    at = parse_instant("2022-06-10T15:00")  # a Friday afternoon, after the morning's sweep
    report, credit = world.task_id(REPORT), world.task_id(CREDIT)
    with Session(engine) as session:
        ext = request_extension(session, report, date(2022, 7, 15), "Chờ số liệu", "ld", at)
        session.commit()
        decide_extension(session, ext.id, False, "vp", at, note="Không đủ căn cứ")
        set_due(session, credit, date(2022, 9, 15), at)
        session.commit()
    world.sweep_at("2022-06-13T08:05")
    world.sweep_at("2022-06-13T08:05")
    (told,) = mail_to(smtp_server, LEAD_MAIL)
    # The first sweep also brings the report's 7-day reminder (due since 09/06): one message.
    assert str(told.message["Subject"]) == "[Nhắc việc] 1 nhiệm vụ sắp đến hạn, 2 thay đổi"
    lines = text_of(told).splitlines()
    assert f"1. Đề nghị gia hạn không được chấp thuận: {REPORT}" in lines
    assert "   - thời hạn đề nghị: 15/07/2022; ý kiến: Không đủ căn cứ" in lines
    assert f"2. Thời hạn được điều chỉnh: {CREDIT}" in lines
    assert "   - thời hạn: 31/08/2022 → 15/09/2022; lý do: điều phối sửa hạn" in lines
    assert mail_to(smtp_server, PARTNER_MAIL) == [] and mail_to(smtp_server, COORD_MAIL) == []


def test_a_reassigned_task_is_told_to_the_new_lead_and_the_old_one(
    engine, smtp_server, monkeypatch
):
    from workflows.plans.corrections import reassign

    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", CREDIT, date(2022, 8, 31)))
    with Session(engine) as session:
        reassign(
            session,
            world.registry,
            world.task_id(CREDIT),
            PARTNER,
            parse_instant("2022-06-10T15:00"),
        )
        session.commit()
    world.sweep_at("2022-06-13T08:05")
    (old,) = mail_to(smtp_server, LEAD_MAIL)
    (new,) = mail_to(smtp_server, PARTNER_MAIL)
    assert f"1. Nhiệm vụ chuyển sang cơ quan khác chủ trì: {CREDIT}" in text_of(old).splitlines()
    assert f"   - cơ quan chủ trì hiện nay: {PARTNER}" in text_of(old).splitlines()
    assert f"1. Nhiệm vụ được giao cho quý cơ quan chủ trì: {CREDIT}" in text_of(new).splitlines()


def test_the_sender_is_shown_by_its_configured_name(engine, smtp_server, monkeypatch):
    from config.settings import reset_settings

    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine, duty("T1", REPORT, date(2022, 6, 20)), duty("T2", CREDIT, date(2022, 6, 21))
    )
    world.sweep_at("2022-06-20T08:05")
    monkeypatch.setenv("KEHOACH_MAIL_FROM_NAME", "Văn phòng HĐND và UBND huyện Thử Nghiệm")
    reset_settings()
    world.sweep_at("2022-06-21T08:05")
    first, second = mail_to(smtp_server, LEAD_MAIL)
    # (Python's address parser keeps the folding space between two encoded words of a display
    # name, which RFC 2047 decoders drop: compare the words.)
    names = [" ".join(m.message["From"].addresses[0].display_name.split()) for m in (first, second)]
    assert names == [
        "Hệ thống theo dõi thực hiện kế hoạch",
        "Văn phòng HĐND và UBND huyện Thử Nghiệm",
    ]
    lines = text_of(first).splitlines()
    assert lines[lines.index("Trân trọng.") + 1] == COORD  # the coordinator signs


def test_the_weekly_digest_is_signed_by_the_coordinating_body(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 7, 29)))
    world.sweep_at("2022-06-20T08:05")  # a Monday
    (weekly,) = mail_to(smtp_server, LEAD_MAIL, kinds=("weekly_digest",))
    lines = text_of(weekly).splitlines()
    assert lines[lines.index("Trân trọng.") + 1] == COORD
    html = weekly.message.get_body(("html",)).get_content()
    signature = html[html.index("Trân trọng.") :].split("</p>")[0]
    assert f"<strong>{COORD}</strong>" in signature


def test_the_delivery_problem_report_names_the_leadership_without_an_address(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", REPORT, date(2022, 6, 20)), leader=False)
    world.sweep_at("2022-07-12T08:05")  # 16 working days overdue: the leadership's step
    world.sweep_at("2022-07-13T08:05")
    reports = [m for m in mail_to(smtp_server, COORD_MAIL) if kind_of(m) == "delivery_problems"]
    assert reports
    text = text_of(reports[0])
    assert "Lãnh đạo Ủy ban nhân dân huyện Thử Nghiệm" in text
    assert "missing:" not in text
