"""The agency registry: the bodies plans assign duties to, and how written names resolve to them.

    registry = load_registry()
    registry.resolve("Phòng LĐ-TB&XH huyện", "huyện Tu Mơ Rông")   # Body(registered=True, …)
    registry.resolve("Hội Nông dân huyện", "huyện Tu Mơ Rông")      # Body(registered=False, …)

Resolution is pure and scoped: a name without a locality of its own is looked up in the plan's
locality, then in the localities above it ("UBND tỉnh" from a district plan). The same office
exists in every district, so an unknown locality yields an unregistered body, never another
district's. Everything is immutable: ``merge_alias`` and ``update`` return new registries.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from workflows.parsing.result import Body
from workflows.parsing.text import nfc
from workflows.registry.data import (
    RegistryAgency,
    RegistryError,
    parse_toml,
    registry_toml,
)
from workflows.registry.index import build_index
from workflows.registry.match import canonical, clean_written, looks_collective, parse_name

__all__ = ["Registry", "RegistryAgency", "RegistryError", "dump_toml", "load_registry"]

_SPACE = re.compile(r"\s+")
_MEMO_LIMIT = 20_000
# Body is mutable: the memo keeps its fields and each call builds a fresh Body.
_BodyFields = tuple[str, str, bool, bool, tuple[str, ...], str | None]


class Registry:
    """An immutable set of agencies with an O(1) name index (see module docstring)."""

    def __init__(
        self, agencies: Iterable[RegistryAgency], locality_aliases: dict[str, str] | None = None
    ) -> None:
        self._agencies = tuple(sorted(agencies, key=lambda a: a.key))
        self._locality_aliases = dict(locality_aliases or {})
        self._index = build_index(self._agencies, self._locality_aliases)
        self._memo: dict[tuple[str, str | None, bool], str | None] = {}
        self._bodies: dict[tuple[str, str | None], _BodyFields] = {}

    @classmethod
    def from_toml(cls, text: str, source: str = "agencies.toml") -> Registry:
        agencies, locality_aliases = parse_toml(text, source)
        return cls(agencies, locality_aliases)

    @property
    def agencies(self) -> list[RegistryAgency]:
        return list(self._agencies)

    @property
    def locality_aliases(self) -> dict[str, str]:
        return dict(self._locality_aliases)

    def get(self, key: str) -> RegistryAgency | None:
        return self._index.by_key.get(key)

    def lookup(
        self, written: str, locality: str | None = None, *, unique_anywhere: bool = True
    ) -> RegistryAgency | None:
        """The registered body a written name stands for in ``locality``, or None.

        Without a locality, a name that fits exactly one body of the whole registry is taken
        (people typing "Phòng Y tế" mean the one they know) unless ``unique_anywhere=False``;
        ``resolve`` reads documents and never takes that guess."""
        memo_key = (written, locality, unique_anywhere)
        if memo_key not in self._memo:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[memo_key] = self._find(written, locality, unique_anywhere)
        key = self._memo[memo_key]
        return self._index.by_key[key] if key else None

    def resolve(self, written: str, locality: str | None = None) -> Body:
        """The body as a plan names it: registered with its canonical name, else flagged
        unregistered with its cleaned written name. Never drops a body. Without a locality
        only canonical names and names carrying their locality are registered."""
        memo_key = (written, locality)
        fields = self._bodies.get(memo_key)
        if fields is None:
            if len(self._bodies) >= _MEMO_LIMIT:
                self._bodies.clear()
            fields = self._bodies[memo_key] = self._body_fields(written, locality)
        name, as_written, registered, collective, members, key = fields
        return Body(name, as_written, registered, collective, list(members), key)

    def _body_fields(self, written: str, locality: str | None) -> _BodyFields:
        as_written = _SPACE.sub(" ", nfc(written)).strip()
        agency = self.lookup(written, locality, unique_anywhere=False)
        if agency is None:
            name = clean_written(written) or as_written
            return name, as_written, False, looks_collective(name), (), None
        members = tuple(m.name for m in self.expand(agency.key)) if agency.members else ()
        return agency.name, as_written, True, agency.collective, members, agency.key

    def expand(self, key: str) -> list[RegistryAgency]:
        """The bodies a collective one stands for (recursively), or [itself]; [] if unknown."""
        found: list[RegistryAgency] = []
        self._expand_into(key, found, set())
        return found

    def current(self, key: str, on: date) -> RegistryAgency | None:
        """The body in charge on ``on``: itself if it existed then, else its successor's."""
        seen: set[str] = set()
        agency = self.get(key)
        while agency is not None and not agency.valid_on(on) and agency.key not in seen:
            seen.add(agency.key)
            agency = self.get(agency.successor) if agency.successor else None
        return agency if agency is not None and agency.valid_on(on) else None

    def merge_alias(self, written: str, key: str) -> Registry:
        """A new registry where ``written`` is also a name of ``key`` (a no-op if it already
        resolves there). Raises ``RegistryError`` if it belongs to another body of that area."""
        agency = self._require(key)
        alias = clean_written(written)
        if not alias:
            raise RegistryError(f"Tên «{written}» rỗng sau khi làm sạch")
        parsed = parse_name(alias, self._index.known)
        area = parsed.locality or agency.locality
        if self._index.names.get((parsed.core, self._index.locality(area) or "")) == key:
            return self
        return self.update(key, aliases=(*agency.aliases, alias))

    def update(self, key: str, **changes: Any) -> Registry:
        """A new registry with fields of ``key`` changed, e.g. ``update(k, email="…")``."""
        agency = self._require(key)
        for name in ("aliases", "members"):
            if name in changes:
                changes[name] = tuple(changes[name])
        try:
            changed = dataclasses.replace(agency, **changes)
        except TypeError as error:
            raise RegistryError(f"{key}: không thể sửa ({error})") from error
        agencies = [changed if a.key == key else a for a in self._agencies]
        return Registry(agencies, self._locality_aliases)

    def _require(self, key: str) -> RegistryAgency:
        agency = self.get(key)
        if agency is None:
            raise RegistryError(f"Không có cơ quan mã «{key}» trong danh mục")
        return agency

    def _expand_into(self, key: str, found: list[RegistryAgency], seen: set[str]) -> None:
        agency = self.get(key)
        if agency is None or key in seen:
            return
        seen.add(key)
        if not agency.members:
            if agency not in found:
                found.append(agency)
            return
        for member in agency.members:
            self._expand_into(member, found, seen)

    def _find(self, written: str, locality: str | None, unique_anywhere: bool) -> str | None:
        index = self._index
        exact = index.full_names.get(canonical(clean_written(written)))
        if exact is not None:
            return exact
        parsed = parse_name(written, index.known)
        if not parsed.core:
            return None
        if parsed.locality is not None:  # "Phòng Dân tộc huyện Ngọc Hồi": that one or none
            named = index.locality(parsed.locality)
            return index.names.get((parsed.core, named)) if named else None
        levels = parsed.levels
        if locality is None:  # only an unambiguous name is safe without a locality
            if not unique_anywhere:
                return None
            keys = [
                k
                for k in index.by_core.get(parsed.core, ())
                if levels is None or index.by_key[k].level in levels
            ]
            return keys[0] if len(keys) == 1 else None
        chain = index.chain(locality)
        for depth, loc in enumerate(chain):
            if levels is not None and index.level_of[loc] not in levels:
                continue
            key = index.names.get((parsed.core, loc))
            if key is not None:
                return key
            if (
                depth == 0
                and levels is None
                and parsed.core in index.cores_at_level[index.level_of[loc]]
            ):
                # Known at this level elsewhere ("Ủy ban MTTQ" of another commune): the plan
                # means its own, unregistered body, not the one of the area above.
                return None
        return None


def dump_toml(registry: Registry) -> str:
    """The registry as a human-editable TOML file (sorted; round-trips through from_toml)."""
    return registry_toml(registry.agencies, registry.locality_aliases)


_CACHE: dict[Path, tuple[tuple[int, int], Registry]] = {}


def load_registry(path: Path | None = None) -> Registry:
    """The registry file (default: settings), parsed once per path and modification."""
    if path is None:
        from config.settings import get_settings

        path = get_settings().registry_path
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError as error:
        raise RegistryError(f"Không đọc được danh mục cơ quan {path}: {error.strerror}") from error
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached is None or cached[0] != version:
        registry = Registry.from_toml(path.read_text(encoding="utf-8"), source=str(path))
        _CACHE[path] = cached = (version, registry)
    return cached[1]
