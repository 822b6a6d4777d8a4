"""A plan attached to a Quyết định, and duty lists written as "heading body / bullets each
followed by its time line / '+ Body: …' sub-items" (how provincial plans of 2025 are written)."""

from __future__ import annotations

from datetime import date

from workflows.parsing.plan import parse_plan
from workflows.parsing.result import ExtractedTask

DECISION = """ỦY BAN NHÂN DÂN
TỈNH AN HÒA

Số: 88/QĐ-UBND

An Hòa, ngày 03 tháng 3 năm 2026

QUYẾT ĐỊNH

Về việc ban hành Kế hoạch phòng, chống thiên tai năm 2026

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN HÒA

Căn cứ Luật Phòng, chống thiên tai;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai năm 2026.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Xây dựng chịu trách nhiệm thi hành Quyết định này.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình

KẾ HOẠCH

PHÒNG, CHỐNG THIÊN TAI NĂM 2026

(Kèm theo Quyết định số 88/QĐ-UBND ngày 03/3/2026 của Chủ tịch UBND tỉnh)

I. MỤC ĐÍCH

Chủ động ứng phó với thiên tai.

II. NHIỆM VỤ CỤ THỂ

1. Nhiệm vụ của thành viên Ban Chỉ huy

1.1. Sở Xây dựng

- Rà soát các công trình xung yếu trên địa bàn tỉnh.

Thời gian hoàn thành: Trước ngày 30/4/2026.

- Kiểm tra hệ thống thoát nước đô thị.

Thời gian thực hiện: Tháng 5 - 6/2026.

1.2. Các cơ quan tham mưu chuyên ngành (gồm các Sở: Y tế, Công Thương, Tư pháp, Xây dựng)

- Hướng dẫn các đơn vị lập phương án ứng phó. Trong đó:

+ Sở Y tế: hướng dẫn phương án bảo đảm y tế; phối hợp với Sở Xây dựng kiểm tra bệnh viện.

+ Sở Công Thương: hướng dẫn phương án dự trữ hàng hóa thiết yếu.

Thời gian thực hiện: Quý II/2026.

III. TỔ CHỨC THỰC HIỆN

1. Các sở, ngành tỉnh căn cứ Kế hoạch này xây dựng kế hoạch của ngành trước ngày 31/3/2026.

2. Trong quá trình thực hiện, nếu có vướng mắc, các đơn vị phản ánh về Sở Xây dựng để tổng hợp.
"""
# The same plan issued on its own (no Quyết định around it): each rule below holds there too.
PLAIN = DECISION[DECISION.index("KẾ HOẠCH\n") :]


def _tasks(text: str = DECISION) -> list[ExtractedTask]:
    return parse_plan(text).tasks


def _task(fragment: str, tasks: list[ExtractedTask] | None = None) -> ExtractedTask:
    found = [t for t in (tasks or _tasks()) if fragment in t.text]
    assert found, fragment
    return found[0]


def test_the_plan_after_a_decisions_signature_is_read_with_its_sections() -> None:
    plan = parse_plan(DECISION)
    assert not any("Tổ chức thực hiện" in w for w in plan.warnings)
    keys = [s.key for s in plan.sections if not s.key.startswith("Đ")]  # the decision's articles
    assert keys[:2] == ["I", "II"] and "III.1" in keys
    assert _task("xây dựng kế hoạch của ngành").due == date(2026, 3, 31)


def test_the_articles_of_the_decision_are_no_duties() -> None:
    assert not [t for t in _tasks() if "thi hành Quyết định" in t.text or "Điều" in t.text]


def test_the_same_numbering_in_a_decision_and_its_plan_keeps_section_keys_unique() -> None:
    text = DECISION.replace("QUYẾT ĐỊNH:\n", "QUYẾT ĐỊNH:\n\nI. Phạm vi\n\nToàn tỉnh.\n")
    keys = [s.key for s in parse_plan(text).sections]
    assert len(keys) == len(set(keys)) and "III.1" in " ".join(keys)


def test_a_heading_saying_whose_duties_follow_is_an_assignment_heading() -> None:
    for text in (DECISION, PLAIN):
        task = _task("Rà soát các công trình xung yếu", _tasks(text))
        assert (task.lead, task.section) == ("Sở Xây dựng", "II.1.1")


def test_each_bullet_takes_the_time_line_written_after_it() -> None:
    assert _task("Rà soát các công trình xung yếu").due == date(2026, 4, 30)
    assert _task("Kiểm tra hệ thống thoát nước").due == date(2026, 6, 30)


def test_a_heading_body_with_a_list_of_members_in_parentheses_leads_its_bullets() -> None:
    text = PLAIN.replace("1. Nhiệm vụ của thành viên Ban Chỉ huy", "1. Phân công nhiệm vụ")
    task = _task("Hướng dẫn các đơn vị lập phương án ứng phó", _tasks(text))
    assert task.lead == "Các cơ quan tham mưu chuyên ngành"


def test_sub_items_led_by_a_body_are_that_bodys_duties_clause_by_clause() -> None:
    tasks = _tasks(PLAIN)
    assert _task("phương án bảo đảm y tế", tasks).lead == "Sở Y tế"
    second = _task("kiểm tra bệnh viện", tasks)
    assert (second.lead, second.partners) == ("Sở Y tế", ["Sở Xây dựng"])
    assert _task("dự trữ hàng hóa", tasks).lead == "Sở Công Thương"


def test_a_numbered_item_that_only_says_what_to_do_if_problems_arise_is_no_duty() -> None:
    tasks = _tasks(PLAIN)
    assert _task("xây dựng kế hoạch của ngành", tasks).lead == "Các sở, ngành tỉnh"
    assert not [t for t in tasks if "vướng mắc" in t.text]
