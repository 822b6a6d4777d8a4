"""Readable Vietnamese summaries for the terminal (pure: data in, text out)."""

from __future__ import annotations

from collections import defaultdict

from notifications.contexts import marked_inferred
from workflows.parsing.result import ExtractedPlan
from workflows.rules.timefmt import dmy

NO_LEAD = "(chưa xác định cơ quan chủ trì)"


def plan_summary(plan: ExtractedPlan) -> str:
    lines = [
        f"Kế hoạch số: {plan.number or '(chưa có số)'}",
        f"Cơ quan ban hành: {plan.issuer or '—'}",
        f"Năm: {plan.year or '—'}   Ngày ban hành: {dmy(plan.issued_on)}",
        f"Trích yếu: {plan.title or '—'}",
        f"Thời gian thực hiện: {dmy(plan.period_start)} – {dmy(plan.period_end)}",
    ]
    if plan.budget_vnd:
        lines.append(f"Kinh phí: {plan.budget_vnd:,} đồng".replace(",", "."))
    if plan.parent_plan_number:
        lines.append(f"Thực hiện kế hoạch cấp trên: {plan.parent_plan_number}")
    if plan.coordinator:
        lines.append(f"Cơ quan thường trực: {plan.coordinator}")
    lines += ["", f"NHIỆM VỤ ({len(plan.tasks)}):"]
    by_lead: dict[str, list[str]] = defaultdict(list)
    unregistered = {b.name for b in plan.bodies if not b.registered}
    for t in plan.tasks:
        when = dmy(t.due) if t.due else ("thường xuyên" if t.recurrence == "ongoing" else "—")
        if t.inferred_due and not t.due:
            when = marked_inferred(dmy(t.inferred_due))
        if t.recurrence and t.recurrence != "ongoing":
            when += f" (định kỳ {t.recurrence})"
        partners = f" | phối hợp: {', '.join(t.partners)}" if t.partners else ""
        by_lead[t.lead or NO_LEAD].append(
            f"    [{t.id}] {t.section} dòng {t.line}: {_short(t.text)} | hạn: {when}{partners}"
        )
    for lead, items in by_lead.items():
        flag = " [chưa có trong danh mục]" if lead in unregistered else ""
        lines.append(f"  ▸ {lead}{flag} — {len(items)} nhiệm vụ")
        lines += items
    if plan.targets:
        lines += ["", f"CHỈ TIÊU ({len(plan.targets)}):"]
        for g in plan.targets:
            value = "" if g.value is None else f"{g.comparator or ''} {g.value:g}{g.unit or ''}"
            lines.append(f"  • {_short(g.text)} [{value.strip()}] hạn: {dmy(g.due)}")
    lines += ["", f"CẢNH BÁO ({len(plan.warnings)}):"]
    lines += [f"  ! {w}" for w in plan.warnings] or ["  (không có)"]
    return "\n".join(lines)


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
