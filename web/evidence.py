"""Evidence files on disk: size and type limits, content sniffing, names we choose ourselves.

The user's file name is kept only for display; on disk a file is ``<random hex><ext>`` under
``data_dir/evidence``, so no name can climb out of the folder or overwrite another file.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_EVIDENCE_BYTES = 10 * 2**20

# extension -> (content type served, sniffing test on the first bytes)
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain; charset=utf-8",
}
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


class EvidenceError(ValueError):
    """A file refused, with a Vietnamese reason."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int


def clean_name(name: str) -> str:
    """A display name: no folders, no control characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .")
    return name[:120] or "tep"


def check(data: bytes, filename: str) -> tuple[str, str]:
    """(extension, content type) of an acceptable file; :class:`EvidenceError` otherwise."""
    name = clean_name(filename)
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise EvidenceError(f"Tệp «{name}»: chỉ nhận các loại {allowed}.")
    if not data:
        raise EvidenceError(f"Tệp «{name}» rỗng.")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(f"Tệp «{name}» lớn hơn {MAX_EVIDENCE_BYTES // 2**20} MB.")
    if ext == ".txt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EvidenceError(f"Tệp «{name}» không phải văn bản UTF-8.") from error
    elif not data.startswith(_MAGIC[ext]):
        raise EvidenceError(f"Tệp «{name}»: nội dung không đúng loại {ext}.")
    return ext, ALLOWED[ext]


def store(folder: Path, data: bytes, filename: str) -> StoredFile:
    ext, content_type = check(data, filename)
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + ext
    path = folder / stored
    with path.open("xb") as handle:  # never overwrite
        handle.write(data)
    return StoredFile(stored, clean_name(filename), content_type, len(data))


def path_of(folder: Path, stored_name: str) -> Path:
    """The file for a stored name; a name we did not make is refused."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_name):
        raise EvidenceError("Tên tệp lưu trữ không hợp lệ.")
    return folder / stored_name
