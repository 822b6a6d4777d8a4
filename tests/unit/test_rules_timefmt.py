"""Display helpers: Vietnamese dates and local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from workflows.rules.timefmt import (
    dmy,
    dmy_hm,
    local_date,
    local_instant,
    quarter_label,
    to_local,
    weekday_name,
)


def test_dates_are_shown_day_first_with_zero_padding():
    assert dmy(date(2024, 9, 2)) == "02/09/2024"
    assert dmy(None) == "—"


def test_weekday_names_are_vietnamese_from_thu_hai_to_chu_nhat():
    assert weekday_name(date(2024, 9, 2)) == "Thứ Hai"
    assert weekday_name(date(2024, 5, 4)) == "Thứ Bảy"
    assert weekday_name(date(2024, 5, 5)) == "Chủ nhật"


def test_a_day_is_labelled_with_its_quarter():
    assert quarter_label(date(2024, 8, 15)) == "Quý III/2024"


def test_eight_in_the_morning_in_hanoi_is_one_in_the_morning_utc():
    instant = local_instant(date(2024, 9, 2), time(8, 0))
    assert instant == datetime(2024, 9, 2, 1, 0, tzinfo=UTC)
    assert dmy_hm(instant) == "08:00 02/09/2024"


def test_a_late_utc_evening_is_already_the_next_day_in_vietnam():
    evening = datetime(2024, 9, 1, 20, 0, tzinfo=UTC)
    assert local_date(evening) == date(2024, 9, 2)
    assert to_local(evening).hour == 3


def test_a_naive_datetime_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="thiếu múi giờ"):
        to_local(datetime(2024, 9, 2, 8, 0))


def test_a_deadline_day_ends_at_local_midnight():
    from workflows.rules.timefmt import end_of_day

    assert end_of_day(date(2024, 9, 2)) == datetime(2024, 9, 2, 17, 0, tzinfo=UTC)
