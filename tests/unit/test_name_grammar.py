"""Where a body's name ends: a locative complement tied by a preposition stays in it."""

from __future__ import annotations

from workflows.parsing.plan import parse_plan

PLAN = """\
ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG

KẾ HOẠCH
Phát triển nhân lực số năm 2026

I. TỔ CHỨC THỰC HIỆN

1. Các trường cao đẳng ở các lĩnh vực kỹ thuật mở thêm lớp đào tạo kỹ năng số cho thanh niên.

2. Lãnh đạo Sở các chỉ tiêu được giao theo dõi hằng quý.
"""


def test_a_name_goes_on_past_a_preposition_before_cac_and_stops_at_its_verb():
    leads = [t.lead for t in parse_plan(PLAN).tasks]
    assert leads[0] == "Các trường cao đẳng ở các lĩnh vực kỹ thuật"


def test_cac_before_a_word_that_names_no_body_still_ends_a_name_without_a_preposition():
    leads = [t.lead for t in parse_plan(PLAN).tasks]
    assert leads[1] == "Lãnh đạo Sở"
