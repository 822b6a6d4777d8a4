"""The parser reads the three Kon Tum plans as a careful reviewer did (tests/data/plans goldens).

Each plan is parsed as .txt, and rendered to .docx and .pdf then read back (when tests/docgen.py
and the readers exist); the same golden applies to every format, except source line numbers,
which only the .txt keeps.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.golden import (
    FORMATS,
    PLANS_DIR,
    Names,
    PlanComparison,
    as_list,
    compare_plan,
    document_path,
    extract,
    golden_paths,
    load_golden,
    match_duties,
    norm_text,
    renderers_available,
)
from tests.golden import load_registry_or_none as registry
from workflows.parsing.result import ExtractedTask, TaskKind

PLANS = (
    "tu-mo-rong-2022-giam-ngheo",
    "ngoc-hoi-2022-cuoc-van-dong",
    "dak-to-lung-2024-cuoc-van-dong",
)
CASES = [pytest.param(p, f, id=f"{p}{f}") for p in PLANS for f in FORMATS]
TXT_CASES = [pytest.param(p, ".txt", id=p) for p in PLANS]

_cache: dict[tuple[str, str], PlanComparison] = {}


def golden(name: str) -> dict[str, Any]:
    return load_golden(PLANS_DIR / f"{name}.expected.json")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rendered")


def compared(name: str, fmt: str, workdir: Path) -> PlanComparison:
    """Parse (once per plan and format) and compare with the golden."""
    if fmt != ".txt" and not renderers_available():
        pytest.skip("tests/docgen.py or workflows.intake.readers is missing: no .docx/.pdf round")
    if (name, fmt) not in _cache:
        g = golden(name)
        plan = extract(
            document_path(PLANS_DIR / f"{name}.expected.json", g), fmt, workdir, registry()
        )
        _cache[name, fmt] = compare_plan(plan, g, check_lines=fmt == ".txt", registry=registry())
    return _cache[name, fmt]


def lines(results: list[Any]) -> str:
    return "\n  " + "\n  ".join(r.describe() for r in results)


def with_field_wrong(c: PlanComparison, *fields: str) -> list[Any]:
    return [r for r in c.duties if r.status == "right" and set(r.mismatches) & set(fields)]


# --- the goldens themselves -------------------------------------------------------------------


ALL_GOLDENS = [
    pytest.param(p, id=p.relative_to(PLANS_DIR).as_posix().removesuffix(".expected.json"))
    for p in golden_paths(PLANS_DIR) + golden_paths(PLANS_DIR / "more")
]


@pytest.mark.parametrize("path", ALL_GOLDENS)
def test_every_golden_phrase_is_in_its_document_near_its_line(path: Path) -> None:
    g = load_golden(path)
    doc_lines = document_path(path, g).read_text(encoding="utf-8").split("\n")
    whole = norm_text(" ".join(doc_lines))
    problems = []
    for i, duty in enumerate(g["duties"], 1):
        lines_ = as_list(duty["line"])
        near = norm_text(" ".join(doc_lines[min(lines_) - 1 : max(lines_) + 8]))
        is_reference = "Mục" in duty.get("note", "")  # a referenced section's title, elsewhere
        for phrase in map(norm_text, as_list(duty["text_contains"])):
            if phrase not in whole or not (is_reference or phrase in near):
                problems.append(f"duty #{i} «{phrase}» not at line {duty['line']}")
    for t in g["targets"]:
        if norm_text(t["text_contains"]) not in whole:
            problems.append(f"target «{t['text_contains']}» not in the document")
    for edge in g["edges"]:
        for key in ("from_text_contains", "to_text_contains"):
            if not any(d["text_contains"] == edge[key] for d in g["duties"]):
                problems.append(f"edge end «{edge[key]}» is no duty's text_contains")
    assert not problems, "\n".join(problems)


# --- the comparison helpers, on hand-made tasks --------------------------------------------------

_DUTY = {
    "line": 3, "section": "IV.1", "lead": "Phòng Lao động - TB&XH huyện",
    "partners": ["các cơ quan liên quan"], "due": "2022-06-30", "recurrence": "6 tháng",
    "kind": "report", "text_contains": "báo cáo kết quả thực hiện",
}  # fmt: skip


def _task(lead: str, partners: list[str], due: date | None = date(2022, 6, 30)) -> ExtractedTask:
    return ExtractedTask(
        "T1", "IV.1", 3, "Tổng hợp báo cáo kết quả thực hiện định kỳ", TaskKind.REPORT,
        lead, partners, due, "6 tháng",
    )  # fmt: skip


def test_a_differently_spelled_lead_with_its_partners_is_found_right() -> None:
    names = Names("huyện Tu Mơ Rông")
    task = _task("Phòng Lao động – Thương binh và Xã hội", ["Các cơ quan có liên quan"])
    (result,), extras = match_duties([_DUTY], [task], names, check_lines=True)
    assert (result.status, result.mismatches, extras) == ("right", {}, [])


def test_a_duty_found_on_another_body_is_a_wrong_body() -> None:
    (result,), _ = match_duties([_DUTY], [_task("Phòng Y tế huyện", [])], Names(None), True)
    assert result.status == "wrong_body"


def test_a_required_duty_takes_a_task_before_an_optional_one_that_agrees_as_well() -> None:
    optional = {**_DUTY, "optional": True}
    task = _task("Phòng Lao động – Thương binh và Xã hội", ["Các cơ quan có liên quan"])
    first, second = match_duties([optional, _DUTY], [task], Names("huyện Tu Mơ Rông"), True)[0]
    assert (first.status, second.status) == ("missed", "right")


def test_a_found_duty_reports_each_field_that_differs() -> None:
    task = _task("Phòng LĐ-TB&XH", ["UBND các xã"], due=None)
    (result,), _ = match_duties([_DUTY], [task], Names("huyện Tu Mơ Rông"), check_lines=True)
    assert (result.status, sorted(result.mismatches)) == ("right", ["due", "partners"])


def test_one_task_cannot_stand_for_two_duties() -> None:
    second = dict(_DUTY, due="2022-12-15", recurrence="năm")
    results, _ = match_duties(
        [_DUTY, second], [_task("Phòng LĐ-TB&XH huyện", [])], Names(None), True
    )
    assert [r.status for r in results] == ["right", "missed"]


# --- the parser against the goldens ------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_every_expected_duty_is_found_on_its_lead_body(name: str, fmt: str, workdir: Path) -> None:
    c = compared(name, fmt, workdir)
    not_right = c.with_status("missed") + c.with_status("wrong_body")
    assert not not_right, (
        f"{len(not_right)} of {len(c.duties)} duties not found on their lead:" + lines(not_right)
    )


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_no_duty_is_assigned_to_a_wrong_body(name: str, fmt: str, workdir: Path) -> None:
    c = compared(name, fmt, workdir)
    wrong = [r for r in c.duties if r.status == "wrong_body"]
    assert not wrong, "duties on a wrong body:" + lines(wrong)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_found_duties_have_the_expected_partners(name: str, fmt: str, workdir: Path) -> None:
    wrong = with_field_wrong(compared(name, fmt, workdir), "partners")
    assert not wrong, "partners differ:" + lines(wrong)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_found_duties_have_the_expected_due_date_and_recurrence(
    name: str, fmt: str, workdir: Path
) -> None:
    wrong = with_field_wrong(compared(name, fmt, workdir), "due", "recurrence")
    assert not wrong, "due or recurrence differ:" + lines(wrong)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_found_duties_have_the_expected_kind_section_and_report_route(
    name: str, fmt: str, workdir: Path
) -> None:
    wrong = with_field_wrong(compared(name, fmt, workdir), "kind", "section", "report_to", "via")
    assert not wrong, "kind, section or report route differ:" + lines(wrong)


@pytest.mark.parametrize(("name", "fmt"), TXT_CASES)
def test_found_duties_start_on_the_expected_source_line(name: str, fmt: str, workdir: Path) -> None:
    wrong = with_field_wrong(compared(name, fmt, workdir), "line")
    assert not wrong, "source lines differ:" + lines(wrong)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_targets_are_found_with_value_unit_comparator_and_due(
    name: str, fmt: str, workdir: Path
) -> None:
    problems = [
        f"«{e['text_contains']}»: " + ("not found" if t is None else repr(mismatches))
        for e, t, mismatches in compared(name, fmt, workdir).targets
        if t is None or mismatches
    ]
    assert not problems, "targets:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_dependency_edges_are_present(name: str, fmt: str, workdir: Path) -> None:
    missing = compared(name, fmt, workdir).missing_edges
    assert not missing, "missing edges:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_warnings_mention_the_expected_problems(name: str, fmt: str, workdir: Path) -> None:
    assert compared(name, fmt, workdir).missing_warnings == []


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_header_fields_match_the_document(name: str, fmt: str, workdir: Path) -> None:
    assert compared(name, fmt, workdir).header == {}
