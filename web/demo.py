"""``kehoach demo --serve``: the sample plan to look at in a browser, with nothing to set up.

A mail sink (aiosmtpd on loopback, in this process) catches what the sweeps send; the pages
under ``/demo/mail`` show it (they exist only in this mode). Every body of the demo database
gets an address in the reserved ``.example`` domain, and there is one account per role.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from models.agencies import Agency
from models.db import session_scope
from models.plans import Plan
from models.tasks import Task
from models.types import TaskStatus
from web.admin import create_user
from web.guard import Ctx, endpoint
from web.render import render
from web.server import free_port
from workflows.followup.updates import update_status
from workflows.rules.timefmt import local_date
from workflows.runners import clock
from workflows.runners.runtime import database

DOMAIN = "kehoach.example"  # RFC 2606: never a real mailbox
COORDINATOR_EMAIL, LEADER_EMAIL = f"dieuphoi@{DOMAIN}", f"lanhdao@{DOMAIN}"
SENDER = f"kehoach@{DOMAIN}"
# What the sink shows its pages with: the mail's own inline styles, nothing it could load or run.
MAIL_HTML_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'",
    "x-frame-options": "SAMEORIGIN",
}


@dataclass(frozen=True)
class Caught:
    number: int
    received_at: datetime
    envelope_to: tuple[str, ...]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)  # type: ignore[return-value]

    def header(self, name: str) -> str:
        """A header decoded as RFC 2047 says (the whitespace between encoded words dropped:
        Python's default policy keeps it in address headers, doubling a space)."""
        raw = message_from_bytes(self.content).get(name, "")
        return str(make_header(decode_header(raw)))

    @property
    def sent_at(self) -> datetime:
        """The instant the mail says it was sent (its Date header), else when it arrived."""
        try:
            return parsedate_to_datetime(self.header("Date"))
        except (TypeError, ValueError):
            return self.received_at

    @property
    def subject(self) -> str:
        return self.header("Subject")

    def part(self, kind: str) -> str:
        body = self.message.get_body(preferencelist=(kind,))
        return body.get_content() if body is not None else ""  # type: ignore[attr-defined]


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps every message it is given, in memory."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self._lock = threading.Lock()
        self._messages: list[Caught] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            number = len(self._messages) + 1
            caught = Caught(number, clock.now(), tuple(envelope.rcpt_tos), envelope.content)
            self._messages.append(caught)
        return "250 OK"

    def start(self) -> int:
        """Start listening; returns the port."""
        self.controller.start()
        return self.port

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Caught]:
        with self._lock:
            return list(self._messages)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    body: str | None


def give_addresses(url: str | None) -> None:
    """An address for every stored body and its head; the demo leadership for every plan."""
    with session_scope(database(url)) as session:
        for agency in session.exec(select(Agency)).all():
            agency.email = f"co-quan-{agency.id}@{DOMAIN}"
            agency.head_email = f"thu-truong-{agency.id}@{DOMAIN}"
            session.add(agency)
        for plan in session.exec(select(Plan)).all():
            plan.leadership_emails = LEADER_EMAIL
            session.add(plan)


def busiest_body(session: Session, plan_id: int) -> Agency:
    """The body leading most open tasks of the plan: the agency a newcomer logs in as."""
    row = session.exec(
        select(Task.lead_id, func.count())
        .where(
            Task.plan_id == plan_id,
            col(Task.lead_id).is_not(None),
            col(Task.status) != TaskStatus.DROPPED,
        )
        .group_by(col(Task.lead_id))
        .order_by(func.count().desc(), col(Task.lead_id))
        .limit(1)
    ).first()
    agency = session.get(Agency, row[0]) if row else None
    if agency is None:
        raise ValueError("the demo plan has no task with a lead body")
    return agency


def make_accounts(url: str | None, plan_id: int) -> list[DemoAccount]:
    """One account per role, each with a fresh random password."""
    with session_scope(database(url)) as session:
        body = busiest_body(session, plan_id)
        agency_name, agency_email = body.name, body.email or f"co-quan-{body.id}@{DOMAIN}"
    wanted = [
        ("coordinator", COORDINATOR_EMAIL, None),
        ("agency", agency_email, agency_name),
        ("leader", LEADER_EMAIL, None),
    ]
    accounts = []
    for role, email, agency in wanted:
        password = f"demo-{secrets.token_hex(5)}"
        create_user(url, email, role, agency, password)
        accounts.append(DemoAccount(role, email, password, agency))
    return accounts


def finish_half(url: str | None, plan_id: int, at: datetime) -> int:
    """Every other task of the plan due by ``at`` (by id) marked done at ``at``, on time: the
    demo's bodies did part of their work, so the pages have both kinds to show."""
    due_by = local_date(at)
    with session_scope(database(url)) as session:
        ids = session.exec(
            select(Task.id)
            .where(
                Task.plan_id == plan_id,
                col(Task.lead_id).is_not(None),
                col(Task.status).in_((TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)),
                col(Task.due) <= due_by,
            )
            .order_by(col(Task.id))
        ).all()
        for task_id in ids[::2]:
            update_status(session, task_id, TaskStatus.DONE, "chạy thử", at)  # type: ignore[arg-type]
    return len(ids[::2])


def install(app: Starlette, sink: MailSink, accounts: list[DemoAccount]) -> None:
    """The demo's pages in ``app`` (before its own routes), and a link to them in the header."""
    app.router.routes[0:0] = routes(sink, accounts)
    app.state.extra_nav = (("/demo/mail", "Thư chạy thử"),)


def routes(sink: MailSink, accounts: list[DemoAccount]) -> list[BaseRoute]:
    """The demo's own pages: the caught mail (a list, one message, its HTML part). Open to
    anyone who reaches the demo (it listens on loopback); the header shows who is logged in."""

    def find(ctx: Ctx) -> Caught:
        number = ctx.path_int("number")
        shown = sink.messages
        if not 1 <= number <= len(shown):
            raise HTTPException(404, f"Không có thư số {number}.")
        return shown[number - 1]

    def page(ctx: Ctx, messages: list[Caught], shown: Caught | None) -> Response:
        context = {"messages": messages, "accounts": accounts, "shown": shown}
        return render(ctx.request, "demo_mail.html", context)

    @endpoint(None)
    async def mail_list(ctx: Ctx) -> Response:
        return page(ctx, sink.messages[::-1], None)

    @endpoint(None)
    async def mail_one(ctx: Ctx) -> Response:
        return page(ctx, [], find(ctx))

    @endpoint(None)
    async def mail_html(ctx: Ctx) -> Response:
        return HTMLResponse(find(ctx).part("html"), headers=MAIL_HTML_HEADERS)

    return [
        Route("/demo/mail", mail_list, methods=["GET"]),
        Route("/demo/mail/{number:int}", mail_one, methods=["GET"]),
        Route("/demo/mail/{number:int}/html", mail_html, methods=["GET"]),
    ]
