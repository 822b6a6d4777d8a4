"""An uploaded plan document: type checks by name and content, then read and parse.

The readers (``workflows.intake``) vet zip bombs, encodings and scanned PDFs and raise only
``DocumentError``; here we refuse what is plainly not a plan document before they run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from workflows.intake.errors import DocumentError
from workflows.parsing.result import ExtractedPlan
from workflows.registry.registry import Registry

MAX_PLAN_BYTES = 20 * 2**20
ACCEPTED = (".docx", ".pdf", ".txt")


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
            f"Tệp «{filename}»: chỉ nhận .docx, .pdf hoặc .txt "
            f"(không nhận {ext or 'tệp không đuôi'}).",
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
    if ext == ".txt" and (
        data.startswith((b"%PDF-", b"PK\x03\x04")) or b"\x00\x00\x00" in data[:4096]
    ):
        raise DocumentError(
            "corrupt", f"Tệp «{filename}»: không phải văn bản thuần (.txt).", filename=filename
        )
    return ext


def read_upload(data: bytes, filename: str, registry: Registry) -> Upload:
    """Read and parse; only ``DocumentError`` (or a missing parser, as one) escapes."""
    sniff(data, filename)
    from workflows.intake.readers import read_document_bytes

    text = read_document_bytes(data, filename, max_bytes=MAX_PLAN_BYTES)
    try:
        from workflows.plans.extraction import parse_bounded
    except ImportError as error:  # the parser ships separately; say so instead of crashing
        raise DocumentError(
            "unreadable", "Bộ phân tích kế hoạch chưa được cài đặt trên máy chủ.", filename=filename
        ) from error
    plan = parse_bounded(text, filename, registry)
    return Upload(text, plan, filename, hashlib.sha256(data).hexdigest())
