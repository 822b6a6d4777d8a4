"""Legacy Word 97-2003 .doc: converted to .docx by LibreOffice, then read as a .docx.

Without LibreOffice on the server the file is refused with what to do (save it as .docx, or
have LibreOffice installed).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from workflows.intake.errors import fail
from workflows.intake.office import INSTALL_HINT, convert, soffice
from workflows.intake.readers_docx import read_docx

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TIMEOUT_S = 180


def read_doc(data: bytes, filename: str) -> str:
    if not data.startswith(_OLE_MAGIC):
        if data.startswith(b"PK"):
            what = "nội dung là gói ZIP (có thể là .docx): hãy đổi đuôi tệp thành .docx."
        else:
            what = "không phải tệp Word 97-2003 (.doc)."
        raise fail("corrupt", filename, what)
    if soffice() is None:
        raise fail(
            "unsupported_type",
            filename,
            "định dạng Word 97-2003 (.doc) cần LibreOffice để chuyển đổi nhưng máy chủ chưa "
            f"cài («{INSTALL_HINT}»): hãy mở bằng Word và lưu lại dạng .docx.",
        )
    with tempfile.TemporaryDirectory(prefix="kehoach-doc-") as tmp:
        source = Path(tmp) / "vanban.doc"
        source.write_bytes(data)
        try:
            (made,) = convert([source], "docx", Path(tmp) / "out", timeout=_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise fail("corrupt", filename, "chuyển đổi .doc sang .docx quá lâu, đã dừng.") from exc
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            raise fail(
                "corrupt",
                filename,
                "LibreOffice không chuyển được tệp .doc này sang .docx (tệp hỏng hoặc có mật "
                "khẩu): hãy mở bằng Word và lưu lại dạng .docx.",
            ) from exc
        return read_docx(made.read_bytes(), filename)
