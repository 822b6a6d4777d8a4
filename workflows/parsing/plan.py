"""The plan parser's entry point: text in, :class:`ExtractedPlan` out. Pure and deterministic.

    parse_plan(text, resolve=None, today=None) -> ExtractedPlan

``resolve`` maps a body name as written (and the plan's locality) to a :class:`Body`; without
one every body is kept as written and flagged unregistered.
"""

from __future__ import annotations

import re
from datetime import date

from workflows.parsing.assignments import find_assignments
from workflows.parsing.bodies import BodyResolver, default_resolver
from workflows.parsing.budget import budget_of
from workflows.parsing.coordinator import coordinator_of
from workflows.parsing.deadlines import (
    infer_period_dues,
    periodic_reports_follow_the_rule,
    reports_after_issue,
)
from workflows.parsing.edges import link_reports, link_steps
from workflows.parsing.header import parse_header
from workflows.parsing.headings import category
from workflows.parsing.limits import Budget, ParseLimits, PlanTooCostly
from workflows.parsing.normalize import normalize
from workflows.parsing.plan_tasks import BodyNames, plan_tasks
from workflows.parsing.result import ExtractedPlan
from workflows.parsing.sections import Item, build_items
from workflows.parsing.tables import Table
from workflows.parsing.targets import context_due, due_of, targets_in

__all__ = ["BodyResolver", "ParseLimits", "PlanTooCostly", "parse_plan"]


def parse_plan(
    text: str,
    resolve: BodyResolver | None = None,
    today: date | None = None,
    limits: ParseLimits | None = None,
) -> ExtractedPlan:
    """Extract header, sections, duties, targets and warnings from a plan's text.

    With ``limits``, a text, duty count or CPU time beyond them raises :class:`PlanTooCostly`."""
    del today  # nothing depends on the current date yet; kept for a stable signature
    cost = Budget(limits)
    cost.text(len(text))
    doc = normalize(text)
    items, tree = build_items(doc.paragraphs)
    cost.time()
    header = parse_header(doc, items)
    year = header.period_start.year if header.period_start else header.year
    bodies = BodyNames(resolve or default_resolver, header.locality)
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
    cost.duties(len(found.candidates))
    plan.sections += found.sections
    plan.warnings += found.warnings
    plan.tasks = plan_tasks(found.candidates, bodies, year, plan.warnings)
    reports_after_issue(plan.tasks, header.issued_on)
    periodic_reports_follow_the_rule(plan.tasks, plan.warnings)
    infer_period_dues(plan.tasks, header.period_end)
    cost.duties(len(plan.tasks))
    link_steps(plan.tasks, plan.sections)
    link_reports(plan.tasks)
    plan.targets = _targets(items, tree, header.period_end)
    plan.budget_vnd = budget_of(_budget_paragraphs(items, tree))
    plan.coordinator = coordinator_of(plan, items, bodies)
    if not found.has_assignment_section and not tables:
        plan.warnings.append("Không tìm thấy mục «Tổ chức thực hiện»; chỉ trích xuất những gì có")
    plan.bodies = bodies.ordered
    for body in plan.bodies:
        if not body.registered:
            plan.warnings.append(f"Cơ quan chưa có trong danh mục: {body.name}")
    return plan


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
