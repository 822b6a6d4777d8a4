"""What one document may cost to parse: beyond the bounds, a Vietnamese message, not a hang."""

from __future__ import annotations

import pytest

from workflows.intake.errors import DocumentError
from workflows.parsing.limits import ParseLimits, PlanTooCostly
from workflows.parsing.plan import parse_plan
from workflows.plans.extraction import extract_bytes
from workflows.registry.registry import Registry

PLAN = "KẾ HOẠCH\n\nIV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế\n\n" + "\n\n".join(
    f"- Kiểm tra nội dung {i}." for i in range(30)
)


def test_a_text_longer_than_the_bound_is_refused_before_parsing() -> None:
    with pytest.raises(PlanTooCostly, match="quá giới hạn 100 ký tự"):
        parse_plan(PLAN, limits=ParseLimits(max_chars=100))


def test_more_duties_than_the_bound_are_refused_with_the_count() -> None:
    with pytest.raises(PlanTooCostly, match="có 30 nhiệm vụ, quá giới hạn 10 nhiệm vụ"):
        parse_plan(PLAN, limits=ParseLimits(max_duties=10))


def test_parsing_longer_than_the_time_bound_is_stopped() -> None:
    with pytest.raises(PlanTooCostly, match="phân tích quá 0 giây"):
        parse_plan(PLAN, limits=ParseLimits(max_cpu_seconds=1e-9))


def test_without_limits_nothing_is_checked() -> None:
    assert len(parse_plan(PLAN).tasks) == 30


def test_an_upload_beyond_the_bounds_is_a_document_error_naming_the_file() -> None:
    data = ("KẾ HOẠCH\n\n" + "- Kiểm tra.\n\n" * 200_000).encode()
    with pytest.raises(DocumentError) as error:
        extract_bytes(data, "lon.txt", Registry([]))
    assert error.value.code == "too_large"
    assert error.value.message.startswith("Tệp «lon.txt»: văn bản dài")
