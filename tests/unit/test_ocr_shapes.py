"""Text as OCR gives it back: a heading number read with a comma, a heading's wrap spaced as
a paragraph. Both still read as the plan's structure."""

from __future__ import annotations

from workflows.intake.ocr import parse_tsv
from workflows.parsing.plan import parse_plan

_HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


def _tsv(*lines: list[str]) -> str:
    rows = [_HEADER]
    for n, words in enumerate(lines, start=1):
        for w, text in enumerate(words, start=1):
            rows.append(f"5\t1\t1\t1\t{n}\t{w}\t{100 * w}\t{60 * n}\t80\t40\t95\t{text}")
    return "\n".join(rows)


def test_a_heading_number_read_with_a_comma_gets_its_full_stop_back():
    page = parse_tsv(_tsv(["V,", "TỔ", "CHỨC"], ["1,", "Sở", "Tài", "chính"]))
    assert [w["text"] for w in page.words][:4] == ["V.", "TỔ", "CHỨC", "1."]


def test_a_roman_heading_number_with_a_letter_misread_for_i_is_read_as_the_number():
    page = parse_tsv(
        _tsv(["V],", "TỔ", "CHỨC"], ["TV.", "KINH", "PHÍ"], ["T.", "HÙNG"], ["l.", "Mục"])
    )
    words = [w["text"] for w in page.words]
    assert words == ["VI.", "TỔ", "CHỨC", "IV.", "KINH", "PHÍ", "T.", "HÙNG", "l.", "Mục"]


def test_figures_listed_with_commas_and_a_comma_inside_a_line_stay_as_read():
    page = parse_tsv(_tsv(["1,", "2", "và", "3"], ["quý", "I,", "II"], ["2,"], ["3,", "Sở"]))
    assert [w["text"] for w in page.words] == [
        "1,",
        "2",
        "và",
        "3",
        "quý",
        "I,",
        "II",
        "2,",
        "3.",
        "Sở",
    ]


PLAN = """\
UỶ BAN NHÂN DÂN
HUYỆN NAM TRÀ

KẾ HOẠCH
Tuyên truyền giảm nghèo năm 2025

I. MỤC ĐÍCH, YÊU CẦU

Nâng cao nhận thức của người dân về giảm nghèo.

II. TỔ CHỨC

THỰC HIỆN

1. Phòng Văn hóa và Thông tin

- Chủ trì tổ chức tuyên truyền về Chương trình giảm nghèo.

2. Phòng Tài chính - Kế hoạch

- Bố trí kinh phí thực hiện Kế hoạch.
"""


def test_a_capitalised_heading_wrapped_over_a_blank_line_is_still_the_assignment_section():
    plan = parse_plan(PLAN)
    assert [(t.lead, t.text[:24]) for t in plan.tasks] == [
        ("Phòng Văn hóa và Thông tin", "Chủ trì tổ chức tuyên tr"),
        ("Phòng Tài chính - Kế hoạch", "Bố trí kinh phí thực hiệ"),
    ]
    assert not [w for w in plan.warnings if "Tổ chức thực hiện" in w]
