"""A real plan through a whole year: the Tu Mơ Rông 2022 plan is read, parsed, stored,
published and swept every morning of 2022 against a real SMTP server. The facts checked come
from the document itself (section V: bodies report by 20/6 and 10/12; Phòng LĐ-TB&XH
consolidates by 30/6 and 15/12)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from config.settings import reset_settings
from models.agencies import Agency
from tests.conftest import PLANS
from tests.integration.sweep_world import configure_mail, kind_of, publish_document
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import sweep

PLAN = PLANS / "tu-mo-rong-2022-giam-ngheo.txt"


def address_of(agency: Agency) -> str:
    return f"coquan{agency.id}@tumorong.gov.vn"


@pytest.mark.slow
def test_a_real_plan_swept_every_morning_of_its_year(engine, smtp_server, monkeypatch):
    configure_mail(monkeypatch, smtp_server)
    reset_settings()
    publish_document(engine, PLAN, "2022-03-01T09:00", "tumorong.gov.vn", "chutich@tumorong.gov.vn")
    with Session(engine) as session:
        agencies = {a.name: a for a in session.exec(select(Agency)).all()}

    ldtbxh = next(a for n, a in agencies.items() if n.startswith("Phòng Lao động"))
    communes = next(a for n, a in agencies.items() if n.startswith("Ủy ban nhân dân các xã"))
    arrived: dict[date, list] = {}
    day = date(2022, 3, 2)
    while day <= date(2022, 12, 31):
        before = len(smtp_server.received)
        sweep(parse_instant(f"{day.isoformat()}T08:05"))
        if len(smtp_server.received) > before:
            arrived[day] = smtp_server.received[before:]
        day += timedelta(days=1)

    def reminders_to(agency: Agency) -> dict[date, str]:
        return {
            d: m.message.get_body(("plain",)).get_content()
            for d, mails in arrived.items()
            for m in mails
            if address_of(agency) in m.rcpt_tos and kind_of(m) == "reminder_digest"
        }

    commune_mail = reminders_to(communes)
    assert (
        "báo cáo kết quả triển khai thực hiện định kỳ 6 tháng" in commune_mail[date(2022, 6, 20)]
    )  # a Monday: the due-day reminder of the 20/6 report
    assert date(2022, 6, 17) in commune_mail  # one working day before
    lead_mail = reminders_to(ldtbxh)
    assert date(2022, 6, 30) in lead_mail and date(2022, 12, 15) in lead_mail
    # Quarterly milestone reports go to the coordinator (Phòng LĐ-TB&XH, cơ quan thường trực).
    reports = [
        d
        for d, mails in arrived.items()
        for m in mails
        if kind_of(m) == "milestone_report" and address_of(ldtbxh) in m.rcpt_tos
    ]
    # Q1 to Q3 end within the year swept, but only Q2 had anything due (the 6-month reports of
    # 20/06 and 30/06; the rest is due in December): no report for an empty quarter.
    assert reports == [date(2022, 7, 1)]
    # Never on a non-working day (weekends, 2/9 …), never twice.
    assert all(
        d.weekday() < 5
        for d, mails in arrived.items()
        if any(kind_of(m) == "reminder_digest" for m in mails)
    )
    assert date(2022, 9, 2) not in arrived
    ids = Counter(str(m.message["Message-ID"]) for m in smtp_server.received)
    assert max(ids.values()) == 1
    # Vietnamese survives the trip.
    assert "Kính gửi" in lead_mail[date(2022, 6, 30)]
