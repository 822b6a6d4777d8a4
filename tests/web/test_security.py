"""Session cookies, rotation, log-in throttling, escaping, upload limits, evidence names."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from sqlmodel import Session, select
from starlette.routing import Route
from starlette.testclient import TestClient

from cli.main import main as cli_main
from config.settings import Settings, reset_settings
from models.db import engine_for
from models.users import Evidence, LoginAttempt, User
from tests.web.conftest import collected_log, log_problems
from tests.web.world import EMAILS, PASSWORD, World, csrf_of, login
from web.app import create_app
from web.auth import MAX_FAILURES_PER_ACCOUNT_AND_CLIENT, MAX_FAILURES_PER_CLIENT
from web.guard import _origin
from web.security import MEMORY_KIB, PASSES
from web.server import proxy_options, serving


def test_the_session_cookie_is_httponly_and_samesite_lax(client_for):
    client = client_for(None)
    response = login(client, "agency_a")
    cookie = response.headers["set-cookie"].lower()
    assert "kh_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http in tests


def test_the_session_cookie_is_secure_over_https(app):
    from starlette.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as client:
        response = login(client, "agency_a")
    assert "secure" in response.headers["set-cookie"].lower()


def session_token(client) -> str | None:  # type: ignore[no-untyped-def]
    values = [c.value for c in client.cookies.jar if c.name == "kh_session"]
    return values[-1] if values else None


def with_session(client, token: str):  # type: ignore[no-untyped-def]
    """The client with only this session cookie (as a browser replaying it would send)."""
    client.cookies.clear()
    client.cookies.set("kh_session", token, domain="testserver.local")
    return client


def test_logging_in_rotates_the_session(client_for):
    client = client_for("agency_a")
    before = session_token(client)
    assert login(client, "agency_b").status_code == 303
    after = session_token(client)
    assert before and after and before != after
    # the old token no longer opens anything
    assert (
        with_session(client_for(None), before).get("/tasks", follow_redirects=False).status_code
        == 302
    )
    assert with_session(client_for(None), after).get("/tasks").status_code == 200


def test_a_planted_session_token_is_worthless_after_log_in(client_for):
    client = with_session(client_for(None), "planted-by-attacker")
    login(client, "agency_a")
    assert session_token(client) != "planted-by-attacker"


NEW_PASSWORD = "mật-khẩu-mới-đủ-dài-2025"


def test_kehoach_user_password_ends_every_session_of_that_account(client_for, monkeypatch, capsys):
    leader, stolen, other = client_for("leader"), client_for("leader"), client_for("agency_a")
    monkeypatch.setenv("KEHOACH_PASSWORD", NEW_PASSWORD)
    assert cli_main(["user", "password", EMAILS["leader"]]) == 0
    assert "các phiên đăng nhập cũ đã kết thúc" in capsys.readouterr().out
    for client in (leader, stolen):
        assert client.get("/board", follow_redirects=False).status_code == 302
    assert other.get("/tasks").status_code == 200  # another account keeps its session
    fresh = client_for(None)
    data = {"email": EMAILS["leader"], "password": NEW_PASSWORD, "csrf": csrf_of(fresh)}
    assert fresh.post("/login", data=data, follow_redirects=False).status_code == 303
    assert fresh.get("/board").status_code == 200


def test_a_disabled_account_is_logged_out_and_enabling_it_again_does_not_revive_the_session(
    client_for, capsys
):
    client = client_for("agency_a")
    token = session_token(client)
    assert cli_main(["user", "disable", EMAILS["agency_a"]]) == 0
    assert client.get("/tasks", follow_redirects=False).status_code == 302
    assert login(client_for(None), "agency_a").status_code == 401
    assert cli_main(["user", "enable", EMAILS["agency_a"]]) == 0
    assert token
    replay = with_session(client_for(None), token)
    assert replay.get("/tasks", follow_redirects=False).status_code == 302
    assert login(client_for(None), "agency_a").status_code == 303
    assert "Đã khóa tài khoản" in capsys.readouterr().out


def test_logging_out_ends_the_session_on_the_server(client_for):
    client = client_for("leader")
    token = session_token(client)
    assert token
    client.post("/logout", data={"csrf": csrf_of(client, "/board")})
    other = with_session(client_for(None), token)
    assert other.get("/board", follow_redirects=False).status_code == 302


def test_login_is_throttled_after_repeated_failures_even_with_the_right_password(client_for):
    client = client_for(None)
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
        bad = {"email": EMAILS["leader"], "password": "sai-mật-khẩu", "csrf": csrf_of(client)}
        assert client.post("/login", data=bad).status_code == 401
    good = {"email": EMAILS["leader"], "password": PASSWORD, "csrf": csrf_of(client)}
    response = client.post("/login", data=good, follow_redirects=False)
    assert response.status_code == 429
    assert "15 phút" in response.text
    # another account from the same address is not locked out by these failures
    assert login(client, "agency_a").status_code == 303


def fail_to_log_in(client, role: str, times: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        bad = {"email": EMAILS[role], "password": "sai-mật-khẩu", "csrf": csrf_of(client)}
        assert client.post("/login", data=bad).status_code in (401, 429)


def test_a_stranger_typing_a_leaders_address_cannot_lock_the_leader_out(client_for):
    """Same address (an office behind one NAT): the stranger's failures throttle the stranger,
    not a browser the leader has logged in with before."""
    leader = client_for("leader")
    leader.post("/logout", data={"csrf": csrf_of(leader, "/board")})
    stranger = client_for(None)
    spray(stranger)  # the address is now held back on every account, the leader's included
    assert login(stranger, "leader").status_code == 429
    assert login(client_for(None), "agency_a").status_code == 429
    assert login(leader, "leader").status_code == 303
    assert leader.get("/board").status_code == 200


def test_a_browser_held_back_on_one_account_is_held_back_on_all_after_twenty_failures(client_for):
    guesser = client_for(None)
    spray(guesser)
    assert login(guesser, "agency_a").status_code == 429


def spray(client) -> None:  # type: ignore[no-untyped-def]
    """Twenty failures from one address, five on each of four accounts."""
    accounts = ("leader", "agency_b", "coordinator", "plan_coordinator")
    assert len(accounts) * MAX_FAILURES_PER_ACCOUNT_AND_CLIENT == MAX_FAILURES_PER_CLIENT
    for role in accounts:
        fail_to_log_in(client, role, MAX_FAILURES_PER_ACCOUNT_AND_CLIENT)


def test_a_device_cookie_for_one_account_does_not_exempt_guesses_at_another(client_for):
    insider = client_for("agency_b")  # enrolled for agency_b only
    fail_to_log_in(insider, "leader", MAX_FAILURES_PER_ACCOUNT_AND_CLIENT)
    assert login(insider, "leader").status_code == 429


def test_passwords_are_stored_as_argon2id_with_at_least_19_mib_and_2_passes(world: World):
    with Session(engine_for(world.url)) as session:
        hashes = [u.password_hash for u in session.exec(select(User)).all()]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert MEMORY_KIB >= 19 * 1024 and PASSES >= 2
    assert all(f"m={MEMORY_KIB},t={PASSES}" in h for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_login_redirects_only_to_local_paths(client_for):
    client = client_for(None)
    data = {
        "email": EMAILS["agency_a"],
        "password": PASSWORD,
        "csrf": csrf_of(client),
        "next": "//evil.example/phish",
    }
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_pages_carry_security_headers(client_for):
    response = client_for(None).get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_limit_is_refused_before_parsing(client_for):
    client = client_for("coordinator")
    big = b"x" * (300 * 1024)
    response = client.post("/login", content=big, headers={"content-type": "text/plain"})
    assert response.status_code == 413
    huge = io.BytesIO(b"a" * (22 * 2**20))
    response = client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": ("kh.txt", huge, "text/plain")},
    )
    assert response.status_code == 413


def test_a_zip_bomb_disguised_as_docx_is_refused_with_a_message(client_for):
    client = client_for("coordinator")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 2**20))
    response = client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": ("bom.docx", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "bom.docx" in response.text and 'id="upload-error"' in response.text


def test_a_pdf_that_is_not_a_pdf_is_refused(client_for):
    client = client_for("coordinator")
    response = client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": ("kh.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert response.status_code == 400 and "không phải tệp .pdf" in response.text


def test_evidence_names_cannot_climb_out_of_the_evidence_folder(client_for, world: World, web_env):
    client = client_for("agency_a")
    response = client.post(
        f"/tasks/{world.task_a}/evidence",
        data={"csrf": csrf_of(client, f"/tasks/{world.task_a}")},
        files={"file": ("../../../etc/passwd.pdf", b"%PDF-1.4 x", "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Session(engine_for(world.url)) as session:
        item = session.exec(select(Evidence).order_by(Evidence.id.desc())).first()  # type: ignore[union-attr]
    assert item is not None and item.original_name == "passwd.pdf"
    assert "/" not in item.stored_name and (web_env / "evidence" / item.stored_name).is_file()


def test_evidence_whose_content_does_not_match_its_type_is_refused(client_for, world: World):
    client = client_for("agency_a")
    page = client.post(
        f"/tasks/{world.task_a}/evidence",
        data={"csrf": csrf_of(client, f"/tasks/{world.task_a}")},
        files={"file": ("anh.png", b"MZ\x90\x00 executable", "image/png")},
    )
    assert "nội dung không đúng loại .png" in page.text
    with Session(engine_for(world.url)) as session:
        names = [e.original_name for e in session.exec(select(Evidence)).all()]
    assert "anh.png" not in names


def test_a_plan_with_more_duties_than_one_upload_may_hold_is_refused_with_a_message(client_for):
    client = client_for("coordinator")
    lines = "\n\n".join(f"- Kiểm tra nội dung {i}." for i in range(5_100))
    text = f"KẾ HOẠCH\n\nIV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n{lines}\n"
    response = client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": ("nhieu.txt", text.encode(), "text/plain")},
    )
    assert response.status_code == 400
    assert "nhieu.txt" in response.text and "quá giới hạn 5000 nhiệm vụ" in response.text


def test_a_post_from_this_site_passes_by_its_host_or_its_configured_public_url(app, client_for):
    """Origin ``http://testserver`` is the host served on; KEHOACH_BASE_URL names the public one
    (a reverse proxy in front); a default port written out is the same origin."""
    public = {"base_url": "http://kehoach.example.gov.vn:8080"}
    app.state.settings = app.state.settings.model_copy(update=public)
    for origin in (
        "http://testserver",
        "http://testserver:80",
        "http://kehoach.example.gov.vn:8080",
        "http://KEHOACH.example.gov.vn:8080",
    ):
        client = client_for(None)
        data = {"email": EMAILS["agency_a"], "password": PASSWORD, "csrf": csrf_of(client)}
        response = client.post(
            "/login", data=data, headers={"origin": origin}, follow_redirects=False
        )
        assert response.status_code == 303, origin
    client = client_for(None)
    referer = {"referer": "http://testserver/login?next=/tasks"}
    data = {"email": EMAILS["agency_a"], "password": PASSWORD, "csrf": csrf_of(client)}
    assert (
        client.post("/login", data=data, headers=referer, follow_redirects=False).status_code == 303
    )


def test_an_origin_is_compared_without_its_default_port_or_case():
    assert _origin("https://KeHoach.gov.vn:443/x?y") == _origin("https://kehoach.gov.vn")
    assert _origin("http://a.vn:8080") != _origin("http://a.vn")
    assert _origin("null") is None and _origin("javascript:alert(1)") is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("trusted", "recorded"),
    [("", {"127.0.0.1"}), ("127.0.0.1/32, 10.0.0.0/8", {"203.0.113.1", "203.0.113.2"})],
    ids=["no proxy configured", "loopback is the proxy"],
)
def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(
    trusted, recorded, app, world: World, monkeypatch
):
    """Served by uvicorn as ``kehoach serve`` does: a client that sends a new X-Forwarded-For
    each time is counted under its own address unless its peer is a configured proxy."""
    monkeypatch.setenv("KEHOACH_TRUSTED_PROXIES", trusted)
    reset_settings()
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        for n in (1, 2):
            bad = {"email": EMAILS["leader"], "password": "sai-mật-khẩu", "csrf": csrf_of(client)}
            forwarded = {"x-forwarded-for": f"203.0.113.{n}"}
            assert client.post("/login", data=bad, headers=forwarded).status_code == 401
    with Session(engine_for(world.url)) as session:
        assert {a.client for a in session.exec(select(LoginAttempt)).all()} == recorded


def test_forwarded_headers_are_off_unless_proxies_are_configured():
    assert proxy_options(Settings(trusted_proxies="")) == {"proxy_headers": False}
    assert proxy_options(Settings(trusted_proxies=" 10.1.2.3 ,192.168.0.0/16")) == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["10.1.2.3", "192.168.0.0/16"],
    }


def test_the_log_capture_sees_a_traceback_and_a_500_of_the_app_under_test(world: World):
    """What ``clean_server_log`` checks is really there when a handler breaks."""
    app = create_app(world.url)

    async def broken(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("hỏng")

    app.router.routes.insert(0, Route("/hong", broken))
    with collected_log() as lines, TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/hong").status_code == 500
    problems = log_problems(lines)
    assert problems and "unexpected error on GET /hong" in problems[0]
    assert "Traceback" in "\n".join(lines) and "RuntimeError: hỏng" in "\n".join(lines)
