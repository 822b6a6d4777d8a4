"""Fuzzing the readers: mutated .docx/.pdf/.txt bytes give text or a DocumentError, never
another exception, and never spin: a document costs at most a minute of CPU (the reader's and
Tesseract's), and a wall-clock alarm far beyond that catches a hang on however busy a machine.

hypothesis is not in the environment, so this uses the seeded random mutator of
bench/fuzz_readers.py (run that script for longer campaigns).
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest

from bench.fuzz_readers import KINDS, Deadline, Mutator, deadline, seed_corpus
from workflows.intake.readers import DocumentError, read_document_bytes

RUNS_PER_KIND = 150
CPU_SECONDS = 60.0  # one document's CPU, ours and OCR's: not a speed measure
HANG_SECONDS = 900.0  # wall clock, a hang guard only: OCR on two busy cores is slow


def cpu_seconds() -> float:
    """CPU used so far by this process and its finished children (Tesseract runs)."""
    user, system, children_user, children_system, _ = os.times()
    return user + system + children_user + children_system


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    return seed_corpus(Path(tmp_path_factory.mktemp("seeds")))


@pytest.fixture(autouse=True)
def quiet_pypdf() -> None:
    # Broken PDFs make pypdf log on every call; the outcome is what is checked here.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def test_the_unmutated_seeds_read_cleanly(corpus: dict[str, list[bytes]]) -> None:
    assert "Cơ quan chủ trì" in read_document_bytes(corpus["docx"][0], "seed.docx")
    assert read_document_bytes(corpus["pdf"][0], "seed.pdf").strip()
    assert read_document_bytes(corpus["txt"][0], "seed.txt").startswith("Cộng hòa")


@pytest.mark.parametrize("kind", KINDS)
def test_mutated_input_only_ever_raises_document_error(
    kind: str, corpus: dict[str, list[bytes]]
) -> None:
    mutator = Mutator(random.Random(f"readers-{kind}"), corpus)
    codes: set[str] = set()
    for run in range(RUNS_PER_KIND):
        data = mutator.mutate(kind)
        started = cpu_seconds()
        try:
            with deadline(HANG_SECONDS):
                text = read_document_bytes(data, f"fuzz.{kind}")
            assert isinstance(text, str) and text.strip()
        except DocumentError as exc:
            codes.add(exc.code)
            assert "fuzz." in exc.message
        except Deadline:
            pytest.fail(f"{kind} run {run}: no answer after {HANG_SECONDS} s (a hang)")
        took = cpu_seconds() - started
        assert took < CPU_SECONDS, f"{kind} run {run} took {took:.1f} s of CPU"
    assert codes, "the mutator should break at least some inputs"
