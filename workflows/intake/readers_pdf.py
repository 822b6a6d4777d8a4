"""PDF: the text layer, page by page (pypdf's default, layout-less extraction).

A PDF whose pages carry (almost) no text is a scan: it needs OCR, which is not ours to do.
"""

from __future__ import annotations

import io

from pypdf import PasswordType, PdfReader

from workflows.intake.errors import DocumentError, explain, fail

# Fewer visible characters than this per page on average: a scan (maybe with a page number
# or a stamp in the text layer), not a text document.
_SCANNED_CHARS_PER_PAGE = 10


def require_pdf_signature(data: bytes, filename: str) -> None:
    """A PDF starts with "%PDF-" (the standard allows some junk before it, within 1 KB)."""
    if b"%PDF-" in data[:1024]:
        return
    if data.startswith(b"PK"):
        what = "nội dung là gói ZIP (có thể là .docx): hãy đổi đuôi tệp cho đúng."
    else:
        what = "không phải tệp PDF (không có chữ ký «%PDF-» ở đầu tệp)."
    raise fail("corrupt", filename, what)


def read_pdf(data: bytes, filename: str) -> str:
    """Text of every page joined with newlines; errors name the page when known."""
    require_pdf_signature(data, filename)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _unlock(reader, filename)
        pages = list(reader.pages)
    except DocumentError:
        raise
    except Exception as exc:
        raise fail("corrupt", filename, f"cấu trúc PDF bị hỏng ({explain(exc)}).") from exc
    if not pages:
        raise fail("empty", filename, "tệp PDF không có trang nào.")
    texts = [_page_text(page, number, filename) for number, page in enumerate(pages, start=1)]
    text = "\n".join(texts).replace("\x00", "")
    visible = sum(1 for ch in text if not ch.isspace())
    if visible < _SCANNED_CHARS_PER_PAGE * len(pages):
        raise fail(
            "scanned_pdf",
            filename,
            f"tệp PDF có {len(pages)} trang nhưng không có lớp văn bản (bản scan?): "
            "cần OCR (nhận dạng chữ) trước khi nhập, hoặc dùng bản .docx/.pdf gốc.",
        )
    return text


def _unlock(reader: PdfReader, filename: str) -> None:
    """Open a PDF that is encrypted with an empty user password; refuse a real password."""
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception as exc:
        raise fail(
            "encrypted", filename, f"tệp PDF được mã hóa và không mở được ({explain(exc)})."
        ) from exc
    if not unlocked:
        raise fail(
            "encrypted",
            filename,
            "tệp PDF được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.",
        )


def _page_text(page: object, number: int, filename: str) -> str:
    try:
        return page.extract_text() or ""  # type: ignore[attr-defined]
    except Exception as exc:
        raise fail(
            "corrupt", filename, f"không trích được chữ ở trang {number} ({explain(exc)})."
        ) from exc
