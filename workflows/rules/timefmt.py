"""Display helpers: Vietnamese dates, weekdays and quarters, local time in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.rules.quarters import Quarter

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Monday first, as date.weekday() counts.
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def dmy(day: date | None, empty: str = "—") -> str:
    """02/09/2024 (a datetime is shown by its own date; convert to local time first)."""
    return empty if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def quarter_label(day: date) -> str:
    """Quý III/2024 for any day of that quarter."""
    return Quarter.of(day).label


def to_local(instant: datetime, tz: ZoneInfo = LOCAL_TZ) -> datetime:
    """An aware instant in local time; a naive one is refused (we never guess its zone)."""
    if instant.tzinfo is None:
        raise ValueError(f"Thời điểm thiếu múi giờ (naive datetime): {instant.isoformat()}")
    return instant.astimezone(tz)


def local_date(instant: datetime, tz: ZoneInfo = LOCAL_TZ) -> date:
    """The local calendar day of an instant: 20:00 UTC on 01/09 is already 02/09 in Hà Nội."""
    return to_local(instant, tz).date()


def local_instant(day: date, at: time, tz: ZoneInfo = LOCAL_TZ) -> datetime:
    """``at`` o'clock local time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def end_of_day(day: date, tz: ZoneInfo = LOCAL_TZ) -> datetime:
    """The instant ``day`` ends locally (next midnight), as aware UTC: a deadline on ``day``
    is met by anything before it and missed from it on."""
    return local_instant(day + timedelta(days=1), time(0, 0), tz)


def dmy_hm(instant: datetime, tz: ZoneInfo = LOCAL_TZ) -> str:
    """08:00 02/09/2024, in local time."""
    local = to_local(instant, tz)
    return f"{local:%H:%M} {dmy(local.date())}"
