"""Built messages survive serialization intact and never gain headers from user text."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from notifications.message import (
    HeaderInjectionError,
    Mailbox,
    build_message,
    envelope_recipients,
    message_id_for,
)
from notifications.render import RenderedEmail, render
from tests import notification_samples as s

NOW = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)
SENDER = Mailbox("kehoach@ubnd.dakto.gov.vn", "Văn phòng HĐND và UBND huyện")
LEAD = Mailbox("ptckh@ubnd.dakto.gov.vn", "Phòng Tài chính - Kế hoạch")
EXPECTED_HEADERS = {
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


def build(rendered: RenderedEmail, **kwargs: object) -> EmailMessage:
    options: dict[str, object] = {
        "sender": SENDER,
        "recipients": [LEAD],
        "idempotency_key": "task:9/overdue/2/v1/to:11",
        "now": NOW,
    }
    options.update(kwargs)
    return build_message(rendered, **options)  # type: ignore[arg-type]


def reparse(msg: EmailMessage) -> EmailMessage:
    return reparse_bytes(msg.as_bytes())


def reparse_bytes(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def unix(text: str) -> str:
    return text.replace("\r\n", "\n")


def plain(text: str = "Nội dung") -> RenderedEmail:
    return RenderedEmail(subject="Nhắc việc", text=text, html=f"<p>{text}</p>")


def test_vietnamese_subject_body_and_names_survive_serialization() -> None:
    rendered = render("reminder_digest", s.reminder_digest(s.overdue_item()))
    parsed = reparse(build(rendered))
    assert parsed["Subject"] == rendered.subject
    assert parsed["From"].addresses[0].display_name == "Văn phòng HĐND và UBND huyện"
    assert parsed["To"].addresses[0].display_name == "Phòng Tài chính - Kế hoạch"
    # On the wire every line ends with CRLF; the words are unchanged.
    assert unix(parsed.get_body(("plain",)).get_content()) == rendered.text
    assert unix(parsed.get_body(("html",)).get_content()) == rendered.html


def test_the_serialized_message_is_seven_bit_with_crlf_line_endings() -> None:
    raw = build(render("reminder_digest", s.reminder_digest())).as_bytes()
    raw.decode("ascii")  # non-ASCII only inside encoded words and quoted-printable
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_a_task_text_with_a_bcc_line_adds_no_header() -> None:
    payloads = [
        "Việc A\r\nBcc: evil@example.com",
        "Việc B\nBcc: evil@example.com",
        "Việc C =?UTF-8?Q?=0A?=Bcc: evil@example.com",
        "Việc D =?utf-8?b?CkJjYzogZXZpbEBleGFtcGxlLmNvbQ==?=",
        "Việc E\u2028Bcc: evil@example.com",
    ]
    for text in payloads:
        rendered = render("reminder_digest", s.reminder_digest(s.overdue_item(text)))
        parsed = reparse(build(rendered))
        assert set(parsed.keys()) == EXPECTED_HEADERS, text
        assert "Bcc" not in parsed and "evil@example.com" not in str(parsed["To"])


@pytest.mark.parametrize(
    "subject",
    [
        "Nhắc việc\r\nBcc: evil@example.com",
        "Nhắc việc\n",
        "Nhắc việc =?UTF-8?Q?=0A?=Bcc: evil@example.com",
        "Nhắc\x00việc",
        "Nhắc\tviệc",
    ],
)
def test_a_subject_that_could_inject_is_refused(subject: str) -> None:
    with pytest.raises(HeaderInjectionError):
        build(RenderedEmail(subject=subject, text="x", html="x"))


@pytest.mark.parametrize(
    "name", ["Phòng\r\nBcc: evil@example.com", "=?utf-8?q?Ph=C3=B2ng?=", "Phòng\x7f"]
)
def test_a_display_name_that_could_inject_is_refused(name: str) -> None:
    with pytest.raises(HeaderInjectionError):
        build(plain(), recipients=[Mailbox("ptckh@ubnd.dakto.gov.vn", name)])


@pytest.mark.parametrize(
    "address",
    [
        "ptckh@ubnd.dakto.gov.vn\r\nBcc: evil@example.com",
        "ptckh@ubnd.dakto.gov.vn, evil@example.com",
        "Evil <evil@example.com>",
        "ptckh@localhost",
        "ptckh..x@ubnd.gov.vn",
        ".ptckh@ubnd.gov.vn",
        "phòng@ubnd.gov.vn",
        "ptckh@-ubnd.gov.vn",
        "ptckh@ubnd.gov.vn.",
        "",
        "a" * 65 + "@ubnd.gov.vn",
    ],
)
def test_an_invalid_address_is_refused_not_repaired(address: str) -> None:
    with pytest.raises(HeaderInjectionError):
        build(plain(), recipients=[Mailbox(address, "Phòng")])


def test_ordinary_government_addresses_are_accepted() -> None:
    for address in ["vp.ubnd@dakto.kontum.gov.vn", "phong_tckh-2024@ubnd.gov.vn", "a+b@x.vn"]:
        parsed = reparse(build(plain(), recipients=[Mailbox(address)]))
        assert parsed["To"].addresses[0].addr_spec == address


def test_the_message_id_is_fixed_by_the_idempotency_key() -> None:
    first = build(plain("một"))
    again = build(plain("hai"), now=NOW + timedelta(hours=3))
    other = build(plain("một"), idempotency_key="task:9/overdue/3/v1/to:11")
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"] == message_id_for("task:9/overdue/2/v1/to:11", "ubnd.dakto.gov.vn")
    assert str(first["Message-ID"]).endswith("@ubnd.dakto.gov.vn>")


def test_automatic_mail_is_marked_so_auto_responders_stay_quiet() -> None:
    parsed = reparse(build(plain()))
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["X-Kehoach-Key"] == "task:9/overdue/2/v1/to:11"


def test_the_date_header_is_the_given_instant() -> None:
    ict = timezone(timedelta(hours=7))
    parsed = reparse(build(plain(), now=datetime(2024, 3, 25, 8, 0, tzinfo=ict)))
    assert parsed["Date"].datetime == datetime(2024, 3, 25, 1, 0, tzinfo=UTC)


def test_a_naive_now_or_a_key_with_spaces_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build(plain(), now=datetime(2024, 3, 25, 8, 0))
    with pytest.raises(HeaderInjectionError):
        build(plain(), idempotency_key="task 9\r\nBcc: x@y.vn")


def test_the_envelope_goes_to_to_and_cc_once_each() -> None:
    cc = [Mailbox("vp@ubnd.dakto.gov.vn"), LEAD]
    msg = build(plain(), cc=cc)
    assert envelope_recipients(msg) == ["ptckh@ubnd.dakto.gov.vn", "vp@ubnd.dakto.gov.vn"]


def test_text_comes_before_html_in_the_alternative() -> None:
    parsed = reparse(build(plain()))
    assert parsed.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in parsed.iter_parts()]
    assert kinds == ["text/plain", "text/html"]


def test_python_alone_would_let_an_encoded_newline_become_a_header() -> None:
    """Why ``build_message`` checks subjects itself (seen on Python 3.11.7; if this starts
    failing, Python fixed it and the check is merely redundant)."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "a@example.com"
    msg["Subject"] = "Việc =?UTF-8?Q?=0A?=Bcc: evil@example.com"
    msg.set_content("x")
    assert reparse(msg)["Bcc"] == "evil@example.com"


PHRASES = (
    "Hoàn thành rà soát hộ nghèo, cận năm 2024 Phòng Tài chính - Kế hoạch chưa [Báo cáo quá hạn] "
    "UBND xã Đăk Tô tổ chức thực hiện Cuộc vận động “Toàn dân” a b ASCII 48/KH-UBND & \" \\ ' ; :"
)
WORDS = PHRASES.split(" ")


def header_lines(raw: bytes, name: bytes) -> list[bytes]:
    """The physical lines of header ``name`` in a serialized message."""
    lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(name + b":"))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    return lines[start:end]


def random_text(rnd: random.Random, most: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, most)))


def test_any_vietnamese_subject_comes_back_exactly_and_lines_stay_short() -> None:
    rnd = random.Random(20240325)
    for _ in range(300):
        subject = random_text(rnd, 40)[:180].strip() or "x"
        raw = build(RenderedEmail(subject=subject, text="x", html="x")).as_bytes()
        assert reparse_bytes(raw)["Subject"] == subject
        assert max(len(line) for line in header_lines(raw, b"Subject")) <= 78


def test_any_list_of_named_recipients_comes_back_exactly() -> None:
    rnd = random.Random(7)
    for _ in range(100):
        boxes = [
            Mailbox(f"body{i}@ubnd.dakto.gov.vn", random_text(rnd, 20)[:200].strip())
            for i in range(rnd.randint(1, 6))
        ]
        msg = build(plain(), recipients=boxes)
        parsed = reparse(msg)
        # Python's phrase parser keeps the whitespace between encoded words (RFC 2047 says to
        # drop it), so it may show a double space where a long name was split: compare words.
        got = [(a.addr_spec, a.display_name.split()) for a in parsed["To"].addresses]
        assert got == [(b.address, b.name.split()) for b in boxes]
        assert max(len(line) for line in header_lines(msg.as_bytes(), b"To")) <= 78
        assert envelope_recipients(msg) == [b.address for b in boxes]


def test_python_alone_would_lose_spaces_folding_long_vietnamese_subjects() -> None:
    """Why ``headers.py`` encodes subjects itself (Python 3.11.7's folder drops the space
    between two encoded words; if this starts failing, Python fixed it)."""
    subject = (
        "[Báo cáo quá hạn] Phòng Tài chính - Kế hoạch chưa hoàn thành: "
        "Hoàn thành rà soát hộ nghèo, hộ cận nghèo năm 2024"
    )
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = subject
    msg.set_content("x")
    assert reparse(msg)["Subject"] != subject
