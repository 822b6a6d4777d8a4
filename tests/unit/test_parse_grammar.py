"""General rules of Vietnamese plan grammar (issue 8), each on a short synthetic plan."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.parsing.bodies import split_names
from workflows.parsing.duties import read_duty
from workflows.parsing.plan import parse_plan

HEAD = (
    "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\n\nSố: 1/KH-UBND\n\nKon Tum, ngày 2 tháng 3 năm 2025\n\n"
    "KẾ HOẠCH\n\nThực hiện nhiệm vụ năm 2025\n\n"
)


def _plan(body: str):  # type: ignore[no-untyped-def]
    return parse_plan(HEAD + body)


def test_solutions_for_carrying_out_the_plan_are_content_not_an_assignment_section() -> None:
    plan = _plan(
        "III. DỰ BÁO TÁC ĐỘNG VÀ CÁC GIẢI PHÁP TỔ CHỨC THỰC HIỆN KẾ HOẠCH\n\n"
        "1. Dự báo\n\n- Kinh tế tiếp tục tăng trưởng.\n\n"
        "2. Giải pháp\n\n- Tăng cường công tác quản lý thu.\n"
    )
    assert plan.tasks == []


def test_a_part_titled_solutions_and_organisation_still_assigns() -> None:
    plan = _plan("IV. GIẢI PHÁP VÀ TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n- Tăng cường kiểm tra.\n")
    assert [(t.lead, t.text) for t in plan.tasks] == [("Sở Y tế", "Tăng cường kiểm tra.")]


def test_a_duty_without_a_date_in_a_plan_with_a_period_gets_the_period_end_as_inferred() -> None:
    plan = _plan("II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n- Tăng cường kiểm tra.\n")
    task = plan.tasks[0]
    assert (task.due, task.inferred_due) == (None, date(2025, 12, 31))
    assert plan.to_json()["tasks"][0]["inferred_due"] == "2025-12-31"


def test_a_dated_or_recurring_duty_has_no_inferred_deadline() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n- Kiểm tra trước ngày 30/6/2025.\n\n"
        "- Thường xuyên tuyên truyền.\n"
    )
    assert [t.inferred_due for t in plan.tasks] == [None, None]


def test_a_yearly_report_never_falls_due_before_the_plan_was_issued() -> None:
    text = HEAD.replace("ngày 2 tháng 3", "ngày 2 tháng 8") + (
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n"
        "- Báo cáo định kỳ 6 tháng (trước ngày 20/6) và năm (trước ngày 10/12).\n"
    )
    plan = parse_plan(text)
    assert sorted(t.due for t in plan.tasks) == [date(2025, 12, 10), date(2026, 6, 20)]


def test_a_period_from_a_month_to_a_day_takes_the_plans_year() -> None:
    plan = _plan("I. MỤC ĐÍCH\n\n- Thời gian thực hiện: từ tháng 4 đến 30/11.\n")
    assert (plan.period_start, plan.period_end) == (date(2025, 4, 1), date(2025, 11, 30))


def _tasks(body: str) -> list[tuple[str | None, str]]:
    return [(t.lead, t.text) for t in _plan("IV. TỔ CHỨC THỰC HIỆN\n\n" + body).tasks]


def test_an_exhortation_to_carry_out_the_plan_is_no_duty() -> None:
    body = (
        "1. Sở Y tế\n\n- Kiểm tra.\n\n"
        "2. Yêu cầu các sở, ngành nghiêm túc triển khai thực hiện Kế hoạch này.\n"
    )
    assert _tasks(body) == [("Sở Y tế", "Kiểm tra.")]


def test_an_award_quota_is_no_duty() -> None:
    assert _tasks("1. Sở Nội vụ\n\n- Không quá 05 cá nhân.\n\n- Tổng hợp hồ sơ.\n") == [
        ("Sở Nội vụ", "Tổng hợp hồ sơ.")
    ]


def test_a_row_of_column_numbers_is_no_duty() -> None:
    assert _tasks("1. Sở Y tế\n\n- Kiểm tra.\n\n| (1) | (2) | (3) |\n") == [
        ("Sở Y tế", "Kiểm tra.")
    ]


def test_web_page_debris_neither_becomes_a_duty_nor_ends_the_section() -> None:
    body = "1. Sở Y tế\n\n- Kiểm tra.\n\nĐang tải văn bản...\n\n……\n\n- Tổng hợp.\n"
    assert _tasks(body) == [("Sở Y tế", "Kiểm tra."), ("Sở Y tế", "Tổng hợp.")]


def test_a_combined_heading_of_unions_and_associations_gives_each_a_duty() -> None:
    heading = "2. Liên minh Hợp tác xã, Tỉnh đoàn, Hội Nông dân, Hiệp hội doanh nghiệp"
    body = heading + "\n\n- Tuyên truyền.\n"
    assert [lead for lead, _ in _tasks(body)] == [
        "Liên minh Hợp tác xã",
        "Tỉnh đoàn",
        "Hội Nông dân",
        "Hiệp hội doanh nghiệp",
    ]


def test_investors_and_the_tax_office_head_a_name() -> None:
    body = "1. Các chủ đầu tư khẩn trương giải ngân vốn.\n\n2. Thuế tỉnh rà soát nguồn thu.\n"
    assert [lead for lead, _ in _tasks(body)] == ["Các chủ đầu tư", "Thuế tỉnh"]


def _led(body: str) -> list[tuple[str | None, list[str], str]]:
    plan = _plan("IV. TỔ CHỨC THỰC HIỆN\n\n" + body)
    return [(t.lead, t.partners, t.text) for t in plan.tasks]


def test_the_items_of_a_sentence_announcing_a_list_inherit_its_lead_and_partners() -> None:
    body = (
        "3. Sở Y tế chủ trì, phối hợp với Sở Tài chính thực hiện các nhiệm vụ sau:\n\n"
        "- Kiểm tra an toàn thực phẩm.\n\n- Tổng hợp kết quả.\n"
    )
    assert _led(body) == [
        ("Sở Y tế", ["Sở Tài chính"], "Kiểm tra an toàn thực phẩm."),
        ("Sở Y tế", ["Sở Tài chính"], "Tổng hợp kết quả."),
    ]


def test_an_announcing_sentence_that_states_a_duty_of_its_own_is_a_task_too() -> None:
    body = "4. Giao Sở Nội vụ là cơ quan đầu mối, có trách nhiệm:\n\n- Hướng dẫn thi đua.\n"
    assert [(lead, text) for lead, _, text in _led(body)] == [
        ("Sở Nội vụ", "Giao Sở Nội vụ là cơ quan đầu mối, có trách nhiệm"),
        ("Sở Nội vụ", "Hướng dẫn thi đua."),
    ]


def test_an_item_naming_its_own_partners_adds_them_to_the_inherited_ones() -> None:
    body = (
        "1. Sở Y tế chủ trì, phối hợp với Sở Tài chính thực hiện các nội dung sau:\n\n"
        "- Phối hợp với Công an tỉnh xử lý vi phạm.\n"
    )
    assert _led(body) == [
        ("Sở Y tế", ["Công an tỉnh", "Sở Tài chính"], "Phối hợp với Công an tỉnh xử lý vi phạm.")
    ]


def test_numbered_items_after_a_paragraph_giving_them_to_a_body_are_its_duties() -> None:
    body = (
        "Giao phòng Quản lý Công nghiệp triển khai, thực hiện các công việc liên quan:\n\n"
        "1. Tổ chức kiểm tra kỹ thuật an toàn.\n\n2. Chuẩn bị các điều kiện cần thiết.\n"
    )
    assert _tasks(body) == [
        ("Phòng Quản lý Công nghiệp", "Tổ chức kiểm tra kỹ thuật an toàn."),
        ("Phòng Quản lý Công nghiệp", "Chuẩn bị các điều kiện cần thiết."),
    ]


def test_the_announced_lead_stops_at_the_next_heading_above_the_items() -> None:
    plan = _plan(
        "IV. TỔ CHỨC THỰC HIỆN\n\nGiao Sở Công Thương thực hiện các công việc sau:\n\n"
        "1. Tổ chức kiểm tra.\n\nV. CHẾ ĐỘ BÁO CÁO\n\n1. Báo cáo kết quả.\n"
    )
    assert [t.lead for t in plan.tasks] == ["Sở Công Thương", None]


def test_a_body_encouraged_to_act_leads_the_duty() -> None:
    body = "1. Khuyến khích Hội Nông dân tỉnh tuyên truyền hội viên.\n"
    assert [lead for lead, _ in _tasks(body)] == ["Hội Nông dân tỉnh"]


def test_associations_written_as_hoi_hiep_hoi_head_a_name() -> None:
    body = "1. Sở Y tế\n\n- Kiểm tra.\n\nHội, hiệp hội nghề nghiệp chủ động tham gia phản biện.\n"
    assert [lead for lead, _ in _tasks(body)][-1] == "Hội, hiệp hội nghề nghiệp"


def test_a_union_of_associations_heads_a_name() -> None:
    body = "7. Liên hiệp các Hội Khoa học và Kỹ thuật\n\nNghiên cứu, phản biện chính sách.\n"
    assert _tasks(body) == [
        ("Liên hiệp các Hội Khoa học và Kỹ thuật", "Nghiên cứu, phản biện chính sách.")
    ]


def _fields(body: str) -> list[tuple[str | None, list[str], str]]:
    plan = _plan("III. NHIỆM VỤ VÀ GIẢI PHÁP\n\n" + body)
    return [(t.lead, t.partners, t.text) for t in plan.tasks]


def test_a_lead_field_written_as_a_sentence_gives_bodies_not_the_sentence() -> None:
    body = (
        "1. Xây dựng cơ sở dữ liệu\n\n- Cơ quan chủ trì: Sở Tài chính chủ trì, phối hợp với "
        "Sở Nội vụ tổ chức thực hiện.\n\n- Thời gian hoàn thành: Quý III/2025\n"
    )
    assert _fields(body) == [("Sở Tài chính", ["Sở Nội vụ"], "Xây dựng cơ sở dữ liệu")]


def test_fields_written_inline_after_the_content_assign_the_content() -> None:
    body = (
        "1. Triển khai bệnh án điện tử. Cơ quan chủ trì: Sở Y tế; Cơ quan phối hợp: Sở Tài "
        "chính, Sở Nội vụ; Thời gian: Quý IV/2025.\n"
    )
    plan = _plan("III. NHIỆM VỤ VÀ GIẢI PHÁP\n\n" + body)
    assert [(t.lead, t.partners, t.text, t.due) for t in plan.tasks] == [
        (
            "Sở Y tế",
            ["Sở Tài chính", "Sở Nội vụ"],
            "Triển khai bệnh án điện tử.",
            date(2025, 12, 31),
        )
    ]


def test_a_cooperation_field_label_read_as_a_duty_does_not_stop_the_parse() -> None:
    assert read_duty("Cơ quan phối hợp: Sở Tài chính", []).partners == []


def test_a_periodic_report_with_no_period_follows_the_plans_reporting_rule() -> None:
    plan = _plan(
        "IV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n"
        "- Định kỳ báo cáo kết quả về Ủy ban nhân dân tỉnh.\n\n"
        "V. CHẾ ĐỘ BÁO CÁO\n\nCác sở báo cáo hằng quý về Ủy ban nhân dân tỉnh.\n"
    )
    assert [t.recurrence for t in plan.tasks] == ["quý", "quý"]


def test_a_periodic_report_with_no_period_and_no_rule_is_flagged() -> None:
    plan = _plan("IV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n- Định kỳ báo cáo kết quả.\n")
    assert plan.tasks[0].recurrence is None
    assert any("«định kỳ báo cáo» không nêu kỳ báo cáo" in w for w in plan.warnings)


def test_a_body_name_wrapped_inside_a_table_cell_stays_one_body() -> None:
    table = (
        "|\nTT\n|\nNội dung\n|\nCơ quan chủ trì\n|\nCơ quan phối hợp\n|\n|\n1\n|\n"
        "Xây dựng cơ sở dữ liệu\n|\nSở Khoa học và\nCông nghệ\n|\nSở Lao động -\n"
        "Thương binh và Xã hội\nSở Tài chính\n|\n"
    )
    plan = _plan("IV. TỔ CHỨC THỰC HIỆN\n\n" + table)
    assert [(t.lead, t.partners) for t in plan.tasks] == [
        ("Sở Khoa học và Công nghệ", ["Sở Lao động - Thương binh và Xã hội", "Sở Tài chính"])
    ]


def test_the_duty_is_the_items_content_without_its_content_label() -> None:
    body = (
        "1. Chuyển đổi số ngành y tế\n\nNội dung: Triển khai bệnh án điện tử.\n\n"
        "Cơ quan chủ trì: Sở Y tế\n\nThời gian hoàn thành: 30/11/2025\n"
    )
    assert _fields(body) == [("Sở Y tế", [], "Triển khai bệnh án điện tử.")]


def test_a_task_table_of_persons_gives_each_row_to_its_first_person_with_the_others() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n"
        "| TT | Nhiệm vụ thực hiện | Người thực hiện | Ghi chú |\n"
        "| 1. | Xây dựng bài kiểm tra | Nguyễn Văn An; Trần Thị Bình |  |\n"
        "| 2. | In ấn chứng chỉ | Trưởng phòng Kế hoạch |  |\n"
    )
    assert [(t.lead, t.partners) for t in plan.tasks] == [
        ("Nguyễn Văn An", ["Trần Thị Bình"]),
        ("Trưởng phòng Kế hoạch", []),
    ]


def test_a_numbered_sentence_announcing_a_list_with_nothing_under_it_leads_the_next_items() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n"
        "1. Giao Phòng Kế hoạch triển khai, thực hiện các công việc liên quan:\n\n"
        "2. Tổ chức kiểm tra an toàn cho các đối tượng.\n\n"
        "3. Chuẩn bị các điều kiện cần thiết khác.\n\n"
        "III. KINH PHÍ\n\n1. Kinh phí do ngân sách bảo đảm.\n"
    )
    assert [(t.lead, t.text[:9]) for t in plan.tasks] == [
        ("Phòng Kế hoạch", "Tổ chức k"),
        ("Phòng Kế hoạch", "Chuẩn bị "),
    ]


RESOLUTION = (
    "NGHỊ QUYẾT\n\nBan hành Kế hoạch sửa đổi các nghị quyết\n\n"
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI\n\nQUYẾT NGHỊ:\n\n"
    "Điều 1.\n\nBan hành kèm theo Nghị quyết này Kế hoạch sửa đổi các nghị quyết.\n\n"
    "Điều 2.\n\n"
    "1. Đề nghị Chính phủ, Tòa án nhân dân tối cao chỉ đạo rà soát các nghị quyết liên quan.\n\n"
    "2. Nghị quyết này có hiệu lực thi hành kể từ ngày ký.\n\n"
    "Điều 3.\n\n"
    "Giao Tổng Thư ký Quốc hội chủ trì, phối hợp với Văn phòng Quốc hội giúp Ủy ban Thường vụ "
    "Quốc hội theo dõi việc thực hiện Nghị quyết này.\n"
)


def test_the_articles_of_a_resolution_give_the_duties_of_the_bodies_they_name() -> None:
    plan = parse_plan(RESOLUTION)
    assert [(t.section, t.lead, t.partners) for t in plan.tasks] == [
        ("Đ2.1", "Chính phủ", []),
        ("Đ2.1", "Tòa án nhân dân tối cao", []),
        ("Đ3", "Tổng Thư ký Quốc hội", ["Văn phòng Quốc hội"]),
    ]


LAW_TABLE = (
    "II. TỔ CHỨC THỰC HIỆN\n\n"
    "| TT | Tên văn bản | Cơ quan trình | Cơ quan soạn thảo | Cơ quan thẩm tra | Tiến độ | |\n"
    "|\n| I. Văn bản thuộc thẩm quyền của Quốc hội |\n| |||||\n"
    "| | Luật sửa đổi Luật Tổ chức | Ủy ban Thường vụ Quốc hội | Ban Công tác đại biểu\n"
    "| Ủy ban Pháp luật chủ trì thẩm tra\n| Trình trước ngày 10/01/2025 | |\n"
    "| Nghị quyết về Quy chế đối ngoại | Ủy ban Đối ngoại |\n"
    "Ủy ban Đối ngoại (Văn phòng Quốc hội phối hợp chuẩn bị) |\n| Trình trong tháng 5/2025 | ||\n"
)


def test_a_law_making_table_flattened_over_lines_gives_one_duty_per_row_to_its_drafter() -> None:
    plan = _plan(LAW_TABLE)
    rows = [t for t in plan.tasks if "thẩm tra" not in t.text]
    assert [(t.text[:12], t.lead, t.partners, t.due) for t in rows] == [
        ("Luật sửa đổi", "Ban Công tác đại biểu", [], date(2025, 1, 10)),
        ("Nghị quyết v", "Ủy ban Đối ngoại", ["Văn phòng Quốc hội"], date(2025, 5, 31)),
    ]


def test_a_law_making_tables_review_cell_is_the_reviewing_bodys_duty_with_its_helpers() -> None:
    plan = _plan(
        LAW_TABLE.replace(
            "| Ủy ban Pháp luật chủ trì thẩm tra\n",
            "| - Ủy ban Pháp luật chủ trì thẩm tra; - Hội đồng Dân tộc, các Ủy ban tham gia.\n",
        )
    )
    (review,) = [t for t in plan.tasks if "thẩm tra" in t.text]
    assert (review.text, review.lead, review.partners, review.due) == (
        "Ủy ban Pháp luật chủ trì thẩm tra Luật sửa đổi Luật Tổ chức",
        "Ủy ban Pháp luật",
        ["Hội đồng Dân tộc", "Các Ủy ban"],
        date(2025, 1, 10),
    )


def test_a_numbered_sentence_naming_its_subject_over_bullets_is_a_duty_and_leads_them() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n"
        "1. Các cơ quan, đơn vị, địa phương, doanh nghiệp căn cứ chức năng, nhiệm vụ được giao xây "
        "dựng kế hoạch thực hiện đợt thi đua; đề ra giải pháp hoàn thành mục tiêu năm 2025.\n\n"
        "- Giới thiệu điển hình tiên tiến trong đợt thi đua.\n"
    )
    lead = "Các cơ quan, đơn vị, địa phương, doanh nghiệp"
    assert [(t.lead, t.text[:10]) for t in plan.tasks] == [
        (lead, "Các cơ qua"),
        (lead, "đề ra giải"),
        (lead, "Giới thiệu"),
    ]


def test_a_duty_opening_with_bao_cao_is_a_report_even_when_it_names_a_review() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ\n\n"
        "- Báo cáo Ủy ban nhân dân tỉnh về kết quả đợt thi đua khi tổng kết đợt thi đua.\n"
    )
    (task,) = plan.tasks
    assert (task.kind.value, task.report_to) == ("report", "Ủy ban nhân dân tỉnh")


def test_a_heading_of_enterprises_in_named_fields_is_one_lead_body() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n"
        "1. Các doanh nghiệp hoạt động trong lĩnh vực xây dựng, giao thông, vận tải, logistics "
        "và công nghệ thông tin trên địa bàn tỉnh\n\n- Ứng dụng mô hình BIM trong quản lý.\n"
    )
    (task,) = plan.tasks
    assert task.lead == (
        "Các doanh nghiệp hoạt động trong lĩnh vực xây dựng, giao thông, vận tải, logistics "
        "và công nghệ thông tin trên địa bàn tỉnh"
    )


def test_a_standing_report_asked_for_in_the_closing_words_is_a_duty_of_the_bodies_named() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n- Tăng cường kiểm tra.\n\n"
        "Trên đây là Kế hoạch chuyển đổi số. Đề nghị các cơ quan, đơn vị nghiêm túc triển khai "
        "thực hiện. Định kỳ hằng năm (trước ngày 30 tháng 11) báo cáo kết quả thực hiện về Sở "
        "Xây dựng. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc báo cáo về Sở Xây dựng.\n"
    )
    report = plan.tasks[-1]
    assert len(plan.tasks) == 2
    assert (report.lead, report.due, report.recurrence, report.report_to) == (
        "Các cơ quan, đơn vị",
        date(2025, 11, 30),
        "năm",
        "Sở Xây dựng",
    )


def test_an_items_content_field_bullet_is_its_duty_and_its_body_fields_lead_it() -> None:
    plan = _plan(
        "II. NỘI DUNG\n\n1. Tổ chức tập huấn\n\n"
        "- Nội dung thực hiện: Tổ chức tập huấn cho công chức làm công tác việc làm.\n\n"
        "- Cơ quan chủ trì: Sở Nội vụ.\n\n"
        "- Cơ quan phối hợp: Trung tâm Dịch vụ việc làm tỉnh, Bảo hiểm xã hội tỉnh.\n"
    )
    assert [(t.text, t.lead, t.partners) for t in plan.tasks] == [
        (
            "Tổ chức tập huấn cho công chức làm công tác việc làm.",
            "Sở Nội vụ",
            ["Trung tâm Dịch vụ việc làm tỉnh", "Bảo hiểm xã hội tỉnh"],
        )
    ]


def test_a_sentence_assigning_by_its_own_words_is_a_duty_even_in_a_content_section() -> None:
    plan = _plan(
        "III. KINH PHÍ THỰC HIỆN\n\n1. Kinh phí được bố trí từ ngân sách nhà nước.\n\n"
        "2. Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan bố trí kinh phí chi "
        "thường xuyên theo quy định.\n\n"
        "3. Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh có trách nhiệm rà soát văn bản.\n"
    )
    assert [(t.lead, t.partners, t.recurrence) for t in plan.tasks] == [
        ("Sở Tài chính", ["Các sở, ngành liên quan"], None),
        ("Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh", [], None),
    ]


def test_partners_split_into_bodies_where_a_bare_group_follows_a_named_body() -> None:
    readings = [
        read_duty(text, ["Sở Công Thương"]).partners
        for text in (
            "Phối hợp với Sở Y tế, địa phương tuyên truyền các nội dung.",
            "Chủ trì, phối hợp với các sở, ngành, địa phương triển khai.",
            "Chủ trì, phối hợp với Sở, ban ngành liên quan triển khai.",
            "Phối hợp với Sở Tài chính, Sở Nội vụ và Công an tỉnh kiểm tra.",
            "Phối hợp với Sở Lao động – Thương binh và Xã hội, Sở Khoa học và Công nghệ kiểm tra.",
        )
    ]
    assert readings == [
        ["Sở Y tế", "Địa phương"],
        ["Các sở, ngành, địa phương"],
        ["Sở, ban ngành liên quan"],
        ["Sở Tài chính", "Sở Nội vụ", "Công an tỉnh"],
        ["Sở Lao động – Thương binh và Xã hội", "Sở Khoa học và Công nghệ"],
    ]


def test_a_dash_line_in_lower_case_after_a_full_wrapped_line_continues_a_compound() -> None:
    line = "b) Tổ chức tuyên truyền: Chỉ đạo phòng, ban chuyên môn, phối hợp tổ chức chính trị"
    wrapped = "\n".join(
        [line, "- xã hội tại địa phương thực hiện công tác tuyên truyền, vận động."]
        + ["Một dòng văn bản khác được ngắt ở độ rộng tám mươi ký tự như dòng trên đây nhé."] * 12
    )
    plan = _plan("II. TỔ CHỨC THỰC HIỆN\n\n1. Ủy ban nhân dân xã\n\n" + wrapped + "\n")
    assert "chính trị - xã hội tại địa phương" in plan.tasks[0].text


def test_bullets_after_a_sub_item_announcing_them_as_follows_are_duties_of_their_own() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Ngân hàng Nhà nước chi nhánh tỉnh\n\n"
        "a) Chỉ đạo các ngân hàng thương mại triển khai mở tài khoản, cụ thể như sau:\n\n"
        "- Cử chuyên viên hỗ trợ các đối tượng mở tài khoản;\n\n"
        "- Ký kết với đơn vị quản lý chi trả.\n"
    )
    assert [(t.lead, t.text[:8]) for t in plan.tasks] == [
        ("Ngân hàng Nhà nước chi nhánh tỉnh", "Chỉ đạo "),
        ("Ngân hàng Nhà nước chi nhánh tỉnh", "Cử chuyê"),
        ("Ngân hàng Nhà nước chi nhánh tỉnh", "Ký kết v"),
    ]


def test_reviews_of_two_stated_times_are_two_milestones_one_review_named_twice_is_one() -> None:
    from workflows.parsing.duties import split_duties

    assert split_duties("Sơ kết 3 năm, kết thúc nhiệm kỳ tổng kết thực hiện Kế hoạch.") == [
        "Sơ kết 3 năm",
        "kết thúc nhiệm kỳ tổng kết thực hiện Kế hoạch.",
    ]
    assert split_duties("Tổ chức sơ kết, tổng kết việc thực hiện Kế hoạch.") == [
        "Tổ chức sơ kết, tổng kết việc thực hiện Kế hoạch."
    ]


def test_table_rows_of_an_office_file_do_not_hide_that_its_prose_is_hard_wrapped() -> None:
    from workflows.parsing.normalize import normalize

    rows = "\n".join(
        f"| {k} | Tỷ lệ người hưởng trợ cấp được tuyên truyền giải thích lợi ích từ "
        f"việc mở tài khoản ngân hàng và nhận tiền qua tài khoản | 20 |"
        for k in range(6)
    )
    prose = "\n".join(
        [
            "- Cử chuyên viên phối hợp với",
            "Ủy ban nhân dân xã, phường thống nhất thời gian, "
            "địa điểm để hỗ trợ các đối tượng mở tài khoản.",
        ]
        + ["Một dòng văn bản khác được ngắt ở độ rộng tám mươi ký tự như dòng trên đây nhé."] * 12
    )
    paras = [p.text for p in normalize(rows + "\n\n" + prose + "\n").paragraphs]
    assert any(p.startswith("- Cử chuyên viên phối hợp với Ủy ban nhân dân xã") for p in paras)


def test_a_reports_route_ends_where_its_purpose_starts() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n"
        "- Báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh (qua Sở Nội vụ để tổng hợp).\n"
    )
    (task,) = plan.tasks
    assert (task.report_to, task.via, plan.coordinator) == (
        "Ủy ban nhân dân tỉnh",
        "Sở Nội vụ",
        "Sở Nội vụ",
    )


def test_a_flattened_law_making_table_whose_header_and_cells_wrap_is_read_the_same() -> None:
    wrapped = LAW_TABLE.replace(
        "Cơ quan soạn thảo | Cơ quan thẩm tra", "Cơ quan soạn thảo | Cơ quan\nthẩm tra"
    ).replace(
        "Ủy ban Đối ngoại (Văn phòng Quốc hội phối hợp chuẩn bị)",
        "Ủy ban Đối ngoại (Văn phòng\nQuốc hội phối hợp chuẩn bị)",
    )
    rows = [t for t in _plan(wrapped).tasks if "thẩm tra" not in t.text]
    assert [(t.lead, t.partners, t.due) for t in rows] == [
        ("Ban Công tác đại biểu", [], date(2025, 1, 10)),
        ("Ủy ban Đối ngoại", ["Văn phòng Quốc hội"], date(2025, 5, 31)),
    ]


_FILLER = ["Một dòng văn bản khác được ngắt ở độ rộng tám mươi ký tự như dòng trên đây nhé."] * 12


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of ``lines`` in a hard-wrapped text with blank lines between paragraphs."""
    from workflows.parsing.normalize import normalize

    filler = ["", *_FILLER[:3]] * 4
    return [p.text for p in normalize("\n".join(lines + filler) + "\n").paragraphs]


def test_a_short_heading_naming_a_body_ends_before_its_duty_in_a_wrapped_text() -> None:
    paras = _paragraphs(
        ["10. Phòng Tài nguyên và Môi trường huyện",
         "Phối hợp với các cơ quan liên quan thực hiện chính sách hỗ trợ đất ở, đất sản."]
    )  # fmt: skip
    assert paras[:2] == [
        "10. Phòng Tài nguyên và Môi trường huyện",
        "Phối hợp với các cơ quan liên quan thực hiện chính sách hỗ trợ đất ở, đất sản.",
    ]


def test_a_list_of_section_numbers_wrapped_before_a_number_goes_on() -> None:
    paras = _paragraphs(
        ["- Tổ chức triển khai thực hiện các hoạt động tại Mục: 2.10 và",
         "2.11 Phần II, Kế hoạch này."]
    )  # fmt: skip
    assert paras[0] == (
        "- Tổ chức triển khai thực hiện các hoạt động tại Mục: 2.10 và 2.11 Phần II, Kế hoạch này."
    )


def test_a_long_line_stopping_at_an_open_word_goes_on_past_a_stray_blank_line() -> None:
    paras = _paragraphs(
        ["1. Tuyên truyền theo tinh thần Kết luận số 08-KL/TU ngày 24/02/2021 của", "",
         "Ban Thường vụ Tỉnh ủy và Kế hoạch số 26-KH/HU của Ban Thường vụ Huyện ủy."]
    )  # fmt: skip
    assert paras[0].endswith("ngày 24/02/2021 của Ban Thường vụ Tỉnh ủy và Kế hoạch số 26-KH/HU "
                             "của Ban Thường vụ Huyện ủy.")  # fmt: skip


def test_a_lead_field_naming_several_bodies_gives_each_the_same_duty() -> None:
    plan = _plan(
        "II. NỘI DUNG\n\n1. Tổ chức tập huấn nghiệp vụ\n\n"
        "- Cơ quan chủ trì: Sở Nội vụ, Sở Giáo dục và Đào tạo; Sở Tài chính.\n\n"
        "- Cơ quan phối hợp: Bảo hiểm xã hội tỉnh.\n\n- Thời gian thực hiện: Quý IV/2025.\n"
    )
    assert [(t.lead, t.partners, t.due, t.text) for t in plan.tasks] == [
        (lead, ["Bảo hiểm xã hội tỉnh"], date(2025, 12, 31), "Tổ chức tập huấn nghiệp vụ")
        for lead in ("Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Sở Tài chính")
    ]


def test_a_verb_after_viec_is_a_noun_inside_the_subject_and_cac_bo_nganh_is_a_group() -> None:
    reading = read_duty(
        "Các sở, ban, ngành tỉnh có liên quan tới việc thực hiện Kế hoạch này có trách nhiệm "
        "phối hợp cùng các cơ quan chuyên môn thuộc các bộ, ngành Trung ương trong việc hỗ trợ.",
        [],
    )
    assert (reading.leads, reading.partners) == (
        ["Các sở, ban, ngành tỉnh có liên quan"],
        ["Các cơ quan chuyên môn thuộc các bộ, ngành Trung ương"],
    )


def test_dashes_naming_what_a_lead_in_acts_on_are_each_a_duty_of_the_lead_in() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nông nghiệp và Môi trường\n\n"
        "a) Tham mưu Ủy ban nhân dân tỉnh trình Hội đồng nhân dân tỉnh ban hành:\n\n"
        "- Quy định mức hỗ trợ giống cây trồng cho hộ nghèo.\n\n"
        "- Danh mục công trình thủy lợi được ưu tiên bố trí vốn.\n\n"
        "b) Hướng dẫn các xã lập hồ sơ hỗ trợ.\n"
    )
    lead_in = "Tham mưu Ủy ban nhân dân tỉnh trình Hội đồng nhân dân tỉnh ban hành: "
    assert [(t.line, t.lead, t.text) for t in plan.tasks] == [
        (18, "Sở Nông nghiệp và Môi trường", lead_in + "Quy định mức hỗ trợ giống cây trồng "
         "cho hộ nghèo."),
        (20, "Sở Nông nghiệp và Môi trường", lead_in + "Danh mục công trình thủy lợi được ưu "
         "tiên bố trí vốn."),
        (22, "Sở Nông nghiệp và Môi trường", "Hướng dẫn các xã lập hồ sơ hỗ trợ."),
    ]  # fmt: skip


def test_a_lead_ins_partners_and_deadline_apply_to_each_object_it_lists() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n"
        "a) Chủ trì, phối hợp với Sở Tài chính hoàn thành trước ngày 30/9/2025 các đề án:\n\n"
        "- Đề án 1: Nâng cấp trạm y tế xã.\n\n- Đề án 2: Đào tạo nhân viên y tế thôn bản.\n"
    )
    assert [(t.lead, t.partners, t.due) for t in plan.tasks] == [
        ("Sở Y tế", ["Sở Tài chính"], date(2025, 9, 30)),
        ("Sở Y tế", ["Sở Tài chính"], date(2025, 9, 30)),
    ]
    assert [t.text.rsplit(": ", 1)[-1] for t in plan.tasks] == [
        "Nâng cấp trạm y tế xã.",
        "Đào tạo nhân viên y tế thôn bản.",
    ]


def test_a_sentence_opening_with_hoan_thanh_is_a_new_duty_unless_it_only_gives_the_time() -> None:
    from workflows.parsing.duties import split_duties

    assert split_duties(
        "Tổ chức tập huấn cho cán bộ xã. Hoàn thành, báo cáo kết quả về Sở Nội vụ trong tháng 10."
    ) == [
        "Tổ chức tập huấn cho cán bộ xã",
        "Hoàn thành, báo cáo kết quả về Sở Nội vụ trong tháng 10.",
    ]
    assert split_duties("Rà soát hồ sơ đất đai. Hoàn thành trước ngày 30/9/2025.") == [
        "Rà soát hồ sơ đất đai. Hoàn thành trước ngày 30/9/2025."
    ]


def test_thuc_hien_after_a_semicolon_is_a_new_duty_unless_the_people_are_being_urged() -> None:
    from workflows.parsing.duties import split_duties

    assert split_duties("Bố trí cán bộ theo dõi người cao tuổi; thực hiện chế độ trợ cấp.") == [
        "Bố trí cán bộ theo dõi người cao tuổi",
        "thực hiện chế độ trợ cấp.",
    ]
    urged = (
        "Tuyên truyền, vận động hội viên tiết kiệm trong việc cưới; thực hiện nếp sống văn minh."
    )
    assert split_duties(urged) == [urged]


def test_keeping_strengthening_and_notifying_open_new_duties_after_a_semicolon() -> None:
    from workflows.parsing.duties import split_duties

    text = (
        "Tổ chức hội thi văn nghệ quần chúng; giữ vững danh hiệu xã văn hóa; kiện toàn đội "
        "văn nghệ thôn; thông báo kết quả hội thi."
    )
    assert len(split_duties(text)) == 4


def test_a_report_of_results_names_whom_it_goes_to_right_after_ket_qua() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Xây dựng\n\n"
        "- Báo cáo kết quả Ủy ban nhân dân tỉnh (qua Sở Nội vụ) trước ngày 15/12/2025.\n"
    )
    (task,) = plan.tasks
    assert (task.report_to, task.via) == ("Ủy ban nhân dân tỉnh", "Sở Nội vụ")


def test_a_force_named_in_lower_case_heads_a_partner_of_its_own() -> None:
    reading = read_duty(
        "Phối hợp với Công an tỉnh, lực lượng Bộ đội Biên phòng kiểm tra khu vực biên giới.",
        ["Sở Ngoại vụ"],
    )
    assert reading.partners == ["Công an tỉnh", "Lực lượng Bộ đội Biên phòng"]


def test_dashes_saying_where_and_with_whom_a_lead_ins_work_is_done_describe_it() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Văn hóa - Xã hội\n\n"
        "a) Tổ chức hội nghị tập huấn cho cán bộ thôn:\n\n"
        "- Địa điểm: Hội trường Ủy ban nhân dân xã.\n\n"
        "- Thành phần: Trưởng thôn, Bí thư chi bộ các thôn.\n"
    )
    (task,) = plan.tasks
    assert task.text == (
        "Tổ chức hội nghị tập huấn cho cán bộ thôn: Địa điểm: Hội trường Ủy ban nhân dân xã. "
        "Thành phần: Trưởng thôn, Bí thư chi bộ các thôn."
    )


def test_a_lead_in_item_described_by_its_field_lines_says_its_own_words_once() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\na) Tổ chức hội nghị sơ kết:\n\n"
        "- Địa điểm: Hội trường tỉnh.\n\n- Thời gian: tháng 6/2025.\n"
    )
    (task,) = plan.tasks
    assert (task.text, task.due) == (
        "Tổ chức hội nghị sơ kết: Địa điểm: Hội trường tỉnh.",
        date(2025, 6, 30),
    )


# --- lead names (parse4) ---


def test_a_group_named_by_the_task_it_was_given_keeps_that_clause_in_its_name() -> None:
    body = (
        "1. Các cơ quan được giao nhiệm vụ soạn thảo đề án khẩn trương hoàn thiện hồ sơ.\n\n"
        "2. Các đơn vị được phân công chủ trì có trách nhiệm báo cáo tiến độ.\n"
    )
    assert [lead for lead, _ in _tasks(body)] == [
        "Các cơ quan được giao nhiệm vụ soạn thảo đề án",
        "Các đơn vị được phân công chủ trì",
    ]


def test_a_group_named_by_its_role_before_a_duty_of_responsibility_keeps_the_role() -> None:
    reading = read_duty("Các đơn vị phối hợp có trách nhiệm cung cấp số liệu đúng hạn.", [])
    assert reading.leads == ["Các đơn vị phối hợp"]


def test_a_specific_body_given_a_task_is_named_without_the_passive_clause() -> None:
    reading = read_duty("Phòng Y tế được giao chủ trì tổ chức tiêm chủng.", [])
    assert reading.leads == ["Phòng Y tế"]


def test_who_set_up_a_body_belongs_to_its_name() -> None:
    reading = read_duty("Tổ công tác do Chủ tịch Ủy ban nhân dân xã thành lập kiểm tra hồ sơ.", [])
    assert reading.leads == ["Tổ công tác do Chủ tịch Ủy ban nhân dân xã thành lập"]


def test_a_name_broken_after_a_function_word_goes_on_on_the_next_line() -> None:
    assert split_names("Tổ soạn thảo do\nỦy ban nhân dân huyện thành lập") == [
        "Tổ soạn thảo do Ủy ban nhân dân huyện thành lập"
    ]
    assert split_names("Phòng Y tế\nTrung tâm Y tế") == ["Phòng Y tế", "Trung tâm Y tế"]


def test_a_bullet_without_a_subject_goes_on_about_the_subject_of_the_bullet_before_it() -> None:
    body = (
        "1. Công tác kiểm tra\n\n- Các phòng chuyên môn định kỳ kiểm tra tiến độ.\n\n"
        "- Tăng cường giám sát độc lập.\n"
    )
    assert _tasks(body) == [
        ("Các phòng chuyên môn", "Các phòng chuyên môn định kỳ kiểm tra tiến độ."),
        ("Các phòng chuyên môn", "Tăng cường giám sát độc lập."),
    ]


def test_a_comma_before_a_second_subject_with_its_own_responsibility_splits_the_duties() -> None:
    body = (
        "2. Các đơn vị chủ trì có trách nhiệm hoàn thành đúng hạn, các đơn vị phối hợp có "
        "trách nhiệm cung cấp số liệu.\n"
    )
    assert [lead for lead, _ in _tasks(body)] == ["Các đơn vị chủ trì", "Các đơn vị phối hợp"]


def test_a_comma_inside_a_list_of_subjects_splits_nothing() -> None:
    text = "Phòng Y tế, các trường học có trách nhiệm báo cáo kết quả."
    assert _tasks("3. " + text + "\n") == [("Phòng Y tế", text), ("Các trường học", text)]


def test_a_groups_relative_clause_runs_on_to_its_responsibility() -> None:
    reading = read_duty(
        "Các đơn vị được phân công chủ trì thực hiện đề án này có trách nhiệm lập dự toán.", []
    )
    assert reading.leads == ["Các đơn vị được phân công chủ trì thực hiện đề án này"]


def test_promoting_and_enlisting_support_after_a_semicolon_are_duties_of_their_own() -> None:
    body = (
        "2. Các sở, ngành có liên quan\n\n"
        "Tuyên truyền về chủ quyền biển đảo; giới thiệu tiềm năng du lịch của tỉnh; "
        "tranh thủ sự hỗ trợ của các tổ chức quốc tế.\n"
    )
    assert [text for _, text in _tasks(body)] == [
        "Tuyên truyền về chủ quyền biển đảo",
        "giới thiệu tiềm năng du lịch của tỉnh",
        "tranh thủ sự hỗ trợ của các tổ chức quốc tế.",
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Tăng cường hợp tác quốc tế", "khuyến khích sự tham gia của doanh nghiệp"),
        ("Xây dựng hạ tầng số", "thúc đẩy kết nối, chia sẻ dữ liệu"),
        ("Phối hợp triển khai các hoạt động phòng ngừa", "tập trung thực hiện các quy chế"),
        ("Chủ trì xây dựng chương trình", "đưa nội dung tuyên truyền đến học sinh"),
        ("Đẩy mạnh thông tin tuyên truyền", "tăng thời lượng phát sóng"),
        ("Triển khai các giải pháp ngăn chặn", "phát hiện và phối hợp điều tra các vụ việc"),
        ("Tham mưu các nhiệm vụ khoa học", "chuyển giao, ứng dụng công nghệ vào sản xuất"),
        ("Nghiên cứu, tư vấn, phản biện chính sách", "Đào tạo, bồi dưỡng nhân lực"),
        ("Thực hiện tốt nhiệm vụ quốc phòng.", "Tham gia phòng, chống thiên tai"),
        ("Tham mưu các dự án phát triển.", "Tập trung kêu gọi các dự án"),
        ("Triển khai các kế hoạch đấu tranh.", "Chú trọng thực hiện các giải pháp"),
        ("Tổ chức hướng dẫn điều trị.", "Thường xuyên phối hợp, trao đổi thông tin"),
    ],
)
def test_a_clause_opening_with_an_action_verb_after_a_semicolon_or_full_stop_is_a_new_duty(
    first: str, second: str
) -> None:
    from workflows.parsing.duties import split_duties

    joint = first + (" " if first.endswith(".") else "; ") + second + "."
    assert [part.rstrip(";.") for part in split_duties(joint)] == [first.rstrip("."), second]


def test_a_periodic_report_after_a_comma_is_a_duty_of_its_own() -> None:
    from workflows.parsing.duties import split_duties

    text = (
        "Phối hợp với các sở, ngành liên quan tổ chức thực hiện, kiểm tra, giám sát, "
        "định kỳ báo cáo kết quả về Ủy ban nhân dân tỉnh."
    )
    assert split_duties(text) == [
        "Phối hợp với các sở, ngành liên quan tổ chức thực hiện, kiểm tra, giám sát",
        "định kỳ báo cáo kết quả về Ủy ban nhân dân tỉnh.",
    ]


def test_an_adverb_before_a_periodic_report_stays_with_it() -> None:
    from workflows.parsing.duties import split_duties

    text = "Thường xuyên, định kỳ hằng quý báo cáo về Sở Tài chính."
    assert split_duties(text) == [text]


def test_compiling_the_results_before_a_periodic_report_is_the_reports_own_work() -> None:
    from workflows.parsing.duties import split_duties

    text = "Tổng hợp kết quả thực hiện, định kỳ báo cáo Ủy ban nhân dân tỉnh theo quy định."
    assert split_duties(text) == [text]


def test_the_work_before_a_periodic_report_is_an_action_that_does_not_recur() -> None:
    plan = _plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n"
        "- Tổ chức thực hiện, kiểm tra, giám sát, định kỳ báo cáo kết quả về Ủy ban nhân dân "
        "tỉnh.\n"
    )
    action, report = plan.tasks
    assert (action.kind, action.recurrence, report.kind) == ("action", None, "report")


@pytest.mark.parametrize(
    "text",
    [
        "Trình ban hành chính sách thu hút người có tài năng; đào tạo thạc sỹ, tiến sỹ luật.",
        "Đẩy mạnh truyền thông về Chương trình; chú trọng truyền thông về mô hình điển hình.",
    ],
)
def test_a_lower_case_training_or_emphasis_after_a_semicolon_goes_on_with_the_duty(
    text: str,
) -> None:
    from workflows.parsing.duties import split_duties

    assert split_duties(text) == [text]
