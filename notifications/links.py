"""Signed, expiring, single-purpose action links for bodies without accounts.

A token is ``base64url(claims JSON) "." base64url(HMAC-SHA256)``. The claims bind the action
(acknowledge, done, extension request), the task, the deadline version (a link from before an
extension stops working once the deadline changes, if the caller checks the version), the
recipient body and the expiry. The HMAC key is derived from the application secret with a
purpose label, so the raw secret is never used for anything else.

Pure: ``now`` is passed in. Single use is the caller's job: it records ``claims.jti`` when a
link is used and refuses a jti it has seen (the jti is derived from the signature, so the
same link always has the same jti, and two different links never share one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any
from urllib.parse import quote

_PURPOSE = b"kehoach/action-link/v1"
MAX_TOKEN_LENGTH = 600


class LinkAction(StrEnum):
    ACKNOWLEDGE = "ack"
    DONE = "done"
    EXTENSION = "extend"


class LinkProblem(StrEnum):
    MALFORMED = "malformed"
    FORGED = "forged"
    WRONG_ACTION = "wrong_action"
    WRONG_TASK = "wrong_task"
    EXPIRED = "expired"


_MESSAGES = {
    LinkProblem.MALFORMED: "Liên kết không đúng định dạng.",
    LinkProblem.FORGED: "Liên kết không hợp lệ (chữ ký không khớp).",
    LinkProblem.WRONG_ACTION: "Liên kết không dùng cho thao tác này.",
    LinkProblem.WRONG_TASK: "Liên kết không thuộc nhiệm vụ này.",
    LinkProblem.EXPIRED: "Liên kết đã hết hạn.",
}


class LinkError(ValueError):
    """A token that must not be honoured; ``problem`` says why, ``str()`` says it in Vietnamese."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(_MESSAGES[problem])
        self.problem = problem


@dataclass(frozen=True)
class LinkClaims:
    action: LinkAction
    task_id: int
    deadline_version: int
    agency_id: int
    expires_at: datetime  # UTC, whole seconds
    jti: str  # token id for single-use bookkeeping


@lru_cache(maxsize=4)  # the same secret signs every link of a sweep
def _key(secret: str | bytes) -> bytes:
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not raw:
        raise ValueError("secret_key is empty: set KEHOACH_SECRET_KEY before creating links")
    return hmac.new(raw, _PURPOSE, hashlib.sha256).digest()


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64(data: bytes) -> str:
    """base64url without padding (``urlsafe_b64encode(data).rstrip(b"=")``, in one pass)."""
    return binascii.b2a_base64(data, newline=False).translate(_URLSAFE, b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jti(signature: bytes) -> str:
    return hashlib.sha256(b"jti" + signature).hexdigest()[:24]


def make_token(
    secret: str | bytes,
    *,
    action: LinkAction,
    task_id: int,
    deadline_version: int,
    agency_id: int,
    expires_at: datetime,
) -> str:
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    head = _claims_head(LinkAction(action).value, int(expires_at.timestamp()))
    tail = _claims_tail(int(agency_id), int(task_id), int(deadline_version))
    return _signed(_pads(_key(secret)), head + tail)


_Pads = tuple[Any, Any]  # hashlib SHA-256 states: the key's inner and outer padded blocks


# The claims as ``json.dumps(claims, separators=(",", ":"), sort_keys=True)`` writes them (the
# format of every link already sent), built directly: ints and a fixed ASCII word. The head
# (action, expiry) is the same for every link of a sweep and action, the tail (body, task,
# deadline version) for the actions of one task and body.
def _claims_head(action: str, e: int) -> bytes:
    return f'{{"a":"{action}","e":{e}'.encode()


def _claims_tail(agency: int, task_id: int, version: int) -> bytes:
    return f',"g":{agency},"t":{task_id},"v":{version}}}'.encode()


def _signed(pads: _Pads, body: bytes) -> str:
    """The token of the claims ``body``: HMAC-SHA256 (RFC 2104), as ``hmac.new(key, body)``
    gives, from the key's padded blocks hashed once (see ``_pads``)."""
    inner, outer = pads[0].copy(), pads[1].copy()
    inner.update(body)
    outer.update(inner.digest())
    return f"{_b64(body)}.{_b64(outer.digest())}"


def _pads(key: bytes) -> _Pads:
    """SHA-256 over the key's inner and outer padded blocks (RFC 2104), hashed once and copied
    for each link: the copies and the hashing are C calls, no ``hmac.HMAC`` wrapper per link."""
    block = key.ljust(64, b"\0")  # SHA-256's block; ``_key`` gives 32 bytes, so no pre-hash
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in block)),
        hashlib.sha256(bytes(b ^ 0x5C for b in block)),
    )


class LinkSigner:
    """Makes the action URLs of one sweep: one secret, one base URL, one expiry for all, so the
    key, the expiry and the URL prefix are worked out once (``make_token``/``action_url`` do
    the same for a single link)."""

    def __init__(self, secret: str | bytes, base_url: str, expires_at: datetime) -> None:
        if expires_at.tzinfo is None:
            raise ValueError("expires_at must be timezone-aware")
        self._pads = _pads(_key(secret))
        expires = int(expires_at.timestamp())
        prefix = f"{base_url.rstrip('/')}/l/"
        self._heads = {
            a: (f"{prefix}{a.value}/", _claims_head(a.value, expires)) for a in LinkAction
        }

    def url(self, action: LinkAction, task_id: int, deadline_version: int, agency_id: int) -> str:
        """``action_url(base_url, action, task_id, make_token(…))`` for this signer's link."""
        return self.urls((action,), task_id, deadline_version, agency_id)[0]

    def urls(
        self, actions: Sequence[LinkAction], task_id: int, deadline_version: int, agency_id: int
    ) -> tuple[str, ...]:
        """``url`` of each of ``actions`` for one task and body (their claims differ only in
        the action: the rest is written once)."""
        tail = _claims_tail(agency_id, task_id, deadline_version)
        pads, heads = self._pads, self._heads
        return tuple(
            f"{path}{task_id}/{_signed(pads, head + tail)}"  # base64url and ".": no quoting
            for path, head in (heads[a] for a in actions)
        )


def action_url(base_url: str, action: LinkAction, task_id: int, token: str) -> str:
    """``https://host/l/<action>/<task_id>/<token>``: the route knows which action and task it
    expects, verifies the token against them and shows a confirmation page (a GET must not act:
    mail scanners follow links)."""
    action = LinkAction(action)
    return f"{base_url.rstrip('/')}/l/{action.value}/{int(task_id)}/{quote(token, safe='')}"


def _decode(token: str) -> tuple[bytes, bytes]:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise LinkError(LinkProblem.MALFORMED)
    body_text, signature_text = token.split(".")
    try:
        return _unb64(body_text), _unb64(signature_text)
    except (binascii.Error, ValueError) as error:
        raise LinkError(LinkProblem.MALFORMED) from error


def _parse(body: bytes, signature: bytes) -> LinkClaims:
    try:
        raw = json.loads(body)
        return LinkClaims(
            action=LinkAction(raw["a"]),
            task_id=int(raw["t"]),
            deadline_version=int(raw["v"]),
            agency_id=int(raw["g"]),
            expires_at=datetime.fromtimestamp(int(raw["e"]), tz=UTC),
            jti=_jti(signature),
        )
    except (ValueError, KeyError, TypeError, OverflowError) as error:
        # Only reachable with a valid signature over bad claims, i.e. our own bug or key leak.
        raise LinkError(LinkProblem.MALFORMED) from error


def verify(
    token: str, *, secret: str | bytes, action: LinkAction, task_id: int, now: datetime
) -> LinkClaims:
    """Claims of a genuine, unexpired ``action`` link for ``task_id``; else :class:`LinkError`.

    The signature is checked first (constant time), so a forger learns nothing from the order.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    body, signature = _decode(token)
    expected = hmac.new(_key(secret), body, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise LinkError(LinkProblem.FORGED)
    claims = _parse(body, signature)
    if claims.action != LinkAction(action):
        raise LinkError(LinkProblem.WRONG_ACTION)
    if claims.task_id != task_id:
        raise LinkError(LinkProblem.WRONG_TASK)
    if now >= claims.expires_at:
        raise LinkError(LinkProblem.EXPIRED)
    return claims
