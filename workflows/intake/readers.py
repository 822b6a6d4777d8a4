"""Reading plan documents (.txt, .docx, .pdf, Word .htm, legacy .doc) into NFC text: the only
I/O of intake.

    text = read_document(Path("ke-hoach.docx"))

Every failure is a :class:`DocumentError` with a Vietnamese message naming the file and,
when known, the place (page, byte offset, zip entry); the library exception that caused it
is kept as ``__cause__``. The type is taken from the extension and confirmed by the content.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from workflows.intake.encoding import decode_text
from workflows.intake.errors import DocumentError, explain, fail
from workflows.intake.readers_doc import read_doc
from workflows.intake.readers_docx import read_docx
from workflows.intake.readers_html import read_html
from workflows.intake.readers_pdf import read_pdf
from workflows.intake.reading import Progress, Reading

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DocumentError",
    "Progress",
    "Reading",
    "read_bytes_full",
    "read_document",
    "read_document_bytes",
    "read_document_full",
]

DEFAULT_MAX_BYTES = 20 * 2**20
_CHUNK = 2**20
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")


def _read_text(data: bytes, filename: str, reading: Reading) -> str:
    """A .txt must not be a renamed PDF or .docx: say so rather than print binary as text."""
    if data.startswith(b"%PDF-"):
        raise fail("unsupported_type", filename, "nội dung là tệp PDF: hãy đổi đuôi thành .pdf.")
    if data.startswith(b"PK\x03\x04"):
        raise fail(
            "unsupported_type", filename, "nội dung là gói ZIP (có thể là .docx): hãy đổi đuôi."
        )
    del reading
    return decode_text(data, filename)


def _text_only(read: Callable[[bytes, str], str]) -> Callable[[bytes, str, Reading], str]:
    """A reader with nothing to report besides the text."""

    def reader(data: bytes, filename: str, reading: Reading) -> str:
        del reading
        return read(data, filename)

    return reader


_READERS: dict[str, Callable[[bytes, str, Reading], str]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".docx": _text_only(read_docx),
    ".pdf": read_pdf,
    ".htm": _text_only(read_html),
    ".html": _text_only(read_html),
    ".doc": _text_only(read_doc),
}
_OLD_FORMATS = {
    ".rtf": "RTF: hãy mở bằng Word và lưu lại dạng .docx",
    ".odt": "OpenDocument (.odt): hãy lưu lại dạng .docx",
    ".xlsx": "bảng tính Excel: kế hoạch cần ở dạng .docx, .pdf hoặc .txt",
    ".xls": "bảng tính Excel: kế hoạch cần ở dạng .docx, .pdf hoặc .txt",
}


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """NFC text of the document at ``path``; raises only :class:`DocumentError`."""
    return read_document_full(path, max_bytes=max_bytes).text


def read_document_full(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None
) -> Reading:
    """The document at ``path`` read, with warnings (OCR) and ``progress`` reported."""
    path = Path(path)
    name = path.name or str(path)
    _reader_for(name)  # refuse an unknown type before touching the disk
    try:
        data = _read_at_most(path, max_bytes + 1)
    except FileNotFoundError as exc:
        raise fail("not_found", name, f"không tìm thấy tệp ({path}).") from exc
    except IsADirectoryError as exc:
        raise fail("unreadable", name, f"đây là thư mục, không phải tệp ({path}).") from exc
    except OSError as exc:
        raise fail("unreadable", name, f"không đọc được tệp ({explain(exc)}).") from exc
    return read_bytes_full(data, name, max_bytes=max_bytes, progress=progress)


def read_document_bytes(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """NFC text of a document given as bytes; ``filename`` gives the type and the messages."""
    return read_bytes_full(data, filename, max_bytes=max_bytes).text


def read_bytes_full(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> Reading:
    """A document given as bytes, read with warnings and progress (see :class:`Reading`)."""
    reader = _reader_for(filename)
    if len(data) > max_bytes:
        raise fail(
            "too_large",
            filename,
            f"tệp lớn hơn giới hạn {max_bytes / 2**20:.0f} MB: hãy tách hoặc nén lại.",
        )
    if not data.strip():
        raise fail("empty", filename, "tệp rỗng, không có nội dung.")
    reading = Reading(progress=progress)
    try:
        text = reader(data, filename, reading)
    except DocumentError:
        raise
    except Exception as exc:  # the promise: nothing but DocumentError escapes
        raise fail("corrupt", filename, f"không đọc được tệp ({explain(exc)}).") from exc
    text = unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))
    if not text.strip():
        raise fail("empty", filename, "tệp không có chữ nào (chỉ có khoảng trắng).")
    reading.text = text
    return reading


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's first ``limit`` bytes, in chunks: ``read(limit)`` would allocate ``limit``
    bytes up front even for a tiny file, and a device never ends."""
    chunks: list[bytes] = []
    size = 0
    with path.open("rb") as handle:
        while size < limit:
            chunk = handle.read(min(_CHUNK, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)


def _reader_for(filename: str) -> Callable[[bytes, str], str]:
    suffix = Path(filename).suffix.lower()
    if suffix in _READERS:
        return _READERS[suffix]
    if suffix in _OLD_FORMATS:
        raise fail("unsupported_type", filename, f"định dạng {_OLD_FORMATS[suffix]}.")
    shown = suffix or "(không có đuôi)"
    raise fail(
        "unsupported_type",
        filename,
        f"loại tệp {shown} không được hỗ trợ: chỉ nhận .docx, .doc, .pdf, .htm hoặc .txt.",
    )
