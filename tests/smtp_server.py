"""A real aiosmtpd server on 127.0.0.1 (free port, background thread) whose replies tests script.

    server.script("DATA", Reply("451 4.3.0 Thử lại sau"))   # next end-of-data gets 451, then 250
    server.script("CONNECT", Reply("421 4.3.2 Bận"))        # next connection greeted with 421
    server.script("DATA", Drop(store=True))                # take the message, then hang up
    server.script("DATA", Delay(2.0, store=True))          # take it, answer after 2 s
    server.refuse_recipient("x@y.vn", "550 5.1.1 Không có hộp thư")  # until accept_recipient
    server.fail_auth()                                     # next AUTH gets 535

Commands that can be scripted: CONNECT (the greeting), MAIL, RCPT, DATA (the reply after the
final "."), AUTH. Each queue is consumed one action per command; an empty queue means normal
behaviour. ``received`` holds every stored message (parsed, with its envelope and the number
of the connection it came on); ``connections`` counts TCP sessions.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import threading
import warnings
from collections import defaultdict, deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class Reply:
    """Answer with this line instead of the normal reply."""

    text: str


@dataclass(frozen=True)
class Drop:
    """Close the connection without replying; for DATA, after receiving the whole message,
    storing it first when ``store`` (the server accepted it but the 250 never left)."""

    store: bool = True


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` before replying normally; for DATA, store before the wait when
    ``store`` (a slow server that already accepted), else only after it."""

    seconds: float
    store: bool = True


Action = Reply | Drop | Delay
_MESSAGE_ID = re.compile(rb"(?im)^Message-ID:\s*(<[^>\r\n]+>)")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    connection: int

    @property
    def message(self) -> EmailMessage:
        """Parsed on demand: parsing in the server thread would slow every send down."""
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        match = _MESSAGE_ID.search(self.raw.split(b"\r\n\r\n", 1)[0])
        return match.group(1).decode("ascii") if match else ""


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    scripts: dict[str, deque[Action]] = field(default_factory=lambda: defaultdict(deque))
    refused: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    credentials: tuple[str, str] | None = None

    def next_action(self, command: str) -> Action | None:
        with self.lock:
            queue = self.scripts.get(command)
            return queue.popleft() if queue else None


class _ScriptedSMTP(SMTP):
    def __init__(self, handler: Any, state: _State, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.state = state
        self.connection_number = 0

    async def _handle_client(self) -> None:
        with self.state.lock:
            self.state.connections += 1
            self.connection_number = self.state.connections
        action = self.state.next_action("CONNECT")
        if isinstance(action, Delay):
            await asyncio.sleep(action.seconds)
        elif isinstance(action, Reply):
            await self.push(action.text)
            self.transport.close()
            return
        elif isinstance(action, Drop):
            self.transport.close()
            return
        await super()._handle_client()


async def _hang_up(server: SMTP) -> None:
    """Close the connection and never reply; aiosmtpd cancels us when the loss is noticed."""
    server.transport.close()
    await asyncio.Event().wait()


class _Handler:
    def __init__(self, state: _State) -> None:
        self.state = state

    async def _scripted(self, server: SMTP, command: str) -> str | None:
        action = self.state.next_action(command)
        if isinstance(action, Reply):
            return action.text
        if isinstance(action, Drop):
            await _hang_up(server)
        if isinstance(action, Delay):
            await asyncio.sleep(action.seconds)
        return None

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        reply = await self._scripted(server, "MAIL")
        if reply is not None:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        with self.state.lock:
            refusal = self.state.refused.get(address.lower())
        if refusal is not None:
            return refusal
        reply = await self._scripted(server, "RCPT")
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _store(self, server: _ScriptedSMTP, envelope: Envelope) -> None:
        raw = bytes(envelope.original_content or b"")
        item = Received(
            str(envelope.mail_from), tuple(envelope.rcpt_tos), raw, server.connection_number
        )
        with self.state.lock:
            self.state.received.append(item)

    async def handle_DATA(self, server: _ScriptedSMTP, session: Session, envelope: Envelope) -> str:
        action = self.state.next_action("DATA")
        if isinstance(action, Reply):
            if action.text.startswith("2"):
                self._store(server, envelope)
            return action.text
        if isinstance(action, Drop):
            if action.store:
                self._store(server, envelope)
            await _hang_up(server)
        if isinstance(action, Delay):
            if action.store:
                self._store(server, envelope)
            await asyncio.sleep(action.seconds)
            if not action.store:
                self._store(server, envelope)
            return "250 OK delayed"
        self._store(server, envelope)
        return "250 OK"


def _authenticator(state: _State):
    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any):
        action = state.next_action("AUTH")
        if isinstance(action, Reply):  # aiosmtpd answers a failure with 535 itself
            return AuthResult(success=False, handled=False)
        if state.credentials is None:
            return AuthResult(success=True, auth_data=data)
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = data.login.decode("utf-8", "replace")
        password = data.password.decode("utf-8", "replace")
        if (login, password) != state.credentials:
            return AuthResult(success=False, handled=False)  # "not handled": aiosmtpd sends 535
        return AuthResult(success=True, auth_data=data)

    return check


class _Controller(Controller):
    def __init__(self, state: _State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(_Handler(state), **kwargs)

    def factory(self) -> SMTP:
        # Plain-text AUTH is what we test on loopback; aiosmtpd warns about it on every session.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return _ScriptedSMTP(self.handler, self.state, **self.SMTP_kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScriptedSMTPServer:
    """Start with ``start()``, stop with ``stop()``; read ``received`` and ``connections``."""

    host = "127.0.0.1"

    def __init__(
        self,
        credentials: tuple[str, str] | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        """``tls_context`` offers STARTTLS and requires it before any mail command."""
        self.state = _State(credentials=credentials)
        self.tls_context = tls_context
        self.port = 0
        self._controller: _Controller | None = None

    def start(self) -> ScriptedSMTPServer:
        for _ in range(5):  # the free port may be taken between probing and binding
            self.port = _free_port()
            controller = _Controller(
                self.state,
                hostname=self.host,
                port=self.port,
                auth_require_tls=False,
                auth_required=self.state.credentials is not None,
                authenticator=_authenticator(self.state),
                server_hostname="mail.test.vn",
                tls_context=self.tls_context,
                require_starttls=self.tls_context is not None,
            )
            try:
                controller.start()
            except Exception:
                continue
            self._controller = controller
            with self.state.lock:  # start() itself connected once to wake the server up
                self.state.connections = 0
            return self
        raise RuntimeError("could not start the test SMTP server")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def script(self, command: str, *actions: Action) -> None:
        with self.state.lock:
            self.state.scripts[command.upper()].extend(actions)

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 Mailbox unavailable") -> None:
        with self.state.lock:
            self.state.refused[address.lower()] = reply

    def accept_recipient(self, address: str) -> None:
        """Undo ``refuse_recipient``."""
        with self.state.lock:
            self.state.refused.pop(address.lower(), None)

    def forget_received(self) -> None:
        """Start counting received messages afresh (after a test's set-up sent some)."""
        with self.state.lock:
            self.state.received.clear()

    def fail_auth(self, times: int = 1) -> None:
        self.script("AUTH", *([Reply("535")] * times))

    @property
    def received(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.received)

    @property
    def connections(self) -> int:
        with self.state.lock:
            return self.state.connections

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]
