"""Who a message is for, in words: the body (or its head, or the plan's leadership) by name.

A notice or outbox row whose recipient has no usable address keeps a marker instead of one
(``missing:<role>:<body id>``, see :func:`missing_key`); nobody ever reads that marker:
:func:`addressee_label` names the body and says it has no address, on the web, in the CLI and
in sweep reports alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.agencies import Agency
from models.plans import Plan
from workflows.parsing.text import fold

MISSING_PREFIX = "missing:"
NO_ADDRESS = "chưa có địa chỉ thư"
UNKNOWN_BODY = "(không rõ cơ quan)"

# Who leads an issuing body, by the kind of body (first match wins); "Lãnh đạo" otherwise.
# Compared folded: case and tone-mark placement ("Huyện uỷ", "Huyện ủy") do not matter.
_LEADERSHIP = (
    (("mặt trận tổ quốc", "mttq"), "Ban Thường trực"),
    (("tỉnh ủy", "huyện ủy", "thành ủy", "đảng ủy"), "Ban Thường vụ"),
    (("hội đồng nhân dân", "hđnd"), "Thường trực"),
)
_ALREADY_LEADERSHIP = ("ban thường trực", "ban thường vụ", "thường trực", "lãnh đạo")


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


def leadership_name(issuer: str | None) -> str:
    """The plan's own leadership, named after its issuing body: "Ủy ban MTTQ Việt Nam tỉnh Kon
    Tum" → "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Kon Tum"; "Ủy ban nhân dân huyện Tu Mơ
    Rông" → "Lãnh đạo Ủy ban nhân dân huyện Tu Mơ Rông"."""
    if not issuer or not issuer.strip():
        return "Lãnh đạo cơ quan ban hành kế hoạch"
    name = " ".join(issuer.split())
    folded = fold(name)
    if folded.startswith(tuple(fold(w) for w in _ALREADY_LEADERSHIP)):
        return name  # the issuer is the leadership itself ("Ban Thường trực Ủy ban MTTQ…")
    for words, title in _LEADERSHIP:
        if any(fold(w) in folded for w in words):
            return f"{title} {name}"
    return f"Lãnh đạo {name}"


def recipient_name(agency: Agency | None, role: str, plan: Plan | None = None) -> str:
    """Whom a message addresses: a body, its head, or (no body) the plan's leadership."""
    if agency is None:
        return leadership_name(plan.issuer if plan else None)
    return f"Thủ trưởng {agency.name}" if role == "head" else agency.name


def addressee_name(
    recipient: str, agency: Agency | None, plan: Plan | None, role: str | None = None
) -> str | None:
    """Whom a notice or message is for by name (None: nobody we know). A message without a
    body and with an address is the plan's leadership's."""
    role = role or missing_role(recipient) or ("body" if agency is not None else "leader")
    if agency is None and not (role == "leader" and (plan is not None or is_missing(recipient))):
        return None
    return recipient_name(agency, role, plan)


def addressee_label(
    recipient: str, agency: Agency | None, plan: Plan | None, role: str | None = None
) -> str:
    """How a notice's or message's recipient is shown: "Phòng Y tế <yte@…>", "Thủ trưởng
    Phòng Y tế — chưa có địa chỉ thư", or the bare address when it is nobody's we know."""
    who = addressee_name(recipient, agency, plan, role)
    if is_missing(recipient):
        return f"{who or UNKNOWN_BODY} — {NO_ADDRESS}"
    return f"{who} <{recipient}>" if who else recipient


@dataclass(frozen=True)
class Addressed:
    """What naming one recipient takes: its column, its body, its plan, its role if known."""

    recipient: str
    agency_id: int | None
    plan_id: int | None
    role: str | None = None


def addressee_labels(session: Session, rows: Iterable[Addressed]) -> list[str]:
    """:func:`addressee_label` for many rows, loading their bodies and plans in two queries."""
    rows = list(rows)
    agency_ids = {r.agency_id for r in rows if r.agency_id is not None}
    plan_ids = {r.plan_id for r in rows if r.plan_id is not None}
    agencies = {
        a.id: a for a in session.exec(select(Agency).where(col(Agency.id).in_(agency_ids))).all()
    }
    plans = {p.id: p for p in session.exec(select(Plan).where(col(Plan.id).in_(plan_ids))).all()}
    return [
        addressee_label(r.recipient, agencies.get(r.agency_id), plans.get(r.plan_id), r.role)
        for r in rows
    ]
