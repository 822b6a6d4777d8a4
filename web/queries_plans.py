"""What the plan pages read: the review (tasks with source lines), the graph, the timeline."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan, PlanWarning
from models.tasks import Task, TaskEdge
from models.types import TaskStatus
from models.users import PlanSource
from web.graph_svg import Node
from web.queries_tasks import TaskLine, lines_for
from workflows.rules.quarters import Quarter

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
        """No lead body, or a warning on its lines: what a coordinator must look at first."""
        if self.task.status == "dropped":
            return False
        return self.task.lead_id is None or bool(self.warnings)


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
    items = []
    for t in tasks:
        assert t.id is not None
        source = _source_of(t.line, starts, lines)
        span = (t.line, source[-1][0] if source else t.line)
        about = [w.text for w in warnings if w.line is not None and span[0] <= w.line <= span[1]]
        items.append(ReviewTask(shown[t.id], t, source, about))
    # Tasks with a warning or lacking a lead come first: they are what a coordinator must fix.
    items.sort(key=lambda r: (not r.needs_review, r.task.line))
    agencies = session.exec(
        select(Agency.name).where(col(Agency.merged_into_id).is_(None)).order_by(Agency.name)
    ).all()
    parent = session.get(Plan, plan.parent_id) if plan.parent_id else None
    children = session.exec(select(Plan).where(Plan.parent_id == plan.id)).all()
    return {
        "plan": plan,
        "items": items,
        "warnings": warnings,
        "source_lines": list(enumerate(lines, start=1)),
        "agency_names": list(agencies),
        "parent": parent,
        "children": list(children),
        "missing_lead": len(without_lead(session, plan.id)),  # type: ignore[arg-type]
    }


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
