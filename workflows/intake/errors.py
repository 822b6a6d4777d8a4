"""The one exception type the document readers let escape."""

from __future__ import annotations

# Short English slugs callers may branch on; the message is for people.
CODES = frozenset(
    {
        "empty",
        "scanned_pdf",
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


def describe(exc: BaseException) -> str:
    """One short line about a library exception, for the technical tail of a message."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:197] + "..."
