"""Sweep slots and the catch-up decision after downtime."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from workflows.rules.sweep_slots import (
    SweepTimesError,
    latest_slot,
    needs_catch_up,
    parse_sweep_times,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SLOTS = [time(8, 0), time(14, 0)]


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN).astimezone(UTC)


def test_sweep_times_are_sorted_and_deduplicated() -> None:
    assert parse_sweep_times(" 14:00,08:00 ,08:00,") == SLOTS


@pytest.mark.parametrize("text", ["8h", "25:00", "08:61", "", " , "])
def test_a_bad_sweep_time_is_named_in_the_error(text: str) -> None:
    with pytest.raises(SweepTimesError, match="KEHOACH_SWEEP_TIMES"):
        parse_sweep_times(text)


def test_latest_slot_is_today_after_the_first_time() -> None:
    assert latest_slot(local(2024, 3, 5, 9, 30), SLOTS, VN) == local(2024, 3, 5, 8, 0)
    assert latest_slot(local(2024, 3, 5, 14, 0), SLOTS, VN) == local(2024, 3, 5, 14, 0)


def test_latest_slot_before_the_first_time_is_yesterdays_last() -> None:
    assert latest_slot(local(2024, 3, 5, 7, 59), SLOTS, VN) == local(2024, 3, 4, 14, 0)


def test_latest_slot_is_judged_in_vietnam_time_not_utc() -> None:
    # 02:00 UTC is 09:00 in Hà Nội: this morning's 08:00 slot has passed.
    now = datetime(2024, 3, 5, 2, 0, tzinfo=UTC)
    assert latest_slot(now, SLOTS, VN) == local(2024, 3, 5, 8, 0)


def test_a_first_start_catches_up() -> None:
    assert needs_catch_up(None, local(2024, 3, 5, 9, 0), SLOTS, VN)


def test_three_days_down_means_one_catch_up_not_three() -> None:
    last = local(2024, 3, 1, 8, 0)
    assert needs_catch_up(last, local(2024, 3, 5, 9, 0), SLOTS, VN)
    # The catch-up's own run is now the last one: a second restart does nothing.
    assert not needs_catch_up(local(2024, 3, 5, 9, 0), local(2024, 3, 5, 9, 5), SLOTS, VN)


def test_no_catch_up_when_no_slot_passed_since_the_last_sweep() -> None:
    assert not needs_catch_up(local(2024, 3, 5, 8, 0), local(2024, 3, 5, 13, 59), SLOTS, VN)
    assert needs_catch_up(local(2024, 3, 5, 8, 0), local(2024, 3, 5, 14, 1), SLOTS, VN)
