"""What parsing one document may cost: text length, duty count and CPU time.

Parsing is linear in the size of the text (bench/parse_scaling.py), so these bounds keep one
upload from holding a worker for minutes. ``parse_plan(text, limits=UPLOAD_LIMITS)`` raises
:class:`PlanTooCostly` with a Vietnamese message saying what was too much and what to do; without
``limits`` nothing is checked (the parser stays pure for tests and tools).
"""

from __future__ import annotations

import time
from dataclasses import dataclass


class PlanTooCostly(Exception):
    """A document beyond what one plan may cost; ``message`` says which bound and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParseLimits:
    max_chars: int = 2_000_000  # the longest real plan carried is ~140,000 characters
    max_duties: int = 5_000  # the most duties in a real plan carried is ~200
    max_cpu_seconds: float = 30.0  # ~3 s per 5,000 duties on a busy 2-core machine


UPLOAD_LIMITS = ParseLimits()


class Budget:
    """Checks the limits as parsing goes; ``None`` limits check nothing."""

    def __init__(self, limits: ParseLimits | None) -> None:
        self.limits = limits
        self.start = time.process_time() if limits else 0.0

    def text(self, length: int) -> None:
        if self.limits and length > self.limits.max_chars:
            raise PlanTooCostly(
                f"văn bản dài {length} ký tự, quá giới hạn {self.limits.max_chars} ký tự của một "
                "kế hoạch: hãy tách thành nhiều tệp rồi nhập từng tệp."
            )

    def duties(self, count: int) -> None:
        if self.limits and count > self.limits.max_duties:
            raise PlanTooCostly(
                f"có {count} nhiệm vụ, quá giới hạn {self.limits.max_duties} nhiệm vụ của một kế "
                "hoạch: hãy tách kế hoạch (ví dụ theo phụ lục) rồi nhập từng phần."
            )
        self.time()

    def time(self) -> None:
        if self.limits and time.process_time() - self.start > self.limits.max_cpu_seconds:
            raise PlanTooCostly(
                f"phân tích quá {self.limits.max_cpu_seconds:.0f} giây (giới hạn của một tệp): "
                "hãy tách kế hoạch thành nhiều tệp rồi nhập từng tệp."
            )
