"""Build the ``EmailMessage`` for a rendered email, with a fixed Message-ID and safe headers.

Every header value made from data goes through ``headers.py`` (validated, pre-encoded, stored
raw); see there why Python's own header handling is not used for them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from notifications.headers import (
    HeaderInjectionError,
    Mailbox,
    address_value,
    check_address,
    subject_value,
)
from notifications.render import RenderedEmail

__all__ = [
    "POLICY",
    "WIRE_POLICY",
    "HeaderInjectionError",
    "Mailbox",
    "build_message",
    "check_address",
    "envelope_recipients",
    "message_id_for",
]

_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no spaces
POLICY = policy.SMTP  # CRLF line endings; quoted-printable bodies with 76-character lines
# Serializing with a long line limit means Python never refolds our pre-folded headers.
WIRE_POLICY = policy.SMTP.clone(max_line_length=998)


def message_id_for(key: str, domain: str) -> str:
    """The fixed Message-ID of an idempotency key: a resend carries the same one."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(
    rendered: RenderedEmail,
    *,
    sender: Mailbox,
    recipients: Sequence[Mailbox],
    idempotency_key: str,
    now: datetime,
    cc: Sequence[Mailbox] = (),
    reply_to: Mailbox | None = None,
) -> EmailMessage:
    """Assemble a multipart/alternative message (text first, HTML second).

    ``now`` must be timezone-aware (it becomes the Date header). The Message-ID is derived from
    ``idempotency_key`` (also sent as ``X-Kehoach-Key``), so a retry is recognisably the same.
    """
    if not recipients:
        raise ValueError("a message needs at least one recipient")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not _KEY.fullmatch(idempotency_key):
        raise HeaderInjectionError(f"idempotency key must be printable ASCII: {idempotency_key!r}")
    domain = check_address(sender.address).rpartition("@")[2]

    msg = EmailMessage(policy=POLICY)
    msg.set_raw("From", address_value([sender]))
    msg.set_raw("To", address_value(recipients))
    if cc:
        msg.set_raw("Cc", address_value(cc))
    if reply_to is not None:
        msg.set_raw("Reply-To", address_value([reply_to]))
    msg.set_raw("Subject", subject_value(rendered.subject))
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id_for(idempotency_key, domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer
    msg["X-Auto-Response-Suppress"] = "All"  # the same, for Exchange/Outlook
    msg["X-Kehoach-Key"] = idempotency_key
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    msg.policy = WIRE_POLICY  # bodies are encoded by now; from here on only serialization
    return msg


def envelope_recipients(msg: EmailMessage) -> list[str]:
    """Addresses of To and Cc, in order, without duplicates (what RCPT TO receives)."""
    seen: dict[str, None] = {}
    for name in ("To", "Cc"):
        header = msg[name]
        if header is None:
            continue
        for address in header.addresses:
            seen.setdefault(address.addr_spec, None)
    return list(seen)
