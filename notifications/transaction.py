"""One SMTP mail transaction (MAIL, RCPT..., DATA, message, ".") on an open aiosmtplib client.

Why not ``SMTP.send_message``: it wraps MAIL, RCPT and DATA in one call, so a dropped
connection looks the same before the message was sent and after its final "." — the one
window where the server may have accepted it. We run the steps ourselves with aiosmtplib's
public commands (``mail``, ``rcpt``, ``execute_command(b"DATA")``, then the protocol's
``write`` and ``read_response``) and so can tell TRANSIENT (nothing delivered) from AMBIGUOUS
(maybe delivered). We also read each RCPT reply ourselves: ``send_message`` reports partly
refused recipients in a returned dict and raises nothing, and ``SMTPRecipientsRefused`` has no
``.code``.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib import SMTPResponseException

from notifications.message import WIRE_POLICY, envelope_recipients
from notifications.outcomes import (
    Outcome,
    Refusal,
    SendOutcome,
    Stage,
    classify_code,
    classify_refusals,
)

CONNECTION_ERRORS = (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError)
_LEADING_DOT = re.compile(rb"(?m)^\.")


def message_id(msg: EmailMessage) -> str:
    return str(msg["Message-ID"] or "")


def error_text(error: BaseException) -> str:
    text = getattr(error, "message", "") or str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


async def reset(client: aiosmtplib.SMTP) -> None:
    """Clear a half-finished envelope so the connection can carry the next message."""
    if not client.is_connected:
        return
    try:
        await client.rset()
    except (SMTPResponseException, *CONNECTION_ERRORS):
        client.close()


async def _send_body(client: aiosmtplib.SMTP, payload: bytes, timeout: float) -> tuple[int, str]:
    protocol = client.protocol
    if protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("Connection lost")
    data = _LEADING_DOT.sub(b"..", payload)  # RFC 5321 §4.5.2 dot-stuffing
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    # No await between write and read_response, so the reply cannot arrive unobserved.
    protocol.write(data + b".\r\n")
    response = await protocol.read_response(timeout=timeout)
    return response.code, response.message


async def _recipients(
    client: aiosmtplib.SMTP, recipients: list[str]
) -> tuple[list[str], list[Refusal]]:
    accepted: list[str] = []
    refused: list[Refusal] = []
    for address in recipients:
        try:
            await client.rcpt(address)
            accepted.append(address)
        except aiosmtplib.SMTPRecipientRefused as error:
            refused.append(Refusal(address, error.code, error.message))
    return accepted, refused


class _Progress:
    """How far the transaction got, for classifying whatever ends it."""

    def __init__(self, msg: EmailMessage) -> None:
        self.message_id = message_id(msg)
        self.stage = Stage.MAIL
        self.accepted: list[str] = []
        self.refused: list[Refusal] = []

    def outcome(self, status: Outcome, code: int | None, reply: str) -> SendOutcome:
        # Only a message that reached the server can count as (maybe) delivered to anyone.
        reached = status in (Outcome.SENT, Outcome.PARTIAL, Outcome.AMBIGUOUS)
        accepted = tuple(self.accepted) if reached else ()
        return SendOutcome(
            self.message_id, status, code, reply, self.stage, accepted, tuple(self.refused)
        )


async def _run(
    client: aiosmtplib.SMTP, msg: EmailMessage, timeout: float, sender: str, p: _Progress
) -> SendOutcome:
    payload = msg.as_bytes(policy=WIRE_POLICY)
    options = [f"SIZE={len(payload)}"] if client.supports_extension("size") else []
    await client.mail(sender, options=options)
    p.stage = Stage.RCPT
    p.accepted, p.refused = await _recipients(client, envelope_recipients(msg))
    if not p.accepted:
        await reset(client)
        first = p.refused[0]
        return p.outcome(classify_refusals(tuple(p.refused)), first.code, first.reply)
    p.stage = Stage.DATA
    response = await client.execute_command(b"DATA")
    if response.code != 354:
        raise aiosmtplib.SMTPDataError(response.code, response.message)
    p.stage = Stage.BODY
    code, reply = await _send_body(client, payload, timeout)
    if code != 250:
        raise aiosmtplib.SMTPDataError(code, reply)
    return p.outcome(Outcome.PARTIAL if p.refused else Outcome.SENT, code, reply)


async def transact(
    client: aiosmtplib.SMTP, msg: EmailMessage, *, sender: str, timeout: float
) -> SendOutcome:
    """Send ``msg`` to its To and Cc over ``client``; classify whatever happens."""
    p = _Progress(msg)
    try:
        return await _run(client, msg, timeout, sender, p)
    except SMTPResponseException as error:
        if error.code == 421:  # the server is closing the channel
            client.close()
        elif p.stage is not Stage.BODY:
            await reset(client)
        return p.outcome(classify_code(error.code, p.stage), error.code, error.message)
    except CONNECTION_ERRORS as error:
        client.close()
        status = Outcome.AMBIGUOUS if p.stage is Stage.BODY else Outcome.TRANSIENT
        return p.outcome(status, None, error_text(error))
    except aiosmtplib.SMTPNotSupported as error:  # e.g. a non-ASCII address, no SMTPUTF8
        await reset(client)
        return p.outcome(Outcome.PERMANENT, None, error_text(error))
    except ValueError as error:  # aiosmtplib refused an address or argument as unsafe
        await reset(client)
        return p.outcome(Outcome.PERMANENT, None, error_text(error))
