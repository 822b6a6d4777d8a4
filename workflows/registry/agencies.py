"""Map extracted bodies to stored agencies: registered ones by key, unknown ones by folded name."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models.agencies import Agency, AgencyAlias
from workflows.parsing.result import Body
from workflows.parsing.text import fold
from workflows.registry.match import search_key
from workflows.registry.registry import Registry, RegistryAgency

# Bodies a coordinator entered on the web get the key "web.<id>": the registry file does not
# know them, so later imports find them by name as they find unregistered ones.
WEB_KEY_PREFIX = "web."


class UnknownAgencyError(LookupError):
    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" Gần giống: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"Không tìm thấy cơ quan «{name}».{hint}")
        self.name = name


def ensure_registered(session: Session, entry: RegistryAgency) -> Agency:
    """The stored row of a registry entry, created or refreshed from the registry."""
    agency = session.exec(select(Agency).where(Agency.key == entry.key)).first()
    if agency is None:
        agency = Agency(key=entry.key, name=entry.name, folded_name=fold(entry.name))
    agency.name = entry.name
    agency.folded_name = fold(entry.name)
    agency.level = entry.level
    agency.locality = entry.locality
    agency.registered = True
    agency.collective = entry.collective
    agency.valid_to = entry.valid_to
    agency.email = agency.email or entry.email or None
    agency.head_email = agency.head_email or entry.head_email or None
    session.add(agency)
    session.flush()
    return agency


def agency_for_body(
    session: Session, body: Body, registry: Registry, locality: str | None
) -> Agency:
    """The agency a body stands for; an unknown body is stored (unregistered), never dropped."""
    entry = registry.lookup(body.as_written, locality) if body.registered else None
    if entry is not None:
        return ensure_registered(session, entry)
    folded = fold(body.name)
    alias = session.get(AgencyAlias, folded)
    if alias is not None:
        return _follow_merges(session, session.get(Agency, alias.agency_id))
    found = session.exec(
        select(Agency).where(
            Agency.folded_name == folded,
            or_(col(Agency.key).is_(None), col(Agency.key).startswith(WEB_KEY_PREFIX)),
        )
    ).first()
    if found is not None:
        return _follow_merges(session, found)
    agency = Agency(
        name=body.name, folded_name=folded, registered=False, collective=body.collective
    )
    session.add(agency)
    session.flush()
    return agency


def _follow_merges(session: Session, agency: Agency | None) -> Agency:
    assert agency is not None
    while agency.merged_into_id is not None:
        agency = session.get(Agency, agency.merged_into_id)
        assert agency is not None
    return agency


def find_agency(session: Session, name: str, registry: Registry) -> Agency:
    """An agency named by a coordinator: registry name, key, alias or stored name."""
    entry = registry.get(name) or registry.lookup(name)
    if entry is not None:
        return ensure_registered(session, entry)
    folded = fold(name)
    alias = session.get(AgencyAlias, folded)
    if alias is not None:
        return _follow_merges(session, session.get(Agency, alias.agency_id))
    stored = session.exec(select(Agency).where(Agency.folded_name == folded)).first()
    if stored is not None:
        return _follow_merges(session, stored)
    close = search_names(session, registry, name, limit=3)
    loose = [n for n in close if search_key(n) == search_key(name)]
    if len(loose) == 1:  # "phong y te huyen" typed without tone marks: one body has that name
        return find_agency(session, loose[0], registry)
    raise UnknownAgencyError(name, close)


def search_names(session: Session, registry: Registry, query: str, limit: int = 12) -> list[str]:
    """Names of bodies (registry entries and stored ones) matching what a person typed,
    whatever its tone marks, case, spacing or dashes: every typed word is found in the name.
    Exact matches first, then names starting with it, then the rest, each by name."""
    wanted = search_key(query).split()
    if not wanted:
        return []
    stored = session.exec(select(Agency.name).where(col(Agency.merged_into_id).is_(None))).all()
    names = {*stored, *(entry.name for entry in registry.agencies)}
    whole = " ".join(wanted)
    found = []
    for name in names:
        key = search_key(name)
        words = key.split()
        if all(any(w.startswith(part) for w in words) for part in wanted):
            found.append((key != whole, not key.startswith(whole), name.casefold(), name))
    return [name for *_, name in sorted(found)[:limit]]
