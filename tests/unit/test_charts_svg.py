"""The leadership pictures are drawn from their figures alone: bars as long as their numbers,
a line through the known quarters, every text escaped, an accessible name on each."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from web.charts_svg import MAX_BARS, VALUE_ROOM, WIDTH, Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
LEGEND = [("1–7 ngày", "#aaa"), ("> 7 ngày", "#333")]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    return root


def bar_widths(root: ET.Element) -> list[list[float]]:
    """Each row's rectangles' widths (the legend's swatches are outside the rows)."""
    return [
        [float(r.get("width", "0")) for r in group.iter(f"{SVG}rect")]
        for group in root.iter(f"{SVG}g")
    ]


def test_each_bar_is_as_long_as_its_figures_and_the_longest_fills_the_width():
    bars = [Bar("Phòng A", (3, 1)), Bar("Phòng B", (0, 2)), Bar("Phòng C", (1, 0))]
    root = parse(bar_chart(bars, LEGEND, ident="c", title="Quá hạn", desc="Theo cơ quan"))
    widths = bar_widths(root)
    unit = (WIDTH - VALUE_ROOM) / 4
    assert widths == [[3 * unit, 1 * unit], [2 * unit], [1 * unit]]  # empty parts not drawn
    figures = [g.findall(f"{SVG}text")[-1].text for g in root.iter(f"{SVG}g")]
    assert figures == ["4", "2", "1"]


def test_a_chart_is_named_for_screen_readers_and_scales_to_its_box():
    svg = bar_chart([Bar("Phòng A", (1, 0))], LEGEND, ident="over", title="Quá hạn", desc="Mô tả")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "over-title over-desc"
    assert root.find(f"{SVG}title").text == "Quá hạn"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Mô tả"  # type: ignore[union-attr]
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert root.get("width") is None and root.get("height") is None  # CSS sizes it


def test_a_long_body_name_is_cut_on_the_picture_and_kept_whole_in_its_tooltip():
    name = "Phòng Lao động - Thương binh và Xã hội huyện Tu Mơ Rông tỉnh Kon Tum (cơ quan mới)"
    root = parse(bar_chart([Bar(name, (5, 0))], LEGEND, ident="c", title="t", desc="d"))
    row = next(root.iter(f"{SVG}g"))
    assert row.find(f"{SVG}title").text == f"{name}: 5"  # type: ignore[union-attr]
    shown = row.findall(f"{SVG}text")[0].text or ""
    assert shown.endswith("…") and name.startswith(shown[:-1]) and len(shown) < len(name)


def test_names_with_markup_are_text_not_markup():
    hostile = '<script>alert(1)</script> & "Phòng"'
    bars = [Bar(hostile, (1, 0), href='?a="x"')]
    svg = bar_chart(bars, LEGEND, ident="c", title=hostile, desc="")
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == hostile  # type: ignore[union-attr]
    link = next(root.iter(f"{SVG}a"))
    assert link.get("href") == '?a="x"'


def test_a_bar_leads_where_its_row_says_and_one_without_a_link_is_plain():
    bars = [Bar("Phòng A", (2, 0), href="?agency=7"), Bar("(chưa có cơ quan)", (1, 0))]
    root = parse(bar_chart(bars, LEGEND, ident="c", title="t", desc="d"))
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["?agency=7"]
    assert len(list(root.iter(f"{SVG}g"))) == 2


def test_beyond_the_first_rows_the_rest_are_counted_not_drawn():
    bars = [Bar(f"Xã {n}", (n, 0)) for n in range(MAX_BARS + 3, 0, -1)]
    root = parse(bar_chart(bars, LEGEND, ident="c", title="t", desc="d"))
    assert len(list(root.iter(f"{SVG}g"))) == MAX_BARS
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "… và 3 cơ quan khác (xem bảng)" in texts


def test_a_legend_names_every_part_and_a_single_part_needs_none():
    root = parse(bar_chart([Bar("A", (1, 1))], LEGEND, ident="c", title="t", desc="d"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:2] == ["1–7 ngày", "> 7 ngày"]
    alone = parse(bar_chart([Bar("A", (1,))], [("x", "#000")], ident="c", title="t", desc="d"))
    assert [t.text for t in alone.iter(f"{SVG}text")] == ["A", "1"]


def points(*rates: float | None) -> list[Point]:
    return [Point(f"Quý {i}", "2024", r, f"q{i}") for i, r in enumerate(rates, 1)]


def polyline_ys(root: ET.Element) -> list[list[float]]:
    return [
        [float(xy.split(",")[1]) for xy in (line.get("points") or "").split()]
        for line in root.iter(f"{SVG}polyline")
    ]


def test_the_line_rises_with_the_rate_and_labels_each_known_point():
    root = parse(line_chart(points(0.5, 1.0, 0.25), ident="r", title="Tỷ lệ", desc="d"))
    (ys,) = polyline_ys(root)
    assert ys[1] < ys[0] < ys[2]  # SVG's y grows downwards: 100 % is highest
    assert ys[0] - ys[1] == 2 * (ys[2] - ys[0])  # 50 → 100 is twice 25 → 50
    labels = [g.findall(f"{SVG}text")[0].text for g in root.iter(f"{SVG}g")]
    assert labels == ["50%", "100%", "25%"]


def test_a_quarter_without_a_rate_breaks_the_line_instead_of_reading_as_zero():
    root = parse(line_chart(points(0.5, 0.6, None, 0.8, 0.9), ident="r", title="t", desc="d"))
    assert [len(ys) for ys in polyline_ys(root)] == [2, 2]
    assert len(list(root.iter(f"{SVG}circle"))) == 4
    axis = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("Quý")]
    assert axis == ["Quý 1", "Quý 2", "Quý 3", "Quý 4", "Quý 5"]  # every quarter on the axis


def test_a_single_point_is_a_dot_without_a_line():
    root = parse(line_chart(points(0.75), ident="r", title="t", desc="d"))
    assert list(root.iter(f"{SVG}polyline")) == [] and len(list(root.iter(f"{SVG}circle"))) == 1


def test_every_figure_drawn_stays_inside_the_picture():
    svg = line_chart(points(0.0, 1.0, 0.5, 1.0, 0.0, 0.3, 1.0, 0.9), ident="r", title="t", desc="d")
    _, _, width, height = (float(v) for v in parse(svg).get("viewBox", "").split())
    for x, y in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"', svg):
        assert 0 <= float(x) <= width and 0 < float(y) <= height


def test_a_line_with_no_known_quarter_says_so_instead_of_drawing_nothing():
    root = parse(line_chart(points(None, None), ident="r", title="t", desc="d"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Chưa có nhiệm vụ nào đã đến hạn trong các quý này" in texts
    assert list(root.iter(f"{SVG}circle")) == []
    one = parse(line_chart(points(None, 0.5), ident="r", title="t", desc="d"))
    assert "Chưa có nhiệm vụ nào đã đến hạn trong các quý này" not in [
        t.text for t in one.iter(f"{SVG}text")
    ]
