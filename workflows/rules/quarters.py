"""Quarters ("Quý I/2024") and the other reporting periods: months, half-years, years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.parsing.text import nfc

ROMAN = ("I", "II", "III", "IV")
_QUARTER = re.compile(
    r"^\s*quý\s+(?P<num>IV|I{1,3}|[1-4])\s*(?:/|năm|-)\s*(?P<year>\d{4})\s*$", re.IGNORECASE
)


@dataclass(frozen=True, order=True)
class Period:
    """A span of days [start, end] with the label plans use for it."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"Quý phải từ 1 đến 4, không phải {self.number}")

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read "Quý II/2024" (also "quý 2/2024", "Quý II năm 2024")."""
        match = _QUARTER.match(nfc(text))
        if not match:
            raise ValueError(f"Không đọc được quý: {text!r} (ví dụ: 'Quý II/2024')")
        num = match["num"].upper()
        number = int(num) if num.isdigit() else ROMAN.index(num) + 1
        return cls(int(match["year"]), number)

    @classmethod
    def from_key(cls, key: str) -> Quarter:
        """Read the stored form "2024-Q2" (``followup.milestones.quarter_key`` writes it)."""
        year, _, number = key.partition("-Q")
        if not (year.isdigit() and number in ("1", "2", "3", "4")):
            raise ValueError(f"Không đọc được quý: {key!r} (dạng lưu: '2024-Q2')")
        return cls(int(year), int(number))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return _month_end(self.year, 3 * self.number)

    @property
    def label(self) -> str:
        return f"Quý {ROMAN[self.number - 1]}/{self.year}"

    def next(self) -> Quarter:
        index = self.year * 4 + self.number  # quarters counted from year 0, Quý I = 1
        return Quarter(index // 4, index % 4 + 1)

    def previous(self) -> Quarter:
        index = self.year * 4 + self.number - 2
        return Quarter(index // 4, index % 4 + 1)

    def period(self) -> Period:
        return Period(self.start, self.end, self.label)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and Quarter.of(day) == self

    def __str__(self) -> str:
        return self.label


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _month_end(year, month), f"Tháng {month}/{year}")


def half_year_period(year: int, half: int) -> Period:
    """half 1: "6 tháng đầu năm 2024" (01/01–30/06); half 2: "6 tháng cuối năm 2024"."""
    if half not in (1, 2):
        raise ValueError(f"Nửa năm phải là 1 hoặc 2, không phải {half}")
    if half == 1:
        return Period(date(year, 1, 1), date(year, 6, 30), f"6 tháng đầu năm {year}")
    return Period(date(year, 7, 1), date(year, 12, 31), f"6 tháng cuối năm {year}")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"Năm {year}")


def month_of(day: date) -> Period:
    return month_period(day.year, day.month)


def half_year_of(day: date) -> Period:
    return half_year_period(day.year, 1 if day.month <= 6 else 2)


def year_of(day: date) -> Period:
    return year_period(day.year)
