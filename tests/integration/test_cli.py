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
        [sys.executable, "-m", "workflows.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_help_and_the_embedded_mode_do_not_import_prefect():
    code = (
        "import sys, workflows.cli as c; c.build_parser().format_help(); "
        "import workflows.jobs, workflows.cli_followup, workflows.scheduler, web.embedded; "
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
    kehoach("import", str(PLAN), data_dir=tmp_path)
    revised = tmp_path / "revised.txt"
    revised.write_text(
        PLAN.read_text(encoding="utf-8").replace("(*trước ngày 20/6*)", "(*trước ngày 25/6*)"),
        encoding="utf-8",
    )
    result = kehoach("import", str(revised), data_dir=tmp_path)
    assert "Đã cập nhật kế hoạch #1" in result.stdout and "~ " in result.stdout


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


def test_a_missing_file_and_a_date_that_does_not_exist_are_clear_errors(tmp_path):
    missing = kehoach("import", str(tmp_path / "khong-co.pdf"), data_dir=tmp_path)
    assert missing.returncode == 3 and "Traceback" not in missing.stderr
    kehoach("import", str(PLAN), data_dir=tmp_path)
    bad_date = kehoach("task", "due", "1", "31/06/2022", data_dir=tmp_path)
    assert bad_date.returncode == 2 and "31/06/2022" in bad_date.stderr
    unknown = kehoach("task", "lead", "1", "Bộ Ngoại giao", data_dir=tmp_path)
    assert unknown.returncode == 2 and "Không tìm thấy cơ quan" in unknown.stderr


def test_corrections_then_publish_from_the_command_line(tmp_path):
    kehoach("import", str(PLAN), data_dir=tmp_path)
    refused = kehoach("publish", "1", data_dir=tmp_path)
    if refused.returncode != 0:  # tasks without a lead must be given one first
        assert "chưa có cơ quan chủ trì" in refused.stderr
    kehoach(
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
    published = kehoach("publish", "1", "--force", data_dir=tmp_path)
    assert published.returncode == 0 and "Đã công bố" in published.stdout
    listed = kehoach(
        "tasks", "--agency", "phong y te", "--due-before", "2022-10-01", data_dir=tmp_path
    ).stdout
    assert "Tổ chức hội nghị sơ kết" in listed


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
