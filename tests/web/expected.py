"""What pages and exports should show, computed straight from the rows (never through the app's
own queries or rules), and a small reader for the HTML tables that show it."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from sqlmodel import Session, col, func, select

from models.agencies import Agency
from models.db import engine_for
from models.plans import Plan
from models.tasks import Task, TaskPartner
from models.types import PlanStatus

# The Vietnamese status labels, written out here as the oracle: (status, overdue) -> label.
OPEN_LABELS = {
    ("not_started", False): "chưa thực hiện",
    ("not_started", True): "chưa thực hiện – quá hạn",
    ("in_progress", False): "đang thực hiện – trong hạn",
    ("in_progress", True): "đang thực hiện – quá hạn",
}


def status_label(task: Task, today: date) -> str:
    if task.status == "done":
        return "hoàn thành quá hạn" if task.completed_late else "hoàn thành đúng hạn"
    return OPEN_LABELS[(task.status, task.due is not None and task.due < today)]


def overdue_by_lead(url: str, today: date) -> dict[int, int]:
    """Open tasks of published plans past their deadline, counted per lead body."""
    with Session(engine_for(url)) as session:
        rows = session.exec(
            select(Task.lead_id, func.count())
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(
                Plan.status == PlanStatus.PUBLISHED,
                col(Task.status).in_(["not_started", "in_progress"]),
                col(Task.due) < today,
            )
            .group_by(col(Task.lead_id))
        ).all()
    return {lead: count for lead, count in rows}


def counted_tasks(url: str) -> list[Task]:
    """The tasks the scorecards and the on-time rates judge: of published plans, not dropped."""
    with Session(engine_for(url)) as session:
        return list(
            session.exec(
                select(Task)
                .join(Plan, col(Plan.id) == Task.plan_id)
                .where(Plan.status == PlanStatus.PUBLISHED, col(Task.status) != "dropped")
            ).all()
        )


def scorecards(url: str, first: date, last: date, today: date) -> dict[int, dict[str, str]]:
    """Per lead body: tasks of published plans due in [first, last], judged on ``today``, as the
    scorecards table shows them (column class -> text)."""
    cards: dict[int, dict[str, int]] = {}
    for task in counted_tasks(url):
        if task.due is None or not first <= task.due <= last or task.lead_id is None:
            continue
        card = cards.setdefault(
            task.lead_id, {"due": 0, "on-time": 0, "late": 0, "overdue": 0, "pending": 0}
        )
        card["due"] += 1
        if task.status == "done":
            card["late" if task.completed_late else "on-time"] += 1
        elif task.due < today:
            card["overdue"] += 1
        else:
            card["pending"] += 1
    shown = {}
    for lead, card in cards.items():
        judged = card["on-time"] + card["late"] + card["overdue"]
        rate = f"{card['on-time'] * 100 / judged:.0f}%" if judged else "—"
        shown[lead] = {**{k: str(v) for k, v in card.items()}, "rate": rate}
    return shown


def task_rows(url: str, today: date) -> list[list[str]]:
    """The task export for a coordinator: every live task, by deadline then id, as the sheet's
    columns (STT, nội dung, chủ trì, phối hợp, thời hạn, tình trạng, ghi chú)."""
    with Session(engine_for(url)) as session:
        tasks = session.exec(select(Task).where(col(Task.status) != "dropped")).all()
        names = dict(session.exec(select(Agency.id, Agency.name)).all())
        partners: dict[int, list[str]] = {}
        for task_id, agency_id in session.exec(
            select(TaskPartner.task_id, TaskPartner.agency_id)
        ).all():
            partners.setdefault(task_id, []).append(names[agency_id])
    ordered = sorted(tasks, key=lambda t: (t.due is None, t.due or date.min, t.id))
    return [
        [
            str(n),
            t.text,
            names.get(t.lead_id, "") if t.lead_id else "",
            "; ".join(sorted(partners.get(t.id, []))),  # type: ignore[arg-type]
            f"{t.due:%d/%m/%Y}" if t.due else "",
            status_label(t, today),
            t.result_note or "",
        ]
        for n, t in enumerate(ordered, start=1)
    ]


class _Rows(HTMLParser):
    """Rows of one table (by id) that carry ``data-key``: {key: {cell class: text}}."""

    def __init__(self, table_id: str, key: str) -> None:
        super().__init__()
        self.table_id, self.key = table_id, key
        self.inside, self.row, self.cell = False, None, None
        self.rows: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.inside = found.get("id") == self.table_id
        elif self.inside and tag == "tr" and found.get(self.key) is not None:
            self.row = self.rows.setdefault(found[self.key] or "", {})
        elif self.row is not None and tag == "td":
            classes = (found.get("class") or "").split()
            self.cell = classes[-1] if classes else None
            if self.cell:
                self.row[self.cell] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif tag == "tr":
            self.row = None
        elif tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.cell:
            self.row[self.cell] += data.strip()


def table_cells(html: str, table_id: str, key: str = "data-agency") -> dict[str, dict[str, str]]:
    parser = _Rows(table_id, key)
    parser.feed(html)
    return parser.rows
