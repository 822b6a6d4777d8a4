"""Which week's digest a sweep composes, told with real weeks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workflows.rules.calendar import load_calendar
from workflows.rules.digest_week import IsoWeek, digest_week_due, first_working_day_of_week

TABLE = Path(__file__).resolve().parents[2] / "config" / "data" / "holidays.toml"
CAL = load_calendar(TABLE)
W25 = IsoWeek(2022, 25)  # Monday 20/06/2022 to Sunday 26/06/2022


def test_a_week_is_named_and_ordered_like_its_key():
    assert IsoWeek.of(date(2022, 6, 22)) == W25 and W25.label == "2022-W25"
    assert IsoWeek.parse("2022-W25:17") == W25 and IsoWeek.parse("x") is None
    assert (W25.monday, W25.sunday) == (date(2022, 6, 20), date(2022, 6, 26))
    assert IsoWeek(2021, 52) < IsoWeek(2022, 1) < W25


def test_monday_composes_the_week_and_a_second_sweep_that_week_nothing():
    assert digest_week_due(date(2022, 6, 20), CAL, IsoWeek(2022, 24)) == W25
    assert digest_week_due(date(2022, 6, 20), CAL, W25) is None


def test_a_tuesday_after_a_monday_without_a_sweep_composes_the_week_once():
    assert digest_week_due(date(2022, 6, 21), CAL, IsoWeek(2022, 24)) == W25
    assert digest_week_due(date(2022, 6, 22), CAL, W25) is None


def test_an_older_week_is_never_composed_after_a_newer_one():
    assert digest_week_due(date(2022, 6, 21), CAL, IsoWeek(2022, 26)) is None


def test_a_week_missed_entirely_is_not_sent_late_the_next_week():
    assert digest_week_due(date(2022, 6, 27), CAL, IsoWeek(2022, 24)) == IsoWeek(2022, 26)


def test_a_monday_holiday_moves_the_week_start_to_tuesday():
    # 11/04/2022: Hùng Kings' day, observed on Monday.
    assert first_working_day_of_week(date(2022, 4, 13), CAL) == date(2022, 4, 12)
    assert digest_week_due(date(2022, 4, 11), CAL, None) is None
    assert digest_week_due(date(2022, 4, 12), CAL, None) == IsoWeek(2022, 15)


def test_a_week_off_for_tet_has_no_digest():
    # Tết 2022: Monday 31/01 to Friday 04/02 are all off.
    assert digest_week_due(date(2022, 2, 4), CAL, None) is None
    assert digest_week_due(date(2022, 2, 7), CAL, None) == IsoWeek(2022, 6)


def test_the_first_week_of_an_iso_year_follows_the_last_of_the_previous():
    # 03/01/2022 was a holiday (New Year moved); 04/01 starts ISO week 2022-W01.
    assert digest_week_due(date(2022, 1, 4), CAL, IsoWeek(2021, 52)) == IsoWeek(2022, 1)
