"""Fetching what a user names, with errors a user can read."""

from __future__ import annotations

from sqlmodel import Session

from models.plans import Plan
from models.tasks import Task


class CorrectionError(ValueError):
    """A change that cannot be applied; the message says why, in Vietnamese."""


def get_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise CorrectionError(f"Không có nhiệm vụ số {task_id}.")
    return task


def get_plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise CorrectionError(f"Không có kế hoạch số {plan_id}.")
    return plan
