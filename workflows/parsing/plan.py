"""The plan parser's entry point: text in, :class:`ExtractedPlan` out. Pure and deterministic.

    parse_plan(text, resolve=None, today=None) -> ExtractedPlan

``resolve`` maps a body name as written (and the plan's locality) to a :class:`Body`; without
one every body is kept as written and flagged unregistered.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from workflows.parsing.assignments import find_assignments
from workflows.parsing.bodies import (
    BodyResolver,
    default_resolver,
    leading_body,
    phrase_until_predicate,
    split_names,
)
from workflows.parsing.budget import budget_of
from workflows.parsing.candidates import Candidate
from workflows.parsing.edges import link_reports, link_steps
from workflows.parsing.header import parse_header
from workflows.parsing.headings import category, heading_time
from workflows.parsing.normalize import normalize
from workflows.parsing.periods import period_deadlines, period_list
from workflows.parsing.result import Body, ExtractedPlan, ExtractedTask, TaskKind
from workflows.parsing.sections import Item, build_items
from workflows.parsing.tables import Table
from workflows.parsing.targets import context_due, due_of, targets_in
from workflows.parsing.text import fold as _fold
from workflows.parsing.timephrases import TimeSpec, find_deadline

__all__ = ["BodyResolver", "parse_plan"]

fold = lru_cache(maxsize=8192)(_fold)

_MILESTONE = re.compile(r"(?<!\w)(?:sơ kết|tổng kết)(?!\w)", re.I)
_REPORT = re.compile(r"(?<!\w)báo cáo(?!\s+viên)(?!\w)", re.I)
_REPORT_TO = re.compile(
    r"(?<!\w)(?:báo cáo|gửi(?:\s+về)?|về)\s+(?:kết quả[^()]{0,80}?\s+(?:về|gửi|cho)\s+)?"
    r"(?=(?:UBND|Ủy ban|Uỷ ban|Sở|Phòng|Ban|Bộ|Thường trực|Lãnh đạo|Tỉnh ủy|Huyện ủy|Công an"
    r"|Trung tâm|Cơ quan|Văn phòng|HĐND|Hội đồng|Chủ tịch)\b)"
)
_VIA = re.compile(
    r"\(\s*qua\s+([^()]+?)\s*\)|(?<!\w)qua\s+((?:Phòng|Sở|Văn phòng|Công an|Ban)\s[^,;.)]+)"
)


_COORDINATING = (
    re.compile(
        r"theo dõi,?\s*(?:đôn đốc[^;]{0,60}?)?(?:việc\s+)?(?:tổ chức\s+)?(?:triển khai\s+)?"
        r"thực hiện\s+(?:các nhiệm vụ của\s+)?kế hoạch",
        re.I,
    ),
    re.compile(r"^chủ trì[^;.]{0,40}triển khai thực hiện kế hoạch này", re.I),
    re.compile(r"đôn đốc[^;.]{0,80}triển khai thực hiện kế hoạch này", re.I),
)


_STANDING = re.compile(r"^[-•]?\s*Là (?:cơ quan thường trực|đầu mối)")
_STANDING_INLINE = re.compile(r":\s*Là (?:cơ quan thường trực|đầu mối)")
_MARKED = re.compile(r"^(.{3,120}?)\s*(?:-\s*|\()\s*[Cc]ơ quan (?:thường trực|chủ trì)")


class _Bodies:
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


def parse_plan(
    text: str, resolve: BodyResolver | None = None, today: date | None = None
) -> ExtractedPlan:
    """Extract header, sections, duties, targets and warnings from a plan's text."""
    del today  # nothing depends on the current date yet; kept for a stable signature
    doc = normalize(text)
    items, tree = build_items(doc.paragraphs)
    header = parse_header(doc, items)
    year = header.period_start.year if header.period_start else header.year
    bodies = _Bodies(resolve or default_resolver, header.locality)
    plan = ExtractedPlan(
        number=header.number,
        issuer=header.issuer,
        place=header.place,
        locality=header.locality,
        issued_on=header.issued_on,
        year=header.year,
        title=header.title,
        period_start=header.period_start,
        period_end=header.period_end,
        signer=header.signer,
        bases=header.bases,
        recipients=header.recipients,
    )
    plan.warnings += header.warnings + tree.warnings
    plan.sections = [n.section() for n in tree.order]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    found = find_assignments(items, tree, tables, header.issuer, year)
    plan.sections += found.sections
    plan.warnings += found.warnings
    plan.tasks = _tasks(found.candidates, bodies, year, plan.warnings)
    link_steps(plan.tasks, plan.sections)
    link_reports(plan.tasks)
    plan.targets = _targets(items, tree, header.period_end)
    plan.budget_vnd = budget_of(_budget_paragraphs(items, tree))
    plan.coordinator = _coordinator(plan, items, bodies)
    if not found.has_assignment_section and not tables:
        plan.warnings.append("Không tìm thấy mục «Tổ chức thực hiện»; chỉ trích xuất những gì có")
    plan.bodies = bodies.ordered
    for body in plan.bodies:
        if not body.registered:
            plan.warnings.append(f"Cơ quan chưa có trong danh mục: {body.name}")
    return plan


def _time_of(cand: Candidate, year: int | None) -> TimeSpec:
    in_text = find_deadline(cand.text, year)
    from_heading = heading_time(cand.node, year)
    if cand.explicit_time:
        return cand.time.merged(in_text).merged(from_heading)
    return in_text.merged(cand.time).merged(from_heading)


def _tasks(
    candidates: list[Candidate], bodies: _Bodies, year: int | None, warnings: list[str]
) -> list[ExtractedTask]:
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
                task = ExtractedTask(
                    id=f"T{len(tasks) + 1}",
                    section=cand.section,
                    line=cand.line,
                    text=cand.text,
                    kind=TaskKind.MILESTONE if cand.milestone else _kind(cand.text),
                    lead=lead,
                    partners=[p for p in dict.fromkeys(partners) if p != lead],
                    due=spec.due,
                    recurrence=spec.recurrence
                    if not spec.due or spec.recurrence != "ongoing"
                    else None,
                )
                if task.kind == TaskKind.REPORT:
                    task.report_to, task.via = _report_route(cand.text, bodies)
                tasks.append(task)
    return tasks


def _kind(text: str) -> TaskKind:
    if _MILESTONE.search(text):
        return TaskKind.MILESTONE
    if _REPORT.search(text):
        return TaskKind.REPORT
    return TaskKind.ACTION


def _report_route(text: str, bodies: _Bodies) -> tuple[str | None, str | None]:
    via = None
    match = _VIA.search(text)
    if match:
        names = split_names(match.group(1) or match.group(2))
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


def _targets(items: list[Item], tree, period_end):  # type: ignore[no-untyped-def]
    out = []
    due_context: dict[str, date | None] = {}
    for item in items:
        node = item.node or tree.nodes.get(item.section)
        if category(node) != "target":
            continue
        key = item.section
        if item.kind == "bullet" and not re.search(r"\d", item.text.replace("2024", "")):
            due_context[key] = context_due(item.text)
            continue
        if item.node is not None and (item.node.items or item.node.children):
            found = context_due(item.text)
            if found:
                due_context[item.node.key] = found
            if not re.search(r"\d+(?:,\d+)?\s*%", item.text):
                continue
        due = None
        for ancestor in node.ancestors() if node else []:
            if due_context.get(ancestor.key):
                due = due_context[ancestor.key]
                break
        out += targets_in(item.text, key, item.line, due_of(item.text) or due)
    return out


def _budget_paragraphs(items: list[Item], tree) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for item in items:
        node = item.node or tree.nodes.get(item.section)
        titles = " ".join(n.title.lower() for n in (node.ancestors() if node else []))
        if "kinh phí" in titles or re.search(r"kinh phí|tổng cộng", item.para.text, re.I):
            out.append(item.para.text)
    return out


def _coordinator(plan: ExtractedPlan, items: list[Item], bodies: _Bodies) -> str | None:
    """The standing body: "là cơ quan thường trực", "(cơ quan chủ trì)", "đầu mối", "qua X"."""
    for item in items:
        text = item.para.text
        if not re.search(r"ơ quan thường trực|ơ quan chủ trì|đầu mối", text):
            continue
        match = _MARKED.search(item.text)
        if match and leading_body(match.group(1)):
            return bodies.name(split_names(match.group(1))[0])
        if _STANDING.match(item.text) or _STANDING_INLINE.search(text):
            for task in plan.tasks:
                if task.line == item.line and task.lead:
                    return task.lead
    for pattern in _COORDINATING:
        for task in plan.tasks:
            if task.lead and pattern.search(task.text):
                return task.lead
    vias: dict[str, int] = {}
    for item in items:
        for m in _VIA.finditer(item.para.text):
            names = split_names(m.group(1) or m.group(2))
            if names:
                vias[names[0]] = vias.get(names[0], 0) + 1
    if vias:
        return bodies.name(max(vias, key=lambda n: vias[n]))
    return None
