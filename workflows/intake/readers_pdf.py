"""PDF: the text layer read from its geometry (pdfplumber), and OCR where there is none.

Pages with a good text layer are read by :mod:`workflows.intake.pdf_layout` (lines, blank
lines from vertical gaps, ruled tables as rows). A page without text (a scan) or whose text
is mojibake (fonts without a ToUnicode map, see :mod:`workflows.intake.text_quality`) is
rendered and read by Tesseract (:mod:`workflows.intake.ocr`), page by page with progress; the
reading then warns that OCR'd dates and numbers need checking, and lists the doubtful ones with
the lines of the text that hold them (so that the tasks written there are flagged). Without
Tesseract those pages are refused with the command that installs it.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from workflows.intake.errors import DocumentError, explain, fail
from workflows.intake.ocr import OcrPage, ocr_image, render_page, require_ocr
from workflows.intake.pdf_layout import (
    Line,
    TableBlock,
    flow,
    join_page_tables,
    page_blocks,
    page_ends,
    word_lines,
    wrap_pitch,
)
from workflows.intake.reading import OcrDoubt, Reading
from workflows.intake.text_quality import judge

# Fewer visible characters than this on a page: no text layer (maybe a page number or a
# stamp), a scan.
_SCANNED_CHARS_PER_PAGE = 10
_MAX_DOUBTFUL_SHOWN = 12


def require_pdf_signature(data: bytes, filename: str) -> None:
    """A PDF starts with "%PDF-" (the standard allows some junk before it, within 1 KB)."""
    if b"%PDF-" in data[:1024]:
        return
    if data.startswith(b"PK"):
        what = "nội dung là gói ZIP (có thể là .docx): hãy đổi đuôi tệp cho đúng."
    else:
        what = "không phải tệp PDF (không có chữ ký «%PDF-» ở đầu tệp)."
    raise fail("corrupt", filename, what)


def read_pdf(data: bytes, filename: str, reading: Reading) -> str:
    """Text of every page in order; errors name the page when known."""
    require_pdf_signature(data, filename)
    layers = _text_layers(data, filename)
    if not layers:
        raise fail("empty", filename, "tệp PDF không có trang nào.")
    bad = {n: why for n, (blocks, why) in enumerate(layers, start=1) if why}
    by_ocr, doubtful = _ocr_pages(data, filename, bad, len(layers), reading) if bad else ({}, {})
    pages = [by_ocr.get(n, blocks) for n, (blocks, _) in enumerate(layers, start=1)]
    join_page_tables(pages)
    pitch = wrap_pitch(pages)
    flowed = [flow(blocks, pitch) for blocks in pages]
    for lines, ends in zip(flowed, page_ends(pages, pitch), strict=True):
        if ends and lines and lines[-1]:
            lines.append("")  # the paragraph break fell on the page break
    text = "\n".join(line for lines in flowed for line in lines).replace("\x00", "")
    reading.doubtful.extend(placed_doubts(flowed, doubtful))
    if by_ocr and not text.strip():
        raise fail(
            "scanned_pdf",
            filename,
            f"tệp PDF có {len(layers)} trang, không có lớp văn bản, và nhận dạng chữ (OCR) "
            "không đọc ra chữ nào: hãy quét lại rõ hơn hoặc dùng bản .docx/.pdf gốc.",
        )
    return text


def placed_doubts(pages: list[list[str]], doubtful: dict[int, list[str]]) -> list[OcrDoubt]:
    """Each page's doubtful words (once each), with the lines of the document's text on that
    page that hold them; ``pages`` are the text lines of every page, in order."""
    starts = [1]
    for lines in pages:
        starts.append(starts[-1] + len(lines))
    out = []
    for page, words in sorted(doubtful.items()):
        first, lines = starts[page - 1], pages[page - 1]
        for word in dict.fromkeys(words):
            held = tuple(first + i for i, line in enumerate(lines) if word in line.split())
            out.append(OcrDoubt(page, unicodedata.normalize("NFC", word), held))
    return out


def _text_layers(data: bytes, filename: str) -> list[tuple[list[Line | TableBlock], str]]:
    """Each page's blocks, with why the layer is unusable ("" when it is fine)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="")
    except PdfminerException as exc:
        if not (exc.args and isinstance(exc.args[0], PDFPasswordIncorrect)):
            raise fail("corrupt", filename, f"cấu trúc PDF bị hỏng ({explain(exc)}).") from exc
        raise fail(
            "encrypted",
            filename,
            "tệp PDF được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.",
        ) from exc
    except Exception as exc:
        raise fail("corrupt", filename, f"cấu trúc PDF bị hỏng ({explain(exc)}).") from exc
    out: list[tuple[list[Line | TableBlock], str]] = []
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as exc:
            raise fail("corrupt", filename, f"cấu trúc PDF bị hỏng ({explain(exc)}).") from exc
        for number, page in enumerate(pages, start=1):
            out.append(_layer(page, number, filename))
            page.close()
    return out


def _layer(page: Any, number: int, filename: str) -> tuple[list[Line | TableBlock], str]:
    try:
        blocks = page_blocks(page)
    except Exception as exc:
        raise fail(
            "corrupt", filename, f"không trích được chữ ở trang {number} ({explain(exc)})."
        ) from exc
    text = "\n".join(line for block in blocks for line in flow([block], 0.0) if line.strip())
    if sum(1 for ch in text if not ch.isspace()) < _SCANNED_CHARS_PER_PAGE:
        return blocks, "không có lớp chữ (bản scan)"
    verdict = judge(text)
    return blocks, "" if verdict.readable else f"lớp chữ hỏng: {verdict.reason}"


def _ocr_pages(
    data: bytes,
    filename: str,
    bad: dict[int, str],
    page_count: int,
    reading: Reading,
) -> tuple[dict[int, list[Line | TableBlock]], dict[int, list[str]]]:
    """The lines of the ``bad`` pages read by OCR, and each page's doubtful words (dates and
    numbers read with low confidence); warnings and progress go to ``reading``."""
    first = min(bad)
    scanned = all(why.startswith("không có lớp chữ") for why in bad.values())
    if scanned and len(bad) == page_count:
        why = f"tệp PDF có {page_count} trang nhưng không có lớp văn bản (bản scan?)"
    else:
        why = f"trang {first} {bad[first]}"
    require_ocr(filename, why)
    try:
        pdf = pypdfium2.PdfDocument(data, password="")
    except Exception as exc:
        raise fail("corrupt", filename, f"không dựng được ảnh trang PDF ({explain(exc)}).") from exc
    pages: dict[int, list[Line | TableBlock]] = {}
    doubtful: dict[int, list[str]] = {}
    try:
        for done, number in enumerate(sorted(bad), start=1):
            reading.advance(done - 1, len(bad), "OCR")
            result, height = _ocr_one(pdf, number, filename)
            pages[number] = list(word_lines(result.words, height))
            if result.doubtful:
                doubtful[number] = result.doubtful
        reading.advance(len(bad), len(bad), "OCR")
    finally:
        pdf.close()
    reading.ocr_pages.extend(sorted(bad))
    shown = ", ".join(str(n) for n in sorted(bad))
    broken = [n for n in sorted(bad) if not bad[n].startswith("không có lớp chữ")]
    if broken:
        why = bad[broken[0]].removeprefix("lớp chữ hỏng: ")
        reading.warnings.append(
            f"Trang {', '.join(str(n) for n in broken)} có lớp chữ hỏng ({why}): "
            "đã đọc lại bằng nhận dạng chữ (OCR) thay cho lớp chữ."
        )
    reading.warnings.append(
        f"Trang {shown} được đọc bằng nhận dạng chữ (OCR): hãy đối chiếu ngày tháng, số liệu "
        "và tên cơ quan với bản giấy."
    )
    places = [f"trang {n}: «{w}»" for n, words in sorted(doubtful.items()) for w in words]
    if places:
        more = len(places) - _MAX_DOUBTFUL_SHOWN
        listed = "; ".join(places[:_MAX_DOUBTFUL_SHOWN]) + (
            f" và {more} chỗ khác" if more > 0 else ""
        )
        reading.warnings.append(f"Số liệu OCR đọc chưa chắc chắn, cần kiểm tra: {listed}.")
    return pages, doubtful


def _ocr_one(pdf: Any, number: int, filename: str) -> tuple[OcrPage, float]:
    """The OCR of page ``number`` and the page's height in points."""
    try:
        height = float(pdf[number - 1].get_height())
        png = render_page(pdf, number - 1)
    except DocumentError:
        raise
    except Exception as exc:
        raise fail(
            "corrupt", filename, f"không dựng được ảnh trang {number} ({explain(exc)})."
        ) from exc
    return ocr_image(png, filename, number), height
