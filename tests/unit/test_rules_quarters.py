"""Quarters and reporting periods, as plans write them."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.followup.milestones import quarter_key
from workflows.rules.quarters import (
    Quarter,
    half_year_of,
    half_year_period,
    month_of,
    month_period,
    year_of,
)


def test_the_first_quarter_of_2024_ends_on_31_march():
    q = Quarter.of(date(2024, 2, 29))
    assert (q.year, q.number) == (2024, 1)
    assert (q.start, q.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert q.label == "Quý I/2024"


@pytest.mark.parametrize(
    ("day", "label", "end"),
    [
        (date(2024, 4, 1), "Quý II/2024", date(2024, 6, 30)),
        (date(2024, 9, 30), "Quý III/2024", date(2024, 9, 30)),
        (date(2024, 12, 31), "Quý IV/2024", date(2024, 12, 31)),
    ],
)
def test_each_quarter_has_its_roman_label_and_last_day(day, label, end):
    assert Quarter.of(day).label == label
    assert Quarter.of(day).end == end


def test_the_quarter_after_quy_iv_is_quy_i_of_the_next_year():
    assert Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    assert Quarter(2024, 2).next().label == "Quý III/2024"


@pytest.mark.parametrize(
    "text", ["Quý II/2024", "quý 2/2024", "QUÝ II năm 2024", "Quý ii / 2024", "Quy\u0301 II/2024"]
)
def test_a_quarter_label_is_read_back_whatever_its_spelling(text):
    assert Quarter.parse(text) == Quarter(2024, 2)


@pytest.mark.parametrize("text", ["Quý V/2024", "Quý 0/2024", "Tháng 2/2024", "Quý II"])
def test_a_text_that_is_not_a_quarter_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="Quý II/2024"):
        Quarter.parse(text)


def test_a_quarter_number_out_of_range_is_refused():
    with pytest.raises(ValueError, match="từ 1 đến 4"):
        Quarter(2024, 5)


def test_labels_round_trip_for_every_quarter_of_a_plan_period():
    q = Quarter(2022, 1)
    while q <= Quarter(2025, 4):
        assert Quarter.parse(q.label) == q
        assert q.start in q and q.end in q
        assert q.next().start.toordinal() == q.end.toordinal() + 1
        q = q.next()


def test_month_half_year_and_year_periods_have_vietnamese_labels():
    assert month_period(2024, 2).end == date(2024, 2, 29)
    assert month_period(2024, 12).label == "Tháng 12/2024"
    assert month_of(date(2025, 2, 10)).end == date(2025, 2, 28)
    assert half_year_period(2024, 1).label == "6 tháng đầu năm 2024"
    assert half_year_of(date(2024, 7, 1)).start == date(2024, 7, 1)
    assert half_year_of(date(2024, 6, 30)).end == date(2024, 6, 30)
    assert year_of(date(2024, 5, 5)).label == "Năm 2024"
    assert date(2024, 6, 30) in half_year_period(2024, 1)
    assert date(2024, 7, 1) not in half_year_period(2024, 1)


def test_a_quarter_is_read_back_from_its_stored_key():
    assert Quarter.from_key(quarter_key(Quarter(2024, 3))) == Quarter(2024, 3)
    assert Quarter.from_key("2024-Q3") == Quarter(2024, 3)
    for bad in ("2024-Q5", "2024", "Q3-2024", "", "2024-Q"):
        with pytest.raises(ValueError):
            Quarter.from_key(bad)
