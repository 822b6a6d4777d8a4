"""Uploads as users have them: Word HTML, legacy .doc (through LibreOffice), a PDF whose text
layer is broken (read by OCR, with progress and warnings on the review); and a duty with no
date shown with its inferred deadline until the coordinator confirms or changes it."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models.db import engine_for
from models.plans import Plan
from models.tasks import Task
from notifications.contexts import INFERRED_DEADLINE_NOTE
from tests.docgen import (
    office_convert,
    rasterise_pdf,
    render_docx,
    render_pdf,
    strip_to_unicode,
)
from tests.web.world import World, csrf_of, login, store
from workflows.intake.ocr import tesseract_languages
from workflows.plans.ocr_doubts import OCR_DOUBT_NOTE

PLAN_TEXT = """ỦY BAN NHÂN DÂN
HUYỆN KIỂM TRA
Số: 87/KH-UBND
Kiểm Tra, ngày 10 tháng 01 năm 2024

KẾ HOẠCH
Thực hiện chuyển đổi số năm 2024

I. MỤC ĐÍCH, YÊU CẦU
Nâng cao hiệu quả chuyển đổi số trên địa bàn huyện.

II. TỔ CHỨC THỰC HIỆN
1. Phòng Thử nghiệm Alpha huyện Kiểm Tra
- Tổ chức tập huấn chuyển đổi số cho cán bộ, công chức cấp xã.
- Báo cáo kết quả thực hiện về Ủy ban nhân dân huyện trước ngày 30/11/2024.
"""
UNDATED = "Tổ chức tập huấn chuyển đổi số cho cán bộ, công chức cấp xã."
DATED = "Báo cáo kết quả thực hiện về Ủy ban nhân dân huyện trước ngày 30/11/2024."

needs_tesseract = pytest.mark.skipif(
    "vie" not in tesseract_languages(),
    reason="Tesseract with Vietnamese is not installed: apt-get install tesseract-ocr "
    "tesseract-ocr-vie",
)
needs_scanner_tools = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("img2pdf") is None,
    reason="pdftoppm/img2pdf are not installed: apt-get install poppler-utils img2pdf",
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)


def word_html(text: str) -> bytes:
    """``text`` as Word saves a "Web Page" (.htm): Office namespaces, MsoNormal paragraphs, a
    list number in an ``mso-list:Ignore`` span, windows-1258 declared."""
    paragraphs = []
    for line in text.split("\n"):
        if line.startswith("- "):
            paragraphs.append(
                '<p class=MsoListParagraph style="mso-list:l0 level1 lfo1">'
                "<![if !supportLists]><span style='mso-list:Ignore'>-&nbsp;&nbsp;</span>"
                f"<![endif]>{line[2:]}</p>"
            )
        else:
            paragraphs.append(f"<p class=MsoNormal>{line or '&nbsp;'}</p>")
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word">\n<head>\n'
        '<meta http-equiv=Content-Type content="text/html; charset=utf-8">\n'
        '<meta name=Generator content="Microsoft Word 15">\n'
        "<style>p.MsoNormal {margin:0cm; font-family:'Times New Roman'}</style>\n</head>\n"
        "<body lang=VI><div class=WordSection1>\n"
        + "\n".join(paragraphs)
        + "\n</div></body></html>"
    )
    return page.encode("utf-8")


def upload(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/plans/upload",
        data={"csrf": csrf_of(client, "/plans/upload")},
        files={"document": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def stored_tasks(world: World, source_name: str) -> dict[str, Task]:
    with Session(engine_for(world.url)) as session:
        plan = session.exec(select(Plan).where(Plan.source_name == source_name)).one()
        rows = session.exec(
            select(Task).where(Task.plan_id == plan.id).order_by(col(Task.line), col(Task.id))
        ).all()
        return {t.text: t for t in rows}


def test_a_word_html_plan_uploads_like_a_docx(client_for, world: World):
    client = client_for("coordinator")
    response = upload(client, "ke-hoach.htm", word_html(PLAN_TEXT))
    assert response.status_code == 303, response.text[:400]
    tasks = stored_tasks(world, "ke-hoach.htm")
    assert set(tasks) == {UNDATED, DATED}
    assert tasks[DATED].due == date(2024, 11, 30)


def test_a_pdf_uploaded_as_htm_is_refused_with_a_message(client_for):
    response = upload(client_for("coordinator"), "ke-hoach.htm", b"%PDF-1.7 not html")
    assert response.status_code == 400
    assert "không phải trang web Word (.htm)" in response.text


@needs_soffice
@pytest.mark.slow
def test_a_legacy_doc_plan_uploads_through_libreoffice(client_for, world: World, tmp_path: Path):
    source = render_docx(PLAN_TEXT, tmp_path / "ke-hoach.docx")
    (doc,) = office_convert([source], "doc", tmp_path / "doc")
    response = upload(client_for("coordinator"), "ke-hoach.doc", doc.read_bytes())
    assert response.status_code == 303, response.text[:400]
    assert set(stored_tasks(world, "ke-hoach.doc")) == {UNDATED, DATED}


def test_a_doc_without_libreoffice_on_the_server_is_refused_saying_what_to_do(
    client_for, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("workflows.intake.readers_doc.soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    response = upload(client_for("coordinator"), "cu.doc", ole)
    assert response.status_code == 400
    assert "cần LibreOffice" in response.text and "lưu lại dạng .docx" in response.text


def test_a_duty_without_a_date_shows_its_inferred_deadline_until_confirmed(
    client_for, world: World
):
    client = client_for("coordinator")
    response = upload(client, "ke-hoach.txt", PLAN_TEXT.encode())
    plan_path = response.headers["location"]
    tasks = stored_tasks(world, "ke-hoach.txt")
    undated, dated = tasks[UNDATED], tasks[DATED]
    assert (undated.due, undated.due_inferred) == (date(2024, 12, 31), True)
    review = client.get(plan_path).text
    shown = f'31/12/2024 <small class="inferred-due">({INFERRED_DEADLINE_NOTE})</small>'
    assert shown in _article(review, undated.id)
    assert INFERRED_DEADLINE_NOTE not in _article(review, dated.id)
    assert INFERRED_DEADLINE_NOTE in client.get(f"/tasks/{undated.id}").text
    listed = client.get(f"/tasks?plan={undated.plan_id}").text
    assert listed.count(INFERRED_DEADLINE_NOTE) == 1  # the undated duty's, not the dated one's
    form = {"csrf": csrf_of(client, plan_path), "lead": "", "partners": "", "due": "31/12/2024"}
    client.post(f"{plan_path}/tasks/{undated.id}/correct", data=form)
    assert stored_tasks(world, "ke-hoach.txt")[UNDATED].due_inferred  # saved, not confirmed
    client.post(f"{plan_path}/tasks/{undated.id}/correct", data={**form, "confirm_due": "1"})
    confirmed = stored_tasks(world, "ke-hoach.txt")[UNDATED]
    assert (confirmed.due, confirmed.due_inferred) == (date(2024, 12, 31), False)
    task_page = client.get(f"/tasks/{undated.id}").text
    assert INFERRED_DEADLINE_NOTE not in task_page
    assert "hạn suy ra từ thời hạn kế hoạch: có → không" in task_page  # in its history


def test_a_deadline_set_by_hand_is_no_longer_inferred(client_for, world: World):
    client = client_for("coordinator")
    plan_path = upload(client, "ke-hoach.txt", PLAN_TEXT.encode()).headers["location"]
    undated = stored_tasks(world, "ke-hoach.txt")[UNDATED]
    form = {"csrf": csrf_of(client, plan_path), "lead": "", "partners": "", "due": "15/10/2024"}
    client.post(f"{plan_path}/tasks/{undated.id}/correct", data=form)
    changed = stored_tasks(world, "ke-hoach.txt")[UNDATED]
    assert (changed.due, changed.due_inferred) == (date(2024, 10, 15), False)
    assert INFERRED_DEADLINE_NOTE not in _article(client.get(plan_path).text, undated.id)


def _article(page: str, task_id: int | None) -> str:
    match = re.search(rf'<article[^>]*id="task-{task_id}".*?</article>', page, re.S)
    assert match, f"task {task_id} is not on the review page"
    return match.group(0)


@needs_tesseract
@pytest.mark.slow
def test_a_pdf_with_a_broken_text_layer_streams_its_ocr_progress_and_warns_on_the_review(
    client_for, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("web.routes_plans.LONG_OCR_PAGES", 1)  # one page is "long" here
    good = render_pdf(PLAN_TEXT, tmp_path / "good.pdf", font_size=14)
    broken = strip_to_unicode(good, tmp_path / "hong.pdf").read_bytes()
    client = client_for("coordinator")
    response = upload(client, "hong.pdf", broken)
    assert response.status_code == 200 and response.headers["x-accel-buffering"] == "no"
    page = response.text
    steps = re.findall(r'<p class="progress-line">([^<]*)</p>', page)
    assert steps == [
        "Đang nhận dạng chữ (OCR) trang 1/1…",
        "Đã nhận dạng chữ (OCR) xong 1/1 trang.",
    ]
    assert page.index("progress-line") < page.index('id="review-link"')
    done = re.search(r'id="upload-done">.*?<a href="(/plans/\d+)"', page)
    assert done, page[-600:]
    review = client.get(done.group(1)).text
    assert "Trang 1 có lớp chữ hỏng" in review
    assert "Trang 1 được đọc bằng nhận dạng chữ (OCR)" in review
    assert "Phòng Thử nghiệm Alpha" in review


@needs_tesseract
@pytest.mark.slow
def test_a_long_upload_is_imported_even_when_its_progress_page_is_closed(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import threading

    import httpx

    from config.settings import reset_settings
    from web.app import create_app
    from web.server import free_port, serving
    from workflows.intake import readers_pdf

    monkeypatch.setattr("web.routes_plans.LONG_OCR_PAGES", 1)
    closed = threading.Event()
    real_ocr = readers_pdf.ocr_image

    def ocr_after_the_page_is_closed(*args):  # type: ignore[no-untyped-def]
        assert closed.wait(120), "the test never closed the progress page"
        return real_ocr(*args)

    monkeypatch.setattr(readers_pdf, "ocr_image", ocr_after_the_page_is_closed)
    good = render_pdf(PLAN_TEXT, tmp_path / "good.pdf", font_size=14)
    broken = strip_to_unicode(good, tmp_path / "dong-trang.pdf").read_bytes()
    port = free_port()
    monkeypatch.setenv("KEHOACH_BASE_URL", f"http://127.0.0.1:{port}")
    reset_settings()
    with serving(create_app(world.url), port=port) as base, httpx.Client(base_url=base) as client:
        assert login(client, "coordinator").status_code == 303
        form = {"csrf": csrf_of(client, "/plans/upload")}
        files = {"document": ("dong-trang.pdf", broken, "application/pdf")}
        with client.stream("POST", "/plans/upload", data=form, files=files) as response:
            assert "Đang đọc «dong-trang.pdf»" in next(response.iter_text())
        closed.set()  # the page is gone before a single page was read
        assert _eventually(lambda: _plan_named(world, "dong-trang.pdf"), seconds=180)
    assert UNDATED in stored_tasks(world, "dong-trang.pdf")


def _plan_named(world: World, source_name: str) -> bool:
    with Session(engine_for(world.url)) as session:
        return session.exec(select(Plan).where(Plan.source_name == source_name)).first() is not None


def _eventually(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``condition()`` holds within ``seconds`` (a bound that only caps a hang)."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@needs_tesseract
@needs_scanner_tools
@pytest.mark.slow
def test_a_scanned_plans_task_holding_a_doubtful_ocr_date_is_flagged_beside_it_until_checked(
    client_for, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Every figure Tesseract reads counts as doubtful here (no confidence reaches 101): the
    # reading, the matching and the page are the real ones, the scan need not be a bad one.
    monkeypatch.setattr("workflows.intake.ocr._SURE", 101)
    printed = render_pdf(PLAN_TEXT, tmp_path / "in.pdf", font_size=14)
    scan = rasterise_pdf(printed, tmp_path / "quet.pdf", dpi=300).read_bytes()
    client = client_for("coordinator")
    response = upload(client, "quet.pdf", scan)
    assert response.status_code == 303, response.text[:400]
    tasks = stored_tasks(world, "quet.pdf")
    dated = next(t for text, t in tasks.items() if text.startswith("Báo cáo kết quả"))
    undated = next(t for text, t in tasks.items() if text.startswith("Tổ chức tập huấn"))
    read = dated.text.split("trước ngày ")[1]  # "30/11/2024.", or however Tesseract read it
    assert dated.ocr_doubt == f"{OCR_DOUBT_NOTE}: «{read}» (trang 1)"
    assert undated.ocr_doubt is None  # no figure in its text
    plan_path = response.headers["location"]
    review = client.get(plan_path).text
    assert "Số liệu OCR đọc chưa chắc chắn, cần kiểm tra: trang 1: «" in review  # kept
    shown = f'<p class="error task-warning ocr-doubt">{dated.ocr_doubt}</p>'
    assert shown in _article(review, dated.id)
    assert "ocr-doubt" not in _article(review, undated.id)
    assert dated.ocr_doubt in client.get(f"/tasks/{dated.id}").text
    client.post(  # checked against the paper: the date is 30/11/2024, whatever OCR made of it
        f"{plan_path}/tasks/{dated.id}/correct",
        data={"csrf": csrf_of(client, plan_path), "due": "30/11/2024", "confirm_due": "1"},
    )
    checked = stored_tasks(world, "quet.pdf")[dated.text]
    assert (checked.ocr_doubt, checked.due) == (None, date(2024, 11, 30))
    assert "ocr-doubt" not in _article(client.get(plan_path).text, dated.id)


def test_an_ocr_doubt_is_the_coordinators_to_check_and_not_shown_to_the_bodys_accounts(
    client_for, world: World
):
    note = f"{OCR_DOUBT_NOTE}: «31/03/2024» (trang 1)"
    store(world, Task, world.task_a, ocr_doubt=note)
    assert note in client_for("coordinator").get(f"/tasks/{world.task_a}").text
    page = client_for("agency_a").get(f"/tasks/{world.task_a}")
    assert page.status_code == 200 and OCR_DOUBT_NOTE not in page.text
