"""Tasks, their partners, their edges and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import TaskKindDb, TaskStatus, UTCDateTime


class Task(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("plan_id", "identity"),
        Index("ix_task_open_due", "status", "due"),
        # The overdue board and scorecards read this index alone (migration 0004).
        Index("ix_task_board", "status", "due", "lead_id", "plan_id", "completed_late"),
        # The task list's order and keyset pages: (due, id) (migration 0007).
        Index("ix_task_due_id", "due", "id"),
        # The board by plan, published plans only: a range per (plan, status), index only.
        Index("ix_task_plan_board", "plan_id", "status", "due", "lead_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    identity: str  # stable across re-imports: section + lead + folded text
    ext_id: str  # "T12": the extraction's id, refreshed on each import
    section: str
    line: int
    text: str
    kind: str = Field(default=TaskKindDb.ACTION)
    lead_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    due: date | None = None
    # ``due`` was not stated by the document but inferred (the plan period's last day): reminded
    # like any deadline, shown as inferred until a coordinator confirms or changes it.
    due_inferred: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The task's dates and numbers OCR read with low confidence (``ExtractedTask.ocr_doubt``):
    # shown on the review until a coordinator confirms or changes the deadline (migration 0012).
    ocr_doubt: str | None = None
    recurrence: str | None = None
    report_to: str | None = None
    via: str | None = None
    status: str = Field(default=TaskStatus.NOT_STARTED)
    progress: int = 0
    deadline_version: int = 1
    edited: bool = False  # corrected by a coordinator: re-imports keep the correction
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_late: bool | None = None
    result_note: str | None = None
    # Recurring report duties expand into one task per period, pointing at the duty they came from.
    recurrence_parent_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    period_label: str | None = None
    # Escalation follows the policy in force when the task became overdue (frozen then).
    escalation_policy: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class TaskPartner(SQLModel, table=True):
    __tablename__ = "task_partner"
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True, index=True)


class TaskEdge(SQLModel, table=True):
    """``task_id`` depends on ``depends_on_id`` (ordered steps; reports feeding a summary)."""

    __tablename__ = "task_edge"
    __table_args__ = (Index("ix_task_edge_depends_on_id", "depends_on_id"),)  # "needed by"
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    depends_on_id: int = Field(foreign_key="task.id", primary_key=True)


class TaskEvent(SQLModel, table=True):
    """History: who changed what and when (imports, corrections, status, deadlines, emails)."""

    __tablename__ = "task_event"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    kind: str  # "imported", "changed", "corrected", "dropped", "restored", "status", ...
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
