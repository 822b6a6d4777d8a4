"""Who a message is for, in words: never the stored marker of a missing address, never a kind."""

from __future__ import annotations

import pytest

from models.agencies import Agency
from models.plans import Plan
from workflows.followup.addressees import addressee_label
from workflows.followup.recipients import missing_key
from workflows.records.task_history import event_label, notice_label

HEALTH = Agency(id=23, name="Phòng Y tế huyện Kon Rẫy", folded_name="phong y te huyen kon ray")
PLAN = Plan(id=1, issuer="Ủy ban MTTQ Việt Nam tỉnh Kon Tum")


def test_a_body_without_an_address_is_named_and_said_to_have_none():
    marker = missing_key("body", 23)
    assert marker == "missing:body:23"
    assert addressee_label(marker, HEALTH, PLAN) == "Phòng Y tế huyện Kon Rẫy — chưa có địa chỉ thư"


def test_a_head_without_an_address_is_named_as_the_head_of_the_body():
    label = addressee_label(missing_key("head", 23), HEALTH, PLAN)
    assert label == "Thủ trưởng Phòng Y tế huyện Kon Rẫy — chưa có địa chỉ thư"


def test_leadership_without_an_address_is_named_after_the_issuing_body():
    label = addressee_label(missing_key("leader", None), None, PLAN)
    assert label == "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Kon Tum — chưa có địa chỉ thư"


def test_a_task_without_a_lead_is_nobody_known_not_the_leadership():
    label = addressee_label(missing_key("body", None), None, PLAN)
    assert label == "(không rõ cơ quan) — chưa có địa chỉ thư"


def test_an_address_is_shown_with_the_name_of_whom_it_belongs_to():
    assert addressee_label("yte@kontum.gov.vn", HEALTH, PLAN) == (
        "Phòng Y tế huyện Kon Rẫy <yte@kontum.gov.vn>"
    )
    assert addressee_label("bttmt@kontum.gov.vn", None, PLAN) == (
        "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Kon Tum <bttmt@kontum.gov.vn>"
    )
    assert addressee_label("ai@example.vn", None, None) == "ai@example.vn"


@pytest.mark.parametrize(
    ("kind", "step", "words"),
    [
        ("before-7", 0, "Nhắc trước hạn 7 ngày làm việc"),
        ("due-day", 0, "Nhắc đến hạn hôm nay"),
        ("overdue-2", 0, "Thông báo quá hạn lần 2"),
        ("escalation", 1, "Báo cáo vượt cấp lần 1"),
        ("change:deadline", 0, "Thời hạn được điều chỉnh"),
        ("change:something-new", 0, "Thư nhắc việc"),
        ("a-kind-from-a-later-version", 0, "Thư nhắc việc"),
    ],
)
def test_every_notice_kind_reads_as_words(kind: str, step: int, words: str):
    assert notice_label(kind, step) == words


def test_an_event_kind_nobody_named_reads_as_words_not_as_the_kind():
    assert event_label("acknowledged") == "Cơ quan xác nhận đã nhận nhiệm vụ"
    assert event_label("a_kind_from_a_later_version") == "Thay đổi khác"
