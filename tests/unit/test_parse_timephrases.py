"""Time phrases from real plans become a deadline and/or a recurrence."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.parsing.periods import period_deadlines, period_list, year_range
from workflows.parsing.timephrases import find_deadline, parse_time

FIELD_CASES = [
    ("Quý I/2024", date(2024, 3, 31), None),
    ("Quý IV/2025", date(2025, 12, 31), None),
    ("quý I năm 2024", date(2024, 3, 31), None),
    ("Quý II và III/2021", date(2021, 9, 30), None),
    ("Quý IV/2025 và Quý I/2026;", date(2026, 3, 31), None),
    ("Từ tháng 12/2025 đến quý I/2026.", date(2026, 3, 31), None),
    ("Từ tháng 11/2025 đến tháng 4/2026.", date(2026, 4, 30), None),
    ("Tháng 11 - 12/2025.", date(2025, 12, 31), None),
    ("Tháng 12/2025.", date(2025, 12, 31), None),
    (
        "Dự kiến tháng 11/2025 (sau khi Ban Thường trực tỉnh ban hành Hướng dẫn).",
        date(2025, 11, 30),
        None,
    ),
    ("Đến cuối năm 2022", date(2022, 12, 31), None),
    ("Năm 2025", date(2025, 12, 31), None),
    ("Năm 2025 - 2026", date(2026, 12, 31), None),
    ("Năm 2025-2030", date(2030, 12, 31), None),
    ("Chậm nhất ngày 10/12/2025", date(2025, 12, 10), None),
    ("Trước ngày 31/5/2026.", date(2026, 5, 31), None),
    ("Từ ngày 01/01/2026 đến ngày 31/3/2026.", date(2026, 3, 31), None),
    ("Từ tháng 01 đến ngày bầu cử 15/3/2026", date(2026, 3, 15), None),
    ("Thường xuyên.", None, "ongoing"),
    ("Thường xuyên, theo yêu cầu nhiệm vụ.", None, "ongoing"),
    ("Hằng năm.", None, "năm"),
    ("Theo kế hoạch công tác tư pháp hàng năm.", None, "năm"),
    ("Thường xuyên, định kỳ hằng quý báo cáo về Sở Tài chính", None, "quý"),
    ("Từ tháng 11/2025 đến khi kết thúc Tổng kiểm kê.", None, "ongoing"),
    ("(2026 trở đi)", None, "ongoing"),
    ("Khi có phát sinh.", None, None),
    ("Sau ngày bầu cử 15/3/2026", None, None),
]


@pytest.mark.parametrize(
    ("phrase", "due", "recurrence"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES]
)
def test_a_time_field_gives_the_end_of_the_latest_period_named(
    phrase: str, due: date | None, recurrence: str | None
) -> None:
    spec = parse_time(phrase, 2024)
    assert (spec.due, spec.recurrence) == (due, recurrence)


def test_a_day_and_month_without_year_take_the_plans_year() -> None:
    assert find_deadline("báo cáo (trước ngày 20/6)", 2022).due == date(2022, 6, 20)


def test_an_impossible_date_is_a_warning_not_a_deadline() -> None:
    spec = parse_time("31/6/2024", 2024)
    assert spec.due is None
    assert spec.warnings == ["ngày 31/6/2024 không tồn tại"]


def test_a_quarter_named_as_the_subject_of_a_duty_is_not_its_deadline() -> None:
    text = "thực hiện báo cáo công tác quý I/2024 và phương hướng, nhiệm vụ công tác quý II/2024"
    assert find_deadline(text, 2024).due is None


def test_the_date_of_a_cited_document_is_not_a_deadline() -> None:
    text = "theo Kế hoạch số 26-KH/HU ngày 22/4/2021 của Ban Thường vụ Huyện ủy"
    assert find_deadline(text, 2024).due is None


def test_a_marked_deadline_in_running_text_is_found() -> None:
    text = "xây dựng kế hoạch (hoàn thành trong tháng 11/2025) gửi về Công an tỉnh"
    assert find_deadline(text, 2025).due == date(2025, 11, 30)


def test_a_span_in_running_text_ends_at_its_last_day() -> None:
    assert find_deadline("từ tháng 4/2023 đến 30/11/2023", 2023).due == date(2023, 11, 30)


def test_a_monthly_report_day_is_a_monthly_recurrence() -> None:
    spec = find_deadline("báo cáo về Phòng Kế hoạch - Tổng hợp trước ngày 18 hằng tháng", 2026)
    assert (spec.due, spec.recurrence) == (None, "tháng")


def test_thuong_xuyen_is_ongoing_without_a_deadline() -> None:
    spec = find_deadline("Thường xuyên theo dõi, cập nhật vào sổ theo dõi", 2022)
    assert (spec.due, spec.recurrence) == (None, "ongoing")


def test_a_report_due_twice_a_year_gives_one_deadline_per_period() -> None:
    text = "báo cáo định kỳ 6 tháng (trước ngày 20/6) và năm (trước ngày 10/12) về UBND huyện"
    pairs = [(p, s.due) for p, s in period_deadlines(text, 2022)]
    assert pairs == [("6 tháng", date(2022, 6, 20)), ("năm", date(2022, 12, 10))]


def test_a_single_period_report_is_not_split() -> None:
    assert period_deadlines("báo cáo hằng năm (trước ngày 15 tháng 11)", 2026) == []


@pytest.mark.parametrize(
    ("title", "span"),
    [
        ("công tác giảm nghèo năm 2022 trên địa bàn huyện", (date(2022, 1, 1), date(2022, 12, 31))),
        ("GIAI ĐOẠN 2026 - 2030", (date(2026, 1, 1), date(2030, 12, 31))),
        ("giai đoạn 2025 - 2035, định hướng đến năm 2045", (date(2025, 1, 1), date(2035, 12, 31))),
        ("từ tháng 4/2023 đến 30/11/2023", (date(2023, 4, 1), date(2023, 11, 30))),
        ("PHÒNG, CHỐNG MA TÚY ĐẾN NĂM 2030", (None, date(2030, 12, 31))),
        ("QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 02 THÁNG 01 NĂM 2025", None),
    ],
)
def test_a_plans_period_comes_from_its_title(title: str, span: object) -> None:
    assert year_range(title) == span


def test_a_list_of_periods_without_dates_gives_one_recurrence_each() -> None:
    found = period_list("Định kỳ 6 tháng, hàng năm, giữa nhiệm kỳ, Sở tổ chức sơ kết")
    assert [(p, s.recurrence, s.due) for p, s in found] == [
        ("6 tháng", "6 tháng", None),
        ("năm", "năm", None),
    ]
    assert [p for p, _ in period_list("định kỳ hằng quý và hằng năm báo cáo")] == ["quý", "năm"]


def test_a_single_period_is_no_list() -> None:
    assert period_list("định kỳ hằng năm báo cáo Ủy ban nhân dân tỉnh") == []
