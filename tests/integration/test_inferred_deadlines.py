"""A duty the document gives no date, in a plan with a period, is reminded on the period's
last day like any deadline; its mails say the date was inferred until the coordinator
confirms it (then the same reminders go, without the note). Both databases."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from models.tasks import Task
from notifications.contexts import INFERRED_DEADLINE_NOTE
from tests.integration.sweep_world import COORD, LEAD_MAIL, build_world, configure_mail, duty
from tests.integration.test_sweep import sweep_days
from workflows.plans import corrections
from workflows.runners.clock import parse_instant

TRAINING = "Tổ chức tập huấn chuyển đổi số cho cán bộ, công chức cấp xã"
PERIOD = (date(2022, 1, 1), date(2022, 6, 30))  # a half-year plan: it ends on a Thursday


def _undated(world_engine):  # type: ignore[no-untyped-def]
    return build_world(
        world_engine,
        duty("T1", TRAINING, None, inferred_due=PERIOD[1]),
        period=PERIOD,
    )


def _reminders(world, server, first: date, last: date) -> dict[date, list]:  # type: ignore[no-untyped-def]
    """The lead body's reminder digests, by the day they arrived."""
    arrived = sweep_days(world, server, first, last).items()
    to_lead = {day: [m for m in mails if LEAD_MAIL in m.rcpt_tos] for day, mails in arrived}
    return {day: mails for day, mails in to_lead.items() if mails}


def test_a_duty_with_an_inferred_deadline_is_reminded_and_its_mail_says_so(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = _undated(engine)
    task_id = world.task_id(TRAINING)
    with Session(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None and (task.due, task.due_inferred) == (PERIOD[1], True)
    arrived = _reminders(world, smtp_server, date(2022, 6, 15), date(2022, 6, 30))
    # 7, 3 and 1 working days before Thursday 30/06/2022, and the day itself.
    assert sorted(arrived) == [date(2022, 6, 21), date(2022, 6, 27), date(2022, 6, 29), PERIOD[1]]
    (mail,) = arrived[PERIOD[1]]
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert f"Thời hạn: 30/06/2022 ({INFERRED_DEADLINE_NOTE}) (đến hạn hôm nay)" in text
    assert f"({INFERRED_DEADLINE_NOTE})" in html


def test_once_the_coordinator_confirms_it_the_same_reminders_go_without_the_note(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = _undated(engine)
    task_id = world.task_id(TRAINING)
    with Session(engine, expire_on_commit=False) as session:
        task = corrections.set_due(session, task_id, PERIOD[1], parse_instant("2022-06-01T09:00"))
        session.commit()
    assert (task.due, task.due_inferred, task.deadline_version) == (PERIOD[1], False, 1)
    arrived = _reminders(world, smtp_server, date(2022, 6, 29), date(2022, 6, 30))
    assert sorted(arrived) == [date(2022, 6, 29), PERIOD[1]]
    text = arrived[PERIOD[1]][0].message.get_body(("plain",)).get_content()
    assert "Thời hạn: 30/06/2022 (đến hạn hôm nay)" in text and INFERRED_DEADLINE_NOTE not in text


def test_a_contributors_report_with_only_an_inferred_date_is_due_before_the_report_it_feeds(
    engine, smtp_server, monkeypatch
):
    configure_mail(monkeypatch, smtp_server)
    world = build_world(
        engine,
        duty("T1", "Báo cáo kết quả tập huấn của đơn vị", None, inferred_due=PERIOD[1]),
        duty("T2", "Tổng hợp báo cáo kết quả tập huấn", date(2022, 6, 20), lead=COORD,
             depends_on=["T1"]),
        period=PERIOD,
    )  # fmt: skip
    with Session(engine) as session:
        contributor = session.get(Task, world.task_id("Báo cáo kết quả tập huấn"))
        assert contributor is not None
        # 5 working days before Monday 20/06/2022 (the period's end is only a fallback).
        assert (contributor.due, contributor.due_inferred) == (date(2022, 6, 13), False)
