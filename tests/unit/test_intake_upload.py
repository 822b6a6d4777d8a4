"""What intake tells around the text: progress in words, the upload's type checks by content,
the reading's warnings ahead of the parser's, and an inferred deadline in the CLI summary."""

from __future__ import annotations

import pytest

from notifications.contexts import INFERRED_DEADLINE_NOTE
from web.intake import ACCEPTED, sniff
from workflows.intake.errors import DocumentError
from workflows.intake.reading import Reading, progress_line
from workflows.parsing.plan import parse_plan
from workflows.plans import extraction
from workflows.plans.summary import plan_summary
from workflows.registry.registry import Registry

PLAN = (
    "KẾ HOẠCH\nThực hiện chuyển đổi số năm 2025\n\nII. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n"
    "- Tăng cường kiểm tra.\n"
)


def test_ocr_progress_reads_as_the_page_being_read_then_as_done() -> None:
    assert progress_line(0, 12, "OCR") == "Đang nhận dạng chữ (OCR) trang 1/12…"
    assert progress_line(11, 12, "OCR") == "Đang nhận dạng chữ (OCR) trang 12/12…"
    assert progress_line(12, 12, "OCR") == "Đã nhận dạng chữ (OCR) xong 12/12 trang."


@pytest.mark.parametrize("name", ["kh.htm", "kh.HTML", "kh.doc", "kh.docx", "kh.pdf", "kh.txt"])
def test_an_upload_takes_every_type_the_command_line_reads(name: str) -> None:
    content = {".pdf": b"%PDF-1.7", ".docx": b"PK\x03\x04"}
    ext = name[name.rindex(".") :].lower()
    assert ext in ACCEPTED
    assert sniff(content.get(ext, b"<html><p>KE HOACH</p></html>"), name) == ext


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("kh.htm", b"PK\x03\x04zip", "không phải trang web Word (.htm)"),
        ("kh.html", b"%PDF-1.4", "không phải trang web Word (.htm)"),
        ("kh.txt", b"%PDF-1.4", "không phải văn bản thuần (.txt)"),
        ("kh.odt", b"PK\x03\x04", "chỉ nhận .docx, .doc, .pdf, .htm/.html (Word) hoặc .txt"),
    ],
)
def test_an_upload_whose_content_is_not_its_type_is_refused_in_words(
    name: str, data: bytes, says: str
) -> None:
    with pytest.raises(DocumentError) as refused:
        sniff(data, name)
    assert says in refused.value.message and name in refused.value.message


def test_what_the_reading_found_comes_first_among_the_plans_warnings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read(data: bytes, filename: str, *, progress: object = None) -> Reading:
        return Reading(text=data.decode(), warnings=["Trang 1 được đọc bằng OCR."], ocr_pages=[1])

    monkeypatch.setattr(extraction, "read_bytes_full", read)
    text = PLAN + "\n- Thực hiện theo Mục 9.9 Phần VII.\n"
    parsed = parse_plan(text)
    assert parsed.warnings, "the parser must warn about something for the order to show"
    got = extraction.extract_bytes(text.encode(), "kh.pdf", Registry([]))
    assert got.plan.warnings == ["Trang 1 được đọc bằng OCR.", *parsed.warnings]
    assert (got.text, got.ocr_pages) == (text, (1,))


def test_the_summary_shows_an_inferred_deadline_as_one_to_confirm() -> None:
    summary = plan_summary(parse_plan(PLAN))
    assert f"hạn: 31/12/2025 ({INFERRED_DEADLINE_NOTE})" in summary
