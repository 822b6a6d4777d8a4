"""Contacts: bodies' addresses and heads, a plan's coordinator and leadership, and the check
that lists every missing or invalid address before sending starts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.agencies import Agency
from models.tasks import Task, TaskPartner
from models.types import TaskStatus
from notifications.message import HeaderInjectionError, check_address
from workflows.records.lookups import CorrectionError, get_plan
from workflows.registry.agencies import find_agency
from workflows.registry.registry import Registry


def _valid(address: str | None, what: str) -> str | None:
    if address is None or not address.strip():
        return None
    try:
        return check_address(address.strip().lower())
    except HeaderInjectionError as error:
        raise CorrectionError(f"Địa chỉ {what} không hợp lệ: «{address}».") from error


def set_contact(
    session: Session, registry: Registry, name: str, email: str | None, head_email: str | None
) -> Agency:
    agency = find_agency(session, name, registry)
    if email is not None:
        agency.email = _valid(email, "thư của cơ quan")
        agency.address_problem = None
    if head_email is not None:
        agency.head_email = _valid(head_email, "thư của thủ trưởng")
    session.add(agency)
    return agency


def set_plan_contacts(
    session: Session,
    registry: Registry,
    plan_id: int,
    coordinator: str | None,
    leadership: str | None,
) -> None:
    plan = get_plan(session, plan_id)
    if coordinator:
        plan.coordinator_id = find_agency(session, coordinator, registry).id
    if leadership is not None:
        addresses = [_valid(a, "lãnh đạo") for a in leadership.split(",") if a.strip()]
        plan.leadership_emails = ",".join(a for a in addresses if a)
    session.add(plan)


def check_plan(session: Session, plan_id: int) -> list[str]:
    """Every problem with the addresses this plan's mail would go to, in Vietnamese."""
    plan = get_plan(session, plan_id)
    problems = []
    coordinator = session.get(Agency, plan.coordinator_id) if plan.coordinator_id else None
    if coordinator is None:
        problems.append("Kế hoạch chưa có cơ quan thường trực (điều phối).")
    elif not coordinator.email:
        problems.append(f"Cơ quan thường trực «{coordinator.name}» chưa có địa chỉ thư.")
    if not plan.leadership_emails:
        problems.append("Kế hoạch chưa có địa chỉ thư của lãnh đạo.")
    for agency in _bodies(session, plan_id):
        if not agency.email:
            problems.append(f"«{agency.name}» chưa có địa chỉ thư.")
        if not agency.head_email:
            problems.append(f"«{agency.name}» chưa có địa chỉ thư của thủ trưởng.")
        if agency.address_problem:
            problems.append(f"«{agency.name}»: thư bị trả lại — {agency.address_problem}")
    return problems


def _bodies(session: Session, plan_id: int) -> list[Agency]:
    live = select(Task.id).where(Task.plan_id == plan_id, col(Task.status) != TaskStatus.DROPPED)
    lead_ids = set(
        session.exec(
            select(Task.lead_id).where(
                Task.plan_id == plan_id, col(Task.status) != TaskStatus.DROPPED
            )
        ).all()
    )
    partner_ids = set(
        session.exec(select(TaskPartner.agency_id).where(col(TaskPartner.task_id).in_(live))).all()
    )
    ids = {i for i in lead_ids | partner_ids if i is not None}
    return list(
        session.exec(
            select(Agency).where(col(Agency.id).in_(ids)).order_by(Agency.name, col(Agency.id))
        ).all()
    )
