"""Duty tables in both text forms become rows of cells keyed by role."""

from __future__ import annotations

from workflows.parsing.normalize import normalize
from workflows.parsing.tables import Table, column_role

MARKDOWN = """Trước bảng.

|
**TT**
|
**Nhiệm vụ**
|
**Cơ quan chủ trì**
|
**Cơ quan phối hợp**
|
**Thời gian hoàn thành**
|
|
**I**
|
**Hoàn thiện thể chế**
|
|
1
|
Phối hợp rà soát, sửa đổi Luật
Quy hoạch.
|
Sở Tài chính
|
Các sở, ngành, UBND xã, phường
|
Quý IV/2025
|
|
Xây dựng hạ tầng dự phòng.
|
Trung tâm Chuyển đổi số
|
"""

ONE_LINE_ROWS = """| STT | Nội dung công việc | Chủ trì | Phối hợp | Thời hạn |
|---|---|---|---|---|
| 1 | Rà soát danh mục | Sở Tư pháp | Sở Nội vụ; các sở, ngành | Tháng 12/2025 |
| 2 | Tổng kết | Sở Tư pháp |  | Năm 2026 |
"""


def only_table(text: str) -> Table:
    (table,) = [b for b in normalize(text).blocks if isinstance(b, Table)]
    return table


def test_header_cells_name_the_roles_of_their_columns() -> None:
    roles = [
        column_role(h)
        for h in (
            "TT",
            "Nội dung",
            "Cơ quan chủ trì",
            "Đơn vị phối hợp",
            "Thời gian dự kiến hoàn thành",
            "Kết quả dự kiến",
        )
    ]
    assert roles == ["tt", "content", "lead", "partners", "due", None]


def test_a_markdown_table_gives_section_rows_and_duty_rows_with_multiline_cells() -> None:
    table = only_table(MARKDOWN)
    section, first, continued = table.rows
    assert (section.section, section.label, section.cells["content"].text) == (
        True,
        "I",
        "Hoàn thiện thể chế",
    )
    assert first.label == "1"
    assert first.cells["content"].text == "Phối hợp rà soát, sửa đổi Luật\nQuy hoạch."
    assert first.cells["lead"].text == "Sở Tài chính"
    assert first.cells["due"].text == "Quý IV/2025"
    assert (continued.label, continued.cells["lead"].text) == ("", "Trung tâm Chuyển đổi số")


def test_the_table_is_cut_out_of_the_text_and_the_text_around_it_stays() -> None:
    doc = normalize(MARKDOWN)
    assert [p.text for p in doc.paragraphs] == ["Trước bảng."]


def test_one_line_rows_from_the_docx_reader_keep_empty_cells_in_place() -> None:
    table = only_table(ONE_LINE_ROWS)
    first, second = table.rows
    assert first.cells["partners"].text == "Sở Nội vụ; các sở, ngành"
    assert "partners" not in second.cells
    assert second.cells["due"].text == "Năm 2026"


def test_a_letterhead_table_is_not_a_duty_table() -> None:
    text = (
        "|\nỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n|\n\nKẾ HOẠCH\n"
    )
    doc = normalize(text)
    assert not [b for b in doc.blocks if isinstance(b, Table)]
    assert [p.text for p in doc.paragraphs][-1] == "KẾ HOẠCH"


def test_a_one_row_table_ends_where_long_text_follows_it_without_a_blank_line() -> None:
    # PDF text: a signature block (one row, two cells) in the middle of the document, then
    # the plan's text and its duty table, and no blank line anywhere to say where tables end.
    signature = ["|", "Nơi nhận:", "- Như Điều 3;", "|", "KT. CHỦ TỊCH", "Nguyễn Văn A", "|"]
    prose = [f"- Tổ chức tuyên truyền nội dung số {n} đến cán bộ, công chức." for n in range(45)]
    duty = [line for line in MARKDOWN.split("\n")[2:] if line.strip()]
    doc = normalize("\n".join(signature + prose + duty))
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert table.columns == ["tt", "content", "lead", "partners", "due"]
    row = table.rows[1]
    assert row.cells["lead"].text == "Sở Tài chính"
    assert row.cells["content"].text.startswith("Phối hợp rà soát")
    texts = [p.text for p in doc.paragraphs]
    assert prose[0] in texts and prose[-1] in texts
