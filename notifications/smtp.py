"""Send built messages through aiosmtplib with reused connections and bounded concurrency.

``SmtpPool`` runs ``size`` workers; each keeps one SMTP connection open and sends message
after message over it (across batches, for as long as the pool is open), reconnecting after a
failure. ``send_batch`` is a pool for one batch. Every message gets exactly one
:class:`SendOutcome` (see ``outcomes.py``); nothing is retried here except a stale pooled
connection found dead *before* MAIL was accepted, which cannot duplicate anything. Retries with
backoff belong to the outbox, which resends the same message (same Message-ID).

The transaction itself, and why it does not use ``SMTP.send_message``, is in
``transaction.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib import SMTPResponseException

from notifications.outcomes import Outcome, SendOutcome, Stage, classify_code
from notifications.transaction import CONNECTION_ERRORS, error_text, message_id, transact

MAX_CONSECUTIVE_CONNECT_FAILURES = 3


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # envelope sender (MAIL FROM), where bounces go
    starttls: bool = False
    use_tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0  # per command and per reply
    local_hostname: str | None = None  # EHLO name; default: the sender's domain
    validate_certs: bool = True
    cert_bundle: str | None = None  # CA file to trust, e.g. a government CA; None = system

    @classmethod
    def from_settings(cls, settings: object | None = None) -> SmtpConfig:
        if settings is None:
            from config.settings import get_settings

            settings = get_settings()
        s = settings
        return cls(
            host=s.smtp_host,  # type: ignore[attr-defined]
            port=s.smtp_port,  # type: ignore[attr-defined]
            sender=s.mail_from,  # type: ignore[attr-defined]
            starttls=s.smtp_starttls,  # type: ignore[attr-defined]
            use_tls=s.smtp_tls,  # type: ignore[attr-defined]
            username=s.smtp_username,  # type: ignore[attr-defined]
            password=s.smtp_password,  # type: ignore[attr-defined]
            timeout=s.smtp_timeout,  # type: ignore[attr-defined]
        )


OutcomeSink = Callable[[int, SendOutcome], Awaitable[None]]


@dataclass
class _Batch:
    messages: Sequence[EmailMessage]
    config: SmtpConfig
    queue: asyncio.Queue[int]
    outcomes: list[SendOutcome | None]
    on_outcome: OutcomeSink | None = None
    stop_reason: str | None = None
    connect_failures: int = 0

    async def settle(self, index: int, outcome: SendOutcome) -> None:
        self.outcomes[index] = outcome
        if self.on_outcome is not None:
            await self.on_outcome(index, outcome)


async def _open(config: SmtpConfig) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(
        hostname=config.host,
        port=config.port,
        username=config.username,
        password=config.password,
        use_tls=config.use_tls,
        start_tls=config.starttls,  # explicit: never an opportunistic, unverified upgrade
        timeout=config.timeout,
        local_hostname=config.local_hostname or config.sender.rpartition("@")[2] or "localhost",
        validate_certs=config.validate_certs,
        cert_bundle=config.cert_bundle,
    )
    await client.connect()
    return client


def _connect_failure(msg: EmailMessage, error: BaseException) -> SendOutcome:
    status: Outcome
    if isinstance(error, SMTPResponseException):
        status = classify_code(error.code, Stage.CONNECT)
        return SendOutcome(message_id(msg), status, error.code, error.message, Stage.CONNECT)
    elif isinstance(error, aiosmtplib.SMTPException) and "auth" in str(error).lower():
        status = Outcome.AUTH_FAILED  # e.g. the server offers no AUTH at all
    else:
        status = Outcome.TRANSIENT
    return SendOutcome(message_id(msg), status, None, error_text(error), Stage.CONNECT)


def _is_stale_connection(outcome: SendOutcome) -> bool:
    """Dead before MAIL was answered: safe to reconnect and try again (nothing was sent)."""
    return outcome.stage is Stage.MAIL and outcome.code is None


async def _connect_for(batch: _Batch, msg: EmailMessage) -> aiosmtplib.SMTP | SendOutcome:
    try:
        client = await _open(batch.config)
    except (aiosmtplib.SMTPException, OSError) as error:
        outcome = _connect_failure(msg, error)
        batch.connect_failures += 1
        if outcome.status is Outcome.AUTH_FAILED:
            batch.stop_reason = f"authentication failed: {outcome.reply}"
        elif batch.connect_failures >= MAX_CONSECUTIVE_CONNECT_FAILURES:
            batch.stop_reason = (
                f"server unreachable {batch.connect_failures} times: {outcome.reply}"
            )
        return outcome
    batch.connect_failures = 0
    return client


async def _send_one(
    batch: _Batch, client: aiosmtplib.SMTP | None, msg: EmailMessage
) -> tuple[aiosmtplib.SMTP | None, SendOutcome]:
    reused = client is not None and client.is_connected
    if not reused:
        opened = await _connect_for(batch, msg)
        if isinstance(opened, SendOutcome):
            return None, opened
        client = opened
    assert client is not None
    config = batch.config
    outcome = await transact(client, msg, sender=config.sender, timeout=config.timeout)
    if reused and _is_stale_connection(outcome):
        return await _send_one(batch, None, msg)
    if outcome.status is Outcome.AUTH_FAILED:
        batch.stop_reason = f"authentication refused: {outcome.code} {outcome.reply}"
    return (client if client.is_connected else None), outcome


async def _quit(client: aiosmtplib.SMTP | None) -> None:
    if client is None or not client.is_connected:
        return
    try:
        await client.quit()
    except (SMTPResponseException, *CONNECTION_ERRORS):
        client.close()


class SmtpPool:
    """Up to ``size`` SMTP connections, kept open from one ``send`` to the next (a drain sends
    batch after batch over the same connections) and reopened after a failure.

        async with SmtpPool(config, 4) as pool:
            outcomes = await pool.send(messages, on_outcome=record)
    """

    def __init__(self, config: SmtpConfig, size: int = 4) -> None:
        if size < 1:
            raise ValueError("concurrency must be at least 1")
        self.config = config
        self._clients: list[aiosmtplib.SMTP | None] = [None] * size

    async def __aenter__(self) -> SmtpPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send(
        self, messages: Sequence[EmailMessage], on_outcome: OutcomeSink | None = None
    ) -> list[SendOutcome]:
        """Send ``messages``; return one outcome per message, in the same order.

        ``on_outcome(index, outcome)`` is awaited as each outcome is known, before that
        connection takes its next message (the others go on meanwhile): a caller that records
        it there loses at most the messages in flight (one per connection) if the process
        dies.
        """
        batch = _Batch(messages, self.config, asyncio.Queue(), [None] * len(messages), on_outcome)
        for index in range(len(messages)):
            batch.queue.put_nowait(index)
        slots = range(min(len(self._clients), len(messages)))
        await asyncio.gather(*(self._worker(batch, slot) for slot in slots))
        return [o for o in batch.outcomes if o is not None]

    async def close(self) -> None:
        for slot, client in enumerate(self._clients):
            await _quit(client)
            self._clients[slot] = None

    async def _worker(self, batch: _Batch, slot: int) -> None:
        while True:
            try:
                index = batch.queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            msg = batch.messages[index]
            if batch.stop_reason is not None:
                await batch.settle(
                    index,
                    SendOutcome(
                        message_id(msg), Outcome.SKIPPED, None, batch.stop_reason, Stage.NONE
                    ),
                )
                continue
            client = self._clients[slot]
            try:
                client, outcome = await _send_one(batch, client, msg)
            except Exception as error:  # a bug with one message must not sink the batch
                if client is not None:
                    client.close()
                client = None
                outcome = SendOutcome(
                    message_id(msg), Outcome.TRANSIENT, None, error_text(error), Stage.NONE
                )
            self._clients[slot] = client
            await batch.settle(index, outcome)


async def send_batch(
    messages: Sequence[EmailMessage], config: SmtpConfig, concurrency: int = 4
) -> list[SendOutcome]:
    """Send ``messages`` over a pool of ``concurrency`` connections closed at the end."""
    async with SmtpPool(config, concurrency) as pool:
        return await pool.send(messages)


def send_batch_blocking(
    messages: Sequence[EmailMessage], config: SmtpConfig, concurrency: int = 4
) -> list[SendOutcome]:
    """``send_batch`` for synchronous callers (scheduler jobs, the CLI)."""
    return asyncio.run(send_batch(messages, config, concurrency))
