"""Action links: genuine ones verify, anything altered, misused or late is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from notifications.links import (
    LinkAction,
    LinkError,
    LinkProblem,
    LinkSigner,
    action_url,
    make_token,
    verify,
)

SECRET = "khóa-bí-mật-của-huyện"
NOW = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(days=14)


def token(**overrides: object) -> str:
    values: dict[str, object] = {
        "action": LinkAction.DONE,
        "task_id": 42,
        "deadline_version": 3,
        "agency_id": 11,
        "expires_at": EXPIRES,
    }
    values.update(overrides)
    return make_token(SECRET, **values)  # type: ignore[arg-type]


def problem(tok: str, **overrides: object) -> LinkProblem:
    values: dict[str, object] = {
        "secret": SECRET,
        "action": LinkAction.DONE,
        "task_id": 42,
        "now": NOW,
    }
    values.update(overrides)
    with pytest.raises(LinkError) as caught:
        verify(tok, **values)  # type: ignore[arg-type]
    return caught.value.problem


def test_a_genuine_link_gives_back_its_claims() -> None:
    claims = verify(token(), secret=SECRET, action=LinkAction.DONE, task_id=42, now=NOW)
    assert (claims.action, claims.task_id, claims.deadline_version, claims.agency_id) == (
        LinkAction.DONE,
        42,
        3,
        11,
    )
    assert claims.expires_at == EXPIRES


def test_the_same_link_has_the_same_token_id_and_different_links_differ() -> None:
    def jti(tok: str, action: LinkAction = LinkAction.DONE) -> str:
        return verify(tok, secret=SECRET, action=action, task_id=42, now=NOW).jti

    assert jti(token()) == jti(token())
    ids = {
        jti(token()),
        jti(token(agency_id=12)),
        jti(token(deadline_version=4)),
        jti(token(expires_at=EXPIRES + timedelta(days=1))),
        jti(token(action=LinkAction.ACKNOWLEDGE), LinkAction.ACKNOWLEDGE),
    }
    assert len(ids) == 5


def test_a_link_is_refused_for_another_action_or_task() -> None:
    assert problem(token(), action=LinkAction.EXTENSION) is LinkProblem.WRONG_ACTION
    assert problem(token(), task_id=43) is LinkProblem.WRONG_TASK


def test_a_link_stops_working_at_its_expiry() -> None:
    assert problem(token(), now=EXPIRES) is LinkProblem.EXPIRED
    verify(token(), secret=SECRET, action=LinkAction.DONE, task_id=42, now=EXPIRES - timedelta(1))


def test_a_link_signed_with_another_secret_is_forged() -> None:
    other = make_token(
        "another secret",
        action=LinkAction.DONE,
        task_id=42,
        deadline_version=3,
        agency_id=11,
        expires_at=EXPIRES,
    )
    assert problem(other) is LinkProblem.FORGED


def test_changing_any_claim_breaks_the_signature() -> None:
    body, signature = token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for key, value in [("t", 43), ("e", claims["e"] + 86400), ("g", 12), ("a", "ack")]:
        changed = dict(claims, **{key: value})
        raw = json.dumps(changed, separators=(",", ":"), sort_keys=True).encode()
        forged = base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + signature
        assert problem(forged, action=LinkAction(changed["a"]), task_id=changed["t"]) is (
            LinkProblem.FORGED
        ), key


@pytest.mark.parametrize("bad", ["", "abc", "a.b.c", "!!!.???", "x" * 5000, "e30.e30"])
def test_garbage_is_refused_as_malformed_or_forged(bad: str) -> None:
    assert problem(bad) in (LinkProblem.MALFORMED, LinkProblem.FORGED)


def test_the_error_speaks_vietnamese() -> None:
    with pytest.raises(LinkError, match="hết hạn"):
        verify(token(), secret=SECRET, action=LinkAction.DONE, task_id=42, now=EXPIRES)


def test_an_empty_secret_cannot_sign_or_verify() -> None:
    with pytest.raises(ValueError, match="KEHOACH_SECRET_KEY"):
        make_token(
            "",
            action=LinkAction.DONE,
            task_id=1,
            deadline_version=1,
            agency_id=1,
            expires_at=EXPIRES,
        )


def test_the_url_names_the_action_and_task_and_carries_the_token_safely() -> None:
    tok = token()
    url = action_url("https://kehoach.example.gov.vn/", LinkAction.DONE, 42, tok)
    assert url == f"https://kehoach.example.gov.vn/l/done/42/{tok}"
    assert "=" not in tok and "+" not in tok and "/" not in tok


def test_a_token_carries_its_claims_as_compact_sorted_json_like_links_already_sent() -> None:
    body = token().split(".")[0]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    claims = {"a": "done", "t": 42, "v": 3, "g": 11, "e": int(EXPIRES.timestamp())}
    assert raw == json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()


def test_a_token_is_signed_with_the_standard_hmac_sha256_of_its_claims() -> None:
    body, signature = token().split(".")
    key = hmac.new(SECRET.encode(), b"kehoach/action-link/v1", hashlib.sha256).digest()
    claims = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    expected = hmac.new(key, claims, hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected


@pytest.mark.parametrize("action", list(LinkAction))
def test_a_sweep_signer_makes_the_same_url_as_a_single_link(action: LinkAction) -> None:
    signer = LinkSigner(SECRET, "https://kehoach.example.gov.vn/", EXPIRES)
    url = signer.url(action, 42, 3, 11)
    single = token(action=action)
    assert url == action_url("https://kehoach.example.gov.vn", action, 42, single)
    assert verify(url.rsplit("/", 1)[1], secret=SECRET, action=action, task_id=42, now=NOW)


def test_a_sweep_signer_refuses_a_naive_expiry() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        LinkSigner(SECRET, "https://kehoach.example.gov.vn/", EXPIRES.replace(tzinfo=None))
