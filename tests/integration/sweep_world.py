"""A small published plan with named personas, for sweep tests against a real SMTP server.

Personas: the lead body (Phòng Lao động), a partner body (Phòng Y tế), an unrelated body
(Phòng Tư pháp), the coordinator (Văn phòng UBND) and a leader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from config.settings import reset_settings
from models.agencies import Agency
from models.tasks import Task
from workflows.followup import contacts
from workflows.parsing.result import Body, ExtractedPlan, ExtractedTask
from workflows.plans import corrections
from workflows.plans.extraction import extract_file
from workflows.plans.importing import import_plan
from workflows.registry.registry import Registry, load_registry
from workflows.runners.clock import parse_instant
from workflows.runners.jobs import SweepReport, sweep

REGISTRY = """
[[agency]]
key = "ld"
name = "Phòng Lao động – Thương binh và Xã hội"
level = "huyen"
locality = "huyện Thử Nghiệm"
aliases = []

[[agency]]
key = "yte"
name = "Phòng Y tế"
level = "huyen"
locality = "huyện Thử Nghiệm"
aliases = []

[[agency]]
key = "tp"
name = "Phòng Tư pháp"
level = "huyen"
locality = "huyện Thử Nghiệm"
aliases = []

[[agency]]
key = "vp"
name = "Văn phòng HĐND và UBND"
level = "huyen"
locality = "huyện Thử Nghiệm"
aliases = []
"""
LEAD, PARTNER, UNRELATED, COORD = (
    "Phòng Lao động – Thương binh và Xã hội",
    "Phòng Y tế",
    "Phòng Tư pháp",
    "Văn phòng HĐND và UBND",
)
LEAD_MAIL, LEAD_HEAD = "ldtbxh@tn.gov.vn", "truongphong.ld@tn.gov.vn"
PARTNER_MAIL, UNRELATED_MAIL = "yte@tn.gov.vn", "tuphap@tn.gov.vn"
COORD_MAIL, LEADER_MAIL = "vanphong@tn.gov.vn", "chutich@tn.gov.vn"


@dataclass
class World:
    registry: Registry
    plan_id: int
    engine: object

    def task_id(self, text_start: str) -> int:
        with Session(self.engine) as session:  # type: ignore[arg-type]
            tasks = session.exec(select(Task).where(Task.plan_id == self.plan_id)).all()
            return next(t.id for t in tasks if t.text.startswith(text_start))  # type: ignore[misc]

    def sweep_at(self, local: str, **kwargs) -> SweepReport:
        return sweep(parse_instant(local), **kwargs)


def configure_mail(monkeypatch: pytest.MonkeyPatch, server) -> None:
    monkeypatch.setenv("KEHOACH_SMTP_HOST", server.host)
    monkeypatch.setenv("KEHOACH_SMTP_PORT", str(server.port))
    # A bound for a loopback server on a busy 2-core machine: a tight one turns load into
    # retries (tests that need a timeout script the server's delay and set their own).
    monkeypatch.setenv("KEHOACH_SMTP_TIMEOUT", "30")
    monkeypatch.setenv("KEHOACH_MAIL_FROM", "kehoach@tn.gov.vn")
    monkeypatch.setenv("KEHOACH_SECRET_KEY", "khoa-bi-mat-thu-nghiem")
    monkeypatch.setenv("KEHOACH_BASE_URL", "https://kehoach.tn.gov.vn")
    reset_settings()


def duty(
    ext_id: str,
    text: str,
    due: date | None,
    lead: str = LEAD,
    partners: tuple[str, ...] = (),
    **extra,
) -> ExtractedTask:
    return ExtractedTask(
        id=ext_id,
        section="IV.1",
        line=1,
        text=text,
        lead=lead,
        partners=list(partners),
        due=due,
        **extra,
    )


def build_world(
    engine,
    *tasks: ExtractedTask,
    published_at: str = "2022-03-01T09:00",
    year: int = 2022,
    leader: bool = True,
    addresses: bool = True,
    period: tuple[date, date] | None = None,
) -> World:
    registry = Registry.from_toml(REGISTRY)
    plan = ExtractedPlan(
        number="99/KH-UBND",
        issuer="Ủy ban nhân dân huyện Thử Nghiệm",
        locality="huyện Thử Nghiệm",
        year=year,
        title="Kế hoạch giảm nghèo & an sinh <2022>",
        bodies=[Body(n, n, True) for n in (LEAD, PARTNER, UNRELATED, COORD)],
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        coordinator=COORD,
        tasks=list(tasks),
    )
    now = parse_instant(published_at)
    with Session(engine, expire_on_commit=False) as session:
        outcome = import_plan(
            session, plan, registry, source_name="kh.txt", source_sha256="x", now=now
        )
        if addresses:
            contacts.set_contact(session, registry, LEAD, LEAD_MAIL, LEAD_HEAD)
            contacts.set_contact(session, registry, PARTNER, PARTNER_MAIL, None)
            contacts.set_contact(session, registry, UNRELATED, UNRELATED_MAIL, None)
            contacts.set_contact(session, registry, COORD, COORD_MAIL, None)
        contacts.set_plan_contacts(
            session, registry, outcome.plan_id, COORD, LEADER_MAIL if leader else None
        )
        corrections.publish(session, outcome.plan_id, now)
        session.commit()
    return World(registry, outcome.plan_id, engine)


CHASING = ("reminder_digest", "delivery_problems")


def kind_of(mail) -> str:
    """The email's kind, from its idempotency key header (``reminder_digest:…``)."""
    return str(mail.message["X-Kehoach-Key"]).split(":")[0]


def mail_to(server, address: str, kinds: tuple[str, ...] = CHASING) -> list:
    """Mail that reached ``address``; weekly digests and quarterly reports only when asked."""
    return [r for r in server.received if address in r.rcpt_tos and kind_of(r) in kinds]


def local_send_day(received) -> datetime:
    return received.message["Date"].datetime


def publish_document(engine, path: Path, published_at: str, domain: str, leadership: str) -> int:
    """A real plan document imported through the normal path (read, parse, store), every body
    given an address (``coquan<id>@domain``, its head ``thutruong<id>@domain``), published
    with ``leadership`` as its leadership address; returns the plan's id."""
    registry = load_registry()
    extraction = extract_file(path, registry)
    start = parse_instant(published_at)
    with Session(engine, expire_on_commit=False) as session:
        outcome = import_plan(
            session,
            extraction.plan,
            registry,
            source_name=path.name,
            source_sha256=extraction.sha256,
            now=start,
        )
        for agency in session.exec(select(Agency)).all():
            agency.email = f"coquan{agency.id}@{domain}"
            agency.head_email = f"thutruong{agency.id}@{domain}"
            session.add(agency)
        plan = corrections.publish(session, outcome.plan_id, start, force=True)
        plan.leadership_emails = leadership
        session.add(plan)
        session.commit()
    return outcome.plan_id


def queue_bulk(engine, count: int, now: datetime) -> None:
    """``count`` ready reminder digests, one per address ``donvi{i}@tn.gov.vn``."""
    from config.settings import get_settings
    from notifications.render import RenderedEmail
    from workflows.followup.compose import new_message

    with Session(engine) as session:
        for i in range(count):
            text = f"Thư thứ {i + 1}"
            session.add(
                new_message(
                    get_settings(),
                    now,
                    key=f"bulk:{i}",
                    kind="reminder_digest",
                    recipient=f"donvi{i}@tn.gov.vn",
                    agency_id=None,
                    plan_id=None,
                    rendered=RenderedEmail(subject=text, text=text, html=f"<p>{text}</p>"),
                )
            )
        session.commit()
