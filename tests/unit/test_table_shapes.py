"""Duty tables as web exports flatten them (a "|" line between cells, "|" "|" between rows):
parts with title rows, the header repeated per part without its number column, empty cells
written as bold markup alone. Every row under every part is a duty of its own lead."""

from __future__ import annotations

from workflows.parsing.plan import parse_plan


def _table(*rows: tuple[str, ...]) -> str:
    return "|\n" + "\n|\n|\n".join("\n|\n".join(cells) for cells in rows) + "\n|"


HEADER = ("**STT**", "**Nhiệm vụ**", "**Đơn vị thực hiện**", "**Đơn vị phối hợp**", "**Thời gian**")
PART_HEADER = ("**Nội dung**", "**Đơn vị thực hiện**", "**Đơn vị phối hợp**", "**Thời gian**")
EMPTY = "** **"
FIRST = _table(
    HEADER,
    ("**A**", "**HẠ TẦNG SỐ**"),
    ("1", "Nâng cấp mạng diện rộng của tỉnh", "Sở Khoa học và Công nghệ", "Các sở, ngành", "2026"),
    ("2", "Rà soát nội dung nhiệm vụ", "Phòng thực hiện", EMPTY, "Hoàn thành 2026"),
)
SECOND = _table(
    ("**B**", "**DỮ LIỆU SỐ**"),
    ("**I**", "**Nông nghiệp**"),
    PART_HEADER,
    (
        "1.1",
        "Xây dựng dữ liệu đất trồng lúa",
        "Sở Nông nghiệp và Môi trường",
        "UBND các xã",
        "2026",
    ),
    ("**1.2**", EMPTY, "**Chăn nuôi**", EMPTY, EMPTY),
    ("1.2.1", "Số hóa sổ theo dõi đàn vật nuôi", "Sở Nông nghiệp và Môi trường", EMPTY, "2026"),
    ("**II**", "**Y tế**"),
    PART_HEADER,
    ("2.1", "Triển khai hồ sơ sức khỏe điện tử", "Sở Y tế", "Bảo hiểm xã hội tỉnh", "2027"),
)
PLAN = f"""\
ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG

KẾ HOẠCH
Chuyển đổi số năm 2026

I. TỔ CHỨC THỰC HIỆN

Các cơ quan thực hiện nhiệm vụ tại Phụ lục kèm theo.

PHỤ LỤC

{FIRST}


{SECOND}
"""


def test_every_part_of_a_flattened_table_gives_its_rows_as_duties_of_their_leads():
    plan = parse_plan(PLAN)
    rows = [(t.lead, t.text) for t in plan.tasks if t.lead != "Các cơ quan"]
    assert rows == [
        ("Sở Khoa học và Công nghệ", "Nâng cấp mạng diện rộng của tỉnh"),
        ("Phòng thực hiện", "Rà soát nội dung nhiệm vụ"),  # its words name columns: a row still
        ("Sở Nông nghiệp và Môi trường", "Xây dựng dữ liệu đất trồng lúa"),
        ("Sở Nông nghiệp và Môi trường", "Số hóa sổ theo dõi đàn vật nuôi"),
        ("Sở Y tế", "Triển khai hồ sơ sức khỏe điện tử"),
    ]


def test_a_part_header_without_its_number_column_keeps_each_cell_in_its_column():
    plan = parse_plan(PLAN)
    health = next(t for t in plan.tasks if t.lead == "Sở Y tế")
    assert health.partners == ["Bảo hiểm xã hội tỉnh"]
    assert str(health.due) == "2027-12-31"


def test_an_empty_cell_written_as_markup_alone_is_empty_and_ends_neither_row_nor_table():
    plan = parse_plan(PLAN)
    livestock = next(t for t in plan.tasks if t.text.startswith("Số hóa sổ"))
    assert livestock.partners == []
    assert not [t for t in plan.tasks if t.text.strip() in ("Chăn nuôi", "Nội dung")]
