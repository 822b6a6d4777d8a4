"""Objects the route tests point at: evidence, extensions, feed tokens, e-mail action links,
accounts and one-time password links."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from models.agencies import Agency
from models.db import engine_for
from models.tasks import Task
from models.users import Evidence, User
from notifications.links import LinkAction, make_token
from tests.web.world import A_NAME, B_NAME, C_NAME, NOW, PASSWORD, World
from web.admin import change_active, create_user, issue_reset, use_reset
from web.evidence import store
from web.feeds import new_feed_token
from workflows.followup.updates import request_extension

SECRET = "kiểm-thử-bí-mật"  # the KEHOACH_SECRET_KEY the web fixtures set


@dataclass(frozen=True)
class Objects:
    agency_a: int  # leads tasks of both plans
    agency_b: int  # appears only in the published plan, which body C coordinates
    agency_c: int  # the plan coordinator's body
    extension_a: int
    feed_token: str
    evidence: dict[int, int]  # task id -> evidence id
    spare_user: int  # an account no walk logs in with (the password links' target)
    disabled_user: int  # a disabled account (to enable again)


SPARE_EMAIL = "doimatkhau@example.gov.vn"
DISABLED_EMAIL = "tamkhoa@example.gov.vn"
NEW_PASSWORD = "mật-khẩu-mới-đặt-2024"


def agency_ids(url: str) -> tuple[int, int, int]:
    with Session(engine_for(url)) as session:
        ids = {a.name: a.id for a in session.exec(select(Agency)).all()}
    return ids[A_NAME], ids[B_NAME], ids[C_NAME]  # type: ignore[return-value]


def make_objects(world: World, data_dir: Path) -> Objects:
    """Evidence on every task, an extension request on task A's later task (task A itself is left
    free for the walk's own request: one request per deadline), a feed token for body A."""
    a, b, c = agency_ids(world.url)
    spare = create_user(world.url, SPARE_EMAIL, "leader", None, PASSWORD)
    disabled = create_user(world.url, DISABLED_EMAIL, "agency", B_NAME, PASSWORD)
    evidence = {}
    with Session(engine_for(world.url), expire_on_commit=False) as session:
        for task_id in (world.task_a, world.task_b, world.task_b_with_a, world.draft_task):
            stored = store(data_dir / "evidence", b"%PDF-1.4 minh chung", "bien-ban.pdf")
            item = Evidence(
                task_id=task_id, uploaded_by="điều phối", uploaded_at=NOW, **asdict(stored)
            )
            session.add(item)
            session.flush()
            assert item.id is not None
            evidence[task_id] = item.id
        later = session.get(Task, world.task_a_later)
        assert later is not None and later.due is not None
        later_due = later.due + timedelta(days=30)
        extension = request_extension(
            session, world.task_a_later, later_due, "Chờ số liệu", "alpha", NOW
        )
        feed = new_feed_token(session, a, NOW)
        change_active(session, session.get(User, disabled), False)  # type: ignore[arg-type]
        session.commit()
        assert extension.id is not None
    return Objects(a, b, c, extension.id, feed, evidence, spare, disabled)


def link_token(url: str, task_id: int, action: LinkAction, salt: int = 0) -> str:
    """A genuine link for ``task_id``'s lead body; ``salt`` makes a distinct token."""
    with Session(engine_for(url)) as session:
        task = session.get(Task, task_id)
        assert task is not None and task.lead_id is not None
        return make_token(
            SECRET,
            action=action,
            task_id=task_id,
            deadline_version=task.deadline_version,
            agency_id=task.lead_id,
            expires_at=NOW + timedelta(days=30, seconds=salt),
        )


def reset_token(url: str, user_id: int, state: str = "valid") -> str:
    """A one-time password link's secret for ``user_id``, issued now; ``used``: already used."""
    with Session(engine_for(url), expire_on_commit=False) as session:
        user = session.get(User, user_id)
        assert user is not None
        token = issue_reset(session, user, "điều phối", NOW)
        if state == "used":
            use_reset(session, token, NEW_PASSWORD, NEW_PASSWORD, NOW)
        session.commit()
    return token
