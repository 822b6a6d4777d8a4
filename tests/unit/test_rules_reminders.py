"""Reminder schedules for deadlines, on Vietnam's working days at 08:00 local time."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from workflows.rules.calendar import load_calendar
from workflows.rules.reminders import (
    DEFAULT_OFFSETS,
    ReminderError,
    deadline_day_off,
    is_superseded,
    overdue_times,
    parse_offsets,
    reminder_times,
)
from workflows.rules.timefmt import LOCAL_TZ

CAL = load_calendar(Path(__file__).resolve().parents[2] / "config" / "data" / "holidays.toml")


def local_days(items):
    return {i.kind: i.send_at.astimezone(LOCAL_TZ).date() for i in items}


def at_8(day: date) -> datetime:
    """08:00 in Hà Nội is 01:00 UTC."""
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


def test_a_friday_deadline_is_reminded_7_3_1_working_days_before_and_on_the_day():
    items = reminder_times(date(2024, 6, 21), DEFAULT_OFFSETS, CAL)
    assert local_days(items) == {
        "before-7": date(2024, 6, 12),
        "before-3": date(2024, 6, 18),
        "before-1": date(2024, 6, 20),
        "due-day": date(2024, 6, 21),
    }
    assert items[-1].send_at == at_8(date(2024, 6, 21))
    assert deadline_day_off(date(2024, 6, 21), CAL) is None


def test_a_deadline_on_national_day_2024_moves_the_due_day_reminder_to_friday_30_august():
    items = reminder_times(date(2024, 9, 2), DEFAULT_OFFSETS, CAL)
    # The due-day reminder and the 1-day one both land on Friday 30/08: one is kept.
    assert local_days(items) == {
        "before-7": date(2024, 8, 22),
        "before-3": date(2024, 8, 28),
        "due-day": date(2024, 8, 30),
    }
    assert all(i.deadline == date(2024, 9, 2) for i in items)  # the plan's date stands
    assert deadline_day_off(date(2024, 9, 2), CAL) == "nghỉ Quốc khánh"


def test_a_deadline_on_a_sunday_is_flagged_with_its_weekday():
    assert deadline_day_off(date(2024, 6, 23), CAL) == "Chủ nhật — ngày nghỉ"
    assert deadline_day_off(date(2024, 6, 22), CAL) == "Thứ Bảy — ngày nghỉ"
    assert deadline_day_off(date(2024, 6, 21), CAL) is None


def test_a_holiday_deadline_is_flagged_with_the_holiday_name_from_the_calendar():
    assert deadline_day_off(date(2024, 2, 10), CAL) == "nghỉ Tết Nguyên Đán"  # a Saturday too
    assert deadline_day_off(date(2024, 4, 18), CAL) == "nghỉ Ngày Giỗ Tổ Hùng Vương"
    # Names that already say "nghỉ" (the package's swapped days, the editable table's rows)
    # are not doubled.
    assert deadline_day_off(date(2024, 4, 29), CAL) == "ngày nghỉ (thay cho ngày 04/05/2024)"
    note = deadline_day_off(date(2026, 1, 2), CAL)
    assert note is not None and note.startswith("nghỉ Tết Dương lịch (hoán đổi")
    assert deadline_day_off(date(2024, 5, 4), CAL) is None  # the make-up Saturday is worked


def test_reminders_before_a_deadline_after_tet_2024_skip_the_tet_week():
    items = reminder_times(date(2024, 2, 16), (3, 1), CAL)
    assert local_days(items) == {"before-3": date(2024, 2, 6), "before-1": date(2024, 2, 15)}


def test_the_make_up_saturday_4_may_2024_can_carry_a_reminder():
    items = reminder_times(date(2024, 5, 6), (1,), CAL)
    assert local_days(items) == {"before-1": date(2024, 5, 4)}


def test_offsets_are_configurable_and_the_send_time_is_local():
    items = reminder_times(date(2024, 6, 21), (5,), CAL, send_time=time(14, 30))
    assert [i.kind for i in items] == ["before-5"]
    assert items[0].send_at == datetime(2024, 6, 14, 7, 30, tzinfo=UTC)


def test_bad_offsets_are_refused():
    with pytest.raises(ReminderError, match="≥ 0"):
        reminder_times(date(2024, 6, 21), (3, -1), CAL)
    with pytest.raises(ReminderError, match="ví dụ '7,3,1,0'"):
        parse_offsets("7,ba,1")
    assert parse_offsets("7, 3,1,0") == (7, 3, 1, 0)


def test_overdue_notices_come_every_three_working_days_after_the_deadline():
    items = overdue_times(date(2024, 8, 30), 3, CAL, until=date(2024, 9, 20))
    assert [i.kind for i in items] == ["overdue-1", "overdue-2", "overdue-3", "overdue-4"]
    assert [i.send_at.astimezone(LOCAL_TZ).date() for i in items] == [
        date(2024, 9, 6),  # 02–03/09 are off
        date(2024, 9, 11),
        date(2024, 9, 16),
        date(2024, 9, 19),
    ]
    assert all(i.expires_at is None for i in items)


def test_the_first_overdue_notice_can_come_the_next_working_day():
    items = overdue_times(date(2024, 8, 30), 5, CAL, until=date(2024, 9, 4), first_after=1)
    assert [i.send_at for i in items] == [at_8(date(2024, 9, 4))]


def test_an_overdue_interval_below_one_working_day_is_refused():
    with pytest.raises(ReminderError, match="≥ 1"):
        overdue_times(date(2024, 8, 30), 0, CAL)


def test_a_before_deadline_reminder_is_superseded_once_the_deadline_day_has_ended():
    item = reminder_times(date(2024, 6, 21), (3,), CAL)[0]
    assert not is_superseded(item, datetime(2024, 6, 21, 16, 59, tzinfo=UTC))  # 23:59 local
    assert is_superseded(item, datetime(2024, 6, 21, 17, 0, tzinfo=UTC))  # 00:00 on 22/06
    overdue = overdue_times(date(2024, 6, 21), 3, CAL)[0]
    assert not is_superseded(overdue, datetime(2030, 1, 1, tzinfo=UTC))


def test_random_deadlines_never_get_a_reminder_on_a_day_off_nor_after_the_deadline():
    rng = random.Random(2024_09_02)
    for _ in range(300):
        deadline = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        offsets = tuple(rng.sample(range(0, 15), rng.randint(1, 5)))
        items = reminder_times(deadline, offsets, CAL)
        days = [i.send_at.astimezone(LOCAL_TZ).date() for i in items]
        assert all(CAL.is_working_day(d) for d in days)
        assert len(set(days)) == len(days)  # one reminder per day at most
        day_starts = datetime.combine(deadline, time(0, 0), tzinfo=LOCAL_TZ)
        for item in items:
            if item.kind == "due-day":
                assert item.send_at < item.expires_at
            else:
                assert item.send_at < day_starts
        overdue = overdue_times(deadline, rng.randint(1, 5), CAL)
        assert all(CAL.is_working_day(i.send_at.astimezone(LOCAL_TZ).date()) for i in overdue)
        assert all(i.send_at >= day_starts + timedelta(days=1) for i in overdue)
