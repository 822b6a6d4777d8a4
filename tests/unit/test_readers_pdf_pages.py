"""Paragraphs across a PDF's page breaks: a break that fell on the page break is kept."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from tests.docgen import FontMissing, render_pdf, unicode_font
from workflows.intake.readers import read_document


@pytest.fixture
def page_lines(tmp_path: Path) -> int:
    """How many short lines our renderer puts on a page."""
    try:
        unicode_font()
    except FontMissing as error:
        pytest.skip(str(error))
    path = render_pdf("\n".join(f"Dòng {n}" for n in range(100)), tmp_path / "count.pdf")
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages[0].extract_text().splitlines())


def _second_page_opens(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return pdf.pages[1].extract_text().splitlines()[0]


def _filler(count: int, start: int = 0) -> list[str]:
    return [f"nội dung dòng {n} của đoạn văn" for n in range(start, start + count)]


def test_a_numbered_heading_at_the_foot_of_a_page_stays_its_own_paragraph(
    tmp_path: Path, page_lines: int
) -> None:
    # the heading takes the page's last line but one; the blank line after it ends the page
    lines = [
        "Mở đầu",
        *_filler(page_lines - 4),
        "",
        "7. Liên hiệp các Hội Khoa học và Kỹ thuật",
        "",
        "Nghiên cứu, tư vấn, phản biện chính sách.",
        *_filler(page_lines + 5, start=100),
    ]
    pdf = render_pdf("\n".join(lines), tmp_path / "plan.pdf")
    assert _second_page_opens(pdf).startswith("Nghiên cứu")
    text = read_document(pdf)
    assert "7. Liên hiệp các Hội Khoa học và Kỹ thuật\n\nNghiên cứu, tư vấn" in text


def test_a_sentence_running_over_a_full_page_stays_one_paragraph(
    tmp_path: Path, page_lines: int
) -> None:
    lines = [
        *_filler(page_lines - 1),
        "2. Sở Y tế chủ trì tổ chức kiểm tra việc thực hiện.",
        "Sở Tài chính bảo đảm kinh phí",
        *_filler(page_lines + 5, start=100),
    ]
    pdf = render_pdf("\n".join(lines), tmp_path / "plan.pdf")
    assert _second_page_opens(pdf).startswith("Sở Tài chính")
    text = read_document(pdf)
    assert "thực hiện.\nSở Tài chính bảo đảm kinh phí" in text
