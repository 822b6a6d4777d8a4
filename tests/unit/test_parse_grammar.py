"""General rules of Vietnamese plan grammar (issue 8), each on a short synthetic plan."""

from __future__ import annotations

from workflows.parsing.plan import parse_plan

HEAD = (
    "ỦY BAN NHÂN DÂN TỈNH A\n\nSố: 1/KH-UBND\n\nA, ngày 2 tháng 3 năm 2025\n\n"
    "KẾ HOẠCH\n\nThực hiện nhiệm vụ năm 2025\n\n"
)


def _plan(body: str):  # type: ignore[no-untyped-def]
    return parse_plan(HEAD + body)


def test_solutions_for_carrying_out_the_plan_are_content_not_an_assignment_section() -> None:
    plan = _plan(
        "III. DỰ BÁO TÁC ĐỘNG VÀ CÁC GIẢI PHÁP TỔ CHỨC THỰC HIỆN KẾ HOẠCH\n\n"
        "1. Dự báo\n\n- Kinh tế tiếp tục tăng trưởng.\n\n"
        "2. Giải pháp\n\n- Tăng cường công tác quản lý thu.\n"
    )
    assert plan.tasks == []


def test_a_part_titled_solutions_and_organisation_still_assigns() -> None:
    plan = _plan("IV. GIẢI PHÁP VÀ TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n- Tăng cường kiểm tra.\n")
    assert [(t.lead, t.text) for t in plan.tasks] == [("Sở Y tế", "Tăng cường kiểm tra.")]
