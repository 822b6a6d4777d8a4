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
    """A consolidating report depends on the reports sent to its lead for the same period.

    Reports are indexed by (receiver, period) once, so the work grows with the links found,
    not with the square of the number of reports."""
    reports = [t for t in tasks if t.kind == TaskKind.REPORT and t.lead]
    sent_to: dict[tuple[str, str | None], list[ExtractedTask]] = {}
    for source in reports:
        for receiver in dict.fromkeys(fold(x) for x in (source.via, source.report_to) if x):
            sent_to.setdefault((receiver, source.recurrence), []).append(source)
    for target in reports:
        known = set(target.depends_on)
        for source in sent_to.get((fold(target.lead or ""), target.recurrence), []):
            if source is target or source.id in known:
                continue
            if source.due and target.due and source.due > target.due:
                continue
            target.depends_on.append(source.id)
            known.add(source.id)
