"""OCR of PDF pages: Tesseract with its Vietnamese data, run page by page as a subprocess.

A page is rendered to a grey image at 300 dpi (pypdfium2) and read by ``tesseract`` in TSV
mode: words with their boxes and a confidence. The words come back with boxes in PDF points,
so that the page is laid out by the same rules as a text layer
(:func:`workflows.intake.pdf_layout.word_lines`). Dates and numbers read with low confidence
are listed so that a reviewer checks them against the paper. A heading's number read with a
comma for its full stop ("V, TỔ CHỨC THỰC HIỆN", "1, Sở Tài chính") gets its full stop back.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from workflows.intake.errors import DocumentError, fail
from workflows.parsing.paragraph_joins import ROMAN

DPI = 300
LANGUAGE = "vie"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
_TIMEOUT_S = 300
# Below this confidence (0-100) a word holding digits is flagged for review.
_SURE = 90
_NUMERIC = re.compile(r"\d")
# A line's first word that is a heading number OCR read with a comma: "V," "IV," "1,"; or a
# Roman one with a letter misread ("V]," for "VI.", "TV." for "IV.").
_NUMBER_COMMA = re.compile(r"(\W*)(\d{1,2}),")
_ROMAN_READ = re.compile(r"(\W*)([IVX\]|lT1]{1,5})([.,]?)")
_ROMAN = re.compile(ROMAN)
_LOOK_LIKE_I = str.maketrans({"]": "I", "|": "I", "l": "I", "1": "I", "T": "I"})


@dataclass
class OcrPage:
    words: list[dict[str, Any]]  # x0, x1, top, bottom (PDF points) and text, as pdfplumber's
    doubtful: list[str] = field(default_factory=list)  # dates/numbers read with low confidence
    confidence: float = 0.0  # mean word confidence


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    """The languages the installed Tesseract can read; empty when it is not installed."""
    binary = shutil.which("tesseract")
    if binary is None:
        return frozenset()
    try:
        done = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:] if line.strip())


def require_ocr(filename: str, why: str) -> None:
    """Raise the "install Tesseract" message unless Tesseract with Vietnamese is there."""
    languages = tesseract_languages()
    if LANGUAGE in languages:
        return
    missing = "Tesseract" if not languages else "dữ liệu tiếng Việt của Tesseract"
    raise fail(
        "ocr_unavailable",
        filename,
        f"{why}: cần nhận dạng chữ (OCR) nhưng máy chủ chưa cài {missing}. "
        f"Quản trị viên cài bằng lệnh «{INSTALL_HINT}», hoặc tải lên bản .docx/.pdf gốc.",
    )


def render_page(pdf: Any, index: int) -> bytes:
    """Page ``index`` of a pypdfium2 document as a grey PNG at :data:`DPI`."""
    page = pdf[index]
    try:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    finally:
        page.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def ocr_image(png: bytes, filename: str, page_number: int) -> OcrPage:
    """The text of one page image, read by Tesseract (Vietnamese)."""
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "tsv"],
            input=png,
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise fail(
            "corrupt", filename, f"nhận dạng chữ trang {page_number} quá lâu, đã dừng."
        ) from exc
    except OSError as exc:
        raise fail(
            "ocr_unavailable", filename, f"không chạy được Tesseract ({INSTALL_HINT})."
        ) from exc
    if done.returncode != 0:
        raise DocumentError(
            "corrupt",
            f"Tệp «{filename}»: Tesseract không đọc được trang {page_number}.",
            filename=filename,
        )
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> OcrPage:
    """Words with their boxes (in points) and the doubtful numbers, from Tesseract's TSV."""
    scale = 72 / DPI
    words: list[dict[str, Any]] = []
    doubtful: list[str] = []
    confidences: list[float] = []
    rows = [
        row
        for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
        if row.get("level") == "5" and (row.get("text") or "").strip()
    ]
    for i, row in enumerate(rows):
        text = row["text"].strip()
        following = rows[i + 1] if i + 1 < len(rows) else None
        label = _heading_label(row, following) if following is not None else None
        if label is not None:
            text = label
        left, top = int(row["left"]) * scale, int(row["top"]) * scale
        words.append(
            {
                "text": text,
                "x0": left,
                "x1": left + int(row["width"]) * scale,
                "top": top,
                "bottom": top + int(row["height"]) * scale,
            }
        )
        confidence = float(row.get("conf") or 0)
        confidences.append(confidence)
        if _NUMERIC.search(text) and confidence < _SURE:
            doubtful.append(text)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(words, doubtful, mean)


def _heading_label(word: dict[str, str], following: dict[str, str]) -> str | None:
    """The heading number ``word`` stands for when it opens its line, misread, before a
    capitalised word on the same line ("V," "TỔ" → "V."; "V]," "TỔ" → "VI."), else None (a
    list "1, 2 và 3" goes on in figures; "1, Sở" is "1." only before a capital)."""

    def line_of(row: dict[str, str]) -> tuple[str, str, str]:
        return row.get("block_num", ""), row.get("par_num", ""), row.get("line_num", "")

    after = following["text"].strip()
    if (
        word.get("word_num") != "1"
        or line_of(word) != line_of(following)
        or not after[:1].isupper()
    ):
        return None
    text = word["text"].strip()
    arabic = _NUMBER_COMMA.fullmatch(text)
    if arabic:
        return f"{arabic.group(1)}{arabic.group(2)}."
    roman = _ROMAN_READ.fullmatch(text)
    if roman is None or not (after.isupper() and len(after) > 1):
        return None  # a Roman part's title is in capitals ("V], TỔ CHỨC THỰC HIỆN")
    read = roman.group(2).translate(_LOOK_LIKE_I)
    if not _ROMAN.fullmatch(read):
        return None
    if read != roman.group(2):  # a letter read for "I": only beside a V or an X ("T." alone
        return f"{roman.group(1)}{read}." if set(read) & {"V", "X"} else None  # is a name's)
    return f"{roman.group(1)}{read}." if roman.group(3) == "," else None
