"""Who a clause is about: a subject after a time adverbial, the object of an urging verb, a group
named by what it manages, "tổ chức" as a noun, bare groups and institutes as partners."""

from __future__ import annotations

from datetime import date

from workflows.parsing.bodies import leading_body, split_names, starts_with_body
from workflows.parsing.duties import read_duty, split_duties
from workflows.parsing.timephrases import find_deadline

HEADING = ["Liên minh Hợp tác xã tỉnh"]


def test_a_subject_after_a_time_adverbial_without_a_comma_leads_its_sentence() -> None:
    reading = read_duty(
        "Hằng quý các phòng chuyên môn báo cáo kết quả khắc phục về Sở Công Thương",
        ["Sở Công Thương"],
    )
    assert reading.leads == ["Các phòng chuyên môn"]


def test_a_named_body_after_a_period_adverbial_leads_too() -> None:
    reading = read_duty("Định kỳ 03 tháng Ban Quản lý dự án tỉnh gửi báo cáo tiến độ", [])
    assert reading.leads == ["Ban Quản lý dự án tỉnh"]


def test_a_time_adverbial_with_no_body_after_it_leaves_the_heading_body_leading() -> None:
    reading = read_duty("Định kỳ 06 tháng báo cáo kết quả thực hiện về UBND tỉnh", HEADING)
    assert reading.leads == HEADING


def test_urging_a_group_inside_a_body_s_clauses_is_that_body_s_own_duty() -> None:
    clauses = split_duties(
        "Liên minh Hợp tác xã tỉnh tư vấn thành lập hợp tác xã mới; "
        "khuyến khích các hợp tác xã thành viên tham gia sàn thương mại điện tử."
    )
    reading = read_duty(clauses[-1], [], HEADING)
    assert clauses[-1].startswith("khuyến khích")
    assert (reading.leads, reading.partners) == (HEADING, [])


def test_urging_a_body_at_the_start_of_a_sentence_still_makes_it_the_lead() -> None:
    reading = read_duty("Khuyến khích Hội Doanh nhân trẻ tỉnh tham gia kết nối cung cầu", [])
    assert reading.leads == ["Hội Doanh nhân trẻ tỉnh"]


def test_a_group_named_by_what_it_manages_keeps_its_object_and_drops_a_cross_reference() -> None:
    named = leading_body(
        "Các đơn vị quản lý các khu du lịch trọng điểm tại\nkhoản 2, mục II phối hợp thực hiện"
    )
    assert named is not None
    assert split_names(named[0]) == ["Các đơn vị quản lý các khu du lịch trọng điểm"]


def test_cac_before_a_non_body_word_still_ends_a_name_after_a_body_s_own_verb() -> None:
    named = leading_body("Sở Tài chính các khoản thu được giao theo dõi hằng tháng")
    assert named is not None and split_names(named[0]) == ["Sở Tài chính"]


def test_to_chuc_before_lien_quan_is_a_noun_in_a_partner_list() -> None:
    reading = read_duty(
        "Chủ trì, phối hợp với các sở, ngành và tổ chức có liên quan thực hiện khảo sát", HEADING
    )
    assert reading.partners == ["Các sở, ngành và tổ chức có liên quan"]


def test_a_bare_group_or_institutes_after_phoi_hop_voi_are_partners() -> None:
    firms = read_duty("Chủ trì, phối hợp với doanh nghiệp xây dựng trạm sạc điện", HEADING)
    institutes = read_duty("Phối hợp với các viện nghiên cứu chuyển giao giống mới", HEADING)
    assert firms.partners == ["Doanh nghiệp"]
    assert institutes.partners == ["Các viện nghiên cứu"]


def test_sectors_named_after_cac_nganh_are_no_body_but_groups_of_nganh_are() -> None:
    sectors = ["các ngành du lịch, vận tải, thương mại", "Các ngành, lĩnh vực khác"]
    groups = ["các ngành liên quan", "các ngành, các cấp", "các ngành chức năng"]
    assert [starts_with_body(s + " thực hiện") for s in sectors] == [False, False]
    assert [starts_with_body(g + " thực hiện") for g in groups] == [True, True, True]


def test_clauses_opening_with_publishing_using_or_an_adverb_of_zeal_are_duties_of_their_own() -> (
    None
):
    clauses = split_duties(
        "Xây dựng bộ chỉ số chuyển đổi số cấp xã; công bố kết quả đánh giá hằng năm. "
        "Sử dụng kết quả đánh giá để xếp loại thi đua; tích cực tham gia các diễn đàn; "
        "tiên phong thí điểm mô hình chính quyền số"
    )
    assert [c.split()[0] for c in clauses] == ["Xây", "công", "Sử", "tích", "tiên"]


def test_two_reports_joined_by_va_each_with_its_own_year_are_two_duties() -> None:
    clauses = split_duties(
        "Sơ kết giữa kỳ việc thực hiện Đề án (năm 2027) và tổng kết Đề án (năm 2030), báo cáo "
        "Ủy ban nhân dân tỉnh"
    )
    assert [c.split("(")[1][:8] for c in clauses] == ["năm 2027", "năm 2030"]


def test_a_report_and_a_proposal_joined_by_va_stay_one_duty() -> None:
    assert len(split_duties("Tổng hợp và báo cáo kết quả thực hiện năm 2026 về Sở Nội vụ")) == 1


def test_a_time_in_brackets_after_a_report_is_its_deadline() -> None:
    assert find_deadline("Báo cáo sơ kết giữa kỳ (năm 2028)", 2026).due == date(2028, 12, 31)
    assert find_deadline("Tổ chức hội nghị tổng kết (quý IV/2027)", 2026).due == date(2027, 12, 31)


def test_tham_gia_after_a_semicolon_is_a_new_duty_unless_people_are_being_urged() -> None:
    own = split_duties(
        "Hiệp hội Du lịch tỉnh xây dựng bộ quy tắc ứng xử; tham gia cùng Sở Văn hóa, Thể thao "
        "và Du lịch xây dựng sản phẩm du lịch"
    )
    urged = split_duties("Vận động hội viên giữ gìn vệ sinh; tham gia các phong trào thi đua")
    assert [len(own), len(urged)] == [2, 1]
    assert read_duty(own[1], ["Hiệp hội Du lịch tỉnh"]).partners == [
        "Sở Văn hóa, Thể thao và Du lịch"
    ]
