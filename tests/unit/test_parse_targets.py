"""Targets: value, unit, comparator and due of each figure; budget totals."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.parsing.budget import budget_of
from workflows.parsing.targets import targets_in


def one(text: str, due: date | None = None) -> tuple[object, ...]:
    (t,) = targets_in(text, "II.1", 41, due)
    return (t.value, t.unit, t.comparator, t.due)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Đến cuối năm 2022, có từ 15% trở lên hộ nghèo thay đổi nếp nghĩ",
            (15.0, "%", ">=", date(2022, 12, 31)),
        ),
        ("có trên 5% hộ đồng bào tham gia tổ hợp tác", (5.0, "%", ">", None)),
        ("Giảm 8,74%", (8.74, "%", "decrease", None)),
        ("Tỷ lệ hộ nghèo giảm so với năm 2021 là 1,2%", (1.2, "%", "decrease", None)),
        ("100% xã ban hành kế hoạch", (100.0, "%", "=", None)),
        ("phấn đấu có ít nhất 10% đội ngũ cán bộ", (10.0, "%", ">=", None)),
        ("duy trì từ 01 đến 02 mô hình thực hiện Cuộc vận động", (1.0, "mô hình", ">=", None)),
        (
            "Diện tích làm mới thêm tại các khu, cụm công nghiệp: trên 2.000 ha",
            (2000.0, "ha", ">", None),
        ),
    ],
)
def test_a_figure_becomes_a_target(text: str, expected: tuple[object, ...]) -> None:
    assert one(text) == expected


def test_a_heading_due_applies_when_the_item_has_none() -> None:
    assert one("100% hộ được tuyên truyền", date(2024, 12, 31))[3] == date(2024, 12, 31)


def test_several_figures_in_one_item_are_several_targets() -> None:
    text = "100% xã ban hành kế hoạch; 100% hộ nghèo được tuyên truyền; 100% xã thực hiện lồng ghép"
    assert len(targets_in(text, "II.1", 39, None)) == 3


def test_a_year_or_a_document_number_is_not_a_target() -> None:
    assert (
        targets_in("Thực hiện Chương trình phối hợp số 1679/CTrPH năm 2021", "II.6", 49, None) == []
    )


def test_a_computed_budget_counts_by_its_totals() -> None:
    paragraphs = [
        "Hỗ trợ 5.000.000đ/01 đơn vị x 10 đơn vị = 50.000.000đ",
        "Tập huấn: 2.000.000 đồng/lớp x 3 lớp = 6.000.000 đồng",
    ]
    assert budget_of(paragraphs) == 56_000_000


def test_a_budget_in_millions_is_scaled_and_no_amount_is_none() -> None:
    assert budget_of(["Tổng kinh phí: 120 triệu đồng"]) == 120_000_000
    assert budget_of(["Kinh phí từ ngân sách Trung ương và nguồn hợp pháp khác."]) is None
