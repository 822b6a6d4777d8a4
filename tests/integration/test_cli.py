"""The command line as a user runs it: real processes, a real SQLite file, real documents."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLANS

PLAN = PLANS / "tu-mo-rong-2022-giam-ngheo.txt"


def kehoach(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
    environment.update(KEHOACH_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_help_and_the_embedded_mode_do_not_import_prefect():
    code = (
        "import sys, cli.main as c; c.build_parser().format_help(); "
        "import workflows.runners.jobs, cli.followup, workflows.runners.scheduler; "
        "import web.embedded; "
        "print('prefect' in ' '.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_extract_prints_the_json_contract(tmp_path):
    result = kehoach("extract", str(PLAN), "--format", "json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"plan", "tasks", "targets", "warnings"}
    assert set(data["plan"]) >= {
        "number",
        "issuer",
        "issued_on",
        "year",
        "title",
        "period",
        "budget_vnd",
    }
    task = data["tasks"][0]
    assert set(task) >= {
        "id",
        "section",
        "text",
        "kind",
        "lead",
        "partners",
        "due",
        "recurrence",
        "depends_on",
        "report_to",
    }
    assert any("2.13" in w for w in data["warnings"])
    assert not (tmp_path / "kehoach.db").exists()  # extract stores nothing


def test_import_then_reimport_duplicates_nothing_and_says_so(tmp_path):
    first = kehoach("import", str(PLAN), data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Đã nhập mới kế hoạch #1" in first.stdout and "CẢNH BÁO" in first.stdout
    count = kehoach("tasks", "--plan", "1", data_dir=tmp_path).stdout.splitlines()[-1]
    second = kehoach("import", str(PLAN), data_dir=tmp_path)
    assert "không có gì thay đổi" in second.stdout
    assert kehoach("tasks", "--plan", "1", data_dir=tmp_path).stdout.splitlines()[-1] == count
    assert kehoach("plans", data_dir=tmp_path).stdout.count("#") == 1


def test_a_revised_document_shows_its_changes(tmp_path):
    assert kehoach("import", str(PLAN), data_dir=tmp_path).returncode == 0
    revised = tmp_path / "revised.txt"
    revised.write_text(
        PLAN.read_text(encoding="utf-8").replace("(*trước ngày 20/6*)", "(*trước ngày 25/6*)"),
        encoding="utf-8",
    )
    result = kehoach("import", str(revised), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Đã cập nhật kế hoạch #1" in result.stdout
    # the duty whose deadline moved (one task per body it names) is listed by its own text
    assert "không đổi 54, thêm 0, sửa 4, bỏ 0" in result.stdout
    listed = result.stdout.split("Đã cập nhật kế hoạch #1")[1].splitlines()[1:]
    assert len(listed) == 4, listed
    assert all(
        line.startswith("  ~ Các cơ quan đơn vị liên quan và UBND các xã báo cáo kết quả")
        for line in listed
    )


@pytest.mark.parametrize(
    ("content", "name", "code", "words"),
    [
        (b"", "rong.txt", 3, "rỗng"),
        (b"PK\x03\x04 not really a zip", "hong.docx", 3, "docx"),
        (b"\xff\xfe\xfa\x00\x81\x82\x83", "cu.txt", 3, "mã"),
    ],
)
def test_bad_documents_get_one_clear_line_and_an_exit_code(tmp_path, content, name, code, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = kehoach("extract", str(path), data_dir=tmp_path)
    assert result.returncode == code
    assert "Traceback" not in result.stderr and name in result.stderr
    assert words.lower() in result.stderr.lower()
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a zip" not in result.stderr.lower()  # the library's English stays out


def test_the_technical_detail_of_a_bad_document_is_shown_only_when_debugging(tmp_path):
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    plain = kehoach("extract", str(path), data_dir=tmp_path)
    debug = kehoach("extract", str(path), data_dir=tmp_path, KEHOACH_DEBUG="1")
    assert "File is not a zip file" not in plain.stderr
    assert "Chi tiết kỹ thuật: BadZipFile: File is not a zip file" in debug.stderr


def test_a_missing_file_and_a_date_that_does_not_exist_are_clear_errors(tmp_path):
    missing = kehoach("import", str(tmp_path / "khong-co.pdf"), data_dir=tmp_path)
    assert missing.returncode == 3 and "Traceback" not in missing.stderr
    kehoach("import", str(PLAN), data_dir=tmp_path)
    bad_date = kehoach("task", "due", "1", "31/06/2022", data_dir=tmp_path)
    assert bad_date.returncode == 2
    assert bad_date.stderr.strip() == (
        "Lỗi: Ngày không tồn tại: «31/06/2022» (tháng 6/2022 chỉ có 30 ngày)."
    )
    not_a_date = kehoach("task", "due", "1", "2022-13-01", data_dir=tmp_path)
    assert not_a_date.returncode == 2 and "không có tháng 13" in not_a_date.stderr
    unknown = kehoach("task", "lead", "1", "Bộ Ngoại giao", data_dir=tmp_path)
    assert unknown.returncode == 2 and "Không tìm thấy cơ quan" in unknown.stderr


def test_publish_refuses_a_task_without_lead_until_forced(tmp_path):
    # A report duty with no body named in the sentence: the extractor leaves its lead empty.
    without_lead = tmp_path / "khong-chu-tri.txt"
    without_lead.write_text(
        PLAN.read_text(encoding="utf-8").replace(
            "- Các cơ quan đơn vị liên quan và UBND các xã báo cáo kết quả",
            "- Rà soát, báo cáo kết quả",
        ),
        encoding="utf-8",
    )
    assert kehoach("import", str(without_lead), data_dir=tmp_path).returncode == 0
    refused = kehoach("publish", "1", data_dir=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith("Lỗi: Còn 2 nhiệm vụ chưa có cơ quan chủ trì")
    assert "kehoach task lead" in refused.stderr and "--force" in refused.stderr
    assert "dự thảo" in kehoach("plans", data_dir=tmp_path).stdout
    added = kehoach(
        "task",
        "add",
        "1",
        "Tổ chức hội nghị sơ kết",
        "--lead",
        "Phòng Y tế huyện Tu Mơ Rông",
        "--due",
        "30/09/2022",
        data_dir=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    assert "Đã thêm nhiệm vụ #" in added.stdout
    published = kehoach("publish", "1", "--force", data_dir=tmp_path)
    assert published.returncode == 0 and "Đã công bố" in published.stdout
    plans = kehoach("plans", data_dir=tmp_path).stdout
    assert "đã ban hành" in plans and "published" not in plans
    listed = kehoach(
        "tasks", "--agency", "phong y te", "--due-before", "2022-10-01", data_dir=tmp_path
    ).stdout
    assert "Tổ chức hội nghị sơ kết" in listed


def test_statuses_and_history_are_shown_in_vietnamese_and_local_time(tmp_path):
    assert kehoach("import", str(PLAN), data_dir=tmp_path).returncode == 0
    listed = kehoach("tasks", "--plan", "1", data_dir=tmp_path).stdout
    assert "[chưa thực hiện" in listed and "not_started" not in listed
    at = {"KEHOACH_NOW": "2022-06-20T08:05:00"}  # Hà Nội time; 01:05 UTC
    done = kehoach("status", "1", "done", data_dir=tmp_path, **at)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Nhiệm vụ #1: hoàn thành đúng hạn (100%)."
    assert kehoach("task", "due", "1", "30/11/2022", data_dir=tmp_path, **at).returncode == 0
    history = kehoach("task", "history", "1", data_dir=tmp_path).stdout
    assert (
        "20/06/2022 08:05  điều phối: Cập nhật tình trạng — tình trạng: Chưa thực hiện → "
        "Hoàn thành; tiến độ (%): 100" in history
    )
    assert "hạn: " in history and "→ 30/11/2022" in history
    assert "UTC" not in history and "{" not in history


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["tasks", "--plan", "x"], "kehoach tasks --help"),
        (["task", "add", "1"], "kehoach task add --help"),
        (["tasks", "--zz"], "kehoach tasks --help"),
        (["khong-co-lenh"], "kehoach --help"),
    ],
)
def test_a_wrong_command_line_is_one_vietnamese_line_and_exit_2(tmp_path, args, where):
    result = kehoach(*args, data_dir=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Lệnh không hợp lệ: ") and lines[0].endswith(f"Xem: {where}")
    assert "usage" not in result.stderr and "error:" not in result.stderr


def test_extension_actions_name_the_options_they_need(tmp_path):
    request = kehoach("extension", "request", data_dir=tmp_path)
    approve = kehoach("extension", "approve", data_dir=tmp_path)
    assert request.returncode == 2 and approve.returncode == 2
    assert request.stderr.startswith("Lỗi: «kehoach extension request» cần --task và --date")
    assert approve.stderr.startswith("Lỗi: «kehoach extension approve» cần --id")
    for result in (request, approve):
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "None" not in result.stderr and "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("url", "shown", "words"),
    [
        ("notaurl", "«notaurl»", "không hợp lệ"),
        (
            "postgresql+psycopg://kehoach:bimat@127.0.0.1:1/kehoach",
            "«postgresql+psycopg://kehoach:***@127.0.0.1:1/kehoach»",
            "Không làm việc được với cơ sở dữ liệu",
        ),
    ],
)
def test_an_unusable_database_is_one_line_naming_it_without_the_password(
    tmp_path, url, shown, words
):
    result = kehoach("--db", url, "plans", data_dir=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert shown in result.stderr and words in result.stderr
    assert "bimat" not in result.stderr and "sqlalche" not in result.stderr


def test_remind_names_the_setting_that_prevents_sending(tmp_path):
    no_key = kehoach("remind", "--now", "2022-06-20T08:05", data_dir=tmp_path)
    bad_sender = kehoach(
        "remind",
        "--now",
        "2022-06-20T08:05",
        data_dir=tmp_path,
        KEHOACH_SECRET_KEY="k",
        KEHOACH_MAIL_FROM="kehoach@localhost",
    )
    dry_run = kehoach("remind", "--now", "2022-06-20T08:05", "--dry-run", data_dir=tmp_path)
    assert no_key.returncode == 2 and "KEHOACH_SECRET_KEY" in no_key.stderr
    assert bad_sender.returncode == 2 and "KEHOACH_MAIL_FROM" in bad_sender.stderr
    assert "Traceback" not in no_key.stderr + bad_sender.stderr
    assert dry_run.returncode == 0, dry_run.stderr  # a dry run sends nothing: no settings needed
    head = dry_run.stdout.splitlines()[0]
    assert head.startswith("Lượt nhắc việc CHẠY THỬ (không gửi) lúc 08:05 20/06/2022: ")
    assert "thư đã soạn: " in head and "=" not in head


def test_demo_publishes_the_sample_it_imported_and_never_another_draft(tmp_path):
    assert kehoach("demo", data_dir=tmp_path).returncode == 0
    other = PLANS / "ngoc-hoi-2022-cuoc-van-dong.txt"
    assert kehoach("import", str(other), data_dir=tmp_path).returncode == 0
    again = kehoach("demo", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "kehoach.db") as db:
        states = dict(db.execute("SELECT source_name, status FROM plan").fetchall())
    assert states == {
        "tu-mo-rong-2022.txt": "published",
        "ngoc-hoi-2022-cuoc-van-dong.txt": "draft",
    }


@pytest.mark.parametrize(
    ("word", "shown"),
    [
        ("xong", "hoàn thành"),
        ("Hoàn Thành", "hoàn thành"),
        ("dang-lam", "đang thực hiện"),
        ("đang thực hiện", "đang thực hiện"),
        ("chua-lam", "chưa thực hiện"),
        ("CHƯA–THỰC–HIỆN", "chưa thực hiện"),
    ],
)
def test_status_accepts_vietnamese_words_beside_the_english_ones(tmp_path, word, shown):
    assert kehoach("import", str(PLAN), data_dir=tmp_path).returncode == 0
    if shown == "chưa thực hiện":  # start it first so the change back is a real change
        assert kehoach("status", "1", "in_progress", data_dir=tmp_path).returncode == 0
    result = kehoach("status", "1", word, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert shown in result.stdout


def test_an_unknown_status_word_names_the_accepted_ones(tmp_path):
    result = kehoach("status", "1", "gan-xong", data_dir=tmp_path)
    assert result.returncode == 2
    assert "«gan-xong»" in result.stderr and "dang-lam" in result.stderr


def test_every_option_of_every_command_has_help():
    import argparse

    from cli.main import build_parser

    def parsers(parser: argparse.ArgumentParser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from parsers(child)

    bare = [
        f"{parser.prog} {action.dest}"
        for parser in parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert bare == []


def test_a_second_extension_request_is_one_vietnamese_line(tmp_path):
    assert kehoach("import", str(PLAN), data_dir=tmp_path).returncode == 0
    assert kehoach("task", "due", "1", "30/11/2022", data_dir=tmp_path).returncode == 0
    ask = ("extension", "request", "--task", "1", "--date", "31/12/2022", "--reason", "Chờ vốn")
    assert kehoach(*ask, data_dir=tmp_path).returncode == 0
    again = kehoach(*ask, data_dir=tmp_path)
    assert again.returncode != 0
    assert again.stderr.startswith("Lỗi: Nhiệm vụ #1 đã có yêu cầu gia hạn #1")


def test_an_inferred_deadline_is_listed_as_such_until_confirmed_with_the_same_date(tmp_path):
    plan = tmp_path / "chuyen-doi-so.txt"
    plan.write_text(
        "ỦY BAN NHÂN DÂN\nHUYỆN KIỂM TRA\nSố: 87/KH-UBND\nKiểm Tra, ngày 10 tháng 01 năm 2024\n\n"
        "KẾ HOẠCH\nThực hiện chuyển đổi số năm 2024\n\nII. TỔ CHỨC THỰC HIỆN\n"
        "1. Phòng Văn hóa và Thông tin\n- Tổ chức tập huấn chuyển đổi số cho cán bộ cấp xã.\n",
        encoding="utf-8",
    )
    imported = kehoach("import", str(plan), data_dir=tmp_path)
    assert imported.returncode == 0, imported.stderr
    note = "31/12/2024 (hạn suy ra từ thời hạn kế hoạch — cần xác nhận)"
    assert f"hạn: {note}" in imported.stdout
    assert f"hạn {note}" in kehoach("tasks", data_dir=tmp_path).stdout
    assert kehoach("task", "due", "1", "31/12/2024", data_dir=tmp_path).returncode == 0
    listed = kehoach("tasks", data_dir=tmp_path).stdout
    assert "hạn 31/12/2024 |" in listed and "suy ra" not in listed
    history = kehoach("task", "history", "1", data_dir=tmp_path).stdout
    assert "hạn suy ra từ thời hạn kế hoạch: có → không" in history
