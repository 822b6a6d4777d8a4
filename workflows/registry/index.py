"""The registry's lookup tables, built once at load time, with the checks that keep them sound.

Every canonical name and alias is indexed by (core key, locality key); localities know their
level and parent, so a name can be looked up in the plan's own area and the areas above it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from workflows.registry.data import RegistryAgency, RegistryError
from workflows.registry.match import canonical, leading_level, locality_key, parse_name


@dataclass
class Index:
    by_key: dict[str, RegistryAgency] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (core, locality) -> key
    full_names: dict[str, str] = field(default_factory=dict)  # canonical name's key -> key
    by_core: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    cores_at_level: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    level_of: dict[str, str] = field(default_factory=dict)  # locality -> level
    parent_of: dict[str, str | None] = field(default_factory=dict)  # locality -> parent
    locality_names: dict[str, str] = field(default_factory=dict)  # any spelling -> locality
    known: frozenset[str] = frozenset()  # full locality spellings, for parse_name

    def locality(self, text: str | None) -> str | None:
        """The locality key of a written locality ("huyện Tư Mơ Rông" -> "huyện tu mơ rông")."""
        if not text:
            return None
        return self.locality_names.get(text) or self.locality_names.get(locality_key(text))

    def chain(self, locality: str | None) -> list[str]:
        """The locality and those above it, nearest first."""
        chain: list[str] = []
        current = self.locality(locality)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parent_of.get(current)
        return chain


def build_index(agencies: Sequence[RegistryAgency], locality_aliases: dict[str, str]) -> Index:
    """Check the entries against each other and index them; ``RegistryError`` on conflicts."""
    index = Index()
    for agency in agencies:
        if agency.key in index.by_key:
            raise RegistryError(f"Mã «{agency.key}» xuất hiện hai lần trong danh mục")
        index.by_key[agency.key] = agency
    _index_localities(index, agencies, locality_aliases)
    for agency in agencies:
        _check_links(index, agency)
        # A canonical name stands for its body from any plan ("Thường trực Huyện ủy Ngọc Hồi").
        owner = index.full_names.setdefault(canonical(agency.name), agency.key)
        if owner != agency.key:
            raise RegistryError(f"{agency.key}: tên «{agency.name}» trùng với tên của «{owner}»")
        for written in agency.names:
            _index_name(index, agency, written)
    return index


def _index_localities(
    index: Index, agencies: Sequence[RegistryAgency], aliases: dict[str, str]
) -> None:
    for agency in agencies:
        loc, parent = locality_key(agency.locality), agency.parent
        if index.level_of.setdefault(loc, agency.level) != agency.level:
            raise RegistryError(
                f"{agency.key}: địa bàn «{agency.locality}» đã có cấp «{index.level_of[loc]}», "
                f"không thể là cấp «{agency.level}»"
            )
        parent_key = locality_key(parent) if parent else None
        if index.parent_of.setdefault(loc, parent_key) != parent_key:
            raise RegistryError(
                f"{agency.key}: địa bàn «{agency.locality}» đã thuộc một địa bàn cấp trên khác "
                f"(parent «{parent}» mâu thuẫn với các mục khác)"
            )
    names = {loc: loc for loc in index.level_of}
    for alias, target in aliases.items():
        if locality_key(target) not in index.level_of:
            raise RegistryError(f"[locality_aliases] «{alias}»: không có địa bàn «{target}»")
        names[locality_key(alias)] = locality_key(target)
    index.known = frozenset(names)
    # A bare place name ("Tu Mơ Rông") is accepted as a locality only when it is unambiguous.
    bare: dict[str, set[str]] = defaultdict(set)
    for spelling, loc in names.items():
        words = spelling.split()
        bare[" ".join(words[leading_level(words) :])].add(loc)
    index.locality_names = {name: next(iter(locs)) for name, locs in bare.items() if len(locs) == 1}
    index.locality_names.update(names)


def _check_links(index: Index, agency: RegistryAgency) -> None:
    for member in agency.members:
        if member not in index.by_key:
            raise RegistryError(f"{agency.key}: thành viên «{member}» không có trong danh mục")
    if agency.members and not agency.collective:
        raise RegistryError(f"{agency.key}: có members nhưng collective = false")
    if agency.successor and agency.successor not in index.by_key:
        raise RegistryError(f"{agency.key}: cơ quan kế thừa «{agency.successor}» không có")
    if agency.valid_from and agency.valid_to and agency.valid_from > agency.valid_to:
        raise RegistryError(f"{agency.key}: valid_from sau valid_to")


def _index_name(index: Index, agency: RegistryAgency, written: str) -> None:
    parsed = parse_name(written, index.known)
    where = f"{agency.key}: tên «{written}»"
    own = locality_key(agency.locality)
    if not parsed.core:
        raise RegistryError(f"{where} không còn gì sau khi bỏ địa bàn")
    if parsed.locality is not None and index.locality(parsed.locality) != own:
        raise RegistryError(f"{where} nêu địa bàn khác với «{agency.locality}»")
    if parsed.levels is not None and agency.level not in parsed.levels:
        raise RegistryError(f"{where} nêu cấp khác với cấp «{agency.level}» của mục")
    owner = index.names.setdefault((parsed.core, own), agency.key)
    if owner != agency.key:
        raise RegistryError(
            f"{where} trùng với một tên của «{owner}» trong cùng địa bàn «{agency.locality}»"
        )
    if agency.key not in index.by_core[parsed.core]:
        index.by_core[parsed.core].append(agency.key)
    index.cores_at_level[agency.level].add(parsed.core)
