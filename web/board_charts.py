"""The leadership pages' pictures, from the figures their tables show (``web.charts_svg``
draws; this names, colours and links). Pure: figures in, SVG text out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from web.charts_svg import Bar, Point, bar_chart, line_chart
from web.queries_board import BUCKETS, BoardRow, Scorecard
from web.render import query_string
from workflows.rules.quarters import ROMAN, Period, Quarter

# Lighter to darker red as the work gets later.
LATENESS_COLOURS = ("#f0a49b", "#e0685c", "#bf3a2e", "#7c1c15")
OUTCOMES = (
    ("Đúng hạn", "#2e9e5b"),
    ("Hoàn thành quá hạn", "#e0a030"),
    ("Đang quá hạn", "#bf3a2e"),
    ("Chưa đến hạn", "#b8c2cf"),
)


def overdue_bars(by_body: Sequence[BoardRow], params: dict[str, Any]) -> Markup:
    """The board's overdue tasks by lead body, each bar split by lateness and leading to the
    board filtered on that body."""
    bars = [
        Bar(
            r.name,
            r.buckets,
            None if r.key is None else query_string(params, agency=r.key, page=None),
        )
        for r in by_body
    ]
    labels = [label for *_, label in BUCKETS]
    legend = list(zip(labels, LATENESS_COLOURS, strict=True))
    total = sum(r.total for r in by_body)
    return Markup(
        bar_chart(
            bars,
            legend,
            ident="chart-overdue",
            title="Nhiệm vụ quá hạn theo cơ quan chủ trì",
            desc=f"{total} nhiệm vụ quá hạn của {len(bars)} cơ quan, chia theo số ngày trễ; "
            "số liệu ở bảng «Theo cơ quan chủ trì».",
        )
    )


def outcome_bars(cards: Sequence[Scorecard], period: Period) -> Markup:
    """Each body's tasks due in the period: on time, done late, overdue, not yet due."""
    bars = [
        Bar(c.name, (c.on_time, c.late, c.open_overdue, c.open_pending))
        for c in sorted(cards, key=lambda c: (-c.due, c.name))
    ]
    return Markup(
        bar_chart(
            bars,
            OUTCOMES,
            ident="chart-outcomes",
            title=f"Kết quả thực hiện theo cơ quan · {period.label}",
            desc=f"Nhiệm vụ có hạn trong kỳ của {len(bars)} cơ quan: đúng hạn, hoàn thành quá "
            "hạn, đang quá hạn, chưa đến hạn; số liệu ở bảng đánh giá.",
        )
    )


def rate_line(rates: Sequence[tuple[Quarter, Scorecard]]) -> Markup:
    """The on-time rate of every body together, quarter by quarter."""
    points = [
        Point(
            ROMAN[q.number - 1],
            # the year under its first quarter shown, and under each Quý I
            str(q.year) if i == 0 or q.number == 1 else "",
            r.on_time_rate,
            f"{q.label}: {r.on_time}/{r.judged} đúng hạn",
        )
        for i, (q, r) in enumerate(rates)
    ]
    span = f"{rates[0][0].label} – {rates[-1][0].label}" if rates else ""
    return Markup(
        line_chart(
            points,
            ident="chart-on-time",
            title=f"Tỷ lệ đúng hạn theo quý · {span}",
            desc="Tỷ lệ nhiệm vụ hoàn thành đúng hạn trên số đã hoàn thành hoặc đã quá hạn, "
            "mọi cơ quan; quý không có nhiệm vụ đến hạn để trống; số liệu ở bảng dưới.",
        )
    )
