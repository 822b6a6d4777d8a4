"""Bodies (cơ quan, đơn vị) as stored: registry entries and the unregistered ones plans named."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, unique=True, index=True)  # registry key; None if unknown
    name: str
    folded_name: str = Field(index=True)
    level: str | None = None
    locality: str | None = None
    registered: bool = True
    collective: bool = False
    email: str | None = None
    head_email: str | None = None
    valid_to: date | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="agency.id")
    reminder_offsets: str | None = None  # per-body override, e.g. "10,5,1,0"
    address_problem: str | None = None  # last permanent refusal, shown to coordinators


class AgencyAlias(SQLModel, table=True):
    """A name (folded) that coordinators merged into a known body; later imports reuse it."""

    __tablename__ = "agency_alias"
    folded: str = Field(primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)


class AgencyMember(SQLModel, table=True):
    """Membership of a collective body ("UBND các xã") as the registry knows it."""

    __tablename__ = "agency_member"
    collective_id: int = Field(foreign_key="agency.id", primary_key=True)
    member_id: int = Field(foreign_key="agency.id", primary_key=True)
