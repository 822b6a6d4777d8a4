"""Word HTML pages and legacy .doc files: read as the .docx they came from."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from tests.docgen import office_convert
from workflows.intake.readers import DocumentError, read_document, read_document_bytes

CORPUS = Path(__file__).parents[1] / "data" / "plans" / "corpus"
INSPECTION = CORPUS / "laocai-SCT-KH-3957-2026-kiem-tra-cap-gcn-19-don-vi.docx"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
ROW = (
    "| 1. | Rà soát việc đáp ứng các điều kiện của học viên | "
    "Đỗ Mạnh Cường; Vũ Việt Linh; Nguyễn Thị Loan |  |"
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)


def _html(body: str, charset: str = "utf-8") -> bytes:
    head = f'<html><head><meta http-equiv=Content-Type content="text/html; charset={charset}">'
    page = head + "<style>p {margin:0}</style></head><body>" + body + "</body></html>"
    if charset != "windows-1258":
        return page.encode(charset)
    out = []  # Windows-1258 as Vietnamese Windows wrote it: base letter, then a combining tone
    for ch in unicodedata.normalize("NFC", page):
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


def test_word_html_keeps_its_list_numbers_and_blocks() -> None:
    page = _html(
        "<p class=MsoNormal><b>KẾ HOẠCH</b></p>"
        "<p class=MsoListParagraph><![if !supportLists]><span style='mso-list:Ignore'>1."
        "<span style='font:7.0pt'>&nbsp;&nbsp; </span></span><![endif]>Sở Tài chính chủ trì"
        "<o:p></o:p></p><p>Dòng một<br>dòng hai</p>"
    )
    assert read_document_bytes(page, "kh.htm").split("\n") == [
        "KẾ HOẠCH",
        "1. Sở Tài chính chủ trì",
        "Dòng một",
        "dòng hai",
    ]


def test_html_lists_without_numbers_in_the_text_get_them() -> None:
    page = _html("<ol><li>Rà soát</li><li>Báo cáo<ul><li>hằng quý</li></ul></li></ol>")
    assert read_document_bytes(page, "kh.html").split("\n") == [
        "1. Rà soát",
        "2. Báo cáo",
        "+ hằng quý",
    ]


def test_html_tables_become_rows_with_spanning_cells_filled() -> None:
    page = _html(
        "<table><tr><td>TT</td><td>Nội dung</td><td>Chủ trì</td></tr>"
        "<tr><td>1</td><td>Rà soát</td><td rowspan=2><p>Sở Tư pháp</p><p>Sở Nội vụ</p></td></tr>"
        "<tr><td>2</td><td>Báo cáo</td></tr></table><p>Sau bảng</p>"
    )
    assert read_document_bytes(page, "kh.htm").split("\n") == [
        "| TT | Nội dung | Chủ trì |",
        "| 1 | Rà soát | Sở Tư pháp; Sở Nội vụ |",
        "| 2 | Báo cáo | Sở Tư pháp; Sở Nội vụ |",
        "",
        "Sau bảng",
    ]


def test_html_in_a_declared_legacy_charset_decodes() -> None:
    page = _html("<p>Kế hoạch triển khai</p>", charset="windows-1258")
    assert read_document_bytes(page, "kh.htm") == "Kế hoạch triển khai"


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("to", ["html", "doc"])
def test_a_libreoffice_html_or_doc_of_a_real_plan_reads_like_its_docx(
    to: str, tmp_path: Path
) -> None:
    (made,) = office_convert([INSPECTION], to, tmp_path)
    lines = read_document(made).split("\n")
    assert lines[:2] == ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG"]
    assert ROW in lines
    assert "KẾ HOẠCH" in lines


def test_a_doc_without_libreoffice_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(DocumentError) as caught:
        read_document_bytes(ole, "cu.doc")
    assert caught.value.code == "unsupported_type"
    assert "«cu.doc»" in caught.value.message and "lưu lại dạng .docx" in caught.value.message
    assert "apt-get install libreoffice-writer-nogui" in caught.value.message


def test_a_file_named_doc_that_is_not_one_is_refused() -> None:
    with pytest.raises(DocumentError) as caught:
        read_document_bytes(b"plain text, not Word", "gia.doc")
    assert caught.value.code == "corrupt" and "Word 97-2003" in caught.value.message


@needs_soffice
def test_a_broken_doc_is_refused_in_one_line(tmp_path: Path) -> None:
    broken = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\x13" * 300
    with pytest.raises(DocumentError) as caught:
        read_document_bytes(broken, "hong.doc")
    assert "\n" not in caught.value.message and "«hong.doc»" in caught.value.message
