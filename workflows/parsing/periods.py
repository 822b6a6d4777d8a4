"""Periods as a whole: the span a plan covers, and the periods a report duty recurs in."""

from __future__ import annotations

import re
from datetime import date

from workflows.parsing.dated_periods import YEAR
from workflows.parsing.timephrases import TimeSpec, find_deadline, parse_time

_PERIOD_PAIR = re.compile(
    r"(6 tháng|sáu tháng|9 tháng|quý|năm|tháng)\s*(?:\(|:)?\s*(trước ngày\s+[\d/ ]+[\d]|"
    r"trước ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
)


def period_deadlines(text: str, year: int | None) -> list[tuple[str, TimeSpec]]:
    """Per-period deadlines of a report duty: "6 tháng (trước ngày 20/6) và năm (trước …)"."""
    lowered = " ".join(text.lower().split())
    pairs: list[tuple[str, TimeSpec]] = []
    for m in _PERIOD_PAIR.finditer(lowered):
        period = {"sáu tháng": "6 tháng"}.get(m.group(1), m.group(1))
        spec = find_deadline(m.group(2), year)
        spec.recurrence = period
        pairs.append((period, spec))
    return pairs if len({p for p, _ in pairs}) >= 2 else []


_PERIOD_NAME = r"(?:6 tháng|sáu tháng|(?:hằng |hàng )?(?:quý|tháng|năm))"
_PERIOD_LIST = re.compile(rf"định kỳ\s+({_PERIOD_NAME}(?:\s*(?:,|và)\s*{_PERIOD_NAME})+)(?!\w)")


def period_list(text: str) -> list[tuple[str, TimeSpec]]:
    """ "Định kỳ 6 tháng, hàng năm, …" without dates: one recurring duty per period named."""
    found = _PERIOD_LIST.search(" ".join(text.lower().split()))
    if not found:
        return []
    names = re.findall(_PERIOD_NAME, found.group(1))
    periods = dict.fromkeys(
        "6 tháng" if "tháng" in n and n[0] in "6s" else n.split()[-1] for n in names
    )
    return [(p, TimeSpec(recurrence=p)) for p in periods] if len(periods) >= 2 else []


def year_range(text: str, year: int | None = None) -> tuple[date | None, date] | None:
    """The period a plan covers: "năm 2022", "giai đoạn 2026 - 2030", "từ … đến …"; a span
    with no year written ("từ tháng 4 đến 30/11") is of ``year`` (the plan's)."""
    lowered = " ".join(text.lower().split())
    span = re.search(
        rf"(?:giai đoạn|thời kỳ|từ năm|từ)\s*({YEAR})\s*(?:-|–|đến(?: năm)?)\s*({YEAR})", lowered
    )
    if span:
        return date(int(span.group(1)), 1, 1), date(int(span.group(2)), 12, 31)
    months = re.search(
        rf"từ\s+tháng\s+(\d{{1,2}})\s*/\s*({YEAR})\s+đến\s+(?:ngày\s+)?([\d/]+|tháng\s+[\d/]+)",
        lowered,
    )
    if months:
        start = date(int(months.group(2)), int(months.group(1)), 1)
        end = parse_time(months.group(3), start.year).due
        if end:
            return start, end
    bare = re.search(
        rf"từ\s+tháng\s+(\d{{1,2}})(?:\s*(?:/|năm)\s*({YEAR}))?\s+(?:đến|tới)\s+"
        r"(?:ngày\s+)?(\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|tháng\s+\d{1,2}(?:\s*/\s*\d{4})?)",
        lowered,
    )
    start_year = int(bare.group(2)) if bare and bare.group(2) else year
    if bare and start_year and 1 <= int(bare.group(1)) <= 12:
        end = parse_time(bare.group(3), start_year).due
        if end:
            return date(start_year, int(bare.group(1)), 1), end
    until = re.search(rf"(?:đến|tới)\s+(?:hết\s+|cuối\s+)?năm\s+({YEAR})", lowered)
    if until:
        return None, date(int(until.group(1)), 12, 31)
    single = re.search(rf"(?<!tháng \d )(?<!tháng \d\d )năm\s+({YEAR})(?![\d-])", lowered)
    if single:
        y = int(single.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    return None
