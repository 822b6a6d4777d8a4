"""Recurring duties expand into one instance per reporting period of the plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workflows.rules.calendar import load_calendar
from workflows.rules.recurrence import (
    Anchor,
    RecurrenceError,
    contributor_due,
    expand,
    normalize,
)

CAL = load_calendar(Path(__file__).resolve().parents[2] / "config" / "data" / "holidays.toml")
PLAN_START, PLAN_END = date(2022, 1, 1), date(2025, 12, 31)


def instances(occurrences):
    return [(o.label, o.due) for o in occurrences]


def test_a_yearly_report_before_10_december_of_a_2022_2025_plan_gives_four_instances():
    got = expand("hàng năm", PLAN_START, PLAN_END, Anchor.parse("10/12"))
    assert instances(got) == [
        ("Năm 2022", date(2022, 12, 10)),
        ("Năm 2023", date(2023, 12, 10)),
        ("Năm 2024", date(2024, 12, 10)),
        ("Năm 2025", date(2025, 12, 10)),
    ]


def test_a_six_month_report_before_20_june_is_the_mid_year_report_of_each_year():
    got = expand("6 tháng", PLAN_START, PLAN_END, Anchor(20, 6))
    assert instances(got)[0] == ("6 tháng đầu năm 2022", date(2022, 6, 20))
    assert [o.due for o in got] == [date(y, 6, 20) for y in range(2022, 2026)]


def test_both_halves_add_the_second_half_six_months_after_the_anchor():
    got = expand("6 tháng", date(2024, 1, 1), date(2024, 12, 31), Anchor(20, 6), both_halves=True)
    assert instances(got) == [
        ("6 tháng đầu năm 2024", date(2024, 6, 20)),
        ("6 tháng cuối năm 2024", date(2024, 12, 20)),
    ]


def test_a_monthly_report_before_the_18th_gives_one_instance_per_month():
    got = expand("tháng", date(2024, 3, 1), date(2024, 8, 31), Anchor.parse("18"))
    assert [o.due for o in got] == [date(2024, m, 18) for m in range(3, 9)]
    assert got[0].label == "Tháng 3/2024"


def test_a_day_past_the_end_of_a_short_month_is_its_last_day():
    got = expand("tháng", date(2024, 1, 1), date(2024, 4, 30), Anchor(31))
    assert [o.due for o in got] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


def test_a_quarterly_report_on_the_15th_of_the_last_month_uses_the_quarter_label():
    got = expand("hằng quý", date(2024, 1, 1), date(2024, 12, 31), Anchor(15, 3))
    assert instances(got) == [
        ("Quý I/2024", date(2024, 3, 15)),
        ("Quý II/2024", date(2024, 6, 15)),
        ("Quý III/2024", date(2024, 9, 15)),
        ("Quý IV/2024", date(2024, 12, 15)),
    ]


def test_a_report_due_early_in_the_next_quarter_covers_the_previous_one():
    got = expand("quý", date(2024, 1, 1), date(2024, 12, 31), Anchor(5, 1), covers_previous=True)
    assert instances(got)[0] == ("Quý I/2024", date(2024, 4, 5))
    assert instances(got)[-1] == ("Quý IV/2024", date(2025, 1, 5))
    assert len(got) == 4


def test_a_plan_starting_mid_year_skips_reports_due_before_it_starts():
    got = expand("6 tháng", date(2022, 8, 1), date(2023, 12, 31), Anchor(20, 6))
    assert instances(got) == [("6 tháng đầu năm 2023", date(2023, 6, 20))]


def test_an_ongoing_duty_has_no_instances():
    assert expand("thường xuyên", PLAN_START, PLAN_END, Anchor(1, 1)) == []


def test_recurrence_words_are_recognized_whatever_the_spelling():
    assert normalize("Hằng năm") == normalize("hàng năm") == "năm"
    assert normalize("HÀNG QUÝ") == "quý"
    assert normalize("6 tháng") == "6 tháng"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: normalize("hằng tuần"), "Không hiểu chu kỳ"),
        (lambda: Anchor.parse("20-6-2024"), "ví dụ '20/6'"),
        (lambda: Anchor(32, 1), "không hợp lệ"),
        (lambda: expand("năm", PLAN_START, PLAN_END, Anchor(10)), "cần ngày và tháng"),
        (lambda: expand("năm", PLAN_END, PLAN_START, Anchor(10, 12)), "Kỳ kế hoạch sai"),
    ],
)
def test_bad_recurrence_input_is_refused_in_plain_words(call, message):
    with pytest.raises(RecurrenceError, match=message):
        call()


def test_contributors_are_due_five_working_days_before_the_lead_by_default():
    # Lead due Friday 20/12/2024; five working days earlier is Friday 13/12/2024.
    assert contributor_due(date(2024, 12, 20), CAL) == date(2024, 12, 13)


def test_contributors_lead_time_skips_holidays_and_is_configurable():
    # Lead due Wednesday 04/09/2024; 2 working days earlier skips 02–03/09 and the weekend.
    assert contributor_due(date(2024, 9, 4), CAL, lead_days=2) == date(2024, 8, 29)


def test_a_contributor_date_given_by_the_plan_wins():
    given = date(2024, 6, 15)
    assert contributor_due(date(2024, 6, 20), CAL, given=given) == given
