"""One duty's wording to its lead and partners (reading rules of tests/data/plans/README.md)."""

from __future__ import annotations

from workflows.parsing.duties import read_duty, split_duties

HEADING = ["Phòng Lao động - TB&XH huyện"]


def test_chu_tri_phoi_hop_gives_the_heading_body_the_lead_and_the_rest_as_partners() -> None:
    reading = read_duty(
        "Chủ trì, phối hợp với Phòng Nội vụ và các đơn vị liên quan tham mưu", HEADING
    )
    assert (reading.leads, reading.partners) == (HEADING, ["Phòng Nội vụ", "Các đơn vị liên quan"])


def test_cooperating_with_a_named_body_keeps_the_duty_on_the_heading_body() -> None:
    reading = read_duty("Phối hợp với Sở Giáo dục và Đào tạo kiểm tra việc thực hiện", HEADING)
    assert (reading.leads, reading.partners) == (HEADING, ["Sở Giáo dục và Đào tạo"])


def test_cooperation_without_a_named_lead_is_noted() -> None:
    reading = read_duty("Phối hợp tuyên truyền, vận động đoàn viên", HEADING)
    assert reading.leads == HEADING and reading.notes


def test_giao_names_the_lead() -> None:
    reading = read_duty("Giao Phòng Lao động - TB&XH huyện chủ trì, tổng hợp báo cáo", [])
    assert reading.leads == ["Phòng Lao động - TB&XH huyện"]


def test_a_subject_listing_two_bodies_makes_both_leads() -> None:
    reading = read_duty("Các cơ quan đơn vị liên quan và UBND các xã báo cáo kết quả", [])
    assert reading.leads == ["Các cơ quan đơn vị liên quan", "UBND các xã"]


def test_directing_in_the_issuers_own_list_gives_the_lead_to_who_is_directed() -> None:
    text = "Chỉ đạo công chức Văn hóa - Xã hội phối hợp với các ban ngành, đoàn thể xã tham mưu"
    reading = read_duty(text, [], ["UBND xã Đăk Tơ Lung"])
    assert reading.leads == ["Công chức Văn hóa - Xã hội"]
    assert reading.partners == ["Các ban ngành, đoàn thể xã"]


def test_directing_under_a_heading_is_the_heading_bodys_own_duty() -> None:
    reading = read_duty(
        "Chỉ đạo các tổ chức thành viên tăng cường truyền thông", ["Ủy ban MTTQ tỉnh"]
    )
    assert reading.leads == ["Ủy ban MTTQ tỉnh"]


def test_a_leading_can_cu_clause_is_skipped_to_find_the_subject() -> None:
    text = "Căn cứ Kế hoạch này, các Sở, ban, ngành, Ủy ban nhân dân xã, phường xây dựng kế hoạch"
    assert read_duty(text, []).leads == ["Các Sở, ban, ngành", "Ủy ban nhân dân xã, phường"]


def test_several_duties_in_one_paragraph_split_at_a_new_verb() -> None:
    text = (
        "Chủ trì thực hiện chính sách đưa văn hóa về cơ sở; Có trách nhiệm tuyên truyền; "
        "hướng dẫn tiêu chí khen thưởng. Tham mưu UBND huyện biểu dương"
    )
    assert len(split_duties(text)) == 4


def test_a_list_of_objects_after_a_semicolon_does_not_split() -> None:
    text = "Hỗ trợ tập huấn, chuyển giao kỹ thuật; giống cây trồng, vật nuôi; thiết bị, vật tư"
    assert split_duties(text) == [text]


def test_a_clause_with_its_own_subject_after_a_semicolon_is_a_new_duty() -> None:
    text = (
        "Các đồng chí Phó Chủ tịch chỉ đạo thực hiện; các chuyên viên cơ quan được phân công "
        "thực hiện các nhiệm vụ theo Kế hoạch."
    )
    first, second = split_duties(text)
    assert read_duty(first, []).leads == ["Các đồng chí Phó Chủ tịch"]
    assert read_duty(second, []).leads == ["Các chuyên viên cơ quan"]


def test_a_sentence_with_its_own_subject_is_a_new_duty_of_that_body() -> None:
    text = (
        "Các phòng, đơn vị báo cáo tình hình thực hiện về Phòng Kế hoạch - Tổng hợp. "
        "Phòng Kế hoạch - Tổng hợp tổng hợp, báo cáo Lãnh đạo Sở."
    )
    first, second = split_duties(text)
    assert read_duty(first, []).leads == ["Các phòng, đơn vị"]
    assert read_duty(second, []).leads == ["Phòng Kế hoạch - Tổng hợp"]


def test_bodies_listed_as_objects_after_a_semicolon_do_not_split() -> None:
    text = "Hướng dẫn Ủy ban nhân dân các xã; các cơ quan, đơn vị liên quan."
    assert split_duties(text) == [text]


def test_a_sentence_opening_with_can_cu_starts_a_new_duty() -> None:
    text = "Thực hiện cải cách hành chính. Căn cứ kết quả thực hiện, tham mưu đánh giá cán bộ."
    assert len(split_duties(text)) == 2


def test_a_review_after_a_semicolon_is_a_new_duty() -> None:
    assert len(split_duties("Tổ chức sơ kết hằng năm; tổng kết khi kết thúc Kế hoạch.")) == 2


def test_a_leading_time_clause_is_skipped_to_find_the_subject() -> None:
    text = "Định kỳ 6 tháng, hàng năm, Sở Công Thương tổ chức sơ kết, đánh giá kết quả"
    assert read_duty(text, []).leads == ["Sở Công Thương"]


def test_a_comma_inside_parentheses_does_not_end_a_leading_clause() -> None:
    text = "Căn cứ cơ cấu gồm Ban Thường trực (Chủ tịch, các Phó Chủ tịch chỉ đạo), việc phân công"
    assert read_duty(text, []).leads == []


def test_a_phong_subject_leads_its_sentence() -> None:
    reading = read_duty("Phòng Kế hoạch - Tổng hợp tổng hợp, báo cáo Lãnh đạo Sở", ["Sở X"])
    assert reading.leads == ["Phòng Kế hoạch - Tổng hợp"]
