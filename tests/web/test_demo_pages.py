"""The demo's mail pages: what the sink caught, listed and shown (text, and the HTML part in a
frame of its own); they exist only in the demo's app."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from starlette.testclient import TestClient

from notifications.headers import Mailbox, address_value
from web.app import create_app
from web.demo import DemoAccount, MailSink, install

SENDER_NAME = "Hệ thống theo dõi thực hiện kế hoạch"


@pytest.fixture
def sink():  # type: ignore[no-untyped-def]
    caught = MailSink()
    caught.start()
    yield caught
    caught.stop()


def send(port: int, subject: str, to: str) -> None:
    import asyncio

    import aiosmtplib

    message = EmailMessage()
    message["To"], message["Subject"] = to, subject
    message["Date"] = "Mon, 20 Jun 2022 01:05:00 +0000"
    message.set_content("Kính gửi: Phòng Y tế\nNội dung văn bản.")
    message.add_alternative("<html><body><p style='color:red'>Bản HTML</p></body></html>", "html")
    # The From header folded as kehoach folds it: the space between two encoded words kept
    # inside the first one (RFC 2047 §6.2).
    sender = address_value([Mailbox("kehoach@kehoach.example", SENDER_NAME)])
    raw = f"From: {sender}\r\n".encode() + message.as_bytes()
    asyncio.run(
        aiosmtplib.send(
            raw, sender="kehoach@kehoach.example", recipients=[to], hostname="127.0.0.1", port=port
        )
    )


def test_the_caught_mail_is_listed_newest_first_and_each_shown_whole(world, sink: MailSink):
    send(sink.port, "[Nhắc việc] 1 nhiệm vụ đến hạn hôm nay", "a@kehoach.example")
    send(sink.port, "[Báo cáo quá hạn] 2 nhiệm vụ quá hạn cần chỉ đạo", "b@kehoach.example")
    app = create_app(world.url)
    accounts = [DemoAccount("leader", "lanhdao@kehoach.example", "demo-0123456789", None)]
    install(app, sink, accounts)
    with TestClient(app) as client:
        listed = client.get("/demo/mail").text
        assert '<a class="extra" href="/demo/mail">Thư chạy thử</a>' in client.get("/login").text
        assert listed.index("Báo cáo quá hạn") < listed.index("Nhắc việc")
        assert "demo-0123456789" in listed and "lanhdao@kehoach.example" in listed
        one = client.get("/demo/mail/1")
        assert "[Nhắc việc] 1 nhiệm vụ đến hạn hôm nay" in one.text
        assert "08:05 20/06/2022" in one.text  # its Date header, in local time
        assert "Kính gửi: Phòng Y tế" in one.text
        assert f"{SENDER_NAME} &lt;kehoach@kehoach.example&gt;" in one.text  # one space each
        html = client.get("/demo/mail/1/html")
        assert html.text.startswith("<html>") and "style='color:red'" in html.text
        assert html.headers["x-frame-options"] == "SAMEORIGIN"
        assert "style-src 'unsafe-inline'" in html.headers["content-security-policy"]
        assert client.get("/demo/mail/3").status_code == 404


def test_a_plain_app_has_no_demo_pages(client_for):
    client = client_for(None)
    assert client.get("/demo/mail").status_code == 404
    assert 'href="/demo/mail"' not in client.get("/login").text
