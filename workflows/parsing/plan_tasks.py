"""The plan's tasks from its duty candidates: one per lead and per report period, each body
named once by its canonical name, a report's route ("báo cáo … về UBND huyện (qua Phòng …)").
"""

from __future__ import annotations

import re
from functools import lru_cache

from workflows.parsing.bodies import BodyResolver, leading_body, phrase_until_predicate, split_names
from workflows.parsing.candidates import Candidate
from workflows.parsing.headings import heading_time
from workflows.parsing.periods import period_deadlines, period_list
from workflows.parsing.result import Body, ExtractedTask, TaskKind
from workflows.parsing.text import fold as _fold
from workflows.parsing.timephrases import TimeSpec, find_deadline

fold = lru_cache(maxsize=8192)(_fold)

_MILESTONE = re.compile(r"(?<!\w)(?:sơ kết|tổng kết)(?!\w)", re.I)
_REPORT = re.compile(r"(?<!\w)báo cáo(?!\s+viên)(?!\w)", re.I)
_REPORT_TO = re.compile(
    r"(?<!\w)(?:[Bb]áo cáo|[Gg]ửi(?:\s+về)?|về)\s+(?:kết quả(?:[^()]{0,80}?\s+(?:về|gửi|cho))?\s+)?"
    r"(?=(?:UBND|Ủy ban|Uỷ ban|Sở|Phòng|Ban|Bộ|Thường trực|Lãnh đạo|Tỉnh ủy|Huyện ủy|Công an"
    r"|Trung tâm|Cơ quan|Văn phòng|HĐND|Hội đồng|Chủ tịch)\b)"
)
VIA = re.compile(
    r"\(\s*qua\s+([^()]+?)\s*\)|(?<!\w)qua\s+((?:Phòng|Sở|Văn phòng|Công an|Ban)\s[^,;.)]+)"
)


def via_names(match: re.Match[str]) -> list[str]:
    """The bodies a :data:`VIA` match names; "(qua Sở Nội vụ để tổng hợp)": the route ends
    where its purpose starts."""
    return split_names(phrase_until_predicate(match.group(1) or match.group(2)))


class BodyNames:
    """Resolves each distinct name once and remembers the bodies in order of appearance."""

    def __init__(self, resolve: BodyResolver, locality: str | None) -> None:
        self.resolve = resolve
        self.locality = locality
        self.by_fold: dict[str, Body] = {}
        self.ordered: list[Body] = []
        self._names: set[str] = set()

    def name(self, written: str) -> str:
        key = fold(written)
        body = self.by_fold.get(key)
        if body is None:
            body = self.resolve(written, self.locality)
            self.by_fold[key] = body
            canonical = fold(body.name)
            if canonical not in self._names:
                self._names.add(canonical)
                self.ordered.append(body)
        return body.name


def _time_of(cand: Candidate, year: int | None) -> TimeSpec:
    in_text = find_deadline(cand.text, year)
    from_heading = heading_time(cand.node, year)
    if cand.explicit_time:
        return cand.time.merged(in_text).merged(from_heading)
    return in_text.merged(cand.time).merged(from_heading)


def plan_tasks(
    candidates: list[Candidate], bodies: BodyNames, year: int | None, warnings: list[str]
) -> list[ExtractedTask]:
    """One task per emitted candidate, lead and report period; notes and time warnings logged."""
    tasks: list[ExtractedTask] = []
    for cand in candidates:
        if not cand.emit:
            continue
        time = _time_of(cand, year)
        for message in time.warnings:
            warnings.append(f"Dòng {cand.line}: {message}")
        for note in cand.notes:
            warnings.append(f"Dòng {cand.line}: {note}")
        periods = period_deadlines(cand.text, year) if _REPORT.search(cand.text) else []
        if not periods and (_REPORT.search(cand.text) or _MILESTONE.search(cand.text)):
            periods = period_list(cand.text)
        specs = [spec.merged(time) for _, spec in periods] or [time]
        leads: list[str | None] = [bodies.name(n) for n in cand.leads] or [None]
        if leads == [None] and not cand.open_lead:
            warnings.append(f"Dòng {cand.line}: không xác định được cơ quan chủ trì")
        partners = [bodies.name(p) for p in cand.partners]
        for lead in leads:
            for spec in specs:
                tasks.append(_task(f"T{len(tasks) + 1}", cand, lead, partners, spec, bodies))
    return tasks


def _task(
    task_id: str,
    cand: Candidate,
    lead: str | None,
    partners: list[str],
    spec: TimeSpec,
    bodies: BodyNames,
) -> ExtractedTask:
    task = ExtractedTask(
        id=task_id,
        section=cand.section,
        line=cand.line,
        text=cand.text,
        kind=TaskKind.MILESTONE if cand.milestone else _kind(cand.text),
        lead=lead,
        partners=[p for p in dict.fromkeys(partners) if p != lead],
        due=spec.due,
        recurrence=spec.recurrence if not spec.due or spec.recurrence != "ongoing" else None,
    )
    if task.kind == TaskKind.REPORT:
        task.report_to, task.via = _report_route(cand.text, bodies)
    return task


def _kind(text: str) -> TaskKind:
    if re.match(r"(?:Định kỳ\s+)?[Bb]áo cáo(?!\s+(?:viên|sơ kết|tổng kết))", text):
        return TaskKind.REPORT  # "Báo cáo UBND tỉnh … khi tổng kết": the deliverable is a report
    if _MILESTONE.search(text):
        return TaskKind.MILESTONE
    if _REPORT.search(text):
        return TaskKind.REPORT
    return TaskKind.ACTION


def _report_route(text: str, bodies: BodyNames) -> tuple[str | None, str | None]:
    via = None
    match = VIA.search(text)
    if match:
        names = via_names(match)
        via = bodies.name(names[0]) if names else None
    report_to = None
    for m in _REPORT_TO.finditer(text):
        named = leading_body(text[m.end() :])
        if named and named[0].strip():
            names = split_names(phrase_until_predicate(named[0]))
            if names:
                report_to = bodies.name(names[0])
                break
    return report_to, via
