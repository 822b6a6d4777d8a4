"""Extension requests: one per (task, deadline version); a done task closes the open ones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from models.followup import ExtensionStatus
from models.types import TaskStatus
from tests.integration.sweep_world import build_world, duty
from workflows.followup.updates import (
    decide_extension,
    request_extension,
    update_status,
)
from workflows.records.lookups import CorrectionError
from workflows.runners.clock import parse_instant

CREDIT = "Giải ngân vốn tín dụng ưu đãi cho hộ nghèo"
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def ask(session: Session, task_id: int, due: date, at: str):
    return request_extension(session, task_id, due, "Chờ vốn", "ld", parse_instant(at))


def test_a_second_request_for_the_same_deadline_is_refused_showing_the_first(engine):
    world = build_world(engine, duty("T1", CREDIT, date(2022, 6, 20)))
    with Session(engine) as session:
        task_id = world.task_id(CREDIT)
        first = ask(session, task_id, date(2022, 9, 30), "2022-06-10T10:00")
        decide_extension(session, first.id, False, "điều phối", parse_instant("2022-06-11T09:00"))
        with pytest.raises(CorrectionError) as refused:
            ask(session, task_id, date(2022, 8, 31), "2022-06-12T10:00")
    message = str(refused.value)
    assert f"#{first.id}" in message and "10/06/2022" in message and "từ chối" in message


def test_a_new_deadline_may_be_asked_to_move_once_more(engine):
    world = build_world(engine, duty("T1", CREDIT, date(2022, 6, 20)))
    with Session(engine) as session:
        task_id = world.task_id(CREDIT)
        first = ask(session, task_id, date(2022, 9, 30), "2022-06-10T10:00")
        decide_extension(session, first.id, True, "điều phối", parse_instant("2022-06-11T09:00"))
        second = ask(session, task_id, date(2022, 10, 31), "2022-09-20T10:00")
    assert second.id != first.id


def test_open_requests_close_when_the_task_is_done(engine):
    world = build_world(engine, duty("T1", CREDIT, date(2022, 6, 20)))
    task_id = world.task_id(CREDIT)
    with Session(engine) as session:
        ext = ask(session, task_id, date(2022, 9, 30), "2022-06-10T10:00")
        update_status(session, task_id, TaskStatus.DONE, "ld", parse_instant("2022-06-15T08:00"))
        session.flush()
        session.refresh(ext)
    assert ext.status == ExtensionStatus.CLOSED
