"""The health report's sentence detector: what a body name written as a sentence looks like."""

from __future__ import annotations

import pytest

from bench.extraction_health import sentence_like


@pytest.mark.parametrize(
    "name",
    [
        "Các cơ quan, đơn vị được giao chủ trì",
        "Các cơ quan được phân công chủ trì thực hiện nhiệm vụ theo Kế hoạch này",
        "Các cơ quan được giao nhiệm vụ",
        "Các cơ quan phối hợp",
        "Đối tượng thực hiện kiểm kê",
        "Các doanh nghiệp hoạt động trong lĩnh vực xây dựng, giao thông, vận tải, logistics"
        " và công nghệ thông tin trên địa bàn Tỉnh",
    ],
)
def test_a_group_named_by_a_relative_clause_is_a_name(name: str) -> None:
    assert not sentence_like(name)


@pytest.mark.parametrize(
    "name",
    [
        "Các cơ quan được giao chủ trì có trách nhiệm báo cáo kết quả",
        "Các cơ quan liên quan tham mưu Ủy ban nhân dân tỉnh",
    ],
)
def test_a_group_description_with_a_clause_of_its_own_is_a_sentence(name: str) -> None:
    assert sentence_like(name)


def test_a_group_description_beyond_the_bound_is_a_sentence() -> None:
    assert sentence_like(
        "Các cơ quan được giao nhiệm vụ tổ chức tuyên truyền sâu rộng nội dung của Luật trong"
        " cán bộ, công chức, viên chức và người lao động trên địa bàn toàn tỉnh năm 2025"
    )


@pytest.mark.parametrize(
    "name",
    [
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội trực thuộc",
        "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi",
    ],
)
def test_names_joined_by_and_are_judged_each_on_its_own(name: str) -> None:
    assert not sentence_like(name)


def test_a_name_joined_to_a_clause_by_and_is_a_sentence() -> None:
    assert sentence_like("Sở Y tế và các cơ quan liên quan tham mưu Ủy ban nhân dân tỉnh")


def test_a_post_in_lower_case_after_cac_is_a_designation() -> None:
    assert not sentence_like(
        "Các chuyên viên cơ quan MTTQ xã tham mưu, giúp việc thuộc Cơ quan Ủy ban MTTQ Việt Nam xã"
    )


@pytest.mark.parametrize(
    "name", ["Sở Văn hóa và Thể thao phát động phong trào", "Ban Tuyên giáo tham mưu"]
)
def test_a_body_followed_by_its_verb_is_a_sentence(name: str) -> None:
    assert sentence_like(name)
