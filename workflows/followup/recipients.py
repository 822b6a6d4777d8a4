"""Who hears about a task: its bodies, their heads, the plan's coordinator and leadership."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskPartner
from notifications.message import HeaderInjectionError, check_address


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
        return f"missing:{self.role}:{self.agency_id or 0}"


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


def for_role(session: Session, task: Task, plan: Plan, role: str) -> list[Recipient]:
    """Recipients of one escalation role for ``task``."""
    lead = session.get(Agency, task.lead_id) if task.lead_id else None
    if role == "body":
        return [agency_recipient(lead, "body")]
    if role == "head":
        return [agency_recipient(lead, "head", head=True)]
    if role == "coordinator":
        coordinator = session.get(Agency, plan.coordinator_id) if plan.coordinator_id else None
        return [agency_recipient(coordinator, "coordinator")]
    if role == "leader":
        addresses = [a for a in (plan.leadership_emails or "").split(",") if a.strip()]
        if not addresses:
            return [Recipient("leader", None, None, "missing")]
        return [Recipient("leader", None, *_address(a)) for a in addresses]
    raise ValueError(f"unknown escalation role {role!r}")


def partners(session: Session, task: Task) -> list[Recipient]:
    rows = session.exec(select(TaskPartner).where(TaskPartner.task_id == task.id)).all()
    return [agency_recipient(session.get(Agency, r.agency_id), "partner") for r in rows]
