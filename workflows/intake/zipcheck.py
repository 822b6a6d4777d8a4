"""Checks on a .docx zip, made before python-docx inflates anything.

First the central directory alone (memory proportional to the number of entries, not their
size): too many entries, too much declared content, or too dense an entry is a zip bomb,
refused without decompressing a byte. Then, because declared sizes can lie, every entry is
inflated in 64 KB chunks and counted, so memory stays flat whatever the entry really holds.
"""

from __future__ import annotations

import io
import zipfile

from workflows.intake.errors import explain, fail

MAX_ENTRIES = 2000
MAX_TOTAL_BYTES = 200 * 2**20
MAX_RATIO = 200
# Small parts of real documents (repetitive XML) can compress very well and cannot hurt
# memory; the ratio test guards the entries big enough to matter.
RATIO_FLOOR_BYTES = 2**20
_CHUNK = 64 * 2**10
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_PACKAGES = (
    ("xl/workbook.xml", "bảng tính Excel (.xlsx)"),
    ("ppt/presentation.xml", "bản trình chiếu PowerPoint (.pptx)"),
    ("content.xml", "văn bản OpenDocument (.odt)"),
)


def require_zip_signature(data: bytes, filename: str) -> None:
    """A .docx is a zip: it starts with "PK". Say what it is instead when we can tell."""
    if data.startswith(b"PK"):
        return
    if data.startswith(_OLE_MAGIC):
        what = (
            "là định dạng Word 97-2003 (.doc) hoặc tệp .docx đã đặt mật khẩu, không phải "
            ".docx thông thường. Hãy mở bằng Word, bỏ mật khẩu và lưu lại dạng .docx."
        )
    elif b"%PDF-" in data[:1024]:
        what = "nội dung thực ra là tệp PDF: hãy đổi đuôi tệp thành .pdf."
    else:
        what = "không phải tệp Word .docx (tệp .docx phải là gói ZIP, bắt đầu bằng «PK»)."
    raise fail("not_a_zip", filename, what)


def check_docx_zip(data: bytes, filename: str) -> None:
    """Refuse non-zips, zip bombs and zips without a Word body, reading only the directory."""
    require_zip_signature(data, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise fail(
            "not_a_zip",
            filename,
            "bắt đầu như tệp ZIP nhưng không đọc được mục lục ZIP: tệp bị hỏng hoặc tải lên "
            "chưa hết.",
        ) from exc
    except (ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise fail("corrupt", filename, f"mục lục ZIP bị hỏng ({explain(exc)}).") from exc
    _check_sizes(infos, filename)
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        raise fail("corrupt", filename, _missing_body_reason(names))
    if any(info.flag_bits & 0x1 for info in infos):
        raise fail("encrypted", filename, "gói ZIP có mục được mã hóa bằng mật khẩu.")
    for info in infos:
        # Word writes only these; zipfile inflates bzip2/lzma chunks without an output limit.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise fail(
                "corrupt",
                filename,
                f"mục «{info.filename}» dùng kiểu nén {info.compress_type}, không phải của Word.",
            )
    _check_declared_sizes(data, filename)


def _check_declared_sizes(data: bytes, filename: str) -> None:
    """Inflate every entry in small chunks to prove it is no bigger than its directory says.

    The directory's sizes are only claims: zipfile's ``read()`` inflates a whole entry at
    once and truncates to the claimed size afterwards, so an entry claiming 5 KB could still
    inflate to gigabytes in memory inside python-docx. Chunked reads keep memory flat; an
    entry that runs past its claim ends in a CRC error, or is stopped here.
    """
    entry = ""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                entry = info.filename
                produced = 0
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        produced += len(chunk)
                        if produced > info.file_size:
                            raise zipfile.BadZipFile("entry longer than declared")
    except Exception as exc:  # BadZipFile (CRC), zlib.error, NotImplementedError, EOFError...
        raise fail(
            "corrupt",
            filename,
            f"mục «{entry}» trong gói ZIP bị hỏng hoặc khai sai kích thước ({explain(exc)}).",
        ) from exc


def _check_sizes(infos: list[zipfile.ZipInfo], filename: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise fail(
            "zip_bomb",
            filename,
            f"gói ZIP có {len(infos)} mục (tối đa {MAX_ENTRIES}): không phải tệp Word bình "
            "thường, có thể là «bom ZIP».",
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise fail(
            "zip_bomb",
            filename,
            f"giải nén sẽ ra {total / 2**20:.0f} MB (tối đa {MAX_TOTAL_BYTES // 2**20} MB): "
            "có thể là «bom ZIP».",
        )
    for info in infos:
        if info.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise fail(
                "zip_bomb",
                filename,
                f"mục «{info.filename}» nén với tỉ lệ 1:{ratio:.0f} (tối đa 1:{MAX_RATIO}): "
                "có thể là «bom ZIP».",
            )


def _missing_body_reason(names: set[str]) -> str:
    for marker, kind in _OTHER_PACKAGES:
        if marker in names:
            return f"là {kind} chứ không phải văn bản Word .docx (thiếu word/document.xml)."
    return "gói ZIP không có phần thân văn bản word/document.xml: không phải tệp Word .docx."
