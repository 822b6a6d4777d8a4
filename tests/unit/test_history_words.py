"""A history event's detail in words: each stored key named, values as people write them."""

from __future__ import annotations

from workflows.followup.history_view import describe

NAMES = {1: "Phòng Y tế", 2: "Phòng Giáo dục và Đào tạo", 3: "Công an huyện"}


def test_a_rewording_and_a_change_of_kind_read_as_before_and_after():
    detail = {"text": ["Rà soát hộ nghèo quý I", "Rà soát hộ nghèo, hộ cận nghèo quý I"]}
    detail["kind"] = ["action", "report"]
    assert describe(detail, NAMES) == (
        "nội dung: «Rà soát hộ nghèo quý I» → «Rà soát hộ nghèo, hộ cận nghèo quý I»; "
        "loại: Nhiệm vụ → Báo cáo"
    )


def test_bodies_statuses_and_dates_are_named_not_stored():
    assert describe({"lead_id": [1, 2], "partners": [[1], [2, 3]]}, NAMES) == (
        "chủ trì: Phòng Y tế → Phòng Giáo dục và Đào tạo; "
        "phối hợp: Phòng Y tế → Phòng Giáo dục và Đào tạo, Công an huyện"
    )
    assert describe({"status": ["not_started", "done"], "progress": 100}, NAMES) == (
        "tình trạng: Chưa thực hiện → Hoàn thành; tiến độ (%): 100"
    )
    assert describe({"due": ["2024-06-30", None]}, NAMES) == "hạn: 30/06/2024 → không có"


def test_an_extension_request_names_the_deadline_asked_for():
    detail = {"due": "2024-08-15", "reason": "Chờ kinh phí"}
    assert describe(detail, NAMES, "extension_requested") == (
        "hạn đề nghị: 15/08/2024; lý do: Chờ kinh phí"
    )


def test_a_key_no_label_names_is_left_out_rather_than_shown():
    assert describe({"internal_flag": True, "note": "Xong"}, NAMES) == "ghi chú: Xong"


def test_a_confirmed_inferred_deadline_reads_yes_then_no():
    detail = {"due": ["2024-12-31", "2024-12-31"], "due_inferred": [True, False]}
    assert describe(detail, NAMES) == (
        "hạn: 31/12/2024 → 31/12/2024; hạn suy ra từ thời hạn kế hoạch: có → không"
    )


def test_a_checked_ocr_doubt_reads_yes_then_no():
    assert describe({"ocr_doubt": [True, False]}, NAMES) == (
        "ngày, số liệu đọc bằng OCR cần kiểm tra: có → không"
    )
