"""Intake use case: a file becomes an :class:`ExtractedPlan` (read → parse → resolve bodies)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from workflows.intake.readers import read_document_bytes
from workflows.parsing.plan import parse_plan
from workflows.parsing.result import ExtractedPlan
from workflows.registry.registry import Registry


@dataclass(frozen=True)
class Extraction:
    plan: ExtractedPlan
    source_name: str
    sha256: str


def extract_bytes(data: bytes, filename: str, registry: Registry) -> Extraction:
    text = read_document_bytes(data, filename)
    plan = parse_plan(text, resolve=registry.resolve)
    return Extraction(plan, filename, hashlib.sha256(data).hexdigest())


def extract_file(path: Path, registry: Registry) -> Extraction:
    from workflows.intake.readers import DocumentError

    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(
            "unreadable", f"Không đọc được tệp «{path}»: {error.strerror}."
        ) from error
    return extract_bytes(data, path.name, registry)
