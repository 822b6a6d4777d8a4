"""The document readers: real plans round-trip through .docx and .pdf; bad input is refused
with the right code and a message naming the file."""

from __future__ import annotations

import io
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest

from tests.docgen import (
    FontMissing,
    Table,
    make_crowded_zip,
    make_encrypted_pdf,
    make_lying_zip_bomb,
    make_not_a_zip_docx,
    make_scanned_pdf,
    make_zip_bomb,
    make_zip_without_body,
    render_docx,
    render_pdf,
    split_blocks,
    unicode_font,
)
from workflows.intake.readers import DocumentError, read_document, read_document_bytes

PLANS = Path(__file__).parents[1] / "data" / "plans"
KON_TUM = sorted(PLANS.glob("*.txt"))
ALL_PLANS = KON_TUM + sorted((PLANS / "more").glob("*.txt"))
TABLE_PLAN = PLANS / "more" / "hcm-2820-QD-UBND-2025-ke-hoach-de-an-06-qd06-ttg.txt"


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _paragraphs(text: str) -> list[str]:
    """Source lines that carry text (the "|" lines are table syntax, not content)."""
    return [line for line in text.split("\n") if line.strip() and line.strip() != "|"]


def _missing_paragraphs(source: str, read_back: str) -> list[str]:
    folded = _fold(read_back)
    return [line for line in _paragraphs(source) if _fold(line) not in folded]


@pytest.fixture(scope="module")
def font() -> Path:
    try:
        return unicode_font()
    except FontMissing as exc:
        pytest.skip(str(exc))


def _refusal(path: Path, **kwargs: int) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(path, **kwargs)
    assert path.name in caught.value.message, "the message must name the file"
    return caught.value


def test_the_plan_copies_are_present() -> None:
    assert len(KON_TUM) == 3 and len(ALL_PLANS) >= 10


@pytest.mark.parametrize("plan", ALL_PLANS, ids=lambda p: p.stem[:30])
def test_a_docx_reads_back_every_paragraph_of_the_plan(plan: Path, tmp_path: Path) -> None:
    source = plan.read_text(encoding="utf-8")
    text = read_document(render_docx(source, tmp_path / "plan.docx"))
    assert _missing_paragraphs(source, text) == []


@pytest.mark.parametrize("plan", ALL_PLANS, ids=lambda p: p.stem[:30])
def test_a_pdf_reads_back_every_paragraph_of_the_plan(
    plan: Path, tmp_path: Path, font: Path
) -> None:
    source = plan.read_text(encoding="utf-8")
    text = read_document(render_pdf(source, tmp_path / "plan.pdf"))
    assert _missing_paragraphs(source, text) == []


@pytest.mark.parametrize("plan", KON_TUM, ids=lambda p: p.stem[:30])
def test_a_txt_plan_reads_as_itself(plan: Path) -> None:
    source = plan.read_text(encoding="utf-8")
    assert read_document(plan) == unicodedata.normalize("NFC", source.replace("\r\n", "\n"))


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_vietnamese_diacritics_come_back_intact(kind: str, tmp_path: Path, font: Path) -> None:
    source = (PLANS / "ngoc-hoi-2022-cuoc-van-dong.txt").read_text(encoding="utf-8")
    render = render_docx if kind == "docx" else render_pdf
    text = read_document(render(source, tmp_path / f"plan.{kind}"))
    wanted = {ch for ch in unicodedata.normalize("NFC", source) if not ch.isascii()}
    assert wanted - set(text) == set()
    assert "đồng bào dân tộc thiểu số" in text
    assert text == unicodedata.normalize("NFC", text)


def test_table_rows_read_back_as_pipe_lines(tmp_path: Path) -> None:
    source = TABLE_PLAN.read_text(encoding="utf-8")
    tables = [block for block in split_blocks(source) if isinstance(block, Table)]
    duties = max(tables, key=lambda table: len(table.rows))
    assert duties.width == 7 and len(duties.rows) > 30
    lines = read_document(render_docx(source, tmp_path / "plan.docx")).split("\n")
    # Bodies on separate lines of a lead or partner cell come back joined by "; ".
    read_rows = {line.replace("; ", " ") for line in lines}
    for row in duties.row_lines():
        assert unicodedata.normalize("NFC", row).replace("; ", " ") in read_rows
    header = next(line for line in lines if "Cơ quan chủ trì" in line)
    assert header == (
        "| **TT** | **Nhiệm vụ** | **Cơ quan chủ trì** | **Cơ quan phối hợp** | "
        "**Thời gian dự kiến hoàn thành** | **Kết quả dự kiến** | **Nguồn kinh phí** |"
    )


def test_paragraphs_and_tables_keep_their_document_order(tmp_path: Path) -> None:
    source = "Trước bảng\n|\nSTT\n|\nNội dung\n|\n|\n1\n|\nRà soát\nhồ sơ\n|\n\nSau bảng"
    text = read_document(render_docx(source, tmp_path / "order.docx"))
    assert text.split("\n") == [
        "Trước bảng",
        "| STT | Nội dung |",
        "| 1 | Rà soát hồ sơ |",
        "",
        "Sau bảng",
    ]


def test_a_merged_cell_appears_once_in_its_row(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 1).merge(table.cell(0, 2))  # across: one cell in row 0
    table.cell(1, 0).merge(table.cell(2, 0))  # down: the body cell spans two task rows
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert read_document(path).split("\n") == [
        "| r0c0 | r0c1 r0c2 |",
        "| r1c0 r2c0 | r1c1 | r1c2 |",
        "| r1c0 r2c0 | r2c1 | r2c2 |",
    ]


def test_headers_and_footers_are_left_out(tmp_path: Path) -> None:
    path = render_docx(
        "Nội dung kế hoạch", tmp_path / "hf.docx", header="ĐẦU TRANG", footer="CHÂN TRANG"
    )
    assert read_document(path) == "Nội dung kế hoạch"


def test_deleted_tracked_text_and_footnote_marks_are_left_out(tmp_path: Path) -> None:
    path = render_docx("Giao Sở Tài chính chủ trì", tmp_path / "tracked.docx")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    extra = (
        f'<w:del {w} w:id="1" w:author="a"><w:r><w:delText>Sở Xây dựng</w:delText></w:r></w:del>'
        f'<w:ins {w} w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> và báo cáo</w:t>'
        f'</w:r></w:ins><w:r {w}><w:footnoteReference w:id="1"/></w:r>'
    )
    _rewrite_part(path, "word/document.xml", lambda xml: xml.replace("</w:p>", extra + "</w:p>"))
    assert read_document(path) == "Giao Sở Tài chính chủ trì và báo cáo"


def _rewrite_part(path: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


# --- bad input: the right code, a message naming the file ---------------------------------


@pytest.mark.parametrize("content", [b"", b"   \r\n\t\n", "\ufeff  \n".encode()])
def test_an_empty_text_file_is_refused_as_empty(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "trống.txt"
    path.write_bytes(content)
    assert _refusal(path).code == "empty"


def test_a_docx_without_text_is_refused_as_empty(tmp_path: Path) -> None:
    path = render_docx("\n\n   \n", tmp_path / "blank.docx")
    assert _refusal(path).code == "empty"


@pytest.mark.parametrize("with_image", [True, False], ids=["image", "blank"])
def test_a_scan_without_tesseract_says_how_to_install_it(
    with_image: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workflows.intake.ocr import tesseract_languages

    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on this PATH
    tesseract_languages.cache_clear()
    try:
        error = _refusal(make_scanned_pdf(tmp_path / "scan.pdf", with_image=with_image))
    finally:
        tesseract_languages.cache_clear()
    assert error.code == "ocr_unavailable"
    assert "OCR" in error.message and "2 trang" in error.message
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in error.message


@pytest.mark.parametrize(
    ("kind", "hint"), [("text", "PK"), ("ole", ".doc")], ids=["text", "old-word"]
)
def test_a_docx_that_is_not_a_zip_is_refused(kind: str, hint: str, tmp_path: Path) -> None:
    error = _refusal(make_not_a_zip_docx(tmp_path / "giả.docx", kind=kind))
    assert error.code == "not_a_zip" and hint in error.message


def test_a_truncated_docx_is_refused_as_not_a_zip(tmp_path: Path) -> None:
    whole = render_docx("Kế hoạch\nnhiều dòng", tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: len(whole) // 2])
    error = _refusal(path)
    assert error.code == "not_a_zip" and isinstance(error.__cause__, zipfile.BadZipFile)


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    path = make_zip_bomb(tmp_path / "bomb.docx", inflated_mb=300)
    assert path.stat().st_size < 2 * 2**20
    tracemalloc.start()
    try:
        error = _refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "zip_bomb" and "MB" in error.message
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB: the bomb was inflated"


def test_a_zip_lying_about_its_sizes_is_refused_without_inflating_it(tmp_path: Path) -> None:
    path = make_lying_zip_bomb(tmp_path / "lie.docx", inflated_mb=100)
    tracemalloc.start()
    try:
        error = _refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "corrupt" and "word/document.xml" in error.message
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB: the entry was inflated whole"


def test_a_part_compressed_beyond_1_to_200_is_a_zip_bomb(tmp_path: Path) -> None:
    error = _refusal(make_zip_bomb(tmp_path / "dense.docx", inflated_mb=20))
    assert error.code == "zip_bomb" and "word/media/image0.bin" in error.message


def test_a_zip_with_thousands_of_entries_is_a_zip_bomb(tmp_path: Path) -> None:
    error = _refusal(make_crowded_zip(tmp_path / "crowded.docx"))
    assert error.code == "zip_bomb" and "2003" in error.message


def test_a_renamed_spreadsheet_is_refused_as_corrupt(tmp_path: Path) -> None:
    error = _refusal(make_zip_without_body(tmp_path / "bang.docx"))
    assert error.code == "corrupt" and "Excel" in error.message


def test_broken_word_xml_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = render_docx("Kế hoạch", tmp_path / "broken.docx")
    _rewrite_part(path, "word/document.xml", lambda xml: xml[: len(xml) // 2])
    error = _refusal(path)
    assert error.code == "corrupt" and error.__cause__ is not None


def test_a_password_protected_pdf_is_refused(tmp_path: Path, font: Path) -> None:
    error = _refusal(make_encrypted_pdf(tmp_path / "khoa.pdf", user_password="123456"))
    assert error.code == "encrypted" and "mật khẩu" in error.message


def test_a_pdf_locked_only_by_its_owner_still_reads(tmp_path: Path, font: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "chu.pdf", user_password="")
    assert "Ủy ban nhân dân huyện" in read_document(path)


def test_a_truncated_pdf_is_refused_as_corrupt(tmp_path: Path, font: Path) -> None:
    whole = render_pdf("Kế hoạch\n" * 50, tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[:400])
    error = _refusal(path)
    assert error.code == "corrupt" and error.__cause__ is not None


def test_a_pdf_without_signature_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "gia.pdf"
    path.write_text("không phải PDF", encoding="utf-8")
    error = _refusal(path)
    assert error.code == "corrupt" and "%PDF" in error.message


def test_a_docx_renamed_to_pdf_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "nham.pdf"
    path.write_bytes(render_docx("Kế hoạch", tmp_path / "a.docx").read_bytes())
    assert "ZIP" in _refusal(path).message


def test_a_pdf_renamed_to_docx_is_named_as_such(tmp_path: Path, font: Path) -> None:
    path = tmp_path / "nham.docx"
    path.write_bytes(render_pdf("Kế hoạch", tmp_path / "a.pdf").read_bytes())
    error = _refusal(path)
    assert error.code == "not_a_zip" and "PDF" in error.message


@pytest.mark.parametrize("name", ["kehoach.xlsx", "kehoach.odt", "kehoach"])
def test_other_file_types_are_unsupported(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(b"anything")
    assert _refusal(path).code == "unsupported_type"


def test_a_pdf_named_txt_is_not_printed_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"%PDF-1.7\n%binary")
    assert _refusal(path).code == "unsupported_type"


def test_a_file_over_the_size_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "lon.txt"
    path.write_text("Kế hoạch\n" * 1000, encoding="utf-8")
    assert _refusal(path, max_bytes=1000).code == "too_large"
    assert read_document(path, max_bytes=20_000).startswith("Kế hoạch")


def test_a_missing_file_and_a_directory_are_refused(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "khong-co.txt").code == "not_found"
    folder = tmp_path / "thu-muc.txt"
    folder.mkdir()
    assert _refusal(folder).code == "unreadable"


# --- encodings ---------------------------------------------------------------------------

SAMPLE = "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\nỦy ban nhân dân huyện"
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: base letter, then a combining tone."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


def _read(data: bytes, name: str = "vanban.txt") -> str:
    return read_document_bytes(data, name)


def test_utf8_with_and_without_bom_reads_the_same() -> None:
    assert _read(SAMPLE.encode()) == SAMPLE
    assert _read(b"\xef\xbb\xbf" + SAMPLE.encode()) == SAMPLE


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes(codec: str) -> None:
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    assert _read(bom + SAMPLE.encode(codec)) == SAMPLE


def test_windows_1258_decodes_and_composes_the_tones() -> None:
    data = _cp1258(SAMPLE)
    assert b"\xcc" in data or b"\xec" in data  # really written with combining tones
    assert _read(data) == SAMPLE


def test_tcvn3_text_is_converted() -> None:
    data = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc".encode("cp1252")
    assert _read(data) == "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"


def test_the_tcvn3_table_covers_every_lower_case_letter_once() -> None:
    from workflows.intake.vn_legacy import TCVN3_TABLE

    vowels = "aăâeêioôơuưy"
    toned = {unicodedata.normalize("NFC", v + t) for v in vowels for t in _TONES}
    letters = {ch for ch in toned | set(vowels) | {"đ"} if not ch.isascii()}
    values = list(TCVN3_TABLE.values())
    assert len(values) == len(set(values))
    assert {v for v in values if v.islower()} == letters
    assert {v for v in values if v.isupper()} == set("ĂÂÊÔƠƯĐ")


def test_vni_text_is_recognised_and_refused_with_a_hint() -> None:
    vni = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc"
    with pytest.raises(DocumentError) as caught:
        _read(vni.encode("cp1252"))
    assert caught.value.code == "encoding"
    assert "VNI" in caught.value.message and "Unicode" in caught.value.message


def test_text_in_no_known_encoding_names_the_first_bad_byte() -> None:
    data = "Ghi chú: ".encode() + b"caf\xe9 cr\xe8me br\xfbl\xe9e"
    with pytest.raises(DocumentError) as caught:
        _read(data)
    error = caught.value
    assert error.code == "encoding" and isinstance(error.__cause__, UnicodeDecodeError)
    assert f"byte thứ {len('Ghi chú: '.encode()) + 3}" in error.message
    assert "vanban.txt" in error.message


def test_a_nul_byte_is_an_encoding_error() -> None:
    with pytest.raises(DocumentError) as caught:
        _read("Kế hoạch".encode("utf-16-le"))
    assert caught.value.code == "encoding" and "NUL" in caught.value.message


def test_newlines_become_line_feeds() -> None:
    assert _read(b"m\xe1\xbb\x99t\r\nhai\rba\n") == "một\nhai\nba\n"


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_decomposed_input_comes_out_composed(kind: str, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", SAMPLE)
    path = tmp_path / f"nfd.{kind}"
    if kind == "txt":
        path.write_bytes(nfd.encode())
    elif kind == "docx":
        render_docx(nfd, path)
    else:
        try:
            unicode_font()
        except FontMissing as exc:
            pytest.skip(str(exc))
        render_pdf(nfd, path)
    text = read_document(path)
    assert text == unicodedata.normalize("NFC", text)
    assert _fold(SAMPLE) in _fold(text)


def test_read_document_bytes_matches_read_document(tmp_path: Path) -> None:
    path = render_docx(SAMPLE, tmp_path / "same.docx")
    assert read_document_bytes(path.read_bytes(), "same.docx") == read_document(path)
    assert read_document_bytes(io.BytesIO(path.read_bytes()).getvalue(), "SAME.DOCX")
