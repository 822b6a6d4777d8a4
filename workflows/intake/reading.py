"""What a reader reports besides the text: warnings for the reviewer and progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# progress(done, total, what): called as long readings (OCR) advance, e.g. (3, 12, "OCR").
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class OcrDoubt:
    """A date or number Tesseract read with low confidence, and where it sits in the text."""

    page: int  # 1-based
    word: str  # as read, e.g. "15/6/2025."
    lines: tuple[int, ...]  # the text's lines (1-based) on that page that hold the word


@dataclass
class Reading:
    """The text of a document, with what the reviewer should know about how it was read."""

    text: str = ""
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based numbers of pages read by OCR
    doubtful: list[OcrDoubt] = field(default_factory=list)  # OCR'd figures to check
    progress: Progress | None = None

    def advance(self, done: int, total: int, what: str) -> None:
        if self.progress is not None:
            self.progress(done, total, what)


def progress_line(done: int, total: int, what: str) -> str:
    """A progress report in words: ``(2, 12, "OCR")`` → "Đang nhận dạng chữ (OCR) trang 3/12…"."""
    doing = "nhận dạng chữ (OCR)" if what == "OCR" else what
    if done >= total:
        return f"Đã {doing} xong {total}/{total} trang."
    return f"Đang {doing} trang {done + 1}/{total}…"
