"""What the plan pages read: the review (tasks with source lines), the graph, the timeline."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func, or_
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan, PlanEvent, PlanWarning
from models.tasks import Task, TaskEdge, TaskEvent, TaskPartner
from models.types import TaskStatus
from models.users import PlanSource
from web.graph_svg import Node
from web.queries_tasks import TaskLine, lines_for
from workflows.parsing.text import fold
from workflows.plans.corrections import ACTOR as CORRECTOR
from workflows.plans.corrections import HEADER_LABELS
from workflows.rules.quarters import Quarter
from workflows.rules.timefmt import dmy

MAX_SOURCE_LINES_PER_TASK = 8
MAX_TIMELINE_QUARTERS = 60
_WARNING_LINE = re.compile(r"^Dòng (\d+)\b")


@dataclass(frozen=True)
class ReviewTask:
    line: TaskLine
    task: Task
    source: list[tuple[int, str]]  # (line number, text)
    warnings: list[str] = field(default_factory=list)  # the plan's warnings about these lines

    @property
    def needs_review(self) -> bool:
        """No lead body, a warning on its lines or an OCR'd figure to check: what a coordinator
        must look at first."""
        if self.task.status == "dropped":
            return False
        return self.task.lead_id is None or bool(self.warnings) or bool(self.task.ocr_doubt)


@dataclass(frozen=True)
class ReviewWarning:
    text: str
    line: int | None  # the source line it names ("Dòng 172: …"), to link to


def warning_line(text: str) -> int | None:
    match = _WARNING_LINE.match(text)
    return int(match.group(1)) if match else None


def plan_list(
    session: Session, drafts: bool, managed: Select | None = None
) -> list[tuple[Plan, int]]:
    """Plans newest first: drafts too for coordinators; ``managed`` limits to those plan ids."""
    query = select(Plan).order_by(col(Plan.id).desc())
    if not drafts:
        query = query.where(Plan.status == "published")
    if managed is not None:
        query = query.where(col(Plan.id).in_(managed))
    plans = session.exec(query).all()
    counts = dict(
        session.exec(
            select(Task.plan_id, func.count())
            .where(col(Task.status) != TaskStatus.DROPPED)
            .group_by(col(Task.plan_id))
        ).all()
    )
    return [(p, counts.get(p.id, 0)) for p in plans]


def review(session: Session, plan: Plan, today: date) -> dict:
    tasks = list(
        session.exec(
            select(Task).where(Task.plan_id == plan.id).order_by(col(Task.line), col(Task.id))
        ).all()
    )
    source = session.get(PlanSource, plan.id)
    # NFC: many documents carry decomposed tone marks, which monospace fonts draw misplaced.
    lines = unicodedata.normalize("NFC", source.text).split("\n") if source else []
    starts = sorted({t.line for t in tasks if t.line > 0})
    shown = {tl.id: tl for tl in lines_for(session, tasks, today)}
    warnings = [
        ReviewWarning(text, warning_line(text))
        for text in session.exec(
            select(PlanWarning.message)
            .where(PlanWarning.plan_id == plan.id, PlanWarning.revision == plan.revision)
            .order_by(col(PlanWarning.id))
        ).all()
    ]
    sources = {t.id: _source_of(t.line, starts, lines) for t in tasks}
    spans = {t.id: (t.line, src[-1][0] if (src := sources[t.id]) else t.line) for t in tasks}
    warnings = standing_warnings(session, plan, tasks, spans, warnings)
    items = []
    for t in tasks:
        assert t.id is not None
        span = spans[t.id]
        about = [w.text for w in warnings if w.line is not None and span[0] <= w.line <= span[1]]
        items.append(ReviewTask(shown[t.id], t, sources[t.id], about))
    # Tasks with a warning or lacking a lead come first: they are what a coordinator must fix.
    items.sort(key=lambda r: (not r.needs_review, r.task.line))
    agencies = session.exec(
        select(Agency.name).where(col(Agency.merged_into_id).is_(None)).order_by(Agency.name)
    ).all()
    parent = session.get(Plan, plan.parent_id) if plan.parent_id else None
    children = session.exec(select(Plan).where(Plan.parent_id == plan.id)).all()
    leads = {
        a.id: a
        for a in session.exec(
            select(Agency).where(col(Agency.id).in_({t.lead_id for t in tasks if t.lead_id}))
        ).all()
    }
    own_policies = session.exec(
        select(Agency.name, Agency.reminder_offsets)
        .where(col(Agency.id).in_(set(leads)), col(Agency.reminder_offsets).is_not(None))
        .order_by(col(Agency.name))
    ).all()
    return {
        "plan": plan,
        "own_policies": list(own_policies),
        "coordinator": session.get(Agency, plan.coordinator_id) if plan.coordinator_id else None,
        "unregistered_leads": {
            t.id for t in tasks if t.lead_id and not leads[t.lead_id].registered
        },
        "history": plan_history(session, plan),
        "items": items,
        "warnings": warnings,
        "source_lines": list(enumerate(lines, start=1)),
        "agency_names": list(agencies),
        "parent": parent,
        "children": list(children),
        "missing_lead": len(without_lead(session, plan.id)),  # type: ignore[arg-type]
    }


UNREGISTERED = "Cơ quan chưa có trong danh mục: "
NO_LEAD = "không xác định được cơ quan chủ trì"
HEADER_WARNINGS = {  # a header warning stands until the field is filled in
    "Không xác định được cơ quan ban hành": "issuer",
    "Không xác định được ngày ban hành": "issued_on",
}
DATE_FIELDS = {"issued_on", "period_start", "period_end"}
IMPORT_KINDS = ("imported", "changed", "correction_kept")
CORRECTION_KINDS = ("corrected", "added", "deadline")


def standing_warnings(
    session: Session,
    plan: Plan,
    tasks: list[Task],
    spans: dict[int | None, tuple[int, int]],
    warnings: list[ReviewWarning],
) -> list[ReviewWarning]:
    """The import's warnings a coordinator has not yet dealt with: a header field still empty,
    an unknown body still leading or partnering a live task (not merged, not entered in the
    registry), a task still without a lead, or a warned-about task not corrected since the
    document was last imported. The list shrinks as corrections and merges are made."""
    live = [t for t in tasks if t.status != TaskStatus.DROPPED]
    corrected = _corrected_since_import(session, [t.id for t in live if t.id is not None])
    unknown = _unknown_bodies(session, live)
    kept = []
    for warning in warnings:
        field_name = next(
            (f for w, f in HEADER_WARNINGS.items() if warning.text.startswith(w)), None
        )
        if field_name is not None:
            if not getattr(plan, field_name):
                kept.append(warning)
            continue
        if warning.text.startswith(UNREGISTERED):
            if fold(warning.text.removeprefix(UNREGISTERED)) in unknown:
                kept.append(warning)
            continue
        if warning.line is None:
            kept.append(warning)
            continue
        line = warning.line
        covering = [t for t in tasks if spans[t.id][0] <= line <= spans[t.id][1]]
        if not covering:
            kept.append(warning)
            continue
        open_ = [t for t in covering if t.status != TaskStatus.DROPPED]
        if NO_LEAD in warning.text:
            if any(t.lead_id is None for t in open_):
                kept.append(warning)
        elif any(t.id not in corrected for t in open_):
            kept.append(warning)
    return kept


def _corrected_since_import(session: Session, task_ids: list[int]) -> set[int]:
    """Tasks a coordinator corrected after the last import that touched them."""
    if not task_ids:
        return set()
    rows = session.exec(
        select(TaskEvent.task_id, TaskEvent.kind, TaskEvent.actor, func.max(TaskEvent.at))
        .where(col(TaskEvent.task_id).in_(task_ids))
        .group_by(col(TaskEvent.task_id), col(TaskEvent.kind), col(TaskEvent.actor))
    ).all()
    imported: dict[int, datetime] = {}
    corrected: dict[int, datetime] = {}
    for task_id, kind, actor, at in rows:
        if kind in IMPORT_KINDS:
            imported[task_id] = max(at, imported.get(task_id, at))
        elif kind in CORRECTION_KINDS and actor == CORRECTOR:
            corrected[task_id] = max(at, corrected.get(task_id, at))
    return {t for t, at in corrected.items() if t not in imported or at >= imported[t]}


def _unknown_bodies(session: Session, live: list[Task]) -> set[str]:
    """Folded names of the bodies outside the registry that live tasks still name."""
    ids = {t.lead_id for t in live if t.lead_id is not None}
    partners = select(TaskPartner.agency_id).where(
        col(TaskPartner.task_id).in_([t.id for t in live])
    )
    names = session.exec(
        select(Agency.folded_name).where(
            or_(col(Agency.id).in_(ids), col(Agency.id).in_(partners)),
            Agency.registered == False,  # noqa: E712
            col(Agency.merged_into_id).is_(None),
        )
    ).all()
    return set(names)


@dataclass(frozen=True)
class PlanChange:
    at: datetime
    actor: str
    detail: str  # "số, ký hiệu: 12/KH-UBND → 12/KH-UBND-VP; …"


def plan_history(session: Session, plan: Plan) -> list[PlanChange]:
    """The plan's own corrections, newest first, in words."""
    events = session.exec(
        select(PlanEvent)
        .where(PlanEvent.plan_id == plan.id)
        .order_by(col(PlanEvent.at).desc(), col(PlanEvent.id).desc())
    ).all()
    ids = {v for e in events for v in e.detail.get("coordinator_id", []) if isinstance(v, int)}
    names = dict(session.exec(select(Agency.id, Agency.name).where(col(Agency.id).in_(ids))).all())

    def shown(name: str, value: object) -> str:
        if value is None or value == "":
            return "không có"
        if name == "coordinator_id":
            return names.get(value, f"#{value}")  # type: ignore[call-overload]
        if isinstance(value, str) and name in DATE_FIELDS:
            return dmy(date.fromisoformat(value))
        return str(value)

    return [
        PlanChange(
            e.at,
            e.actor,
            "; ".join(
                f"{HEADER_LABELS.get(n, n)}: {shown(n, old)} → {shown(n, new)}"
                for n, (old, new) in e.detail.items()
            ),
        )
        for e in events
    ]


def without_lead(session: Session, plan_id: int) -> list[Task]:
    """Live tasks with no lead body: publishing waits for them (unless told «Vẫn ban hành»)."""
    query = select(Task).where(
        Task.plan_id == plan_id,
        col(Task.lead_id).is_(None),
        col(Task.status) != TaskStatus.DROPPED,
    )
    return list(session.exec(query.order_by(col(Task.line), col(Task.id))).all())


def _source_of(line: int, starts: list[int], lines: list[str]) -> list[tuple[int, str]]:
    """The task's lines: from its own to just before the next task's (at most a few)."""
    if line <= 0 or not lines:
        return []
    following = next((s for s in starts if s > line), len(lines) + 1)
    end = min(following - 1, line + MAX_SOURCE_LINES_PER_TASK - 1, len(lines))
    return [(n, lines[n - 1]) for n in range(line, end + 1)]


def graph_data(session: Session, plan: Plan, today: date) -> dict:
    tasks = list(
        session.exec(
            select(Task).where(Task.plan_id == plan.id, col(Task.status) != TaskStatus.DROPPED)
        ).all()
    )
    ids = [t.id for t in tasks]
    edges = [
        (e.task_id, e.depends_on_id)
        for e in session.exec(select(TaskEdge).where(col(TaskEdge.task_id).in_(ids))).all()
    ]
    lines = lines_for(session, tasks, today)
    nodes = [Node(tl.id, tl.text, tl.lead or "(chưa có chủ trì)", tl.category) for tl in lines]
    reports = {t.id: t.report_to for t in tasks if t.report_to and t.id is not None}
    parent = session.get(Plan, plan.parent_id) if plan.parent_id else None
    children = session.exec(select(Plan).where(Plan.parent_id == plan.id)).all()
    return {
        "nodes": nodes,
        "edges": edges,
        "reports": reports,
        "parent": parent,
        "children": list(children),
    }


def timeline(session: Session, plan: Plan, today: date) -> dict:
    tasks = list(
        session.exec(
            select(Task)
            .where(Task.plan_id == plan.id, col(Task.status) != TaskStatus.DROPPED)
            .order_by(col(Task.due), col(Task.id))
        ).all()
    )
    by_quarter: dict[Quarter, list[TaskLine]] = {}
    undated: list[TaskLine] = []
    for tl in lines_for(session, tasks, today):
        if tl.due is None:
            undated.append(tl)
        else:
            by_quarter.setdefault(Quarter.of(tl.due), []).append(tl)
    # Every quarter of the plan's period is shown, an empty one too (nothing falls due then).
    bounds = [d for d in (plan.period_start, plan.period_end) if d is not None]
    known = sorted([*by_quarter, *(Quarter.of(d) for d in bounds)])
    if known:
        quarter = known[0]
        while quarter <= known[-1] and len(by_quarter) < MAX_TIMELINE_QUARTERS:
            by_quarter.setdefault(quarter, [])
            quarter = quarter.next()
    return {"quarters": sorted(by_quarter.items()), "undated": undated}
