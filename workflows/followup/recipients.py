"""Who hears about a task: its bodies, their heads, the plan's coordinator and leadership.

No body is asked to direct itself: when the coordinator leads the overdue task, the
coordinator's step goes up to the leadership (``outside_lead``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskPartner
from notifications.message import HeaderInjectionError, check_address

MISSING_PREFIX = "missing:"


def missing_key(role: str, agency_id: int | None) -> str:
    """The recipient column of a notice or message for someone without a usable address."""
    return f"{MISSING_PREFIX}{role}:{agency_id or 0}"


def is_missing(recipient: str) -> bool:
    return recipient.startswith(MISSING_PREFIX)


def missing_role(recipient: str) -> str | None:
    """The role a missing-address marker was made for (None for an address)."""
    if not is_missing(recipient):
        return None
    return recipient.removeprefix(MISSING_PREFIX).partition(":")[0] or None


@dataclass(frozen=True)
class Recipient:
    role: str  # body, partner, head, coordinator, leader
    agency_id: int | None
    address: str | None  # None when missing; ``problem`` says why
    problem: str | None = None

    @property
    def ledger_key(self) -> str:
        """The notice's recipient column: the address, or a marker of the missing one."""
        if self.address:
            return self.address
        return missing_key(self.role, self.agency_id)


def _address(raw: str | None) -> tuple[str | None, str | None]:
    if not raw or not raw.strip():
        return None, "missing"
    value = raw.strip().lower()
    try:
        return check_address(value), None
    except HeaderInjectionError:
        return None, "invalid"


def agency_recipient(agency: Agency | None, role: str, head: bool = False) -> Recipient:
    if agency is None:
        return Recipient(role, None, None, "missing")
    address, problem = _address(agency.head_email if head else agency.email)
    return Recipient(role, agency.id, address, problem)


SUPERVISORS = ("coordinator", "leader")  # the rungs above the lead body, lowest first


def for_role(session: Session, task: Task, plan: Plan, role: str) -> list[Recipient]:
    """Recipients of one escalation role for ``task``; a supervising role that is the lead
    body itself gives way to the next one up (see ``outside_lead``)."""
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    if role == "body":
        return [agency_recipient(lead, "body")]
    if role == "head":
        return [agency_recipient(lead, "head", head=True)]
    if role not in SUPERVISORS:
        raise ValueError(f"unknown escalation role {role!r}")
    rungs = [_supervisors(session, plan, r) for r in SUPERVISORS[SUPERVISORS.index(role) :]]
    addresses = {a.strip().lower() for a in (lead.email, lead.head_email) if a} if lead else set()
    return outside_lead(rungs, task.lead_id, addresses)


def outside_lead(
    rungs: Iterable[Sequence[Recipient]], lead_id: int | None, lead_addresses: set[str]
) -> list[Recipient]:
    """The first rung, from the one due upwards, with someone other than the lead body (by
    registry id or by address); nobody when the lead itself is at the top."""
    for rung in rungs:
        others = [
            r
            for r in rung
            if not (lead_id is not None and r.agency_id == lead_id)
            and not (r.address is not None and r.address in lead_addresses)
        ]
        if others:
            return others
    return []


def _supervisors(session: Session, plan: Plan, role: str) -> list[Recipient]:
    if role == "coordinator":
        coordinator = session.get(Agency, plan.coordinator_id) if plan.coordinator_id else None
        return [agency_recipient(coordinator, "coordinator")]
    addresses = [a for a in (plan.leadership_emails or "").split(",") if a.strip()]
    if not addresses:
        return [Recipient("leader", None, None, "missing")]
    return [Recipient("leader", None, *_address(a)) for a in addresses]


def partners(session: Session, task: Task) -> list[Recipient]:
    rows = session.exec(select(TaskPartner).where(TaskPartner.task_id == task.id)).all()
    return [agency_recipient(session.get(Agency, r.agency_id), "partner") for r in rows]
