"""Map extracted bodies to stored agencies: registered ones by key, unknown ones by folded name."""

from __future__ import annotations

from sqlmodel import Session, select

from models.agencies import Agency, AgencyAlias
from workflows.parsing.result import Body
from workflows.parsing.text import fold
from workflows.registry.registry import Registry, RegistryAgency


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
        select(Agency).where(Agency.folded_name == folded, Agency.registered == False)  # noqa: E712
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
    candidates = session.exec(select(Agency.name).where(Agency.merged_into_id == None)).all()  # noqa: E711
    close = [c for c in candidates if folded in fold(c) or fold(c) in folded][:3]
    raise UnknownAgencyError(name, close)
