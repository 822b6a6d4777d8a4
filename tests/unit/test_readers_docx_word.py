"""The .docx reader on files as Word writes them: auto-numbering, field codes, drawings in
the text flow, soft breaks, header tables and cells holding several paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docgen import make_word_docx
from workflows.intake.cells import join_cell_lines
from workflows.intake.readers import read_document

CORPUS = Path(__file__).parents[1] / "data" / "plans" / "corpus"


def _p(text: str, num: tuple[int, int] | None = None, style: str = "") -> str:
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _lvl(level: int, fmt: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">'
    + _lvl(0, "decimal", "%1.")
    + _lvl(1, "lowerLetter", "%2)")
    + _lvl(2, "bullet", "\uf0a7")
    + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="1">'
    + _lvl(0, "bullet", "-")
    + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="2">'
    + _lvl(0, "upperRoman", "%1.")
    + _lvl(1, "decimal", "%1.%2.")
    + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
)


def _read(tmp_path: Path, body: str, **parts: str) -> list[str]:
    path = make_word_docx(tmp_path / "ke-hoach.docx", body, numbering=NUMBERING, **parts)
    return read_document(path).split("\n")


def test_word_auto_numbers_become_the_paragraph_prefix(tmp_path: Path) -> None:
    body = (
        _p("Sở Tài chính", (1, 0))
        + _p("Chủ trì thẩm định", (1, 1))
        + _p("Phối hợp kiểm tra", (1, 1))
        + _p("Báo cáo định kỳ", (1, 2))
        + _p("Sở Nội vụ", (1, 0))
        + _p("Chủ trì tuyên truyền", (1, 1))
        + _p("Tuyên truyền trên báo", (2, 0))
    )
    assert _read(tmp_path, body) == [
        "1. Sở Tài chính",
        "a) Chủ trì thẩm định",
        "b) Phối hợp kiểm tra",
        "+ Báo cáo định kỳ",
        "2. Sở Nội vụ",
        "a) Chủ trì tuyên truyền",
        "- Tuyên truyền trên báo",
    ]


def test_multilevel_and_roman_numbers_render_as_written(tmp_path: Path) -> None:
    body = _p("MỤC ĐÍCH", (3, 0)) + _p("Mục đích", (3, 1)) + _p("Yêu cầu", (3, 1))
    body += _p("TỔ CHỨC THỰC HIỆN", (3, 0)) + _p("Sở Y tế", (3, 1))
    assert _read(tmp_path, body) == [
        "I. MỤC ĐÍCH",
        "I.1. Mục đích",
        "I.2. Yêu cầu",
        "II. TỔ CHỨC THỰC HIỆN",
        "II.1. Sở Y tế",
    ]


def test_a_restarted_list_counts_from_its_start_again(tmp_path: Path) -> None:
    body = _p("Một", (1, 0)) + _p("Hai", (1, 0)) + _p("Lại một", (4, 0)) + _p("Lại hai", (4, 0))
    assert _read(tmp_path, body) == ["1. Một", "2. Hai", "1. Lại một", "2. Lại hai"]


def test_numbering_given_by_the_paragraph_style_is_rendered(tmp_path: Path) -> None:
    styles = (
        '<w:style w:type="paragraph" w:styleId="Dash"><w:pPr><w:numPr>'
        '<w:numId w:val="2"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="DashBody"><w:basedOn w:val="Dash"/></w:style>'
    )
    body = _p("Rà soát văn bản", style="DashBody") + _p("Không đánh số")
    assert _read(tmp_path, body, styles=styles) == ["- Rà soát văn bản", "Không đánh số"]


def test_field_codes_give_their_result_and_drawings_no_text(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t xml:space='preserve'>Kế hoạch số </w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText xml:space='preserve'> DOCPROPERTY SoKH \\* MERGEFORMAT "
        "</w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r>"
        "<w:r><w:t>12/KH-UBND</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:r><w:drawing><wp:anchor xmlns:wp='http://schemas.openxmlformats.org/drawingml/2006/"
        "wordprocessingDrawing'><wp:docPr id='1' name='Đường kẻ'/></wp:anchor></w:drawing></w:r>"
        "<w:r><w:t xml:space='preserve'> ngày 05/3/2026</w:t></w:r></w:p>"
    )
    assert _read(tmp_path, body) == ["Kế hoạch số 12/KH-UBND ngày 05/3/2026"]


def test_a_soft_line_break_starts_a_new_line(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>a) Sở Y tế:</w:t><w:br/>"
        "<w:t>- Chủ trì tổ chức tiêm chủng.</w:t></w:r></w:p>"
    )
    assert _read(tmp_path, body) == ["a) Sở Y tế:", "- Chủ trì tổ chức tiêm chủng."]


def _cell(*paragraphs: str) -> str:
    return "<w:tc>" + "".join(_p(text) for text in paragraphs) + "</w:tc>"


def _table(*rows: list[str]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(r) + "</w:tr>" for r in rows) + "</w:tbl>"


def test_bodies_in_separate_paragraphs_of_a_cell_stay_separate(tmp_path: Path) -> None:
    body = _table(
        [_cell("TT"), _cell("Nội dung"), _cell("Chủ trì"), _cell("Phối hợp")],
        [
            _cell("1"),
            _cell("Rà soát, sửa đổi", "Quy chế phối hợp"),
            _cell("Sở Tài chính"),
            _cell("Sở Nội vụ", "Sở Tư pháp", "và các đơn vị liên quan"),
        ],
    )
    lines = _read(tmp_path, body)
    assert lines[1] == (
        "| 1 | Rà soát, sửa đổi Quy chế phối hợp | Sở Tài chính "
        "| Sở Nội vụ; Sở Tư pháp và các đơn vị liên quan |"
    )


def test_a_cell_joins_items_with_semicolons_and_wrapped_words_with_spaces() -> None:
    assert join_cell_lines(["Sở Lao động –", "Thương binh và Xã hội", "Công an tỉnh"]) == (
        "Sở Lao động – Thương binh và Xã hội; Công an tỉnh"
    )
    assert join_cell_lines(["Các sở,", "ngành", "", "UBND các xã"]) == "Các sở, ngành; UBND các xã"


def test_a_letterhead_table_reads_column_by_column(tmp_path: Path) -> None:
    body = _table(
        [_cell("UBND TỈNH LÀO CAI"), _cell(), _cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [_cell("SỞ CÔNG THƯƠNG"), _cell(), _cell("Độc lập - Tự do - Hạnh phúc")],
        [_cell("Số: 12/KH-SCT"), _cell(), _cell("Lào Cai, ngày 3 tháng 7 năm 2026")],
    ) + _p("KẾ HOẠCH")
    assert _read(tmp_path, body) == [
        "UBND TỈNH LÀO CAI",
        "SỞ CÔNG THƯƠNG",
        "Số: 12/KH-SCT",
        "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 3 tháng 7 năm 2026",
        "",
        "KẾ HOẠCH",
    ]


def test_numbered_table_cells_show_their_numbers(tmp_path: Path) -> None:
    row = [
        "<w:tc>" + _p("", (1, 0)) + "</w:tc>",
        _cell("Tổ chức kiểm tra"),
        _cell("Phòng Quản lý Công nghiệp"),
    ]
    body = _table([_cell("TT"), _cell("Nội dung"), _cell("Đơn vị thực hiện")], row, row)
    assert _read(tmp_path, body)[1:] == [
        "| 1. | Tổ chức kiểm tra | Phòng Quản lý Công nghiệp |",
        "| 2. | Tổ chức kiểm tra | Phòng Quản lý Công nghiệp |",
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.docx")))
def test_a_real_word_plan_of_a_so_reads_its_letterhead_and_numbers(name: str) -> None:
    text = read_document(CORPUS / name)
    lines = text.split("\n")
    assert lines[:2] == ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG"]
    assert "|" not in "".join(lines[:12]), "the letterhead is not a table row"
    assert "KẾ HOẠCH" in lines


def test_the_inspection_plans_task_table_is_numbered_and_names_each_person() -> None:
    text = read_document(CORPUS / "laocai-SCT-KH-3957-2026-kiem-tra-cap-gcn-19-don-vi.docx")
    assert (
        "| 1. | Rà soát việc đáp ứng các điều kiện của học viên | "
        "Đỗ Mạnh Cường; Vũ Việt Linh; Nguyễn Thị Loan |  |"
    ) in text.split("\n")
