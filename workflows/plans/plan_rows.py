"""The stored plan's own rows on import: the plan itself (a new revision when the document
changed), its sections, targets and warnings, and its links to parent and child plans.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, delete, select

from models.plans import Plan, PlanEvent, PlanSection, PlanWarning, Target
from workflows.parsing.result import ExtractedPlan
from workflows.parsing.text import fold
from workflows.plans.identity import plan_identity


def upsert_plan(
    session: Session, extracted: ExtractedPlan, source_name: str, sha: str, now: datetime
) -> tuple[Plan, bool]:
    """The plan with this identity, created or updated from the document; and whether it is new."""
    identity = plan_identity(extracted)
    plan = session.exec(select(Plan).where(Plan.identity == identity)).first()
    created = plan is None
    if plan is None:
        plan = Plan(identity=identity, created_at=now)
    elif plan.source_sha256 != sha:
        plan.revision += 1
    kept = corrected_fields(session, plan)
    for name in (
        "number",
        "issuer",
        "place",
        "issued_on",
        "year",
        "title",
        "period_start",
        "period_end",
        "budget_vnd",
        "signer",
        "recipients",
    ):
        if name not in kept:  # a coordinator's correction wins over the document
            setattr(plan, name, getattr(extracted, name))
    plan.bases = [
        {
            "text": b.text,
            "number": b.number,
            "is_plan": b.is_plan,
            "issued_on": b.issued_on.isoformat() if b.issued_on else None,
        }
        for b in extracted.bases
    ]
    plan.parent_number = extracted.parent_plan_number
    plan.source_name, plan.source_sha256 = source_name, sha
    session.add(plan)
    session.flush()
    return plan, created


def corrected_fields(session: Session, plan: Plan) -> set[str]:
    """The header fields a coordinator has corrected (the plan's history says which)."""
    if plan.id is None:
        return set()
    events = session.exec(
        select(PlanEvent.detail).where(PlanEvent.plan_id == plan.id, PlanEvent.kind == "corrected")
    ).all()
    return {name for detail in events for name in detail}


def replace_plan_parts(session: Session, plan: Plan, extracted: ExtractedPlan) -> None:
    for table in (PlanSection, Target, PlanWarning):
        session.exec(delete(table).where(table.plan_id == plan.id))  # type: ignore[call-overload]
    assert plan.id is not None
    for s in extracted.sections:
        session.add(
            PlanSection(
                plan_id=plan.id,
                key=s.key,
                label=s.label,
                title=s.title,
                line=s.line,
                parent_key=s.parent,
            )
        )
    for t in extracted.targets:
        session.add(
            Target(
                plan_id=plan.id,
                section=t.section,
                line=t.line,
                text=t.text,
                value=t.value,
                unit=t.unit,
                comparator=t.comparator,
                due=t.due,
            )
        )
    for message in extracted.warnings:
        session.add(PlanWarning(plan_id=plan.id, revision=plan.revision, message=message))


def link_parent_and_children(session: Session, plan: Plan) -> None:
    """Connect this plan to the parent plan it implements, and its children to it."""
    if plan.parent_number:
        parent = _plan_by_number(session, plan.parent_number)
        plan.parent_id = parent.id if parent and parent.id != plan.id else None
    if plan.number:
        for child in session.exec(select(Plan).where(Plan.parent_number.is_not(None))).all():  # type: ignore[union-attr]
            if fold(child.parent_number or "") == fold(plan.number) and child.id != plan.id:
                child.parent_id = plan.id
                session.add(child)
    session.add(plan)


def _plan_by_number(session: Session, number: str) -> Plan | None:
    folded = fold(number)
    plans = session.exec(select(Plan).where(Plan.number.is_not(None))).all()  # type: ignore[union-attr]
    return next((p for p in plans if fold(p.number or "") == folded), None)
