"""Intake use case: a file becomes an :class:`ExtractedPlan` (read → parse → resolve bodies)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from workflows.intake.errors import DocumentError
from workflows.intake.readers import Progress, read_bytes_full
from workflows.parsing.limits import UPLOAD_LIMITS, PlanTooCostly
from workflows.parsing.plan import parse_plan
from workflows.parsing.result import ExtractedPlan
from workflows.plans.ocr_doubts import task_doubts
from workflows.registry.registry import Registry


@dataclass(frozen=True)
class Extraction:
    plan: ExtractedPlan
    source_name: str
    sha256: str
    text: str = ""  # the document's text, as the parser read it (the review page shows it)
    ocr_pages: tuple[int, ...] = ()  # pages read by OCR (1-based)


def parse_bounded(text: str, filename: str, registry: Registry) -> ExtractedPlan:
    """Parse a document's text within what one upload may cost (size, duties, time); beyond it,
    a :class:`DocumentError` saying which bound and what to do."""
    try:
        return parse_plan(text, resolve=registry.resolve, limits=UPLOAD_LIMITS)
    except PlanTooCostly as error:
        raise DocumentError(
            "too_large", f"Tệp «{filename}»: {error.message}", filename=filename
        ) from error


def extract_bytes(
    data: bytes, filename: str, registry: Registry, progress: Progress | None = None
) -> Extraction:
    """Read and parse; what the reading found (pages read by OCR, OCR'd figures to check, a
    broken text layer) comes first among the plan's warnings, for the reviewer, and a task
    holding an OCR'd figure to check says so itself."""
    reading = read_bytes_full(data, filename, progress=progress)
    plan = parse_bounded(reading.text, filename, registry)
    plan.warnings = [*reading.warnings, *plan.warnings]
    notes = task_doubts(plan.tasks, reading.doubtful)
    for task in plan.tasks:
        task.ocr_doubt = notes.get(task.id)
    sha = hashlib.sha256(data).hexdigest()
    return Extraction(plan, filename, sha, reading.text, tuple(reading.ocr_pages))


def extract_file(path: Path, registry: Registry, progress: Progress | None = None) -> Extraction:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(
            "unreadable", f"Không đọc được tệp «{path}»: {error.strerror}."
        ) from error
    return extract_bytes(data, path.name, registry, progress)
