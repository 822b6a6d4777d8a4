"""The outcome table: which SMTP replies mean retry, give up, or stop the queue."""

from __future__ import annotations

from notifications.outcomes import (
    Outcome,
    Refusal,
    SendOutcome,
    Stage,
    classify_code,
    classify_refusals,
)


def test_4xx_is_transient_at_every_stage() -> None:
    for stage in Stage:
        assert classify_code(451, stage) is Outcome.TRANSIENT
        assert classify_code(421, stage) is Outcome.TRANSIENT


def test_5xx_for_a_message_is_permanent_but_a_server_refusing_to_greet_is_not() -> None:
    assert classify_code(550, Stage.RCPT) is Outcome.PERMANENT
    assert classify_code(554, Stage.BODY) is Outcome.PERMANENT
    assert classify_code(552, Stage.MAIL) is Outcome.PERMANENT
    assert classify_code(554, Stage.CONNECT) is Outcome.TRANSIENT


def test_credential_replies_stop_the_queue_wherever_they_come() -> None:
    for code in (530, 534, 535, 538):
        assert classify_code(code, Stage.CONNECT) is Outcome.AUTH_FAILED
        assert classify_code(code, Stage.MAIL) is Outcome.AUTH_FAILED


def test_a_garbled_reply_after_the_final_dot_is_ambiguous() -> None:
    assert classify_code(-1, Stage.BODY) is Outcome.AMBIGUOUS
    assert classify_code(-1, Stage.DATA) is Outcome.TRANSIENT


def test_all_recipients_refused_is_permanent_only_if_every_refusal_is() -> None:
    hard = Refusal("a@x.vn", 550, "no")
    soft = Refusal("b@x.vn", 450, "busy")
    assert classify_refusals((hard, hard)) is Outcome.PERMANENT
    assert classify_refusals((hard, soft)) is Outcome.TRANSIENT


def test_only_sent_and_partial_count_as_delivered() -> None:
    def outcome(status: Outcome) -> SendOutcome:
        return SendOutcome("<id@x.vn>", status, None, "", Stage.BODY)

    delivered = {s for s in Outcome if outcome(s).delivered}
    retryable = {s for s in Outcome if outcome(s).retryable}
    assert delivered == {Outcome.SENT, Outcome.PARTIAL}
    assert retryable == {Outcome.TRANSIENT, Outcome.AMBIGUOUS, Outcome.SKIPPED}
