"""Path parameters. ``{name:id}`` is a row id: 1–18 digits, so it always fits the 64-bit
integers SQLite and PostgreSQL store. A longer number does not match any route and answers 404
(Starlette's ``{name:int}`` would pass it on and the database would overflow: a 500 page).

Registered once, when the ``web`` package is imported, before any route is built.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

MAX_ID_DIGITS = 18  # 10**18 - 1 < 2**63 - 1


class IdConvertor(Convertor[int]):
    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        assert 0 <= value < 10**MAX_ID_DIGITS, "not a row id"
        return str(value)


register_url_convertor("id", IdConvertor())
