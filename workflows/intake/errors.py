"""The one exception type the document readers let escape."""

from __future__ import annotations

import zipfile

# Short English slugs callers may branch on; the message is for people.
CODES = frozenset(
    {
        "empty",
        "scanned_pdf",
        "ocr_unavailable",
        "not_a_zip",
        "zip_bomb",
        "encoding",
        "unsupported_type",
        "too_large",
        "corrupt",
        "encrypted",
        "not_found",
        "unreadable",
    }
)


class DocumentError(Exception):
    """A document that cannot be read, with a user-facing Vietnamese message.

    ``code`` is a short English slug (see :data:`CODES`); ``message`` says what is wrong and
    where (file name, page, byte offset or zip entry). The original exception, if any, is
    chained as ``__cause__``.
    """

    def __init__(self, code: str, message: str, *, filename: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown DocumentError code: {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.filename = filename

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"DocumentError({self.code!r}, {self.message!r})"


def fail(code: str, filename: str, what: str) -> DocumentError:
    """Build an error whose message starts with the file name, so it always says where."""
    return DocumentError(code, f"Tệp «{filename}»: {what}", filename=filename)


def explain(exc: BaseException) -> str:
    """What a library exception means, in Vietnamese words a user can act on. The library's
    own (English) text stays out of messages: it is the error's ``__cause__``, shown by
    ``KEHOACH_DEBUG=1`` (see :func:`describe`)."""
    name = type(exc).__name__
    module = type(exc).__module__
    if isinstance(exc, PermissionError):
        return "không có quyền đọc tệp"
    if isinstance(exc, EOFError) or "truncat" in str(exc).lower():
        return "tệp bị cắt cụt, có thể tải lên chưa hết"
    if isinstance(exc, MemoryError):
        return "tệp quá lớn để xử lý"
    if isinstance(exc, NotImplementedError):
        return "tệp dùng kiểu nén hoặc tính năng chưa được hỗ trợ"
    if isinstance(exc, UnicodeError):
        return "có ký tự không đọc được"
    if isinstance(exc, zipfile.BadZipFile) or module == "zlib":
        return "dữ liệu nén bên trong bị hỏng"
    if "XMLSyntax" in name or module.startswith("lxml"):
        return "phần nội dung XML bên trong bị hỏng"
    if isinstance(exc, KeyError):
        return "thiếu một phần bắt buộc bên trong tệp"
    if module.startswith(("pypdf", "pdfminer", "pdfplumber", "pypdfium2")):
        return "cấu trúc PDF không đọc được"
    if isinstance(exc, OSError):
        return "hệ điều hành báo lỗi khi đọc tệp"
    return "nội dung bị hỏng hoặc không đúng định dạng"


def describe(exc: BaseException) -> str:
    """One short technical line about a library exception (for logs and KEHOACH_DEBUG)."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:197] + "..."
