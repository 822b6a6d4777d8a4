"""Dates and numbers OCR read with low confidence, tied to the tasks whose text holds them.

The reader says where each doubtful word sits (its page and the text's lines holding it, see
:class:`workflows.intake.reading.OcrDoubt`); a task is flagged by the doubtful words on its own
lines (from its line to just before the next task's) that its text holds, so that the reviewer
checks them beside the task and not only in the document's list.
"""

from __future__ import annotations

import re

from workflows.intake.reading import OcrDoubt
from workflows.parsing.result import ExtractedTask

OCR_DOUBT_NOTE = "Ngày, số liệu đọc bằng OCR, cần kiểm tra"
_AROUND = " .,;:!?()[]«»\"'“”"  # what may cling to a word OCR read, outside the figure


def task_doubts(tasks: list[ExtractedTask], doubts: list[OcrDoubt]) -> dict[str, str]:
    """The note of each task (by its id) that holds doubtful words: "Ngày, số liệu đọc bằng
    OCR, cần kiểm tra: «15/6/2025» (trang 3)"; tasks read for sure are not in it."""
    starts = sorted({t.line for t in tasks})
    notes: dict[str, str] = {}
    for task in tasks:
        end = next((s for s in starts if s > task.line), None)
        found = [
            f"«{d.word}» (trang {d.page})"
            for d in doubts
            if any(task.line <= n and (end is None or n < end) for n in d.lines)
            and holds(task.text, d.word)
        ]
        if found:
            notes[task.id] = f"{OCR_DOUBT_NOTE}: {'; '.join(dict.fromkeys(found))}"
    return notes


def holds(text: str, word: str) -> bool:
    """Whether ``text`` has ``word`` as a whole figure: "30/11/2024." is in "trước ngày
    30/11/2024."; "2024" is not in "30/11/2024", nor "1" in "12"."""
    core = word.strip(_AROUND)
    return bool(core) and re.search(rf"(?<![\w/]){re.escape(core)}(?![\w/])", text) is not None
