"""What extraction produces: plain dataclasses, and their JSON contract (``extract --format json``).

The JSON shape is documented in the README and consumed by other tools: keep it stable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class TaskKind(StrEnum):
    ACTION = "action"
    REPORT = "report"
    MILESTONE = "milestone"


@dataclass
class Basis:
    """One "Căn cứ …"/"Thực hiện …" legal basis; ``is_plan`` marks a parent plan (Kế hoạch)."""

    text: str
    number: str | None = None  # e.g. "48/KH-UBND"
    issued_on: date | None = None
    is_plan: bool = False


@dataclass
class Section:
    """A node of the section tree, e.g. key "IV.1" titled "Phòng Tài chính - Kế hoạch"."""

    key: str
    label: str  # as written: "IV.", "2.5.", "a)"
    title: str
    line: int  # 1-based line in the source text
    parent: str | None = None


@dataclass
class Body:
    """A body named by the plan, resolved against the registry (or flagged unregistered)."""

    name: str  # canonical name when registered, else the name as written (cleaned)
    as_written: str
    registered: bool
    collective: bool = False
    members: list[str] = field(default_factory=list)
    key: str | None = None  # registry key when registered


@dataclass
class ExtractedTask:
    id: str  # "T1", "T2", … in document order
    section: str  # Section.key
    line: int
    text: str
    kind: TaskKind = TaskKind.ACTION
    lead: str | None = None
    partners: list[str] = field(default_factory=list)
    due: date | None = None
    recurrence: str | None = None  # None, "ongoing", "6 tháng", "năm", "quý", "tháng"
    depends_on: list[str] = field(default_factory=list)
    report_to: str | None = None
    via: str | None = None
    # The plan period's last day, for a duty the document gives no date and no recurrence: a
    # deadline to remind on, shown as inferred (``due`` stays what the document says).
    inferred_due: date | None = None
    # Dates and numbers of the duty that OCR read with low confidence ("Ngày, số liệu đọc bằng
    # OCR, cần kiểm tra: «15/6/2025» (trang 3)"), for the reviewer; None when read for sure.
    ocr_doubt: str | None = None


@dataclass
class ExtractedTarget:
    section: str
    line: int
    text: str
    value: float | None
    unit: str | None  # "%", "hộ", "mô hình", …
    comparator: str | None  # ">=", ">", "<=", "<", "=", "decrease"
    due: date | None = None


@dataclass
class ExtractedPlan:
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    locality: str | None = None  # the issuer's area, e.g. "huyện Tu Mơ Rông": scopes body names
    issued_on: date | None = None
    year: int | None = None
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    budget_vnd: int | None = None
    coordinator: str | None = None
    signer: str | None = None
    bases: list[Basis] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    tasks: list[ExtractedTask] = field(default_factory=list)
    targets: list[ExtractedTarget] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def parent_plan_number(self) -> str | None:
        return next((b.number for b in self.bases if b.is_plan and b.number), None)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON contract; dates as ISO strings."""
        return _jsonable(
            {
                "plan": {
                    "number": self.number,
                    "issuer": self.issuer,
                    "place": self.place,
                    "locality": self.locality,
                    "issued_on": self.issued_on,
                    "year": self.year,
                    "title": self.title,
                    "period": {"start": self.period_start, "end": self.period_end},
                    "budget_vnd": self.budget_vnd,
                    "coordinator": self.coordinator,
                    "signer": self.signer,
                    "parent": self.parent_plan_number,
                    "bases": [asdict(b) for b in self.bases],
                    "recipients": self.recipients,
                },
                "sections": [asdict(s) for s in self.sections],
                "bodies": [asdict(b) for b in self.bodies],
                "tasks": [asdict(t) for t in self.tasks],
                "targets": [asdict(t) for t in self.targets],
                "warnings": self.warnings,
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
