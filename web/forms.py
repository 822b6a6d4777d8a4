"""Reading what people type: dates (dd/mm/yyyy or ISO), numbers, quarters, periods."""

from __future__ import annotations

import re
from datetime import date

from workflows.rules.quarters import Period, Quarter, year_period

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


class FormError(ValueError):
    """Input that cannot be read; the message says which field and how to write it."""


def parse_date(text: str | None, field: str = "ngày") -> date | None:
    """dd/mm/yyyy (or yyyy-mm-dd from a date picker); blank is None."""
    if text is None or not text.strip():
        return None
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        raise FormError(f"{field}: «{text[:30]}» không phải ngày (viết dd/mm/yyyy).")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise FormError(f"{field}: ngày {text[:30]} không tồn tại.") from error


def lenient_date(text: str | None) -> date | None:
    """For filters in a URL: a bad value is ignored rather than an error page."""
    try:
        return parse_date(text)
    except FormError:
        return None


def parse_int(text: str | None, default: int | None = None, low: int = 0, high: int = 10**9):
    if text is None or not str(text).strip().lstrip("-").isdigit():
        return default
    value = int(str(text).strip())
    return value if low <= value <= high else default


def parse_period(text: str | None, today: date) -> Period:
    """ "2024" → the year; "2024-Q1" or "Quý I/2024" → the quarter; else the current quarter."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text) and 1900 < int(text) < 2200:
        return year_period(int(text))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return Quarter(int(m[1]), int(m[2])).period()
    try:
        return Quarter.parse(text).period()
    except ValueError:
        return Quarter.of(today).period()


def period_key(period: Period) -> str:
    """The URL form of a period ("2024" or "2024-Q1")."""
    if period.start.month == 1 and period.end.month == 12:
        return str(period.start.year)
    return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"


def period_choices(today: date, years: int = 3) -> list[tuple[str, str]]:
    """Recent quarters and years for a drop-down, newest first."""
    choices = []
    for year in range(today.year, today.year - years, -1):
        choices.append((str(year), f"Năm {year}"))
        for number in range(4, 0, -1):
            quarter = Quarter(year, number)
            if quarter.start <= today or year < today.year:
                choices.append((f"{year}-Q{number}", quarter.label))
    return choices
