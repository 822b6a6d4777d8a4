"""Rendering every email under StrictUndefined, escaping, and Vietnamese formatting."""

from __future__ import annotations

import unicodedata
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from models.plans import Plan
from models.tasks import Task
from notifications import contexts as c
from notifications.render import KINDS, RenderError, environment, one_line, quarter_label, render
from tests import notification_samples as s
from workflows.followup.mail_context import task_item
from workflows.rules.calendar import load_calendar

TEMPLATES = Path(__file__).parents[2] / "notifications" / "templates"
CALENDAR = load_calendar(Path(__file__).parents[2] / "config" / "data" / "holidays.toml")
HOSTILE = 'Báo cáo <script>alert("x")</script> {{7*7}} {% if 1 %}x{% endif %} Tài chính & Kế hoạch'


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_email_kind_renders_its_sample_under_strict_undefined(kind: str) -> None:
    email = render(kind, s.SAMPLES[kind]())
    assert email.subject and "\n" not in email.subject
    assert email.text.startswith("Kính gửi: ")
    assert "Kính gửi: " in email.html and email.html.lstrip().startswith("<!DOCTYPE html>")
    assert "Trân trọng." in email.text


def test_every_kind_has_a_sample_and_three_templates() -> None:
    assert set(s.SAMPLES) == set(KINDS)
    for kind in KINDS:
        names = sorted(p.name for p in (TEMPLATES / kind).iterdir())
        assert names == ["body.html.j2", "body.txt.j2", "subject.txt.j2"], kind


def test_a_missing_field_fails_rendering_instead_of_leaving_a_blank() -> None:
    context = s.reminder_digest()
    variables = {f.name: getattr(context, f.name) for f in fields(context)}
    del variables["dashboard_url"]
    variables["ctx"] = context
    with pytest.raises(UndefinedError):
        environment().get_template("reminder_digest/body.txt.j2").render(variables)


def test_a_context_of_the_wrong_type_is_refused_with_a_clear_message() -> None:
    with pytest.raises(RenderError, match="needs a ReminderDigest"):
        render("reminder_digest", s.weekly_digest())
    with pytest.raises(RenderError, match="unknown email kind"):
        render("birthday_card", s.reminder_digest(s.overdue_item()))


def test_html_escapes_script_template_syntax_and_ampersands_from_task_text() -> None:
    email = render("reminder_digest", s.reminder_digest(s.item(text=HOSTILE)))
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in email.html
    assert "Tài chính &amp; Kế hoạch" in email.html
    assert "{{7*7}}" in email.html and "49" not in email.html
    assert "{% if 1 %}x{% endif %}" in email.html


def test_plain_text_keeps_user_text_literal_and_unescaped() -> None:
    email = render("reminder_digest", s.reminder_digest(s.overdue_item(HOSTILE)))
    assert HOSTILE in email.text
    assert "&amp;" not in email.text and "49" not in email.text


def test_user_text_in_a_subject_is_flattened_to_one_safe_line() -> None:
    text = "Nộp báo cáo\r\nBcc: evil@example.com\t=?UTF-8?Q?=0A?=Bcc: x@example.com\x00"
    email = render("reminder_digest", s.reminder_digest(s.overdue_item(text)))
    assert "\r" not in email.subject and "\n" not in email.subject and "\x00" not in email.subject
    assert "=?" not in email.subject
    prefix = "[Nhắc việc] 1 nhiệm vụ quá hạn: Nộp báo cáo Bcc: evil@example.com"
    assert email.subject.startswith(prefix)


def test_one_line_breaks_every_encoded_word_opener() -> None:
    assert one_line("a =?=?b\u2028c") == "a = ?= ?b c"


def test_a_very_long_subject_is_cut_with_an_ellipsis() -> None:
    long_plan = c.MilestoneReport(
        s.LEADER, s.AS_OF, "48/KH-UBND", "Kế hoạch " * 60, 2024, 1, (), (), s.SENDER, s.DASHBOARD
    )
    subject = render("milestone_report", long_plan).subject
    assert len(subject) <= 180


def test_dates_are_written_day_month_year_and_quarters_in_roman_numerals() -> None:
    email = render("milestone_report", s.milestone_report())
    assert email.subject.startswith("[Kết quả Quý I/2024] Kế hoạch số 48/KH-UBND")
    assert "Nhiệm vụ đến hạn trong Quý II/2024" in email.text
    assert "30/06/2024 (còn 97 ngày)" in email.text
    assert quarter_label(4, 2024) == "Quý IV/2024"


def test_the_quarter_after_the_fourth_is_the_first_of_next_year() -> None:
    report = c.MilestoneReport(
        s.LEADER, date(2024, 12, 31), None, "Giảm nghèo", 2024, 4, (), (), s.SENDER, s.DASHBOARD
    )
    assert "Quý I/2025" in render("milestone_report", report).text


def test_days_left_read_as_remaining_due_today_or_overdue() -> None:
    digest = s.reminder_digest(
        s.item(task_id=1, days_left=3),
        s.item(task_id=2, days_left=0),
        s.item(task_id=3, days_left=-4),
    )
    text = render("reminder_digest", digest).text
    assert "(còn 3 ngày)" in text and "(đến hạn hôm nay)" in text and "(quá hạn 4 ngày)" in text


def test_a_digest_lists_every_item_with_its_action_links() -> None:
    one, two = s.item(task_id=1, text="Việc một"), s.item(task_id=2, text="Việc hai")
    digest = s.reminder_digest(one, two)
    email = render("reminder_digest", digest)
    assert "1. Việc một" in email.text and "2. Việc hai" in email.text
    assert email.text.count("Đề nghị gia hạn: https://") == 2
    assert email.subject == "[Nhắc việc] 2 nhiệm vụ sắp đến hạn"


def test_an_escalated_task_names_its_lead_body_and_what_was_already_sent() -> None:
    email = render("reminder_digest", s.leader_digest(1))
    assert "- Báo cáo vượt cấp lần 3; cơ quan chủ trì: Phòng Tài chính - Kế hoạch" in email.text
    sent = "     - Ngày 18/03/2024: Thông báo quá hạn lần 1, gửi ptckh@dakto.gov.vn"
    assert sent in email.text.splitlines()
    assert "ngày 21/03/2024: Thông báo quá hạn lần 2" in email.html


def test_the_subject_counts_each_group_and_never_calls_overdue_work_coming_up() -> None:
    overdue = s.reminder_digest(s.overdue_item("Một"), s.overdue_item("Hai"), s.item())
    assert render("reminder_digest", overdue).subject == (
        "[Nhắc việc] 2 nhiệm vụ quá hạn, 1 sắp đến hạn"
    )
    only_overdue = render("reminder_digest", s.reminder_digest(s.overdue_item("Một")))
    assert "sắp đến hạn" not in only_overdue.subject + only_overdue.text
    assert only_overdue.subject == "[Nhắc việc] 1 nhiệm vụ quá hạn: Một"
    every = render("reminder_digest", s.mixed_digest()).subject
    assert every == (
        "[Nhắc việc] 1 nhiệm vụ quá hạn, 1 quá hạn cần chỉ đạo, 1 đến hạn hôm nay, "
        "1 sắp đến hạn, 1 thay đổi"
    )


def test_a_digest_reads_overdue_first_then_due_today_then_coming_up_then_changes() -> None:
    text = render("reminder_digest", s.mixed_digest()).text
    headings = [
        "I. NHIỆM VỤ QUÁ HẠN (1)",
        "II. NHIỆM VỤ QUÁ HẠN CỦA CƠ QUAN KHÁC, ĐỀ NGHỊ CHỈ ĐẠO (1)",
        "III. NHIỆM VỤ ĐẾN HẠN HÔM NAY (1)",
        "IV. NHIỆM VỤ SẮP ĐẾN HẠN (1)",
        "V. THAY ĐỔI VỀ NHIỆM VỤ (1)",
    ]
    lines = text.splitlines()
    assert [lines.index(h) for h in headings] == sorted(lines.index(h) for h in headings)
    assert "1. Đề nghị gia hạn được chấp thuận: Tổng hợp danh sách hộ nghèo" in lines
    assert "   - thời hạn: 29/03/2024 → 30/04/2024" in lines


def test_a_digest_only_of_others_overdue_work_is_a_report_asking_to_direct_it() -> None:
    email = render("reminder_digest", s.leader_digest(11))
    assert email.subject == "[Báo cáo quá hạn] 11 nhiệm vụ quá hạn cần chỉ đạo"
    assert "Kính đề nghị Chủ tịch UBND huyện xem xét, chỉ đạo" in email.text
    assert "quý cơ quan" not in email.text  # nothing of its own to do


def test_the_quarterly_report_names_the_plan_once_and_counts_next_quarter_per_body() -> None:
    email = render("milestone_report", s.milestone_report())
    assert email.text.count("48/KH-UBND") == 1 and email.html.count("48/KH-UBND") == 1
    assert (
        "1. Phòng Tài chính - Kế hoạch: đúng hạn 3; trễ hạn 1; đang thực hiện 2; quá hạn 1; "
        "quý sau 1"
    ) in email.text
    assert "Quý sau</th>" in email.html and "Quý II/2024" in email.text


def test_the_quarterly_report_asks_for_action_only_when_something_is_overdue() -> None:
    asks = "khẩn trương hoàn thành"
    assert asks in render("milestone_report", s.milestone_report()).text
    calm = replace(s.milestone_report(), rows=(c.BodyRow("Phòng Y tế", 3, 1, 2, 0),))
    email = render("milestone_report", calm)
    assert asks not in email.text and asks not in email.html


def test_the_weekly_digest_puts_overdue_work_first() -> None:
    text = render("weekly_digest", s.weekly_digest()).text
    assert text.index("I. NHIỆM VỤ QUÁ HẠN (1)") < text.index("II. NHIỆM VỤ ĐANG THỰC HIỆN (2)")
    assert "Thời hạn: Thường xuyên" in text


def test_delivery_problems_name_the_body_the_address_and_the_reason() -> None:
    text = render("delivery_problems", s.delivery_problems()).text
    assert "Địa chỉ bị máy chủ thư từ chối (mã 550)" in text
    assert "Địa chỉ thư: (chưa có)" in text and "Chưa có địa chỉ thư điện tử" in text


def test_an_action_link_must_be_a_web_address() -> None:
    with pytest.raises(ValueError, match="http"):
        c.ActionLink("Xác nhận", "javascript:alert(1)")


def test_templates_are_written_in_composed_unicode() -> None:
    for path in TEMPLATES.rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, path


def _listing(kind: str, item: c.TaskItem) -> object:
    """The sample email of ``kind`` listing ``item`` (alone)."""
    sample = s.SAMPLES[kind]()
    if kind == "reminder_digest":
        return replace(sample, entries=(s.entry(item),))
    if kind == "weekly_digest":
        return replace(sample, items=(item,))
    return replace(sample, next_quarter_items=(item,))


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"delivery_problems"}))
def test_every_task_list_shows_a_deadline_on_a_day_off_as_such(kind: str) -> None:
    sunday = s.item(deadline=date(2024, 3, 31), days_left=6, deadline_note="Chủ nhật — ngày nghỉ")
    email = render(kind, _listing(kind, sunday))
    assert "Thời hạn: 31/03/2024 (Chủ nhật — ngày nghỉ) (còn 6 ngày)" in email.text
    assert "31/03/2024</strong> (Chủ nhật — ngày nghỉ)" in email.html
    working_day = render(kind, _listing(kind, s.item())).text
    assert "Thời hạn: 28/03/2024 (còn 3 ngày)" in working_day and "ngày nghỉ" not in working_day


def test_a_task_item_takes_its_day_off_note_from_the_calendar_and_its_table() -> None:
    plan = Plan(
        identity="48", number="48/KH-UBND", title="Giảm nghèo", created_at=datetime.now(UTC)
    )

    def shown(due: date | None) -> c.TaskItem:
        task = Task(
            id=5, plan_id=1, identity="t", ext_id="T1", section="I", line=1, text="Nộp", due=due
        )
        return task_item(task, plan, date(2024, 1, 2), "lead", CALENDAR)

    tet = shown(date(2024, 2, 10))
    text = render("reminder_digest", s.reminder_digest(tet)).text
    assert "Thời hạn: 10/02/2024 (nghỉ Tết Nguyên Đán) (còn 39 ngày)" in text
    assert shown(date(2024, 6, 23)).deadline_note == "Chủ nhật — ngày nghỉ"
    # A day off named only in config/data/holidays.toml (the 2026 New Year swap).
    swapped = shown(date(2026, 1, 2)).deadline_note
    assert swapped is not None and swapped.startswith("nghỉ Tết Dương lịch (hoán đổi")
    assert shown(date(2024, 5, 4)).deadline_note is None  # a make-up Saturday is worked
    assert shown(date(2024, 6, 21)).deadline_note is None
    assert shown(None).deadline_note is None


def test_news_of_changes_alone_is_not_called_a_reminder() -> None:
    changes_only = replace(s.mixed_digest(), entries=())
    email = render("reminder_digest", changes_only)
    assert email.subject == "[Thông báo] 1 thay đổi về nhiệm vụ"
    assert "I. THAY ĐỔI VỀ NHIỆM VỤ (1)" in email.text.splitlines()
    assert "Đề nghị quý cơ quan" not in email.text  # nothing to ask of the body


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"delivery_problems"}))
def test_every_task_list_shows_an_inferred_deadline_as_one_to_confirm(kind: str) -> None:
    inferred = replace(s.item(deadline=date(2024, 12, 31), days_left=281), deadline_inferred=True)
    email = render(kind, _listing(kind, inferred))
    note = c.INFERRED_DEADLINE_NOTE
    assert f"Thời hạn: 31/12/2024 ({note}) (còn 281 ngày)" in email.text
    assert f'31/12/2024</strong> <em style="color:#8a5a00">({note})</em>' in email.html
    stated = render(kind, _listing(kind, s.item()))
    assert note not in stated.text and note not in stated.html


def test_a_task_item_says_whether_its_deadline_was_inferred() -> None:
    created = datetime(2024, 1, 2, tzinfo=UTC)
    plan = Plan(identity="48", number="48/KH-UBND", title="Chuyển đổi số", created_at=created)
    task = Task(
        id=5, plan_id=1, identity="t", ext_id="T1", section="I", line=1, text="Tập huấn",
        due=date(2024, 12, 31), due_inferred=True,
    )  # fmt: skip
    assert task_item(task, plan, date(2024, 1, 2), "lead", CALENDAR).deadline_inferred
    task.due_inferred = False
    assert not task_item(task, plan, date(2024, 1, 2), "lead", CALENDAR).deadline_inferred
