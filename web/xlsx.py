"""Spreadsheets in the layout Vietnamese offices use for reports, safe from formula injection.

Every text cell is written as a string; a value that a spreadsheet would run as a formula
(starting with = + - @, a tab, CR or NUL) gets a leading apostrophe, as OWASP advises.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\0")
TASK_HEADER = (
    "STT",
    "Nội dung",
    "Cơ quan chủ trì",
    "Phối hợp",
    "Thời hạn",
    "Tình trạng",
    "Ghi chú",
)
SCORECARD_HEADER = (
    "STT",
    "Cơ quan",
    "Số nhiệm vụ đến hạn trong kỳ",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang quá hạn",
    "Chưa đến hạn",
    "Tỷ lệ đúng hạn",
)
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}  # openpyxl refuses these


def safe_text(value: object) -> str:
    """The cell text: control characters dropped, formula triggers defused."""
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_FIRST):
        text = "'" + text
    return text.translate(_ILLEGAL)


def workbook_bytes(
    title: str, subtitle: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> bytes:
    """A one-sheet workbook: a title, a subtitle, the header and the rows, all as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Báo cáo")
    widths = (6, 70, 32, 32, 12, 24, 40, 14)
    for index, width in enumerate(widths[: len(header)]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width

    def cell(value: object, bold: bool = False) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet, value=safe_text(value))
        made.data_type = "s"
        made.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            made.font = Font(bold=True)
        return made

    sheet.append([cell(title, bold=True)])
    sheet.append([cell(subtitle)])
    sheet.append([cell(h, bold=True) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
