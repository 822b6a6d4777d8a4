"""Vietnam's working-day calendar, told with real dates."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from workflows.rules.calendar import WorkCalendar, load_calendar
from workflows.rules.holiday_table import CalendarDataError, CalendarOverrides, parse_overrides

TABLE = Path(__file__).resolve().parents[2] / "config" / "data" / "holidays.toml"
CAL = load_calendar(TABLE)


def test_tet_2024_is_off_from_thursday_8_to_wednesday_14_february():
    tet = [date(2024, 2, d) for d in range(8, 15)]
    assert [CAL.is_working_day(d) for d in tet] == [False] * 7
    assert CAL.is_working_day(date(2024, 2, 7))
    assert CAL.is_working_day(date(2024, 2, 15))
    assert CAL.holiday_name(date(2024, 2, 10)) == "Tết Nguyên Đán"


def test_april_2024_swap_gives_monday_29_off_and_makes_saturday_4_may_a_working_day():
    assert not CAL.is_working_day(date(2024, 4, 29))
    assert not CAL.is_working_day(date(2024, 4, 30))
    assert not CAL.is_working_day(date(2024, 5, 1))
    assert CAL.is_working_day(date(2024, 5, 4))  # a Saturday
    assert not CAL.is_working_day(date(2024, 5, 5))  # the Sunday stays off


def test_national_day_2024_is_monday_2_and_tuesday_3_september():
    assert CAL.holiday_name(date(2024, 9, 2)) == "Quốc khánh"
    assert CAL.holiday_name(date(2024, 9, 3)) == "Quốc khánh"
    assert CAL.is_working_day(date(2024, 9, 4))


def test_hung_kings_day_follows_the_lunar_calendar():
    assert CAL.holiday_name(date(2024, 4, 18)) == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.holiday_name(date(2025, 4, 7)) == "Ngày Giỗ Tổ Hùng Vương"
    # 2026: 10/3 âm lịch is a Sunday, so Monday 27/04/2026 is the day off in lieu.
    assert not CAL.is_working_day(date(2026, 4, 27))


def test_tet_2025_and_2026_have_their_five_official_days_off():
    assert not any(CAL.is_working_day(date(2025, 1, d)) for d in range(27, 32))
    assert CAL.is_working_day(date(2025, 2, 3))
    assert not any(CAL.is_working_day(date(2026, 2, d)) for d in range(16, 21))
    assert CAL.is_working_day(date(2026, 2, 23))


def test_the_override_table_adds_the_new_year_2026_swap_the_package_lacks():
    bare = WorkCalendar()
    assert bare.is_working_day(date(2026, 1, 2))  # the package alone does not know it
    assert not CAL.is_working_day(date(2026, 1, 2))
    assert CAL.is_working_day(date(2026, 1, 10))  # Saturday made up
    assert "Tết Dương lịch" in CAL.holiday_name(date(2026, 1, 2))


def test_an_ordinary_weekend_is_off_and_has_no_holiday_name():
    assert not CAL.is_working_day(date(2024, 6, 15))
    assert CAL.holiday_name(date(2024, 6, 15)) is None
    assert CAL.holiday_name(date(2024, 6, 14)) is None


def test_adding_working_days_skips_the_tet_week():
    assert CAL.add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert CAL.add_working_days(date(2024, 2, 15), -1) == date(2024, 2, 7)
    assert CAL.add_working_days(date(2024, 2, 10), 0) == date(2024, 2, 10)


def test_adding_working_days_counts_the_make_up_saturday():
    # Friday 26/04/2024 + 1 working day: 27-28 weekend, 29/4-1/5 off, Thursday 2/5.
    assert CAL.add_working_days(date(2024, 4, 26), 1) == date(2024, 5, 2)
    assert CAL.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)
    assert CAL.add_working_days(date(2024, 5, 6), -1) == date(2024, 5, 4)


def test_next_and_previous_working_day_around_national_day_2024():
    assert CAL.previous_working_day(date(2024, 9, 2)) == date(2024, 8, 30)
    assert CAL.next_working_day(date(2024, 8, 30)) == date(2024, 9, 4)
    assert CAL.on_or_before(date(2024, 9, 3)) == date(2024, 8, 30)
    assert CAL.on_or_after(date(2024, 9, 3)) == date(2024, 9, 4)
    assert CAL.on_or_before(date(2024, 9, 4)) == date(2024, 9, 4)


def test_working_days_between_counts_days_after_the_start_up_to_the_end():
    assert CAL.working_days_between(date(2024, 8, 30), date(2024, 9, 4)) == 1
    assert CAL.working_days_between(date(2024, 9, 4), date(2024, 8, 30)) == -1
    assert CAL.working_days_between(date(2024, 9, 4), date(2024, 9, 4)) == 0
    assert CAL.working_days_between(date(2024, 1, 31), date(2024, 2, 29)) == 16


def test_a_swap_across_new_year_is_seen_from_both_years():
    # 31/12/2018 off, made up on Saturday 05/01/2019 (one announcement, two years).
    assert not CAL.is_working_day(date(2018, 12, 31))
    assert CAL.is_working_day(date(2019, 1, 5))


def test_days_off_lists_a_year_in_order_with_names():
    off = CAL.days_off(2024)
    assert list(off) == sorted(off)
    assert off[date(2024, 1, 1)] == "Tết Dương lịch"
    assert all(d.year == 2024 for d in off)


def test_adding_then_subtracting_working_days_returns_to_a_working_start_day():
    rng = random.Random(20240902)
    for _ in range(400):
        start = date(2023, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        n = rng.randint(-40, 40)
        there = CAL.add_working_days(start, n)
        assert CAL.working_days_between(start, there) == n
        if n:
            assert CAL.is_working_day(there)
        if CAL.is_working_day(start):
            assert CAL.add_working_days(there, -n) == start


# --- the override table ---------------------------------------------------------------


def test_the_table_accepts_native_and_typed_dates():
    parsed = parse_overrides(
        {
            "day_off": [{"date": date(2027, 2, 11), "name": "Nghỉ thêm"}],
            "working_day": [{"date": "13/02/2027", "name": "Làm bù", "source": "giả định"}],
        }
    )
    assert parsed.days_off == {date(2027, 2, 11): "Nghỉ thêm"}
    assert parsed.working_days == {date(2027, 2, 13): "Làm bù"}
    cal = WorkCalendar(parsed)
    assert not cal.is_working_day(date(2027, 2, 11))
    assert cal.is_working_day(date(2027, 2, 13))


def test_a_working_day_entry_can_cancel_a_package_holiday():
    cal = WorkCalendar(CalendarOverrides(working_days={date(2026, 11, 24): "Vẫn làm việc"}))
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day_off": [{"name": "x"}]}, "[[day_off]] #1: thiếu 'date'"),
        ({"day_off": [{"date": "31/02/2026", "name": "x"}]}, "'date' không hợp lệ"),
        ({"working_day": [{"date": date(2026, 1, 10)}]}, "thiếu 'name'"),
        ({"holiday": []}, "mục không biết: holiday"),
        ({"day_off": [{"date": date(2026, 1, 2), "name": "x", "nam": "y"}]}, "khóa không biết"),
        (
            {
                "day_off": [{"date": date(2026, 1, 2), "name": "x"}],
                "working_day": [{"date": date(2026, 1, 2), "name": "y"}],
            },
            "vừa là ngày nghỉ vừa là ngày làm việc: 02/01/2026",
        ),
        (
            {"day_off": [{"date": date(2026, 1, 2), "name": "x"}] * 2},
            "#2: ngày 02/01/2026 đã có",
        ),
    ],
)
def test_a_broken_table_is_refused_with_a_message_saying_where(data, message):
    with pytest.raises(CalendarDataError, match=None) as caught:
        parse_overrides(data, source="holidays.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("holidays.toml")


def test_a_missing_or_malformed_file_is_a_calendar_data_error(tmp_path):
    with pytest.raises(CalendarDataError, match="Không tìm thấy"):
        load_calendar(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[day_off]\n", encoding="utf-8")
    with pytest.raises(CalendarDataError, match="TOML không hợp lệ"):
        load_calendar(bad)


def test_the_shared_calendar_is_reused_until_the_table_is_edited(tmp_path):
    from workflows.rules.calendar import shared_calendar

    table = tmp_path / "holidays.toml"
    table.write_text("", encoding="utf-8")
    first = shared_calendar(table)
    assert shared_calendar(table) is first
    assert first.is_working_day(date(2027, 2, 11))
    table.write_text(
        '[[day_off]]\ndate = 2027-02-11\nname = "Nghỉ thêm sau Tết"\n', encoding="utf-8"
    )
    edited = shared_calendar(table)
    assert edited is not first
    assert not edited.is_working_day(date(2027, 2, 11))
