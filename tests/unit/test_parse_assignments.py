"""Who does what, decided from the plan's layout: field lines closing a group of numbered items,
content items that field lines turn into duties, slogans that only look like headings."""

from __future__ import annotations

from datetime import date

from workflows.parsing.plan import parse_plan

GROUP = """KẾ HOẠCH

Công tác bầu cử năm 2026

II. NỘI DUNG, PHÂN CÔNG TRÁCH NHIỆM

3. Theo dõi, giám sát

3.1. Tham gia các đoàn kiểm tra, giám sát công tác bầu cử.

3.2. Tổng hợp, báo cáo kịp thời các khó khăn, vướng mắc.

3.3. Theo dõi, đôn đốc công tác bầu cử.

- Thời gian thực hiện: Quý I/2026.

- Đơn vị chủ trì: Phó Chủ tịch Thường trực

- Đơn vị phối hợp: Các chuyên viên cơ quan

4. Tiếp công dân

4.1. Tiếp công dân về bầu cử.
"""


def test_field_lines_after_a_group_of_numbered_items_assign_every_item_of_the_group() -> None:
    tasks = {t.line: t for t in parse_plan(GROUP).tasks}
    for line in (9, 11, 13):
        assert (tasks[line].lead, tasks[line].partners, tasks[line].due) == (
            "Phó Chủ tịch Thường trực",
            ["Các chuyên viên cơ quan"],
            date(2026, 3, 31),
        )


def test_an_item_after_the_group_does_not_take_its_fields() -> None:
    task = next(t for t in parse_plan(GROUP).tasks if t.line == 23)
    assert (task.lead, task.due) == (None, None)


OWN_LEAD = """KẾ HOẠCH

Công tác năm 2026

II. NỘI DUNG, PHÂN CÔNG TRÁCH NHIỆM

1. Kiểm tra

1.1. Sở Tư pháp chủ trì kiểm tra việc thi hành pháp luật.

1.2. Tổng hợp kết quả kiểm tra.

- Đơn vị chủ trì: Sở Nội vụ
"""


def test_an_item_of_the_group_with_its_own_lead_keeps_it() -> None:
    leads = {t.line: t.lead for t in parse_plan(OWN_LEAD).tasks}
    assert (leads[9], leads[11]) == ("Sở Tư pháp", "Sở Nội vụ")


CONTENT = """KẾ HOẠCH

Phát triển công nghiệp giai đoạn 2026 - 2030

III. NHIỆM VỤ TRỌNG TÂM

5. Phát triển nguồn nhân lực đáp ứng yêu cầu công nghiệp hiện đại

- Phối hợp tổ chức đào tạo cán bộ. Hoàn thiện cơ chế phối hợp liên ngành.

Đơn vị chủ trì: Văn phòng Sở; Đơn vị phối hợp: Phòng Quản lý Công nghiệp.
"""


def test_a_content_item_that_field_lines_assign_splits_into_its_duties() -> None:
    tasks = parse_plan(CONTENT).tasks
    assert [t.text.rstrip(".") for t in tasks] == [
        "Phối hợp tổ chức đào tạo cán bộ",
        "Hoàn thiện cơ chế phối hợp liên ngành",
    ]
    assert {t.lead for t in tasks} == {"Văn phòng Sở"}


SLOGANS = """KẾ HOẠCH

Tuyên truyền bầu cử năm 2026

IV. TỔ CHỨC THỰC HIỆN

1. Tiểu ban tuyên truyền: Tuyên truyền về bầu cử.

V. KHẨU HIỆU TUYÊN TRUYỀN

1. Ngày bầu cử là Ngày hội của toàn dân!

2. Mỗi lá phiếu là một niềm tin, một trách nhiệm đối với Tổ quốc!
"""


def test_a_slogan_mentioning_trach_nhiem_is_not_an_assignment_heading() -> None:
    assert [t.line for t in parse_plan(SLOGANS).tasks] == [7]


REVIEWS = """KẾ HOẠCH

Thực hiện Đề án giai đoạn 2026 - 2030

VI. CHẾ ĐỘ BÁO CÁO

Định kỳ 6 tháng, hàng năm, Sở Công Thương tổ chức sơ kết, đánh giá kết quả thực hiện.
"""


def test_a_review_held_every_period_of_a_list_is_one_duty_per_period() -> None:
    tasks = parse_plan(REVIEWS).tasks
    assert [(t.lead, t.recurrence) for t in tasks] == [
        ("Sở Công Thương", "6 tháng"),
        ("Sở Công Thương", "năm"),
    ]


LEAD_IN = """KẾ HOẠCH

Công tác năm 2026

III. TỔ CHỨC THỰC HIỆN

Căn cứ cơ cấu tổ chức (Chủ tịch, các Phó Chủ tịch), việc phân công được triển khai như sau:

1. Ban Thường trực

- Chỉ đạo chung công tác bầu cử.
"""


def test_a_paragraph_introducing_the_numbered_headings_is_no_duty() -> None:
    assert [t.line for t in parse_plan(LEAD_IN).tasks] == [11]


SENTENCE_ITEM = """KẾ HOẠCH

Phát triển giáo dục năm 2026

V. TỔ CHỨC THỰC HIỆN

10. Ủy ban nhân dân các xã, phường

e) Hằng năm, tổ chức kiểm tra, đánh giá tình hình thực hiện Chương trình; tổ chức sơ kết.

Ủy ban nhân dân tỉnh đề nghị các cơ quan triển khai thực hiện./.
"""


def test_a_numbered_item_written_as_a_sentence_is_a_duty_even_with_prose_after_it() -> None:
    tasks = [t for t in parse_plan(SENTENCE_ITEM).tasks if t.line == 9]
    assert [t.text for t in tasks] == [
        "Hằng năm, tổ chức kiểm tra, đánh giá tình hình thực hiện Chương trình",
        "tổ chức sơ kết.",
    ]
    assert {t.lead for t in tasks} == {"Ủy ban nhân dân các xã, phường"}


INTRO_ITEM = """KẾ HOẠCH

Công tác bầu cử năm 2026

II. NỘI DUNG, PHÂN CÔNG TRÁCH NHIỆM

6.1. Tham gia thực hiện các nhiệm vụ:

- Tham gia các phiên họp của Ủy ban bầu cử xã.

- Thời gian thực hiện: Tháng 4/2026.

- Đơn vị chủ trì: Phó Chủ tịch Thường trực
"""


def test_an_item_ending_with_a_colon_takes_its_bullets_as_what_the_duty_is() -> None:
    (task,) = parse_plan(INTRO_ITEM).tasks
    assert task.text == (
        "Tham gia thực hiện các nhiệm vụ: Tham gia các phiên họp của Ủy ban bầu cử xã."
    )
    assert (task.lead, task.due) == ("Phó Chủ tịch Thường trực", date(2026, 4, 30))


CARRIED = """KẾ HOẠCH

Công tác pháp chế năm 2026

IV. TỔ CHỨC THỰC HIỆN

1. Các sở, ngành tỉnh xây dựng kế hoạch của ngành xong trong tháng 12/2026.

Định kỳ báo cáo UBND tỉnh kết quả thực hiện hằng năm (trước ngày 15 tháng 11).

2. Sở Tài chính chủ trì bố trí kinh phí thực hiện Kế hoạch.

Kiểm tra việc sử dụng kinh phí của các đơn vị.
"""


def test_a_paragraph_naming_no_body_after_a_numbered_sentence_goes_on_about_its_subject() -> None:
    tasks = {t.line: t for t in parse_plan(CARRIED).tasks}
    assert (tasks[9].lead, tasks[9].recurrence) == ("Các sở, ngành tỉnh", "năm")
    assert (tasks[11].lead, tasks[13].lead) == ("Sở Tài chính", "Sở Tài chính")


def test_a_paragraph_with_its_own_subject_keeps_it() -> None:
    text = CARRIED.replace("Kiểm tra việc", "Sở Nội vụ kiểm tra việc")
    task = next(t for t in parse_plan(text).tasks if t.line == 13)
    assert task.lead == "Sở Nội vụ"


TITLED = """KẾ HOẠCH

Công tác pháp chế năm 2026

III. NHIỆM VỤ, GIẢI PHÁP

1. Bồi dưỡng đội ngũ làm công tác pháp chế

- Mở lớp bồi dưỡng kỹ năng soạn thảo văn bản cho công chức.

Đơn vị chủ trì: Sở Tư pháp.

2. Học tập kinh nghiệm của các tỉnh bạn

Tổ chức đoàn công tác học tập kinh nghiệm xây dựng văn bản tại các tỉnh.

- Đơn vị chủ trì: Sở Tư pháp.

- Đơn vị phối hợp: Văn phòng UBND tỉnh.

- Thời gian thực hiện: Quý III/2026.
"""


def test_field_bullets_after_a_paragraph_under_a_group_title_make_the_paragraph_the_duty() -> None:
    tasks = parse_plan(TITLED).tasks
    study = [t for t in tasks if t.section == "III.2"]
    assert [(t.line, t.lead, t.partners, t.due) for t in study] == [
        (15, "Sở Tư pháp", ["Văn phòng UBND tỉnh"], date(2026, 9, 30))
    ]
    assert study[0].text.startswith("Tổ chức đoàn công tác")


WRAPPED = """KẾ HOẠCH

Công tác pháp chế năm 2026

IV. TỔ CHỨC THỰC HIỆN

1. Sở Tư pháp

- Sở Tư pháp: rà soát văn bản quy phạm pháp luật của tỉnh;
hướng dẫn các xã tự kiểm tra văn bản; tổng hợp
kết quả báo cáo UBND tỉnh.
"""


def test_each_duty_of_a_wrapped_paragraph_cites_the_line_its_own_words_start_on() -> None:
    lines = {t.text.split()[0]: t.line for t in parse_plan(WRAPPED).tasks}
    assert lines == {"rà": 9, "hướng": 10, "tổng": 10}
