"""A small, real world for web tests: two bodies, a published plan and a draft, five accounts
(one a plan coordinator: its body C coordinates the published plan, not the draft).

Built through the same workflows production uses (import_plan, publish, create_user).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from models.db import engine_for
from models.tasks import Task, TaskEvent
from web.admin import create_user
from workflows.parsing.result import Body, ExtractedPlan, ExtractedTask
from workflows.plans import corrections
from workflows.plans.importing import import_plan
from workflows.runners.runtime import database, registry

# "Today" for every web test: 15/05/2024 (Quý II/2024), set with KEHOACH_NOW.
NOW_TEXT = "2024-05-15T09:00:00"
NOW = datetime(2024, 5, 15, 2, 0, tzinfo=UTC)
PASSWORD = "mật-khẩu-đủ-dài-2024"
A_NAME = "Phòng Thử nghiệm Alpha huyện Kiểm Tra"
B_NAME = "Phòng Thử nghiệm Beta huyện Kiểm Tra"
C_NAME = "Văn phòng Thử nghiệm Gamma huyện Kiểm Tra"  # coordinates the published plan only
EMAILS = {
    "coordinator": "dieuphoi@example.gov.vn",
    "plan_coordinator": "vanphong@example.gov.vn",
    "leader": "lanhdao@example.gov.vn",
    "agency_a": "alpha@example.gov.vn",
    "agency_b": "beta@example.gov.vn",
}
ACCOUNTS = {  # role -> (account role, body)
    "agency_a": ("agency", A_NAME),
    "agency_b": ("agency", B_NAME),
    "plan_coordinator": ("coordinator", C_NAME),
}


@dataclass(frozen=True)
class World:
    url: str
    plan_id: int
    draft_id: int
    task_a: int  # lead A, overdue
    task_b: int  # lead B, not yet due
    task_b_with_a: int  # lead B, partner A, overdue
    task_a_later: int  # lead A, depends on task_a
    draft_task: int  # lead A, in the draft plan


def _body(name: str) -> Body:
    return Body(name=name, as_written=name, registered=False)


def _duty(ext_id: str, text: str, lead: str, due: date | None, **extra) -> ExtractedTask:
    return ExtractedTask(
        id=ext_id, section="III.1", line=int(ext_id[1:]) + 3, text=text, lead=lead, due=due, **extra
    )


def published_plan(
    *tasks: ExtractedTask, number: str = "12/KH-UBND", coordinator: str | None = None
) -> ExtractedPlan:
    return ExtractedPlan(
        number=number,
        issuer="Ủy ban nhân dân huyện Kiểm Tra",
        locality="huyện Kiểm Tra",
        year=2024,
        title="Kế hoạch thử nghiệm năm 2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        bodies=[_body(A_NAME), _body(B_NAME)],
        coordinator=coordinator,
        tasks=list(tasks),
    )


def build_world(url: str, texts: dict[str, str] | None = None) -> World:
    """Store the plans and accounts; ``texts`` overrides task texts (escaping tests)."""
    texts = texts or {}
    engine = database(url)
    reg = registry()
    plan = published_plan(
        _duty("T1", texts.get("T1", "Rà soát hộ nghèo quý I"), A_NAME, date(2024, 3, 31)),
        _duty("T2", texts.get("T2", "Báo cáo tiến độ 6 tháng"), B_NAME, date(2024, 6, 30)),
        _duty(
            "T3",
            texts.get("T3", "Tập huấn cán bộ cơ sở"),
            B_NAME,
            date(2024, 4, 30),
            partners=[A_NAME],
        ),
        _duty(
            "T4",
            texts.get("T4", "Tổng kết năm"),
            A_NAME,
            date(2024, 12, 31),
            depends_on=["T1"],
        ),
        coordinator=C_NAME,
    )
    draft = published_plan(
        _duty("T1", "Nhiệm vụ của dự thảo", A_NAME, date(2024, 9, 30)), number="13/KH-UBND"
    )
    with Session(engine, expire_on_commit=False) as session:
        first = import_plan(session, plan, reg, source_name="kh12.txt", source_sha256="a", now=NOW)
        second = import_plan(
            session, draft, reg, source_name="kh13.txt", source_sha256="b", now=NOW
        )
        corrections.publish(session, first.plan_id, NOW)
        session.commit()
        ids = {(t.plan_id, t.ext_id): t.id for t in session.exec(select(Task)).all()}
    for role, email in EMAILS.items():
        kind, agency = ACCOUNTS.get(role, (role, None))
        create_user(url, email, kind, agency, PASSWORD)
    p, d = first.plan_id, second.plan_id
    return World(
        url, p, d, ids[(p, "T1")], ids[(p, "T2")], ids[(p, "T3")], ids[(p, "T4")], ids[(d, "T1")]
    )


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client, path: str = "/login") -> str:  # type: ignore[no-untyped-def]
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def login(client, role: str):  # type: ignore[no-untyped-def]
    """Log ``client`` in as one of the world's accounts; returns the log-in response."""
    token = csrf_of(client)
    return client.post(
        "/login",
        data={"email": EMAILS[role], "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )


def dispose(url: str) -> None:
    engine_for(url).dispose()


def stored(world: World, model, key):  # type: ignore[no-untyped-def]
    """The row ``key`` of ``model`` as the database holds it now (read in a session of its own)."""
    with Session(engine_for(world.url)) as session:
        found = session.get(model, key)
        assert found is not None
        return found


def store(world: World, model, key, **fields) -> None:  # type: ignore[no-untyped-def]
    """Set ``fields`` on the row ``key`` of ``model`` behind the app's back (own session)."""
    with Session(engine_for(world.url)) as session:
        found = session.get(model, key)
        assert found is not None
        for name, value in fields.items():
            setattr(found, name, value)
        session.add(found)
        session.commit()


def task_events(world: World, task_id: int) -> list[TaskEvent]:
    """The task's history, oldest first."""
    with Session(engine_for(world.url)) as session:
        return list(
            session.exec(
                select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.id))
            ).all()
        )


def event_kinds(world: World, task_id: int) -> list[str]:
    return [e.kind for e in task_events(world, task_id)]


TOTAL = re.compile(r'<p class="muted">(\d+) nhiệm vụ</p>')


def list_total(client, path: str) -> int:  # type: ignore[no-untyped-def]
    """The total the task list at ``path`` shows."""
    match = TOTAL.search(client.get(path).text)
    assert match, f"no total on {path}"
    return int(match.group(1))


def counted(url: str, role: str, path_filter: dict, today: date) -> int:
    """What a COUNT over the tasks says the list shows ``role`` (an account without a body)."""
    from web.auth import CurrentUser
    from web.queries_tasks import TaskFilter, count_tasks

    user = CurrentUser(0, "", role, None, None, "", "")
    with Session(engine_for(url)) as session:
        return count_tasks(session, user, TaskFilter(**path_filter), today)


# Lists whose totals are kept and moved per change, and the filter each one shows.
KEPT_TOTALS = {
    "/tasks": {},
    "/tasks?status=overdue": {"category": "overdue"},
    "/tasks?status=done_late": {"category": "done_late"},
}


def totals_follow_a_change(client, url: str, task_id: int, today: date) -> None:  # type: ignore[no-untyped-def]
    """The coordinator's lists show a COUNT's totals before and right after its own change."""
    before = {path: list_total(client, path) for path in KEPT_TOTALS}
    for path, shown in before.items():
        assert shown == counted(url, "coordinator", KEPT_TOTALS[path], today), path
    page = f"/tasks/{task_id}"
    client.post(f"{page}/status", data={"csrf": csrf_of(client, page), "status": "done"})
    after = {path: list_total(client, path) for path in KEPT_TOTALS}
    for path, shown in after.items():
        assert shown == counted(url, "coordinator", KEPT_TOTALS[path], today), path
    # an overdue task done today is done late
    assert after["/tasks?status=overdue"] == before["/tasks?status=overdue"] - 1
    assert after["/tasks?status=done_late"] == before["/tasks?status=done_late"] + 1
