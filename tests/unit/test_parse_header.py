"""The frame of a plan: number, issuer, place and date, title, bases, period, signer, recipients."""

from __future__ import annotations

from datetime import date

from workflows.parsing.header import parse_header
from workflows.parsing.normalize import normalize
from workflows.parsing.sections import build_items

LETTERHEAD = """|
**ỦY BAN NHÂN
DÂN **
THÀNH PHỐ CẦN THƠ
--------
|
**CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
|
|
Số: 0159/KH-UBND
|
*Cần Thơ, ngày
19 tháng 11 năm 2025*
|


**KẾ HOẠCH**

TRUYỀN THÔNG VỀ GIẢM NGHÈO NĂM 2025

Căn cứ Thông tư số
06/2022/TT-BTTTT ngày 30 tháng 6 năm 2022 của Bộ trưởng Bộ Thông tin và Truyền thông;

Thực hiện Kế hoạch số 77/KH-UBND ngày 17/9/2025 của Ủy ban nhân dân thành phố Cần Thơ;

Ủy ban nhân dân thành phố Cần Thơ ban hành Kế hoạch như sau:

**I. MỤC ĐÍCH**

- Tăng cường truyền thông.

Nơi nhận:
- Bộ NN&MT;
- UBND xã, phường (t/h);
- Lưu: VT, CT.
|
**TM. ỦY BAN NHÂN DÂN**
KT. CHỦ TỊCH
**PHÓ CHỦ TỊCH**
**Trần Chí Hùng**
|
"""

DRAFT = """Số: /KH-UBND

Ngọc Hôi, ngày tháng năm 2022

KẾ HOẠCH

Triển khai Cuộc vận động năm 2022

Ủy ban nhân dân huyện ban hành Kế hoạch trên địa bàn huyện Ngọc Hồi, như sau:

I. MỤC ĐÍCH

- Vận động trên địa bàn huyện Ngọc Hồi.
"""


def header(text: str):  # type: ignore[no-untyped-def]
    doc = normalize(text)
    items, _ = build_items(doc.paragraphs)
    return parse_header(doc, items)


def test_a_letterhead_gives_number_issuer_place_date_and_locality() -> None:
    h = header(LETTERHEAD)
    assert h.number == "0159/KH-UBND"
    assert h.issuer == "Ủy ban nhân dân thành phố Cần Thơ"
    assert (h.place, h.locality) == ("Cần Thơ", "thành phố Cần Thơ")
    assert (h.issued_on, h.year) == (date(2025, 11, 19), 2025)


def test_the_title_follows_ke_hoach_and_gives_the_period() -> None:
    h = header(LETTERHEAD)
    assert h.title == "TRUYỀN THÔNG VỀ GIẢM NGHÈO NĂM 2025"
    assert (h.period_start, h.period_end) == (date(2025, 1, 1), date(2025, 12, 31))


def test_bases_carry_number_and_date_and_a_plan_basis_is_the_parent() -> None:
    bases = header(LETTERHEAD).bases
    assert [(b.number, b.issued_on, b.is_plan) for b in bases] == [
        ("06/2022/TT-BTTTT", date(2022, 6, 30), False),
        ("77/KH-UBND", date(2025, 9, 17), True),
    ]


def test_signer_and_recipients_come_from_the_signature_block() -> None:
    h = header(LETTERHEAD)
    assert h.signer == "Trần Chí Hùng"
    assert h.recipients == ["Bộ NN&MT", "UBND xã, phường"]


def test_a_draft_has_no_number_and_no_date_but_a_year() -> None:
    h = header(DRAFT)
    assert (h.number, h.issued_on, h.year) == (None, None, 2022)


def test_without_a_letterhead_the_issuer_comes_from_the_body_and_its_locality() -> None:
    h = header(DRAFT)
    assert (h.issuer, h.locality) == ("Ủy ban nhân dân huyện Ngọc Hồi", "huyện Ngọc Hồi")


def test_a_title_wrapped_over_capitalised_lines_without_blank_lines_is_one_title() -> None:
    text = (
        "KẾ HOẠCH\n"
        "NÂNG CAO CHẤT LƯỢNG ĐỘI NGŨ CÁN BỘ LÀM CÔNG TÁC PHÁP CHẾ\n"
        "TRÊN ĐỊA BÀN TỈNH GIAI ĐOẠN 2026 - 2030\n"
        "Căn cứ Luật Ban hành văn bản quy phạm pháp luật;\n"
        "I. MỤC ĐÍCH\n"
        "- Nâng cao chất lượng.\n"
    )
    h = header(text)
    assert h.title == (
        "NÂNG CAO CHẤT LƯỢNG ĐỘI NGŨ CÁN BỘ LÀM CÔNG TÁC PHÁP CHẾ TRÊN ĐỊA BÀN TỈNH "
        "GIAI ĐOẠN 2026 - 2030"
    )
    assert (h.period_start, h.period_end) == (date(2026, 1, 1), date(2030, 12, 31))


def test_the_title_of_a_decision_does_not_swallow_the_signer_line_after_it() -> None:
    text = (
        "QUYẾT ĐỊNH\n\nVỀ VIỆC BAN HÀNH KẾ HOẠCH CÔNG TÁC NĂM 2026\n\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN HÒA\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n"
    )
    assert header(text).title == "VỀ VIỆC BAN HÀNH KẾ HOẠCH CÔNG TÁC NĂM 2026"


def _header_of(text: str):  # type: ignore[no-untyped-def]
    doc = normalize(text)
    items, _ = build_items(doc.paragraphs)
    return parse_header(doc, items)


def test_a_header_laid_out_as_a_two_column_table_gives_the_left_cell_as_issuer() -> None:
    header = _header_of(
        "| ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "| --- | --- |\n"
        "| Số: 552/KH-UBND | Độc lập - Tự do - Hạnh phúc |\n"
        "| | Đồng Tháp, ngày 5 tháng 9 năm 2025 |\n\n"
        "KẾ HOẠCH\n\nLộ trình đổi mới công nghệ\n"
    )
    assert (header.number, header.issuer, header.issued_on) == (
        "552/KH-UBND",
        "Ủy ban nhân dân tỉnh Đồng Tháp",
        date(2025, 9, 5),
    )


def test_without_a_header_block_issuer_and_date_are_empty_with_a_warning() -> None:
    header = _header_of(
        "Đang tải văn bản...\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
        "Độc lập - Tự do - Hạnh phúc\n\nKẾ HOẠCH\n\nTriển khai chuyển đổi số năm 2025\n"
    )
    assert (header.number, header.issuer, header.issued_on) == (None, None, None)
    assert header.title == "Triển khai chuyển đổi số năm 2025"
    assert "Không xác định được cơ quan ban hành; hãy nhập khi duyệt" in header.warnings
    assert "Không xác định được ngày ban hành; hãy nhập khi duyệt" in header.warnings
