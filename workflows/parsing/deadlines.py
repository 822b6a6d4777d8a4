"""Deadlines the plan as a whole gives its tasks, after each duty's own time is read.

- A duty with no date and no recurrence, in a plan with a period ("năm 2025", "giai đoạn
  2026 - 2030", "từ tháng 4 đến 30/11"), gets the period's last day as ``inferred_due``: it is
  reminded, and shown as inferred so the coordinator can set the real date.
- A semi-annual or yearly report never falls due before the plan was issued: "báo cáo 6 tháng
  trước ngày 20/6" in a plan issued in August is due on 20/6 of the next year.
- "Định kỳ báo cáo …" with no period named follows the plan's reporting rule (the period its
  other periodic reports share); with no rule, a warning asks the reviewer for the period.
"""

from __future__ import annotations

import re
from collections import Counter
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


_PERIODIC_WORD = re.compile(r"(?<!\w)định kỳ(?!\w)", re.I)


def periodic_reports_follow_the_rule(tasks: list[ExtractedTask], warnings: list[str]) -> None:
    rule = Counter(
        t.recurrence
        for t in tasks
        if t.kind == TaskKind.REPORT and t.recurrence not in (None, "ongoing")
    ).most_common(1)
    for task in tasks:
        if task.recurrence or task.due or not _PERIODIC_WORD.search(task.text):
            continue
        if task.kind != TaskKind.REPORT:
            continue
        if rule:
            task.recurrence = rule[0][0]
        else:
            warnings.append(
                f"Dòng {task.line}: «định kỳ báo cáo» không nêu kỳ báo cáo; hãy chọn khi duyệt"
            )
