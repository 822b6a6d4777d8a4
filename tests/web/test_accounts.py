"""Accounts on the web: the coordinator without a body adds, disables, enables accounts and hands
out one-time links to set a password; the rules are those of ``kehoach user``."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote, urlsplit

import pytest
from sqlmodel import Session, select

from cli.main import main as cli_main
from config.settings import reset_settings
from models.agencies import Agency
from models.db import engine_for
from models.users import PasswordReset, User
from tests.web.objects import NEW_PASSWORD, SPARE_EMAIL
from tests.web.test_authorization import changed_tables, table_rows
from tests.web.world import A_NAME, EMAILS, World, csrf_of, login
from web.render import FLASH_COOKIE

pytestmark = pytest.mark.usefixtures("clean_server_log")

LINK = re.compile(r'id="reset-url">([^<]+)<')


def user_id(world: World, email: str) -> int:
    with Session(engine_for(world.url)) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.id is not None
        return user.id


def post(client, path: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(
        path, data={**data, "csrf": csrf_of(client, "/tasks")}, follow_redirects=False
    )


def link_path(page_html: str) -> str:
    """The path of the one-time link a page shows."""
    match = LINK.search(page_html)
    assert match, "no one-time link on the page"
    return urlsplit(unescape(match.group(1))).path


def set_password(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/login" if client.cookies.get("kh_session") is None else "/tasks")
    data = {"password": password, "again": again or password, "csrf": token}
    return client.post(path, data=data, follow_redirects=False)


def log_in(client, email: str, password: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password, "csrf": csrf_of(client, "/login")}
    return client.post("/login", data=data, follow_redirects=False)


def error_text(html: str) -> str:
    match = re.search(r'class="error" role="alert"[^>]*>([^<]+)<', html)
    return unescape(match.group(1)) if match else ""


def test_a_coordinator_adds_an_agency_account_whose_owner_sets_a_password_and_logs_in(
    world: World, client_for
):
    coordinator = client_for("coordinator")
    page = post(
        coordinator, "/accounts/add", email="Moi@Example.gov.vn", role="agency", agency=A_NAME
    )
    assert page.status_code == 200 and "Đã tạo tài khoản" in page.text
    assert page.headers["cache-control"] == "no-store"
    listed = coordinator.get("/accounts").text
    assert 'data-account="moi@example.gov.vn"' in listed and A_NAME in listed
    owner = client_for(None)
    assert log_in(owner, "moi@example.gov.vn", NEW_PASSWORD).status_code == 401  # none yet
    path = link_path(page.text)
    form = owner.get(path)
    assert form.status_code == 200 and "moi@example.gov.vn" in form.text
    done = set_password(owner, path)
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert unquote(done.cookies[FLASH_COOKIE]).startswith("Đã đặt mật khẩu mới")
    assert log_in(owner, "moi@example.gov.vn", NEW_PASSWORD).status_code == 303
    tasks = owner.get("/tasks")
    assert tasks.status_code == 200 and A_NAME in tasks.text


def test_a_one_time_link_used_twice_says_so_the_second_time_and_changes_nothing(
    world: World, client_for
):
    coordinator = client_for("coordinator")
    spare = user_id(world, SPARE_EMAIL)
    path = link_path(post(coordinator, f"/accounts/{spare}/reset").text)
    stranger = client_for(None)
    assert set_password(stranger, path).status_code == 303
    before = table_rows(world.url)
    again = set_password(stranger, path, "một-mật-khẩu-khác-2024")
    assert again.status_code == 410
    assert "đã được dùng" in error_text(again.text) and "một lần" in error_text(again.text)
    assert changed_tables(before, table_rows(world.url)) == []
    shown = stranger.get(path)
    assert shown.status_code == 410 and "đã được dùng" in error_text(shown.text)
    assert 'name="password"' not in shown.text
    assert log_in(client_for(None), SPARE_EMAIL, NEW_PASSWORD).status_code == 303


def test_a_link_opened_after_48_hours_says_it_expired(
    world: World, client_for, monkeypatch: pytest.MonkeyPatch
):
    coordinator = client_for("coordinator")
    path = link_path(post(coordinator, f"/accounts/{user_id(world, SPARE_EMAIL)}/reset").text)
    monkeypatch.setenv("KEHOACH_NOW", "2024-05-17T08:59:00")  # 47 h 59 min later: still valid
    assert client_for(None).get(path).status_code == 200
    monkeypatch.setenv("KEHOACH_NOW", "2024-05-17T09:01:00")  # 48 h 1 min later
    late = client_for(None)
    shown = late.get(path)
    assert shown.status_code == 410 and "đã hết hạn" in error_text(shown.text)
    used = set_password(late, path)
    assert used.status_code == 410 and "đã hết hạn" in error_text(used.text)
    with Session(engine_for(world.url)) as session:
        assert all(r.used_at is None for r in session.exec(select(PasswordReset)).all())


def test_a_newer_link_replaces_the_older_one(world: World, client_for):
    coordinator = client_for("coordinator")
    spare = user_id(world, SPARE_EMAIL)
    first = link_path(post(coordinator, f"/accounts/{spare}/reset").text)
    second = link_path(post(coordinator, f"/accounts/{spare}/reset").text)
    anonymous = client_for(None)
    old = anonymous.get(first)
    assert old.status_code == 410 and "liên kết mới hơn" in error_text(old.text)
    assert set_password(anonymous, second).status_code == 303


def test_setting_a_password_through_the_link_ends_every_session_of_the_account(
    world: World, client_for
):
    leader, other = client_for("leader"), client_for("agency_a")
    coordinator = client_for("coordinator")
    path = link_path(post(coordinator, f"/accounts/{user_id(world, EMAILS['leader'])}/reset").text)
    assert leader.get("/board", follow_redirects=False).status_code == 200  # issuing ends none
    assert set_password(client_for(None), path).status_code == 303
    assert leader.get("/board", follow_redirects=False).status_code == 302
    assert other.get("/tasks", follow_redirects=False).status_code == 200


def test_a_weak_or_mistyped_password_is_refused_and_the_link_stays_usable(world: World, client_for):
    coordinator = client_for("coordinator")
    path = link_path(post(coordinator, f"/accounts/{user_id(world, SPARE_EMAIL)}/reset").text)
    anonymous = client_for(None)
    short = set_password(anonymous, path, "ngan")
    assert short.status_code == 400 and "ít nhất 10 ký tự" in error_text(short.text)
    mistyped = set_password(anonymous, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert mistyped.status_code == 400 and "không khớp" in error_text(mistyped.text)
    assert set_password(anonymous, path).status_code == 303


def test_a_disabled_account_cannot_log_in_until_it_is_enabled_again(world: World, client_for):
    coordinator, agency = client_for("coordinator"), client_for("agency_a")
    account = user_id(world, EMAILS["agency_a"])
    done = post(coordinator, f"/accounts/{account}/disable")
    assert done.status_code == 303
    assert unquote(done.cookies[FLASH_COOKIE]).startswith("Đã khóa tài khoản alpha@")
    assert agency.get("/tasks", follow_redirects=False).status_code == 302
    assert "đã khóa" in coordinator.get("/accounts").text
    refused = post(coordinator, f"/accounts/{account}/reset")
    assert refused.status_code == 400 and "đang bị khóa" in error_text(refused.text)
    assert post(coordinator, f"/accounts/{account}/enable").status_code == 303
    assert login(client_for(None), "agency_a").status_code == 303


def test_a_coordinator_cannot_disable_themselves_nor_the_last_administrator(
    world: World, client_for, capsys
):
    coordinator = client_for("coordinator")
    me = user_id(world, EMAILS["coordinator"])
    before = table_rows(world.url)
    refused = post(coordinator, f"/accounts/{me}/disable")
    assert refused.status_code == 400 and "chính mình" in error_text(refused.text)
    assert changed_tables(before, table_rows(world.url)) == []
    # From the command line too: the last active coordinator without a body stays.
    assert cli_main(["user", "disable", EMAILS["coordinator"]]) != 0
    assert "cuối cùng" in capsys.readouterr().err
    assert coordinator.get("/accounts").status_code == 200
    # With a second administrator, the first may go (from the web, by the other one).
    second = post(coordinator, "/accounts/add", email="quantri2@example.gov.vn", role="coordinator")
    owner = client_for(None)
    assert set_password(owner, link_path(second.text)).status_code == 303
    assert log_in(owner, "quantri2@example.gov.vn", NEW_PASSWORD).status_code == 303
    assert post(owner, f"/accounts/{me}/disable").status_code == 303
    assert coordinator.get("/accounts", follow_redirects=False).status_code == 302


def test_a_failed_add_keeps_what_was_typed_and_reads_as_an_error(world: World, client_for):
    coordinator = client_for("coordinator")
    before = table_rows(world.url)
    page = post(coordinator, "/accounts/add", email="moi@example.gov.vn", role="agency", agency="")
    assert page.status_code == 400 and "phải ghi rõ cơ quan" in error_text(page.text)
    assert 'value="moi@example.gov.vn"' in page.text
    assert re.search(r'<option value="agency"\s+selected', page.text)
    unknown = post(
        coordinator,
        "/accounts/add",
        email="moi@example.gov.vn",
        role="agency",
        agency="Sở Không Có",
    )
    assert unknown.status_code == 400 and 'value="Sở Không Có"' in unknown.text
    taken = post(coordinator, "/accounts/add", email=EMAILS["leader"], role="leader")
    assert taken.status_code == 400 and "Đã có tài khoản" in error_text(taken.text)
    assert changed_tables(before, table_rows(world.url)) == []


@pytest.mark.parametrize("role", ["leader", "agency_a", "plan_coordinator"])
def test_leaders_agencies_and_plan_coordinators_are_refused_every_account_route(
    role: str, world: World, client_for
):
    client = client_for(role)
    target = user_id(world, EMAILS["agency_b"])
    assert client.get("/accounts").status_code == 403
    before = table_rows(world.url)
    for path in ("/accounts/add", f"/accounts/{target}/disable", f"/accounts/{target}/reset"):
        answer = post(client, path, email="moi@example.gov.vn", role="coordinator")
        assert answer.status_code == 403, path
        assert "không được dùng chức năng này" in answer.text
    assert changed_tables(before, table_rows(world.url)) == []
    assert 'href="/accounts"' not in client.get("/tasks").text


def test_control_characters_in_a_body_name_are_dropped_before_the_body_is_looked_up(
    world: World, client_for
):
    typed = A_NAME.replace(" ", "\x00", 1)  # "Phòng\x00Thử nghiệm…": NUL, refused by PostgreSQL
    coordinator = client_for("coordinator")
    page = post(
        coordinator, "/accounts/add", email="nul@example.gov.vn", role="agency", agency=typed
    )
    assert page.status_code == 200 and "Đã tạo tài khoản" in page.text
    with Session(engine_for(world.url)) as session:
        user = session.exec(select(User).where(User.email == "nul@example.gov.vn")).one()
        body = session.exec(select(Agency.id).where(Agency.name == A_NAME)).one()
    assert user.agency_id == body


def test_kehoach_user_link_prints_a_one_time_link_that_the_web_honours_once(
    world: World, client_for, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KEHOACH_BASE_URL", "https://kehoach.example.gov.vn")
    reset_settings()
    assert cli_main(["user", "link", SPARE_EMAIL]) == 0
    printed = capsys.readouterr().out
    link = r"\(dùng một lần, 48 giờ\): (https://kehoach\.example\.gov\.vn/reset/\S+)"
    match = re.search(link, printed)
    assert match, printed
    path = urlsplit(match.group(1)).path
    anonymous = client_for(None)
    assert set_password(anonymous, path).status_code == 303
    assert set_password(anonymous, path).status_code == 410
    assert log_in(client_for(None), SPARE_EMAIL, NEW_PASSWORD).status_code == 303
    assert cli_main(["user", "link", "khongco@example.gov.vn"]) != 0
    assert "Không có tài khoản" in capsys.readouterr().err


def test_disabling_an_account_or_giving_it_a_new_password_ends_its_unused_links(
    world: World, client_for, monkeypatch: pytest.MonkeyPatch
):
    coordinator = client_for("coordinator")
    spare = user_id(world, SPARE_EMAIL)
    before_disabling = link_path(post(coordinator, f"/accounts/{spare}/reset").text)
    assert post(coordinator, f"/accounts/{spare}/disable").status_code == 303
    assert post(coordinator, f"/accounts/{spare}/enable").status_code == 303
    old = client_for(None).get(before_disabling)
    assert old.status_code == 410 and "không còn hiệu lực" in error_text(old.text)
    before_new_password = link_path(post(coordinator, f"/accounts/{spare}/reset").text)
    monkeypatch.setenv("KEHOACH_PASSWORD", NEW_PASSWORD)
    assert cli_main(["user", "password", SPARE_EMAIL]) == 0
    anonymous = client_for(None)
    assert set_password(anonymous, before_new_password, "mật-khẩu-kẻ-gian-2024").status_code == 410
    assert log_in(client_for(None), SPARE_EMAIL, NEW_PASSWORD).status_code == 303
