"""What every ``kehoach`` command group shares: the user's error, reading a date the user typed,
and a database session that turns a workflow's refusal into that error."""

from __future__ import annotations

import calendar
from contextlib import contextmanager
from datetime import date

INSTANT_HINT = "cần ngày giờ dạng ISO, ví dụ 2022-06-20T08:05 hoặc 2022-06-20"


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def parse_user_date(text: str) -> date:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd``; a date that does not exist is an error that says why."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(x) for x in text.split("/"))
        else:
            year, month, day = (int(x) for x in text.split("-"))
    except ValueError as error:
        raise UserError(
            f"Ngày không hợp lệ: «{text}» (cần dạng dd/mm/yyyy hoặc yyyy-mm-dd)."
        ) from error
    if not 1 <= month <= 12:
        raise UserError(f"Ngày không tồn tại: «{text}» (không có tháng {month}).")
    if not 1000 <= year <= 9999:
        raise UserError(f"Ngày không hợp lệ: «{text}» (năm cần đủ 4 chữ số).")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise UserError(f"Ngày không tồn tại: «{text}» (tháng {month}/{year} chỉ có {days} ngày).")
    return date(year, month, day)


@contextmanager
def open_session():
    from models.db import session_scope
    from workflows.records.lookups import CorrectionError
    from workflows.registry.agencies import UnknownAgencyError
    from workflows.runners.runtime import database

    try:
        with session_scope(database()) as session:
            yield session
    except (CorrectionError, UnknownAgencyError) as error:
        raise UserError(str(error)) from error
