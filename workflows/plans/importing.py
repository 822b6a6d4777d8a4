"""Store an extracted plan as a draft; re-importing a document (or a revision) never duplicates.

Unchanged tasks keep their row, identity and history; edited duties are matched by similarity;
duties gone from the document are dropped (kept, with history); coordinator corrections win.
The plan's own rows are plan_rows.py; the tasks' merge is task_merge.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.types import PlanStatus
from workflows.parsing.result import Body, ExtractedPlan
from workflows.parsing.text import fold
from workflows.plans.identity import task_identity
from workflows.plans.plan_rows import (
    corrected_fields,
    link_parent_and_children,
    replace_plan_parts,
    upsert_plan,
)
from workflows.plans.scheduling import activate_plan
from workflows.plans.task_merge import ImportOutcome, Incoming, merge_tasks, replace_edges
from workflows.registry.agencies import agency_for_body
from workflows.registry.registry import Registry


def import_plan(
    session: Session,
    extracted: ExtractedPlan,
    registry: Registry,
    *,
    source_name: str,
    source_sha256: str,
    now: datetime,
) -> ImportOutcome:
    plan, created = upsert_plan(session, extracted, source_name, source_sha256, now)
    assert plan.id is not None
    bodies = {fold(b.name): b for b in extracted.bodies}

    def agency_id(name: str | None) -> int | None:
        if not name:
            return None
        body = bodies.get(fold(name)) or Body(name=name, as_written=name, registered=False)
        return agency_for_body(session, body, registry, extracted.locality).id

    if "coordinator_id" not in corrected_fields(session, plan):
        plan.coordinator_id = agency_id(extracted.coordinator)
    seen: dict[str, int] = {}
    incoming = [
        Incoming(
            t,
            _unique(task_identity(t.section, t.lead, t.text), seen),
            agency_id(t.lead),
            sorted({i for p in t.partners if (i := agency_id(p)) is not None}),
        )
        for t in extracted.tasks
    ]
    outcome = ImportOutcome(plan_id=plan.id, created=created, revision=plan.revision)
    by_ext_id = merge_tasks(session, plan.id, incoming, outcome, now)
    replace_edges(session, extracted.tasks, by_ext_id)
    replace_plan_parts(session, plan, extracted)
    link_parent_and_children(session, plan)
    if plan.status == PlanStatus.PUBLISHED:  # a revision of a published plan stays published:
        activate_plan(session, plan, now)  # its new and changed tasks are reminded too
    return outcome


def _unique(identity: str, seen: dict[str, int]) -> str:
    """A duty written twice in one document is two tasks: the repeat gets a suffix."""
    seen[identity] = seen.get(identity, 0) + 1
    return identity if seen[identity] == 1 else f"{identity}#{seen[identity]}"
