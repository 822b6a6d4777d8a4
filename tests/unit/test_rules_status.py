"""Status labels as Vietnamese task tracking shows them."""

from __future__ import annotations

from datetime import date

import pytest

from models.types import TaskStatus
from workflows.rules.status import (
    DONE,
    DROPPED,
    IN_PROGRESS,
    NOT_STARTED,
    Category,
    completed_late,
    describe,
)

DUE = date(2024, 6, 20)


def test_the_stored_values_are_those_of_the_task_table():
    assert [s.value for s in TaskStatus] == [NOT_STARTED, IN_PROGRESS, DONE, DROPPED]


def test_a_task_in_progress_on_its_deadline_day_is_still_within_its_deadline():
    view = describe(TaskStatus.IN_PROGRESS, DUE, today=DUE)
    assert (view.category, view.label, view.overdue) == (
        Category.IN_PROGRESS,
        "đang thực hiện – trong hạn",
        False,
    )


def test_a_task_in_progress_the_day_after_its_deadline_is_overdue():
    view = describe(IN_PROGRESS, DUE, today=date(2024, 6, 21))
    assert (view.category, view.label, view.overdue) == (
        Category.OVERDUE,
        "đang thực hiện – quá hạn",
        True,
    )


def test_a_not_started_task_past_its_deadline_is_counted_as_overdue():
    view = describe(NOT_STARTED, DUE, today=date(2024, 7, 1))
    assert view.category == Category.OVERDUE
    assert view.label == "chưa thực hiện – quá hạn"
    assert view.category_label == "Quá hạn"
    assert describe(NOT_STARTED, DUE, today=DUE).label == "chưa thực hiện"


def test_an_ongoing_task_without_a_deadline_is_never_overdue():
    assert not describe(IN_PROGRESS, None, today=date(2030, 1, 1)).overdue


def test_done_on_the_deadline_day_is_on_time_and_the_day_after_is_late():
    assert describe(DONE, DUE, today=DUE, completed_on=DUE).label == "hoàn thành đúng hạn"
    late = describe(DONE, DUE, today=date(2024, 7, 1), completed_on=date(2024, 6, 21))
    assert (late.category, late.label) == (Category.DONE_LATE, "hoàn thành quá hạn")


def test_lateness_frozen_at_completion_wins_over_a_later_extension():
    # Done late on 25/06; an extension to 30/06 granted afterwards does not make it on time.
    view = describe(DONE, date(2024, 6, 30), today=date(2024, 7, 1), frozen_late=True)
    assert view.category == Category.DONE_LATE


def test_completion_is_judged_against_the_deadline_in_force_when_it_happened():
    completed_on = date(2024, 6, 28)
    assert not completed_late(date(2024, 6, 30), completed_on)  # extended to 30/06 by then
    assert completed_late(DUE, completed_on)
    assert not completed_late(None, completed_on)


def test_a_dropped_task_is_counted_apart():
    assert describe(DROPPED, DUE, today=date(2024, 7, 1)).category == Category.DROPPED


def test_bad_status_input_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="Trạng thái không biết"):
        describe("paused", DUE, today=DUE)
    with pytest.raises(ValueError, match="thiếu ngày hoàn thành"):
        describe(DONE, DUE, today=DUE)
