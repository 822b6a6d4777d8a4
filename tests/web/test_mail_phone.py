"""Every HTML mail rendered in Chromium at a phone's width (390 px): one column, nothing
wider than the screen, every task readable without scrolling sideways. Screenshots go to a
temporary folder (the path is printed).

    ./dev.sh test tests/web/test_mail_phone.py
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from notifications.render import KINDS, render
from tests import notification_samples as s
from tests.chromium import ARGS, CHROMIUM, NEEDS_CHROMIUM, sync_playwright

pytestmark = NEEDS_CHROMIUM
PHONE = {"width": 390, "height": 844}
LONG = "Rà soát, cập nhật cơ sở dữ liệu " + "https://dichvucong.kontum.gov.vn/" + "x" * 80

MAILS = {
    "reminder_digest": lambda: s.reminder_digest(),
    "reminder_digest_all_groups": s.mixed_digest,
    "reminder_digest_to_leadership": lambda: s.leader_digest(11),
    "reminder_digest_long_text": lambda: s.reminder_digest(s.overdue_item(LONG)),
    "reminder_digest_inferred_deadline": lambda: s.reminder_digest(
        replace(s.item(), deadline_inferred=True)
    ),
    "weekly_digest": s.weekly_digest,
    "milestone_report": s.milestone_report,
    "milestone_report_long_names": lambda: replace(
        s.milestone_report(),
        rows=tuple(
            replace(
                r, agency_name=f"Ban Quản lý dự án đầu tư xây dựng các công trình {r.agency_name}"
            )
            for r in s.milestone_report().rows
        ),
    ),
    "delivery_problems": s.delivery_problems,
}


@pytest.fixture(scope="module")
def phone():  # type: ignore[no-untyped-def]
    with sync_playwright() as playwright:  # type: ignore[misc]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport=PHONE)
        yield page
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("mail-screenshots")
    print(f"screenshots: {folder}")
    return folder


@pytest.mark.parametrize("name", sorted(MAILS))
def test_a_mail_fits_a_phone_screen_without_sideways_scrolling(name: str, phone, shots) -> None:
    kind = next(k for k in KINDS if name.startswith(k))
    email = render(kind, MAILS[name]())
    phone.set_content(email.html)
    phone.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    widest = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('body *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
    # Every task and body named is on the page and in the plain text part, whole.
    shown = " ".join(phone.inner_text("body").split())
    for words in named(MAILS[name]()):
        assert " ".join(words.split()) in shown and words in email.text


def named(context: object) -> list[str]:
    """The task texts and body names a mail must show."""
    items = [e.item for e in getattr(context, "entries", ())]
    items += [ch.item for ch in getattr(context, "changes", ())]
    items += list(getattr(context, "items", ())) + list(getattr(context, "next_quarter_items", ()))
    names = [r.agency_name for r in getattr(context, "rows", ())]
    names += [p.agency_name for p in getattr(context, "problems", ())]
    return [i.text for i in items] + names


def test_a_digest_lays_its_tasks_out_as_cards_one_above_the_other(phone) -> None:
    phone.set_content(render("reminder_digest", s.leader_digest(3)).html)
    boxes = phone.evaluate(
        "[...document.querySelectorAll('div[style*=\"border-left\"]')]"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width]; })"
    )
    assert len(boxes) == 3
    lefts, tops = {round(b[0]) for b in boxes}, [b[1] for b in boxes]
    assert len(lefts) == 1 and tops == sorted(tops)  # one column, in reading order
    assert all(b[2] >= 300 for b in boxes)  # each card takes the screen's width
