"""Delivery against a real aiosmtpd on 127.0.0.1 with scripted faults (tests/smtp_server.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from notifications.message import Mailbox, build_message
from notifications.outcomes import Outcome, SendOutcome, Stage
from notifications.render import RenderedEmail, render
from notifications.smtp import send_batch_blocking
from tests import notification_samples as s
from tests.smtp_fixture import config_for
from tests.smtp_server import Delay, Drop, Reply, ScriptedSMTPServer
from tests.tls_cert import self_signed, server_context

pytestmark = pytest.mark.slow

NOW = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)
SENDER = Mailbox("kehoach@ubnd.test.vn", "Văn phòng HĐND và UBND huyện")
LEAD = "ptckh@ubnd.test.vn"
PARTNER = "pnnmt@ubnd.test.vn"
SENT_HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "X-Kehoach-Key",
    "MIME-Version",
    "Content-Type",
}


def email(key: str, *to: str, rendered: RenderedEmail | None = None) -> EmailMessage:
    rendered = rendered or render("reminder_digest", s.reminder_digest())
    recipients = [Mailbox(a, "Phòng Tài chính - Kế hoạch") for a in (to or (LEAD,))]
    return build_message(
        rendered, sender=SENDER, recipients=recipients, idempotency_key=key, now=NOW
    )


def send(
    server: ScriptedSMTPServer, *messages: EmailMessage, concurrency: int = 1, **config: object
) -> list[SendOutcome]:
    return send_batch_blocking(list(messages), config_for(server, **config), concurrency)


def unix(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_a_vietnamese_email_arrives_intact(smtp_server: ScriptedSMTPServer) -> None:
    rendered = render("reminder_digest", s.mixed_digest())
    [outcome] = send(smtp_server, email("k1", rendered=rendered))
    assert outcome.status is Outcome.SENT and outcome.code == 250
    [got] = smtp_server.received
    assert got.message["Subject"] == rendered.subject
    assert got.message["To"].addresses[0].display_name == "Phòng Tài chính - Kế hoạch"
    assert unix(got.message.get_body(("plain",)).get_content()) == rendered.text
    assert unix(got.message.get_body(("html",)).get_content()) == rendered.html
    assert got.mail_from == "kehoach@ubnd.test.vn" and got.rcpt_tos == (LEAD,)


def test_html_arrives_escaped_for_script_template_syntax_and_ampersands(
    smtp_server: ScriptedSMTPServer,
) -> None:
    text = "<script>alert(1)</script> {{7*7}} Tài chính & Kế hoạch"
    rendered = render("reminder_digest", s.reminder_digest(s.item(text=text)))
    send(smtp_server, email("k1", rendered=rendered))
    html = smtp_server.received[0].message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{7*7}}" in html and "49" not in html
    assert "Tài chính &amp; Kế hoạch" in html


def test_a_header_injection_attempt_arrives_without_extra_headers_or_recipients(
    smtp_server: ScriptedSMTPServer,
) -> None:
    text = "Nộp báo cáo\r\nBcc: evil@example.com =?UTF-8?Q?=0A?=Bcc: evil2@example.com"
    rendered = render("reminder_digest", s.reminder_digest(s.overdue_item(text)))
    send(smtp_server, email("k1", rendered=rendered))
    [got] = smtp_server.received
    assert set(got.message.keys()) == SENT_HEADERS
    assert got.rcpt_tos == (LEAD,)
    assert b"\r\nBcc:" not in got.raw.split(b"\r\n\r\n", 1)[0]


def test_451_then_250_is_transient_then_sent_with_the_same_message_id(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("DATA", Reply("451 4.3.0 Hệ thống bận, thử lại sau"))
    message = email("task:7/remind/3d/v1/to:11")
    [first] = send(smtp_server, message)
    [second] = send(smtp_server, message)
    assert (first.status, first.code, first.stage) == (Outcome.TRANSIENT, 451, Stage.BODY)
    assert (second.status, second.code) == (Outcome.SENT, 250)
    assert first.message_id == second.message_id == message["Message-ID"]
    assert smtp_server.message_ids() == [message["Message-ID"]]


def test_550_for_one_of_two_recipients_is_partial_and_the_other_is_delivered(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.refuse_recipient(PARTNER, "550 5.1.1 Hộp thư không tồn tại")
    [outcome] = send(smtp_server, email("k1", LEAD, PARTNER))
    assert outcome.status is Outcome.PARTIAL and outcome.code == 250
    assert outcome.accepted == (LEAD,)
    [refusal] = outcome.refusals
    assert (refusal.address, refusal.code, refusal.permanent) == (PARTNER, 550, True)
    assert "Hộp thư không tồn tại" in refusal.reply
    [got] = smtp_server.received
    assert got.rcpt_tos == (LEAD,)


def test_every_recipient_refused_is_permanent_and_nothing_is_delivered(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.refuse_recipient(LEAD, "550 5.1.1 No such user")
    smtp_server.refuse_recipient(PARTNER, "553 5.1.3 Bad address")
    [outcome] = send(smtp_server, email("k1", LEAD, PARTNER))
    assert outcome.status is Outcome.PERMANENT and outcome.stage is Stage.RCPT
    assert [r.code for r in outcome.refusals] == [550, 553]
    assert smtp_server.received == []


def test_a_message_refused_after_the_dot_is_permanent_and_the_connection_goes_on(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("DATA", Reply("554 5.6.0 Nội dung bị từ chối"))
    outcomes = send(smtp_server, email("k1"), email("k2"))
    assert [o.status for o in outcomes] == [Outcome.PERMANENT, Outcome.SENT]
    assert outcomes[0].code == 554
    assert smtp_server.connections == 1


def test_535_is_auth_failed_and_the_rest_of_the_batch_is_not_attempted() -> None:
    server = ScriptedSMTPServer(credentials=("kehoach", "đúng")).start()
    try:
        outcomes = send(
            server, email("k1"), email("k2"), email("k3"), username="kehoach", password="sai"
        )
        assert [o.status for o in outcomes] == [
            Outcome.AUTH_FAILED,
            Outcome.SKIPPED,
            Outcome.SKIPPED,
        ]
        assert outcomes[0].code == 535 and outcomes[0].stage is Stage.CONNECT
        assert server.connections == 1 and server.received == []
        ok = send(server, email("k1"), username="kehoach", password="đúng")
        assert ok[0].status is Outcome.SENT
    finally:
        server.stop()


def test_a_server_demanding_auth_we_did_not_give_is_auth_failed() -> None:
    server = ScriptedSMTPServer(credentials=("kehoach", "đúng")).start()
    try:
        [outcome] = send(server, email("k1"))
        assert (outcome.status, outcome.code, outcome.stage) == (
            Outcome.AUTH_FAILED,
            530,
            Stage.MAIL,
        )
    finally:
        server.stop()


def test_a_drop_after_the_dot_once_stored_is_ambiguous_and_the_resend_is_a_same_id_copy(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("DATA", Drop(store=True))
    message = email("task:7/overdue/1/v1/to:11")
    [first] = send(smtp_server, message)
    assert first.status is Outcome.AMBIGUOUS and first.stage is Stage.BODY
    assert first.accepted == (LEAD,)
    [second] = send(smtp_server, message)
    assert second.status is Outcome.SENT
    # The admitted duplicate window: two copies, one Message-ID, so clients can thread them.
    assert smtp_server.message_ids() == [message["Message-ID"]] * 2


def test_a_drop_after_the_dot_before_storing_is_ambiguous_and_the_resend_delivers_once(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("DATA", Drop(store=False))
    message = email("k1")
    [first] = send(smtp_server, message)
    [second] = send(smtp_server, message)
    assert (first.status, second.status) == (Outcome.AMBIGUOUS, Outcome.SENT)
    assert smtp_server.message_ids() == [message["Message-ID"]]


def test_a_reply_delayed_past_the_timeout_is_ambiguous_and_costs_at_most_one_copy(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("DATA", Delay(2.0, store=True))
    message = email("k1")
    [first] = send(smtp_server, message, timeout=0.5)
    [second] = send(smtp_server, message, timeout=0.5)
    assert first.status is Outcome.AMBIGUOUS and "Timed out" in first.reply
    assert second.status is Outcome.SENT
    assert 1 <= len(smtp_server.message_ids()) <= 2
    assert set(smtp_server.message_ids()) == {message["Message-ID"]}


def test_a_slow_reply_before_the_dot_is_transient_not_ambiguous(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("MAIL", Delay(2.0))
    [outcome] = send(smtp_server, email("k1"), timeout=0.5)
    assert outcome.status is Outcome.TRANSIENT and outcome.stage is Stage.MAIL
    assert smtp_server.received == []


def test_a_421_greeting_is_transient_and_the_retry_delivers_once(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("CONNECT", Reply("421 4.3.2 Máy chủ đang bảo trì"))
    message = email("k1")
    [first] = send(smtp_server, message)
    [second] = send(smtp_server, message)
    assert (first.status, first.code, first.stage) == (Outcome.TRANSIENT, 421, Stage.CONNECT)
    assert second.status is Outcome.SENT
    assert smtp_server.message_ids() == [message["Message-ID"]]


def test_an_unreachable_server_is_transient_and_the_batch_stops_after_three_tries() -> None:
    server = ScriptedSMTPServer().start()
    server.stop()  # the port is now closed: connections are refused
    outcomes = send(server, *(email(f"k{i}") for i in range(5)))
    assert [o.status for o in outcomes] == [Outcome.TRANSIENT] * 3 + [Outcome.SKIPPED] * 2
    assert all(o.stage is Stage.CONNECT for o in outcomes[:3])


def test_n_messages_travel_over_at_most_concurrency_connections(
    smtp_server: ScriptedSMTPServer,
) -> None:
    messages = [email(f"task:{i}/remind/v1/to:11") for i in range(40)]
    outcomes = send(smtp_server, *messages, concurrency=4)
    assert [o.status for o in outcomes] == [Outcome.SENT] * 40
    assert [o.message_id for o in outcomes] == [m["Message-ID"] for m in messages]
    assert sorted(smtp_server.message_ids()) == sorted(m["Message-ID"] for m in messages)
    assert 1 <= smtp_server.connections <= 4
    per_connection = Counter(r.connection for r in smtp_server.received)
    assert max(per_connection.values()) > 1  # connections really were reused


def test_a_451_does_not_cost_the_connection(smtp_server: ScriptedSMTPServer) -> None:
    smtp_server.script("DATA", Delay(0), Reply("451 4.7.1 Thử lại sau"))
    outcomes = send(smtp_server, email("k1"), email("k2"), email("k3"))
    assert [o.status for o in outcomes] == [Outcome.SENT, Outcome.TRANSIENT, Outcome.SENT]
    assert smtp_server.connections == 1


def test_a_pooled_connection_found_dead_is_replaced_without_losing_the_message(
    smtp_server: ScriptedSMTPServer,
) -> None:
    smtp_server.script("MAIL", Delay(0), Drop())  # the second MAIL finds the line cut
    outcomes = send(smtp_server, email("k1"), email("k2"))
    assert [o.status for o in outcomes] == [Outcome.SENT, Outcome.SENT]
    assert smtp_server.connections == 2 and len(smtp_server.received) == 2


def test_a_message_that_cannot_be_sent_as_is_fails_alone_and_the_batch_goes_on(
    smtp_server: ScriptedSMTPServer,
) -> None:
    odd = EmailMessage()
    odd["From"] = "kehoach@ubnd.test.vn"
    odd["To"] = "phòng@ubnd.test.vn"  # built by hand: a non-ASCII address aiosmtplib refuses
    odd["Message-ID"] = "<odd@ubnd.test.vn>"
    odd.set_content("x")
    outcomes = send(smtp_server, email("k1"), odd, email("k2"))
    assert [o.status for o in outcomes] == [Outcome.SENT, Outcome.PERMANENT, Outcome.SENT]
    assert outcomes[1].message_id == "<odd@ubnd.test.vn>"
    assert len(smtp_server.received) == 2


def test_starttls_comes_before_login_and_the_mail_goes_through(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    tls = server_context(cert, key)
    server = ScriptedSMTPServer(credentials=("kehoach", "đúng"), tls_context=tls).start()
    try:
        options = {"username": "kehoach", "password": "đúng", "cert_bundle": str(cert)}
        [plain_text] = send(server, email("k1"), **options)
        [encrypted] = send(server, email("k1"), starttls=True, **options)
        # "530 Must issue a STARTTLS command first": a setup problem, so the queue pauses.
        assert (plain_text.status, plain_text.code) == (Outcome.AUTH_FAILED, 530)
        assert encrypted.status is Outcome.SENT
        assert server.message_ids() == [encrypted.message_id]
    finally:
        server.stop()


def test_an_untrusted_certificate_is_never_accepted(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server = ScriptedSMTPServer(tls_context=server_context(cert, key)).start()
    try:
        [outcome] = send(server, email("k1"), starttls=True)
        assert outcome.status is Outcome.TRANSIENT and outcome.stage is Stage.CONNECT
        assert "CERTIFICATE_VERIFY_FAILED" in outcome.reply
        assert server.received == []
    finally:
        server.stop()
