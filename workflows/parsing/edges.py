"""Order between tasks (depends_on).

- Numbered steps ("Các bước triển khai": Bước 1, 2, 3 …) depend on the step before.
- Reporting chains: a report sent to body B (directly or "qua B") feeds B's own report of the
  same period due later: B's report depends on it.
"""

from __future__ import annotations

import re

from workflows.parsing.result import ExtractedTask, Section, TaskKind
from workflows.parsing.text import fold, strip_accents


def _is_steps(title: str) -> bool:
    return bool(re.search(r"\bbuoc\b", strip_accents(title[:80]).lower()))


def link_steps(tasks: list[ExtractedTask], sections: list[Section]) -> None:
    """Tasks in a "steps" section depend on the task before them in that section."""
    step_sections = {s.key for s in sections if _is_steps(s.title)}
    by_parent = {s.key: s.parent for s in sections}
    previous: dict[str, ExtractedTask] = {}
    for task in tasks:
        key = task.section
        group = next((k for k in _chain(key, by_parent) if k in step_sections), None)
        if group is None:
            continue
        before = previous.get(group)
        if before is not None and before.id not in task.depends_on:
            task.depends_on.append(before.id)
        previous[group] = task


def _chain(key: str, parents: dict[str, str | None]) -> list[str]:
    out = []
    seen = set()
    current: str | None = key
    while current is not None and current not in seen:
        seen.add(current)
        out.append(current)
        current = parents.get(current)
    return out


def link_reports(tasks: list[ExtractedTask]) -> None:
    """A consolidating report depends on the reports sent to its lead for the same period."""
    reports = [t for t in tasks if t.kind == TaskKind.REPORT and t.lead]
    for target in reports:
        lead = fold(target.lead or "")
        for source in reports:
            if source is target or source.recurrence != target.recurrence:
                continue
            receivers = {fold(x) for x in (source.via, source.report_to) if x}
            if lead not in receivers:
                continue
            if source.due and target.due and source.due > target.due:
                continue
            if source.id not in target.depends_on:
                target.depends_on.append(source.id)
