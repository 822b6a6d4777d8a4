"""Budget (kinh phí): the plan's total in VND, or None when it names no amount.

A computed line ("5.000.000đ/01 đơn vị x 10 đơn vị = 50.000.000đ") counts by its total; several
totals add up; amounts in "triệu đồng"/"tỷ đồng" are scaled.
"""

from __future__ import annotations

import re

_AMOUNT = re.compile(
    r"(?P<value>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*"
    r"(?P<unit>tỷ\s+đồng|triệu\s+đồng|nghìn\s+đồng|ngàn\s+đồng|đồng|đ\b|VNĐ|VND|vnđ)"
    r"(?P<per>\s*/)?",
    re.I,
)
_SCALE = {"tỷ": 1_000_000_000, "triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}


def _value(match: re.Match[str]) -> int:
    number = float(match.group("value").replace(".", "").replace(",", "."))
    unit = match.group("unit").lower().split()[0]
    return round(number * _SCALE.get(unit, 1))


def budget_of(paragraphs: list[str]) -> int | None:
    """Total VND named in the budget paragraphs."""
    total = 0
    found = False
    for text in paragraphs:
        for part in re.split(r"[;\n]", text):
            amounts = list(_AMOUNT.finditer(part))
            if not amounts:
                continue
            totals = [a for a in amounts if re.search(r"=\s*$", part[: a.start()])]
            if totals:
                chosen = totals
            elif re.search(r"tổng|cộng", part, re.I):
                chosen = [amounts[-1]]
            else:
                chosen = [a for a in amounts if not a.group("per")]
                chosen = chosen[-1:] if len(chosen) > 1 and re.search(r"\bx\b|×", part) else chosen
            for amount in chosen:
                total += _value(amount)
                found = True
    return total if found else None
