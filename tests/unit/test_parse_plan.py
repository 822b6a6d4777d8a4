"""parse_plan end to end on small plans written like real ones, and on the real Kon Tum plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workflows.parsing.plan import parse_plan
from workflows.parsing.result import Body, TaskKind

PLANS = Path(__file__).parents[1] / "data" / "plans"

SMALL = """KẾ HOẠCH

Thực hiện công tác giảm nghèo năm 2022 trên địa bàn huyện Tu Mơ Rông

Ủy ban nhân dân huyện xây dựng Kế hoạch trên địa bàn huyện Tu Mơ Rông như sau:

II. NỘI DUNG

2.5. Hỗ trợ phát triển giáo dục nghề nghiệp

- Đào tạo nghề cho người lao động.

IV. TỔ CHỨC THỰC HIỆN

1. Phòng Lao động - TB&XH huyện

- Là cơ quan thường trực theo dõi, tổng hợp.

- Chủ trì, phối hợp với các đơn vị có liên quan thực hiện các hoạt động tại Mục: 2.5 và 2.13 Phần II.

2. Phòng Y tế huyện

Phối hợp với Phòng Lao động - TB&XH huyện kiểm tra hồ sơ trước ngày 31/6/2022.

V. CHẾ ĐỘ BÁO CÁO

- UBND các xã báo cáo định kỳ 6 tháng (trước ngày 20/6) và năm (trước ngày 10/12) về UBND huyện (qua Phòng Lao động - TB&XH huyện) để tổng hợp.

- Giao Phòng Lao động - TB&XH huyện tổng hợp báo cáo định kỳ 6 tháng (trước ngày 30/6) và năm (trước ngày 15/12) gửi UBND tỉnh.
"""  # noqa: E501


def test_a_referenced_section_becomes_a_task_of_the_heading_body_on_the_citing_line() -> None:
    plan = parse_plan(SMALL)
    task = next(t for t in plan.tasks if t.text == "Hỗ trợ phát triển giáo dục nghề nghiệp")
    assert (task.lead, task.partners, task.section, task.line) == (
        "Phòng Lao động - TB&XH huyện",
        ["Các đơn vị có liên quan"],
        "IV.1",
        19,
    )


def test_a_missing_referenced_section_is_a_warning_with_its_line() -> None:
    assert "Dòng 19: tham chiếu Mục 2.13 Phần II không tồn tại" in parse_plan(SMALL).warnings


def test_an_impossible_deadline_is_a_warning_and_no_due() -> None:
    plan = parse_plan(SMALL)
    task = next(t for t in plan.tasks if t.line == 23)
    assert task.due is None
    assert "Dòng 23: ngày 31/6/2022 không tồn tại" in plan.warnings


def test_report_duties_split_per_period_and_the_summary_depends_on_the_contributions() -> None:
    plan = parse_plan(SMALL)
    reports = [t for t in plan.tasks if t.kind == TaskKind.REPORT]
    by_due = {t.due: t for t in reports}
    assert sorted(by_due) == [
        date(2022, 6, 20),
        date(2022, 6, 30),
        date(2022, 12, 10),
        date(2022, 12, 15),
    ]
    contribution, summary = by_due[date(2022, 6, 20)], by_due[date(2022, 6, 30)]
    assert (contribution.report_to, contribution.via) == (
        "UBND huyện",
        "Phòng Lao động - TB&XH huyện",
    )
    assert summary.depends_on == [contribution.id]
    assert by_due[date(2022, 12, 15)].depends_on == [by_due[date(2022, 12, 10)].id]


def test_the_standing_body_is_the_coordinator_and_the_issuer_comes_from_the_body() -> None:
    plan = parse_plan(SMALL)
    assert plan.coordinator == "Phòng Lao động - TB&XH huyện"
    assert (plan.issuer, plan.locality) == ("Ủy ban nhân dân huyện Tu Mơ Rông", "huyện Tu Mơ Rông")
    assert (plan.period_start, plan.period_end) == (date(2022, 1, 1), date(2022, 12, 31))


def test_every_lead_and_partner_is_a_resolved_body_and_unregistered_ones_are_flagged() -> None:
    seen: list[tuple[str, str | None]] = []

    def resolve(name: str, locality: str | None) -> Body:
        seen.append((name, locality))
        return Body(name=name.upper(), as_written=name, registered=name.startswith("Phòng"))

    plan = parse_plan(SMALL, resolve=resolve)
    names = {b.name for b in plan.bodies}
    assert all(t.lead in names for t in plan.tasks if t.lead)
    assert all(p in names for t in plan.tasks for p in t.partners)
    assert {loc for _, loc in seen} == {"huyện Tu Mơ Rông"}
    assert "Cơ quan chưa có trong danh mục: UBND CÁC XÃ" in plan.warnings


def test_a_plan_without_an_implementation_section_says_so() -> None:
    plan = parse_plan("KẾ HOẠCH\n\nVề việc X năm 2024\n\nI. MỤC ĐÍCH\n\n- Nâng cao nhận thức.\n")
    assert plan.tasks == []
    assert any("Tổ chức thực hiện" in w for w in plan.warnings)


FIELDS = """KẾ HOẠCH

Nâng cao năng lực giai đoạn 2026 - 2030

III. NHIỆM VỤ, GIẢI PHÁP

1. Rà soát, kiện toàn đội ngũ

- Thường xuyên rà soát, kiện toàn đội ngũ cán bộ.

Đơn vị chủ trì thực hiện: Sở Nội vụ.

Đơn vị phối hợp: Sở Tư pháp; các cơ quan liên quan.

Thời gian thực hiện: Tháng 12/2025.

2. Tuyên truyền

- Tuyên truyền pháp luật.
"""


def test_field_lines_after_content_items_assign_them() -> None:
    plan = parse_plan(FIELDS)
    (task,) = plan.tasks
    assert task.text == "Thường xuyên rà soát, kiện toàn đội ngũ cán bộ."
    assert (task.lead, task.partners, task.due) == (
        "Sở Nội vụ",
        ["Sở Tư pháp", "Các cơ quan liên quan"],
        date(2025, 12, 31),
    )


TABLE = """KẾ HOẠCH

Triển khai Đề án năm 2026

IV. TỔ CHỨC THỰC HIỆN

| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
|---|---|---|---|---|
| I | Hoàn thiện thể chế | | | |
| 1 | Rà soát thủ tục hành chính | Sở Tài chính | Các sở, ngành, UBND xã, phường | Quý IV/2025 và Quý I/2026 |
| 2 | Đào tạo cán bộ | Sở Nội vụ, Sở Tư pháp | | Năm 2026 |
"""  # noqa: E501


def test_table_rows_are_tasks_with_lead_partners_due_and_section() -> None:
    plan = parse_plan(TABLE)
    first, second, third = plan.tasks
    assert (first.section, first.lead, first.partners, first.due) == (
        "IV.I",
        "Sở Tài chính",
        ["Các sở, ngành", "UBND xã, phường"],
        date(2026, 3, 31),
    )
    assert [second.lead, third.lead] == ["Sở Nội vụ", "Sở Tư pháp"]  # co-leads: one task each
    assert any(s.key == "IV.I" and s.title == "Hoàn thiện thể chế" for s in plan.sections)


def test_parsing_is_deterministic() -> None:
    text = (PLANS / "ngoc-hoi-2022-cuoc-van-dong.txt").read_text(encoding="utf-8")
    assert parse_plan(text).to_json() == parse_plan(text).to_json()
