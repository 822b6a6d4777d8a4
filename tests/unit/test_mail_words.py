"""The words mail, history and web share: what a notice is called, who leads a plan."""

from __future__ import annotations

import pytest

from workflows.followup.mail_context import describe_change, leadership_name
from workflows.records.task_history import notice_label


@pytest.mark.parametrize(
    ("kind", "step", "words"),
    [
        ("before-7", 0, "Nhắc trước hạn 7 ngày làm việc"),
        ("before-1", 0, "Nhắc trước hạn 1 ngày làm việc"),
        ("due-day", 0, "Nhắc đến hạn hôm nay"),
        ("overdue-1", 0, "Thông báo quá hạn lần 1"),
        ("overdue-4", 0, "Thông báo quá hạn lần 4"),
        ("escalation", 1, "Báo cáo vượt cấp lần 1"),
        ("escalation", 3, "Báo cáo vượt cấp lần 3"),
        ("change:extension_approved", 57, "Đề nghị gia hạn được chấp thuận"),
        ("change:unassigned", 9, "Nhiệm vụ chuyển sang cơ quan khác chủ trì"),
    ],
)
def test_every_notice_has_one_name_in_words(kind: str, step: int, words: str) -> None:
    assert notice_label(kind, step) == words


@pytest.mark.parametrize(
    ("issuer", "leadership"),
    [
        ("Ủy ban MTTQ Việt Nam tỉnh Kon Tum", "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Kon Tum"),
        (
            "Ủy ban Mặt trận Tổ quốc Việt Nam xã Lương Minh",
            "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam xã Lương Minh",
        ),
        (
            "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh",
            "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh",
        ),
        ("Ủy ban nhân dân huyện Tu Mơ Rông", "Lãnh đạo Ủy ban nhân dân huyện Tu Mơ Rông"),
        ("UBND xã Đăk Tơ Lung", "Lãnh đạo UBND xã Đăk Tơ Lung"),
        ("Huyện ủy Ngọc Hồi", "Ban Thường vụ Huyện ủy Ngọc Hồi"),
        ("HUYỆN UỶ NGỌC HỒI", "Ban Thường vụ HUYỆN UỶ NGỌC HỒI"),  # another tone placement
        ("Hội đồng nhân dân tỉnh Kon Tum", "Thường trực Hội đồng nhân dân tỉnh Kon Tum"),
        ("Sở Công Thương  tỉnh Lào Cai", "Lãnh đạo Sở Công Thương tỉnh Lào Cai"),
        (None, "Lãnh đạo cơ quan ban hành kế hoạch"),
    ],
)
def test_the_leadership_is_named_after_the_plan_s_own_issuer(
    issuer: str | None, leadership: str
) -> None:
    assert leadership_name(issuer) == leadership


def test_a_change_says_the_deadline_before_and_after_and_why() -> None:
    detail = {"due": ["2022-06-20", "2022-09-30"], "reason": "gia hạn được duyệt", "note": "Đồng ý"}
    assert describe_change(detail) == (
        "thời hạn: 20/06/2022 → 30/09/2022; lý do: gia hạn được duyệt; ý kiến: Đồng ý"
    )
    assert describe_change({"due": "2022-09-30", "note": None}) == "thời hạn đề nghị: 30/09/2022"
    assert describe_change({"due": ["2022-06-20", None]}) == "thời hạn: 20/06/2022 → không có"
