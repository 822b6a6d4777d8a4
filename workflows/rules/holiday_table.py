"""The editable override table (config/data/holidays.toml) on top of the `holidays` package.

Two lists, each entry a table with a ``date`` and a Vietnamese ``name`` (``source`` and
``note`` are free text for the people who keep the table):

    [[day_off]]      # a day off the package does not know (e.g. a swapped working day)
    [[working_day]]  # a working day the package does not know (a make-up Saturday), or a
                     # package holiday that turned out wrong

``parse_overrides`` is pure (it takes the parsed TOML); ``read_overrides`` reads the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

SECTIONS = {"day_off": "ngày nghỉ", "working_day": "ngày làm việc"}
_EXTRA_KEYS = {"source", "note"}


class CalendarDataError(ValueError):
    """The override table is malformed; the message says where and what."""


@dataclass(frozen=True)
class CalendarOverrides:
    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)


def _parse_date(value: Any, where: str) -> date:
    # TOML has a native date type; strings are accepted too because people type "04/05/2024".
    if isinstance(value, datetime):
        raise CalendarDataError(f"{where}: 'date' phải là ngày, không kèm giờ (got {value!r})")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CalendarDataError(
        f"{where}: 'date' không hợp lệ: {value!r} (expected 2024-05-04 or \"04/05/2024\")"
    )


def _parse_entry(entry: Any, where: str) -> tuple[date, str]:
    if not isinstance(entry, Mapping):
        raise CalendarDataError(f"{where}: phải là một bảng [[...]] có 'date' và 'name'")
    unknown = set(entry) - {"date", "name"} - _EXTRA_KEYS
    if unknown:
        raise CalendarDataError(f"{where}: khóa không biết: {', '.join(sorted(unknown))}")
    if "date" not in entry:
        raise CalendarDataError(f"{where}: thiếu 'date' (missing date)")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CalendarDataError(f"{where}: thiếu 'name' (tên ngày, tiếng Việt)")
    return _parse_date(entry["date"], where), name.strip()


def _parse_section(data: Mapping[str, Any], key: str, source: str) -> dict[date, str]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise CalendarDataError(f"{source}: '{key}' phải là danh sách [[{key}]]")
    days: dict[date, str] = {}
    for index, entry in enumerate(entries, start=1):
        where = f"{source}: [[{key}]] #{index}"
        day, name = _parse_entry(entry, where)
        if day in days:
            raise CalendarDataError(f"{where}: ngày {day:%d/%m/%Y} đã có ở trên (duplicate)")
        days[day] = name
    return days


def parse_overrides(data: Mapping[str, Any], source: str = "holidays.toml") -> CalendarOverrides:
    """Validate the parsed TOML; ``source`` names the file in error messages."""
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise CalendarDataError(
            f"{source}: mục không biết: {', '.join(sorted(unknown))} "
            f"(expected [[day_off]] / [[working_day]])"
        )
    days_off = _parse_section(data, "day_off", source)
    working_days = _parse_section(data, "working_day", source)
    both = sorted(set(days_off) & set(working_days))
    if both:
        listed = ", ".join(f"{d:%d/%m/%Y}" for d in both)
        raise CalendarDataError(f"{source}: vừa là ngày nghỉ vừa là ngày làm việc: {listed}")
    return CalendarOverrides(days_off=days_off, working_days=working_days)


def read_overrides(path: Path) -> CalendarOverrides:
    """Read and validate the table; a missing or broken file gives a CalendarDataError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CalendarDataError(f"Không tìm thấy bảng ngày nghỉ: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CalendarDataError(f"{path}: TOML không hợp lệ: {exc}") from exc
    return parse_overrides(data, source=str(path))
