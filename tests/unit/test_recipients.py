"""Who is asked to direct overdue work: never the body that leads it."""

from __future__ import annotations

from workflows.followup.recipients import Recipient, outside_lead

COORDINATOR = Recipient("coordinator", 1, "vanphong@tn.gov.vn")
LEADERS = [
    Recipient("leader", None, "chutich@tn.gov.vn"),
    Recipient("leader", None, "pct@tn.gov.vn"),
]


def test_the_coordinator_is_asked_when_another_body_leads_the_task() -> None:
    assert outside_lead([[COORDINATOR], LEADERS], 7, {"ld@tn.gov.vn"}) == [COORDINATOR]


def test_a_coordinator_leading_the_task_passes_its_step_up_to_the_leadership() -> None:
    assert outside_lead([[COORDINATOR], LEADERS], 1, {"vanphong@tn.gov.vn"}) == LEADERS


def test_the_lead_is_recognised_by_its_address_too() -> None:
    same_mailbox = Recipient("coordinator", 2, "ld@tn.gov.vn")  # a duplicate registry row
    assert outside_lead([[same_mailbox], LEADERS], 7, {"ld@tn.gov.vn"}) == LEADERS


def test_a_leader_who_is_the_lead_is_left_out_and_the_others_are_told() -> None:
    assert outside_lead([LEADERS], 7, {"chutich@tn.gov.vn"}) == LEADERS[1:]


def test_nobody_is_told_when_the_lead_is_the_top_of_the_ladder() -> None:
    assert outside_lead([LEADERS[:1]], 7, {"chutich@tn.gov.vn"}) == []


def test_a_missing_address_is_kept_so_the_coordinator_sees_it() -> None:
    missing = Recipient("leader", None, None, "missing")
    assert outside_lead([[COORDINATOR], [missing]], 1, {"vanphong@tn.gov.vn"}) == [missing]
