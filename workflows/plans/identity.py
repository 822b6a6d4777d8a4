"""Stable identities: a plan across revisions, a task across re-imports (pure)."""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher

from workflows.parsing.result import ExtractedPlan
from workflows.parsing.text import fold

# A revised duty whose text is this similar (same section and lead) is the same duty, edited.
SAME_DUTY_RATIO = 0.8


def plan_identity(plan: ExtractedPlan) -> str:
    """Number + issuer when the plan has a number, else title + year + issuer."""
    issuer = fold(plan.issuer or "")
    if plan.number:
        return f"no:{fold(plan.number)}|{issuer}"
    return f"title:{fold(plan.title or '')}|{plan.year or ''}|{issuer}"


def task_identity(section: str, lead: str | None, text: str) -> str:
    raw = "\x1f".join([fold(section), fold(lead or ""), fold(text)])
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio() >= SAME_DUTY_RATIO
