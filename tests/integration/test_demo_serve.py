"""``kehoach demo --serve``: a newcomer sees the product with nothing to set up, an account per
role printed with its password, the mail of the demo's sweeps caught on a page, and Ctrl-C
stops it and removes its temporary database."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import httpx
import pytest

from tests.demo_process import running_demo

pytestmark = pytest.mark.slow
HOMES = {"coordinator": "/tasks", "agency": "/tasks", "leader": "/board"}


def log_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token, form[:500]
    answer = client.post("/login", data={"email": email, "password": password, "csrf": token[1]})
    assert answer.status_code == 303, answer.text[:500]
    return client


def test_the_demo_serves_three_accounts_and_its_caught_mail_then_stops_on_ctrl_c(
    tmp_path: Path,
):
    with running_demo(tmp_path) as demo:
        accounts = demo.accounts
        assert sorted(accounts) == ["agency", "coordinator", "leader"], demo.console
        folder = demo.folder
        assert folder is not None and (folder / "kehoach.db").exists()
        for role, (email, password) in accounts.items():
            client = log_in(demo.base, email, password)
            home = client.get("/", follow_redirects=False)
            assert home.headers["location"] == HOMES[role], role
            page = client.get(HOMES[role])
            client.close()
            assert page.status_code == 200
            assert '<span class="org">Ủy ban nhân dân huyện Tu Mơ Rông</span>' in page.text

        def mail_list() -> str:
            return httpx.get(f"{demo.base}/demo/mail", timeout=30).text

        # The first sweep (20/06/2022) was sent before the server opened; the catch-up sweep
        # of the day shown (19/12/2022) arrives once the server runs: overdue notices.
        demo.wait_for(lambda: "quá hạn" in mail_list())
        listed = mail_list()
        subjects = re.findall(r'<a href="/demo/mail/(\d+)">([^<]+)</a>', listed)
        assert any("Nhắc việc" in s and "hôm nay" in s for _, s in subjects), listed[-3000:]
        assert all(email in listed for email, _ in accounts.values())
        number = subjects[0][0]
        one = httpx.get(f"{demo.base}/demo/mail/{number}", timeout=30).text
        assert 'id="mail-text"' in one and f'src="/demo/mail/{number}/html"' in one
        html = httpx.get(f"{demo.base}/demo/mail/{number}/html", timeout=30)
        assert html.status_code == 200 and "<html" in html.text.lower()
        assert "frame-ancestors 'self'" in html.headers["content-security-policy"]
        assert httpx.get(f"{demo.base}/demo/mail/9999", timeout=30).status_code == 404
        demo.process.send_signal(signal.SIGINT)  # Ctrl-C
        assert demo.process.wait(timeout=60) == 0, demo.console
    assert not folder.exists()
