"""Deadlines the plan as a whole gives its tasks, after each duty's own time is read.

- A duty with no date and no recurrence, in a plan with a period ("năm 2025", "giai đoạn
  2026 - 2030", "từ tháng 4 đến 30/11"), gets the period's last day as ``inferred_due``: it is
  reminded, and shown as inferred so the coordinator can set the real date.
- A semi-annual or yearly report never falls due before the plan was issued: "báo cáo 6 tháng
  trước ngày 20/6" in a plan issued in August is due on 20/6 of the next year.
"""

from __future__ import annotations

from datetime import date

from workflows.parsing.result import ExtractedTask, TaskKind

_PERIODIC = ("6 tháng", "năm")


def infer_period_dues(tasks: list[ExtractedTask], period_end: date | None) -> None:
    if period_end is None:
        return
    for task in tasks:
        if task.due is None and task.recurrence is None:
            task.inferred_due = period_end


def reports_after_issue(tasks: list[ExtractedTask], issued_on: date | None) -> None:
    if issued_on is None:
        return
    for task in tasks:
        periodic = task.kind == TaskKind.REPORT and task.recurrence in _PERIODIC
        if periodic and task.due is not None and task.due < issued_on:
            task.due = _next_year(task.due)


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
