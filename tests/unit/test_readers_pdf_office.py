"""PDFs as offices and scanners make them: LibreOffice prints of real .docx files read from
their geometry (tables as rows, letterhead by columns), a text layer without ToUnicode maps
detected and read by OCR, a scanned plan read by Tesseract with its duties found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.docgen import office_convert, rasterise_pdf, render_pdf, strip_to_unicode
from tests.golden import (
    PLANS_DIR,
    compare_plan,
    load_golden,
    load_registry_or_none,
)
from workflows.intake.ocr import tesseract_languages
from workflows.intake.readers import read_document, read_document_full
from workflows.intake.text_quality import judge
from workflows.parsing.plan import parse_plan

CORPUS = PLANS_DIR / "corpus"
INSPECTION = CORPUS / "laocai-SCT-KH-3957-2026-kiem-tra-cap-gcn-19-don-vi.docx"
KON_TUM = PLANS_DIR / "dak-to-lung-2024-cuoc-van-dong"

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)
needs_tesseract = pytest.mark.skipif(
    "vie" not in tesseract_languages(),
    reason="Tesseract with Vietnamese is not installed: "
    "apt-get install tesseract-ocr tesseract-ocr-vie",
)
needs_scanner_tools = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("img2pdf") is None,
    reason="pdftoppm/img2pdf are not installed: apt-get install poppler-utils img2pdf",
)


@pytest.fixture(scope="module")
def inspection_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    (made,) = office_convert([INSPECTION], "pdf", tmp_path_factory.mktemp("lo"))
    return made


@needs_soffice
@pytest.mark.slow
def test_a_libreoffice_pdf_reads_its_letterhead_column_by_column(inspection_pdf: Path) -> None:
    lines = read_document(inspection_pdf).split("\n")
    assert lines[:3] == ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số: /KH-SCT"]
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines[3:6]


@needs_soffice
@pytest.mark.slow
def test_a_ruled_table_in_a_libreoffice_pdf_comes_back_as_rows(inspection_pdf: Path) -> None:
    lines = read_document(inspection_pdf).split("\n")
    assert "| TT | Nhiệm vụ thực hiện | Người thực hiện | Ghi chú |" in lines
    assert (
        "| 1. | Rà soát việc đáp ứng các điều kiện của học viên | "
        "Đỗ Mạnh Cường; Vũ Việt Linh; Nguyễn Thị Loan |  |"
    ) in lines


@needs_soffice
@pytest.mark.slow
def test_a_libreoffice_pdf_gives_the_parser_the_docx_header(inspection_pdf: Path) -> None:
    from_pdf = parse_plan(read_document(inspection_pdf))
    from_docx = parse_plan(read_document(INSPECTION))
    assert from_pdf.issuer == from_docx.issuer == "Sở Công Thương tỉnh Lào Cai"
    assert from_pdf.year == from_docx.year == 2026


def test_vietnamese_text_is_judged_readable_and_mojibake_is_not() -> None:
    plan = (KON_TUM.with_suffix(".txt")).read_text(encoding="utf-8")[:3000]
    assert judge(plan).readable
    assert not judge("(cid:12)(cid:45)(cid:7) " * 40).readable
    tcvn3_mojibake = "KÕ ho¹ch thùc hiÖn c«ng t¸c gi¶m nghÌo cña huyÖn n¨m 2024 " * 5
    assert not judge(tcvn3_mojibake).readable
    assert not judge("\ue001\ue002\ue003 \ue004\ue005 " * 30).readable


@needs_tesseract
@pytest.mark.slow
def test_a_text_layer_without_tounicode_is_detected_and_read_by_ocr(tmp_path: Path) -> None:
    text = (
        "KẾ HOẠCH\nThực hiện công tác giảm nghèo năm 2024\n\n"
        "1. Ủy ban nhân dân xã chủ trì, phối hợp với các đơn vị liên quan tổ chức triển khai "
        "thực hiện kế hoạch trên địa bàn.\n"
        "2. Phòng Lao động - Thương binh và Xã hội báo cáo kết quả thực hiện trước ngày "
        "15/12/2024.\n"
    )
    good = render_pdf(text, tmp_path / "good.pdf", font_size=14)
    broken = strip_to_unicode(good, tmp_path / "broken.pdf")
    reading = read_document_full(broken)
    assert reading.ocr_pages == [1]
    assert "Phòng Lao động" in reading.text and "giảm nghèo" in reading.text
    assert reading.warnings[0].startswith("Trang 1 có lớp chữ hỏng (")
    assert any("OCR" in w for w in reading.warnings[1:])


@needs_tesseract
@needs_soffice
@needs_scanner_tools
@pytest.mark.slow
def test_a_scanned_kon_tum_plan_imports_through_ocr_with_its_duties(tmp_path: Path) -> None:
    from tests.golden import rendering

    document = KON_TUM.with_suffix(".txt")
    scan = rendering(document, ".scan.pdf", tmp_path)
    assert "Kế hoạch" not in _text_layer(scan), "the scan must have no text layer"
    progress: list[tuple[int, int, str]] = []
    reading = read_document_full(scan, progress=lambda *step: progress.append(step))
    pages = len(reading.ocr_pages)
    assert pages >= 2 and progress[-1] == (pages, pages, "OCR")
    assert any("ngày tháng, số liệu" in w for w in reading.warnings)
    registry = load_registry_or_none()
    plan = parse_plan(reading.text, resolve=registry.resolve if registry else None)
    golden = load_golden(KON_TUM.with_suffix(".expected.json"))
    comparison = compare_plan(plan, golden, check_lines=False, registry=registry)
    required = [r for r in comparison.duties if not r.optional]
    right = sum(r.status == "right" for r in required)
    assert right >= 0.8 * len(required), [r.describe() for r in required if r.status != "right"]


def _text_layer(pdf: Path) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        return "".join(page.extract_text() or "" for page in opened.pages)


def test_rasterising_needs_its_tools_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.docgen import ToolMissing

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match="poppler-utils"):
        rasterise_pdf(tmp_path / "a.pdf", tmp_path / "b.pdf")
