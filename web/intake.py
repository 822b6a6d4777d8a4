"""An uploaded plan document: type checks by name and content, then read and parse.

The readers (``workflows.intake``) vet zip bombs, encodings and scanned PDFs and raise only
``DocumentError``; here we refuse what is plainly not a plan document before they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from workflows.intake.errors import DocumentError
from workflows.intake.reading import Progress
from workflows.parsing.result import ExtractedPlan
from workflows.plans.extraction import extract_bytes
from workflows.registry.registry import Registry

MAX_PLAN_BYTES = 20 * 2**20
ACCEPTED = (".docx", ".doc", ".pdf", ".htm", ".html", ".txt")
ACCEPTED_WORDS = ".docx, .doc, .pdf, .htm/.html (Word) hoặc .txt"
_TEXT_LIKE = (".txt", ".htm", ".html")  # never a PDF or a zip under another name


@dataclass(frozen=True)
class Upload:
    text: str
    plan: ExtractedPlan
    filename: str
    sha256: str


def sniff(data: bytes, filename: str) -> str:
    """The extension, if the content looks like it; a :class:`DocumentError` otherwise."""
    ext = PurePath(filename).suffix.lower()
    if ext not in ACCEPTED:
        raise DocumentError(
            "unsupported_type",
            f"Tệp «{filename}»: chỉ nhận {ACCEPTED_WORDS} (không nhận {ext or 'tệp không đuôi'}).",
            filename=filename,
        )
    if len(data) > MAX_PLAN_BYTES:
        raise DocumentError(
            "too_large",
            f"Tệp «{filename}» lớn hơn {MAX_PLAN_BYTES // 2**20} MB.",
            filename=filename,
        )
    looks = {".pdf": data.startswith(b"%PDF-"), ".docx": data.startswith(b"PK\x03\x04")}
    if ext in looks and not looks[ext]:
        raise DocumentError(
            "corrupt", f"Tệp «{filename}»: nội dung không phải tệp {ext}.", filename=filename
        )
    if ext in _TEXT_LIKE and (
        data.startswith((b"%PDF-", b"PK\x03\x04")) or b"\x00\x00\x00" in data[:4096]
    ):
        kind = "văn bản thuần (.txt)" if ext == ".txt" else "trang web Word (.htm)"
        raise DocumentError("corrupt", f"Tệp «{filename}»: không phải {kind}.", filename=filename)
    return ext


def read_upload(
    data: bytes, filename: str, registry: Registry, progress: Progress | None = None
) -> Upload:
    """Read and parse (what the reading found comes first among the plan's warnings: pages
    read by OCR, figures to check); ``progress(done, total, what)`` as OCR advances. Only
    ``DocumentError`` escapes."""
    sniff(data, filename)
    extraction = extract_bytes(data, filename, registry, progress)
    return Upload(extraction.text, extraction.plan, filename, extraction.sha256)
