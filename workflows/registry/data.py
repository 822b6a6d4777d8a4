"""The registry's records and their TOML form: reading with clear errors, writing by hand.

``tomllib`` only reads, so ``dump_toml`` writes the file itself: entries sorted by key, one
field per line, so that coordinators can keep editing it by hand and diffs stay small.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

LEVELS = ("tinh", "huyen", "xa")
_FIELDS = {
    "key", "name", "level", "locality", "parent", "aliases", "collective", "members",
    "email", "head_email", "valid_from", "valid_to", "successor", "note",
}  # fmt: skip
_TOP_LEVEL = {"agency", "locality_aliases"}

HEADER = """\
# Danh mục cơ quan, đơn vị (registry) của kehoach.
# Mỗi mục [[agency]]: key (mã cố định, ASCII), name (tên chuẩn), level ("tinh" | "huyen" | "xa"),
# locality (địa bàn, ví dụ "huyện Tu Mơ Rông"), parent (địa bàn cấp trên), aliases (mọi cách viết
# gặp trong kế hoạch), collective + members (cơ quan tập hợp như "UBND các xã": mã các thành viên),
# email, head_email (do điều phối viên điền), valid_from / valid_to / successor (cơ quan đã giải
# thể, sáp nhập: cấp huyện chấm dứt từ 01/7/2025), note (ghi chú).
# [locality_aliases]: cách viết khác (kể cả viết sai) của tên địa bàn -> tên chuẩn.
# Tệp được ghi lại bởi lệnh `kehoach`: chú thích ngoài trường note sẽ không được giữ.
"""


class RegistryError(ValueError):
    """The registry data is wrong; the message says what and where."""


@dataclass(frozen=True)
class RegistryAgency:
    """One body of the registry, as the TOML file describes it."""

    key: str
    name: str
    level: str  # "tinh" | "huyen" | "xa"
    locality: str  # "huyện Tu Mơ Rông"
    parent: str | None = None  # the locality above: "tỉnh Kon Tum"
    aliases: tuple[str, ...] = ()
    collective: bool = False
    members: tuple[str, ...] = ()  # keys of the bodies a collective one stands for
    email: str = ""
    head_email: str = ""
    valid_from: date | None = None
    valid_to: date | None = None  # last day the body existed
    successor: str | None = None  # key of the body that took over its duties
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name and every alias."""
        return (self.name, *self.aliases)

    def valid_on(self, day: date) -> bool:
        """Whether the body existed on ``day`` (both ends inclusive)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


def parse_toml(text: str, source: str) -> tuple[list[RegistryAgency], dict[str, str]]:
    """Agencies and locality aliases of a registry file; ``RegistryError`` on any mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{source}: tệp TOML không hợp lệ ({error})") from error
    extra = sorted(set(data) - _TOP_LEVEL)
    if extra:
        raise RegistryError(f"{source}: mục không được hỗ trợ: {', '.join(extra)}")
    rows = data.get("agency", [])
    if not isinstance(rows, list):
        raise RegistryError(f"{source}: 'agency' phải là các mục [[agency]]")
    agencies = [_agency(row, f"{source}, [[agency]] thứ {i}") for i, row in enumerate(rows, 1)]
    aliases = data.get("locality_aliases", {})
    if not all(isinstance(v, str) for v in aliases.values()):
        raise RegistryError(f"{source}: [locality_aliases] chỉ chứa chuỗi")
    return agencies, dict(aliases)


def _agency(row: dict[str, Any], where: str) -> RegistryAgency:
    unknown = sorted(set(row) - _FIELDS)
    if unknown:
        raise RegistryError(f"{where}: trường không hợp lệ: {', '.join(unknown)}")
    where = f"{where} ({row.get('key', '?')})"
    for name in ("key", "name", "level", "locality"):
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise RegistryError(f"{where}: thiếu trường '{name}' (chuỗi khác rỗng)")
    if row["level"] not in LEVELS:
        raise RegistryError(f"{where}: level phải là một trong {', '.join(LEVELS)}")
    if any(ch.isspace() for ch in row["key"]):
        raise RegistryError(f"{where}: key không được chứa khoảng trắng")
    return RegistryAgency(
        key=row["key"],
        name=row["name"].strip(),
        level=row["level"],
        locality=row["locality"].strip(),
        parent=_text(row, "parent", where) or None,
        aliases=_strings(row, "aliases", where),
        collective=_bool(row, "collective", where),
        members=_strings(row, "members", where),
        email=_text(row, "email", where),
        head_email=_text(row, "head_email", where),
        valid_from=_date(row, "valid_from", where),
        valid_to=_date(row, "valid_to", where),
        successor=_text(row, "successor", where) or None,
        note=_text(row, "note", where),
    )


def _text(row: dict[str, Any], name: str, where: str) -> str:
    value = row.get(name, "")
    if not isinstance(value, str):
        raise RegistryError(f"{where}: '{name}' phải là chuỗi")
    return value.strip()


def _strings(row: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = row.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}: '{name}' phải là danh sách chuỗi")
    return tuple(v.strip() for v in value if v.strip())


def _bool(row: dict[str, Any], name: str, where: str) -> bool:
    value = row.get(name, False)
    if not isinstance(value, bool):
        raise RegistryError(f"{where}: '{name}' phải là true hoặc false")
    return value


def _date(row: dict[str, Any], name: str, where: str) -> date | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RegistryError(f"{where}: '{name}' phải là ngày dạng 2025-06-30")


def _q(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), and keeps Vietnamese as is.
    return json.dumps(text, ensure_ascii=False)


def _array(values: Iterable[str]) -> str:
    items = list(values)
    if len(items) <= 1:
        return "[" + "".join(_q(v) for v in items) + "]"
    return "[\n" + "".join(f"    {_q(v)},\n" for v in items) + "]"


def agency_toml(agency: RegistryAgency) -> str:
    """One ``[[agency]]`` block; empty optional fields are left out, contacts always shown."""
    lines = [
        "[[agency]]",
        f"key = {_q(agency.key)}",
        f"name = {_q(agency.name)}",
        f"level = {_q(agency.level)}",
        f"locality = {_q(agency.locality)}",
    ]
    if agency.parent:
        lines.append(f"parent = {_q(agency.parent)}")
    if agency.collective:
        lines += ["collective = true", f"members = {_array(agency.members)}"]
    lines.append(f"aliases = {_array(agency.aliases)}")
    lines += [f"email = {_q(agency.email)}", f"head_email = {_q(agency.head_email)}"]
    for name in ("valid_from", "valid_to"):
        value = getattr(agency, name)
        if value is not None:
            lines.append(f"{name} = {value.isoformat()}")
    if agency.successor:
        lines.append(f"successor = {_q(agency.successor)}")
    if agency.note:
        lines.append(f"note = {_q(agency.note)}")
    return "\n".join(lines) + "\n"


def registry_toml(agencies: Iterable[RegistryAgency], locality_aliases: dict[str, str]) -> str:
    """The whole file: header, locality aliases (sorted), agencies sorted by key."""
    parts = [HEADER]
    if locality_aliases:
        rows = "".join(f"{_q(k)} = {_q(v)}\n" for k, v in sorted(locality_aliases.items()))
        parts.append("[locality_aliases]\n" + rows)
    parts += [agency_toml(a) for a in sorted(agencies, key=lambda a: a.key)]
    return "\n".join(parts)
