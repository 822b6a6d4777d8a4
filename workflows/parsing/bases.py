"""The plan's bases: the "Căn cứ …"/"Thực hiện …" documents it rests on, with number and date."""

from __future__ import annotations

import re

from workflows.parsing.dated_periods import make_date
from workflows.parsing.result import Basis
from workflows.parsing.sections import Item

_DOC_TYPES = (
    r"Luật|Bộ luật|Nghị định|Nghị quyết|Quyết định|Kế hoạch|Chỉ thị|Thông tư|Công văn|Hướng dẫn"
    r"|Chương trình(?: phối hợp)?|Kết luận|Thông báo|Đề án|Văn bản|Kế hoạch hành động"
)
_BASIS_NUMBER = re.compile(
    r"(?:số\s*)?(\d+[\w.]*(?:/\d{4})?(?:/[A-ZĐ][\w\-–Đ]*)+|\d+-[A-ZĐ]+[\w]*/[A-ZĐ]+\w*)"
)
_BASIS_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4})|ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)


def bases_in(items: list[Item], title_line: int) -> list[Basis]:
    """Every document the preamble cites, one basis each, in order."""
    bases: list[Basis] = []
    for item in _preamble(items):
        if item.line == title_line:
            continue
        text = item.para.text
        if not text.startswith(("Căn cứ", "Thực hiện")):
            continue
        # "…, UBND tỉnh ban hành Kế hoạch … như sau:" closes the bases.
        text = re.split(
            r"[,;]\s*(?=(?:UBND|Ủy ban|Uỷ ban|Sở|Ban|Phòng)\b[^,;]{0,60}(?:ban hành|xây dựng)\s)",
            text,
        )[0]
        pieces = re.split(rf";\s*|\s+và\s+(?=(?:{_DOC_TYPES})\s+số)|\.\s+(?=Căn cứ)", text)
        for piece in pieces:
            piece = piece.strip(" ;.")
            piece = re.sub(r"^(?:Căn cứ|Thực hiện)\s+", "", piece)
            if len(piece) < 8 or piece.startswith("chức năng"):
                continue
            bases.append(_basis(piece))
    return bases


def _preamble(items: list[Item], after_line: int = 0) -> list[Item]:
    out = []
    started = False
    for item in items:
        if item.line <= after_line:
            continue
        if item.kind in ("roman", "part"):
            break
        if item.para.text.startswith(("Căn cứ", "Thực hiện", "Theo đề nghị")):
            started = True
        if started:
            out.append(item)
    return out


def _basis(text: str) -> Basis:
    number = _BASIS_NUMBER.search(text)
    when = _BASIS_DATE.search(text)
    issued = None
    if when:
        d, m, y = (
            (when.group(1), when.group(2), when.group(3)) if when.group(1) else when.groups()[3:]
        )
        issued = make_date(int(d), int(m), int(y), [])
    kind = re.match(rf"(?:{_DOC_TYPES})", text)
    is_plan = bool(kind and kind.group(0).startswith("Kế hoạch"))
    return Basis(
        text=text, number=number.group(1) if number else None, issued_on=issued, is_plan=is_plan
    )
