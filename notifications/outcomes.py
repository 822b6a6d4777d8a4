"""What became of one message handed to the SMTP server, classified for the outbox.

- SENT: 250 after the final "." for every recipient. The outbox marks it sent.
- PARTIAL: 250, but some recipients were refused at RCPT (``refusals``, each with its own
  code). Sent for ``accepted``; a refused recipient is failed (5xx) or retried alone (4xx).
- TRANSIENT: 4xx, a refused or dropped connection, a timeout, all before the final ".".
  Nothing was delivered: retry with backoff.
- PERMANENT: 5xx for the message, or every recipient refused with 5xx. One attempt only;
  shown to the coordinator.
- AUTH_FAILED: the server refused our credentials (530/534/535/538). Pause the queue and
  alert the administrator; retrying would only lock the account.
- AMBIGUOUS: the connection was lost or timed out after the whole message and its final "."
  were written, before the reply. The server may have accepted it (RFC 5321 §4.5.3.2.6):
  retry with the same Message-ID and count it as an expected duplicate.
- SKIPPED: not attempted, because the batch stopped (authentication failed, or the server was
  unreachable several times in a row). Retry later; it is not an attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Replies that mean "your credentials/security setup is wrong", not "this message is bad".
AUTH_CODES = frozenset({530, 534, 535, 538})


class Outcome(StrEnum):
    SENT = "sent"
    PARTIAL = "partial"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    AUTH_FAILED = "auth_failed"
    AMBIGUOUS = "ambiguous"
    SKIPPED = "skipped"


class Stage(StrEnum):
    """Where the transaction ended; AMBIGUOUS is only possible at BODY."""

    CONNECT = "connect"  # TCP, TLS, greeting, EHLO, AUTH
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"  # the DATA command, before the 354
    BODY = "body"  # the message and its final "." were written; waiting for the reply
    NONE = "none"  # not attempted


@dataclass(frozen=True)
class Refusal:
    address: str
    code: int
    reply: str

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600


@dataclass(frozen=True)
class SendOutcome:
    message_id: str
    status: Outcome
    code: int | None  # the deciding SMTP reply code, None when there was no reply
    reply: str  # the server's reply text, or the error that ended the attempt
    stage: Stage
    accepted: tuple[str, ...] = ()  # recipients the server took the message for
    refusals: tuple[Refusal, ...] = ()  # recipients refused at RCPT, with their own codes

    @property
    def delivered(self) -> bool:
        return self.status in (Outcome.SENT, Outcome.PARTIAL)

    @property
    def retryable(self) -> bool:
        return self.status in (Outcome.TRANSIENT, Outcome.AMBIGUOUS, Outcome.SKIPPED)


def classify_code(code: int, stage: Stage) -> Outcome:
    """Outcome of an SMTP error reply ``code`` received at ``stage``."""
    if code in AUTH_CODES:
        return Outcome.AUTH_FAILED
    if 400 <= code < 500:
        return Outcome.TRANSIENT
    if 500 <= code < 600:
        # A server that cannot greet or EHLO is down or misconfigured: not this message's fault.
        return Outcome.TRANSIENT if stage is Stage.CONNECT else Outcome.PERMANENT
    # Garbled replies: before the body nothing was delivered; after it, nobody knows.
    return Outcome.AMBIGUOUS if stage is Stage.BODY else Outcome.TRANSIENT


def classify_refusals(refusals: tuple[Refusal, ...]) -> Outcome:
    """Every recipient was refused: permanent only if every refusal is permanent."""
    if any(r.code in AUTH_CODES for r in refusals):
        return Outcome.AUTH_FAILED
    return Outcome.PERMANENT if all(r.permanent for r in refusals) else Outcome.TRANSIENT
