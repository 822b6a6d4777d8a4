"""Dates and numbers OCR read with low confidence, tied to the tasks whose text holds them.

The reader says where each doubtful word sits (its page and the text's lines holding it, see
:class:`workflows.intake.reading.OcrDoubt`); a task is flagged by the doubtful words on its own
lines (from its line to just before the next task's) that its text holds, so that the reviewer
checks them beside the task and not only in the document's list. A doubtful date written apart
from the duty's text (its section's heading "1. Trước ngày 30/6/2025", a field line "Thời gian:
30/6/2025") flags the tasks of that section whose deadline it is: their deadline rests on it.
"""

from __future__ import annotations

import re

from workflows.intake.reading import OcrDoubt
from workflows.parsing.dated_periods import dated_periods
from workflows.parsing.result import ExtractedTask

OCR_DOUBT_NOTE = "Ngày, số liệu đọc bằng OCR, cần kiểm tra"
_AROUND = " .,;:!?()[]«»\"'“”"  # what may cling to a word OCR read, outside the figure


def task_doubts(tasks: list[ExtractedTask], doubts: list[OcrDoubt]) -> dict[str, str]:
    """The note of each task (by its id) that holds doubtful words, or whose deadline is a
    doubtful date of its section written outside every duty's text: "Ngày, số liệu đọc bằng
    OCR, cần kiểm tra: «15/6/2025» (trang 3)"; tasks read for sure are not in it."""
    if not doubts:  # a document read without OCR, or read for sure: nothing to place
        return {}
    ordered = sorted(tasks, key=lambda t: t.line)
    starts = sorted({t.line for t in tasks})
    notes: dict[str, str] = {}
    for task in tasks:
        end = next((s for s in starts if s > task.line), None)
        opens = _section_start(ordered, task)
        found = [
            f"«{d.word}» (trang {d.page})"
            for d in doubts
            if _in_its_text(task, d, end) or _is_its_deadline(task, d, ordered, opens, end)
        ]
        if found:
            notes[task.id] = f"{OCR_DOUBT_NOTE}: {'; '.join(dict.fromkeys(found))}"
    return notes


def _in_its_text(task: ExtractedTask, doubt: OcrDoubt, end: int | None) -> bool:
    """Whether ``doubt`` sits on ``task``'s own lines (up to the next task) and its text
    holds it."""
    on_its_lines = any(task.line <= n and (end is None or n < end) for n in doubt.lines)
    return on_its_lines and holds(task.text, doubt.word)


def _section_start(ordered: list[ExtractedTask], task: ExtractedTask) -> int:
    """The first line after the last task of another section before ``task``'s section began
    (where its heading is written)."""
    before = [t for t in ordered if t.line <= task.line]
    while before and before[-1].section == task.section:
        before.pop()
    return before[-1].line + 1 if before else 1


def _is_its_deadline(
    task: ExtractedTask,
    doubt: OcrDoubt,
    ordered: list[ExtractedTask],
    opens: int,
    end: int | None,
) -> bool:
    """Whether ``doubt`` is a date giving ``task`` its deadline, written in its section (up to
    the next task) on a line no other duty's text holds it on."""
    if task.due is None or not any(
        hit.due == task.due for hit in dated_periods(doubt.word.lower(), task.due.year, [])
    ):
        return False
    for n in doubt.lines:
        if n < opens or (end is not None and n >= end):
            continue
        owner = next((t for t in reversed(ordered) if t.line <= n), None)
        if owner is None or owner.line == task.line or not holds(owner.text, doubt.word):
            return True
    return False


def holds(text: str, word: str) -> bool:
    """Whether ``text`` has ``word`` as a whole figure: "30/11/2024." is in "trước ngày
    30/11/2024."; "2024" is not in "30/11/2024", nor "1" in "12"."""
    core = word.strip(_AROUND)
    return bool(core) and re.search(rf"(?<![\w/]){re.escape(core)}(?![\w/])", text) is not None
