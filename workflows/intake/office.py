"""LibreOffice as a converter: legacy Word .doc to .docx (and, for tests, .docx to PDF/HTML).

``soffice --headless --convert-to`` runs with a private profile directory, so conversions can
run side by side on one machine without fighting over the user's LibreOffice profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
_TIMEOUT_S = 600


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    sources: list[Path], to: str, outdir: Path, *, timeout: float = _TIMEOUT_S
) -> list[Path]:
    """Convert ``sources`` in one LibreOffice run; ``to`` is a filter spec ("docx", "pdf",
    "html", "doc"). Returns ``outdir / (stem + "." + extension)`` for each source; raises
    FileNotFoundError without LibreOffice, RuntimeError when a file was not converted."""
    binary = soffice()
    if binary is None:
        raise FileNotFoundError(f"soffice is not installed ({INSTALL_HINT})")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as profile:
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    extension = to.split(":")[0]
    outputs = [outdir / f"{source.stem}.{extension}" for source in sources]
    missing = [p.name for p in outputs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice made no {missing}")
    return outputs
