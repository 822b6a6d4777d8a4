"""Deadlines on days off, through real sweeps and a real SMTP server: no reminder goes out on a
day off, and every email that lists the task shows its deadline as falling on one. Both
databases."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from models.types import TaskStatus
from tests.integration.sweep_world import (
    COORD_MAIL,
    LEAD_HEAD,
    LEAD_MAIL,
    LEADER_MAIL,
    build_world,
    configure_mail,
    duty,
    kind_of,
    mail_to,
)
from workflows.followup.updates import update_status
from workflows.runners.clock import parse_instant

SUNDAY_DUTY = "Báo cáo sơ kết công tác giảm nghèo 6 tháng"
HOLIDAY_DUTY = "Tổng hợp danh sách hộ cận nghèo phát sinh"


def _new_mail(server, world, local: str) -> list:
    before = len(server.received)
    world.sweep_at(local)
    return server.received[before:]


def _text(mail) -> str:
    return mail.message.get_body(("plain",)).get_content()


def _html(mail) -> str:
    return mail.message.get_body(("html",)).get_content()


def test_a_sunday_deadline_is_reminded_on_friday_and_shown_as_a_day_off(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(engine, duty("T1", SUNDAY_DUTY, date(2022, 6, 19)))  # a Sunday
    # The due-day and 1-day reminders both fall back to Friday 17/06: one digest, that day
    # (the first sweep also sends the first quarter's report, not looked at here).
    sent = _new_mail(smtp_server, world, "2022-06-17T08:05")
    (friday,) = [m for m in sent if kind_of(m) == "reminder_digest"]
    assert friday.rcpt_tos == (LEAD_MAIL,)
    assert "Thời hạn: 19/06/2022 (Chủ nhật — ngày nghỉ) (còn 2 ngày)" in _text(friday)
    assert "19/06/2022</strong> (Chủ nhật — ngày nghỉ)" in _html(friday)
    # Saturday and the deadline Sunday itself: nothing goes out.
    assert _new_mail(smtp_server, world, "2022-06-18T08:05") == []
    assert _new_mail(smtp_server, world, "2022-06-19T08:05") == []


def test_a_holiday_deadline_is_named_in_the_quarterly_weekly_and_escalation_mail(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    early = "Báo cáo sơ kết quý II"  # done in time: Q2 had something due, so it is reported
    world = build_world(
        engine,
        duty("T1", HOLIDAY_DUTY, date(2022, 9, 2)),  # Quốc khánh
        duty("T2", early, date(2022, 6, 15)),
    )
    with Session(engine) as session:
        at = parse_instant("2022-06-10T10:00")
        update_status(session, world.task_id(early), TaskStatus.DONE, "ld", at)
        session.commit()
    note = "Thời hạn: 02/09/2022 (nghỉ Quốc khánh)"

    # Q2 ends: the report lists what falls due next quarter.
    _new_mail(smtp_server, world, "2022-07-01T08:05")
    for address in (COORD_MAIL, LEADER_MAIL):
        (report,) = mail_to(smtp_server, address, ("milestone_report",))
        assert f"{note} (còn 63 ngày)" in _text(report)

    # Monday 29/08: the weekly digest and the 3-working-day reminder (01–02/09 are off).
    monday = {kind_of(m): m for m in _new_mail(smtp_server, world, "2022-08-29T08:05")}
    assert {"weekly_digest", "reminder_digest"} <= set(monday)
    for mail in (monday["weekly_digest"], monday["reminder_digest"]):
        assert f"{note} (còn 4 ngày)" in _text(mail)
        assert "02/09/2022</strong> (nghỉ Quốc khánh)" in _html(mail)

    # Nothing on the two days off, though the deadline is one of them.
    assert _new_mail(smtp_server, world, "2022-09-01T08:05") == []
    assert _new_mail(smtp_server, world, "2022-09-02T08:05") == []

    # Monday 05/09, the first working day overdue: the overdue notice and the week's digest.
    monday = {kind_of(m): m for m in _new_mail(smtp_server, world, "2022-09-05T08:05")}
    assert set(monday) == {"weekly_digest", "reminder_digest"}
    assert all(f"{note} (quá hạn 3 ngày)" in _text(m) for m in monday.values())
    # Three working days later the ladder reaches the body's head: so does the escalation.
    sent = _new_mail(smtp_server, world, "2022-09-08T08:05")
    (escalation,) = [m for m in sent if "Báo cáo vượt cấp lần 1" in _text(m)]
    assert escalation.rcpt_tos == (LEAD_HEAD,)
    assert f"{note} (quá hạn 6 ngày)" in _text(escalation)
