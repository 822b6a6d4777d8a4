"""Leadership's figures as pictures: horizontal bars (overdue work by body) and a line (on-time
rate by quarter), server-side SVG. Pure: figures in, SVG text out (all text escaped).

Each picture scales to its box (a ``viewBox`` and no fixed size: CSS gives the width), is drawn
for a phone first (400 units wide, 13-unit text, so about 12 px on a 390 px screen) and carries
its own accessible name and description (``role="img"``, ``<title>``, ``<desc>``). The same
figures are always in a table beside it: the picture is never the only place a number is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 360
LABEL_SIZE, SMALL_SIZE = 14, 12
CHAR_WIDTH = 0.52  # average advance of a character, in font sizes (system sans, Vietnamese)
ROW_H, BAR_H = 44, 15
VALUE_ROOM = 44  # right of the longest bar, for its figure
MAX_BARS = 12
INK, MUTED, GRID, LINE = "#1d2430", "#5c6675", "#d8dde5", "#0b5cad"


@dataclass(frozen=True)
class Bar:
    """One row: a label, its figures stacked left to right (one per legend entry), and where
    the row leads (a filtered list), if anywhere."""

    label: str
    parts: tuple[int, ...]
    href: str | None = None

    @property
    def total(self) -> int:
        return sum(self.parts)


@dataclass(frozen=True)
class Point:
    """One quarter on the line: its label on two lines under the axis, and its rate (0–1), or
    None when nothing was due and judged in it (a gap, not a zero)."""

    top: str
    bottom: str
    rate: float | None
    title: str


def _fits(text: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to what fits ``width`` at font ``size``."""
    room = max(4, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _open(ident: str, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" id={quoteattr(ident)} '
        f'font-family="system-ui, Segoe UI, Roboto, Arial, sans-serif">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )


def _legend(entries: Sequence[tuple[str, str]], y: int) -> tuple[list[str], int]:
    """Swatches and names flowing left to right, wrapping; returns the marks and the y below."""
    out, x = [], 0.0
    for name, colour in entries:
        width = 16 + _text_width(name, SMALL_SIZE) + 14
        if x and x + width > WIDTH:
            x, y = 0.0, y + 18
        out.append(
            f'<rect x="{x:.0f}" y="{y}" width="11" height="11" rx="2" fill={quoteattr(colour)}/>'
            f'<text x="{x + 16:.0f}" y="{y + 10}" font-size="{SMALL_SIZE}" fill="{MUTED}">'
            f"{escape(name)}</text>"
        )
        x += width
    return out, y + 24


def bar_chart(
    bars: Sequence[Bar],
    legend: Sequence[tuple[str, str]],
    *,
    ident: str,
    title: str,
    desc: str,
    more: str = "cơ quan khác",
) -> str:
    """Horizontal bars, the label above each bar, stacked parts coloured as in ``legend``
    ((name, colour) per part); at most ``MAX_BARS`` rows, the rest counted under them."""
    shown, hidden = list(bars[:MAX_BARS]), len(bars) - MAX_BARS
    peak = max((b.total for b in shown), default=0) or 1
    scale = (WIDTH - VALUE_ROOM) / peak
    marks, y = _legend(legend, 0) if len(legend) > 1 else ([], 0)
    for bar in shown:
        row = [
            f"<title>{escape(bar.label)}: {bar.total}</title>",
            f'<text x="0" y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="{INK}">'
            f"{escape(_fits(bar.label, LABEL_SIZE, WIDTH))}</text>",
        ]
        x = 0.0
        for value, (_, colour) in zip(bar.parts, legend, strict=True):
            if value:
                row.append(
                    f'<rect x="{x:.1f}" y="{y + 20}" width="{value * scale:.1f}" '
                    f'height="{BAR_H}" fill={quoteattr(colour)}/>'
                )
                x += value * scale
        row.append(
            f'<text x="{x + 6:.1f}" y="{y + 32}" font-size="{LABEL_SIZE}" font-weight="600" '
            f'fill="{INK}">{bar.total}</text>'
        )
        group = f"<g>{''.join(row)}</g>"
        marks.append(f"<a href={quoteattr(bar.href)}>{group}</a>" if bar.href else group)
        y += ROW_H
    if hidden > 0:
        marks.append(
            f'<text x="0" y="{y + LABEL_SIZE}" font-size="{SMALL_SIZE}" fill="{MUTED}">'
            f"… và {hidden} {escape(more)} (xem bảng)</text>"
        )
        y += ROW_H // 2
    return _open(ident, max(y, 1), title, desc) + "".join(marks) + "</svg>"


PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 42, 14, 22, 44
LINE_HEIGHT = 220


def line_chart(points: Sequence[Point], *, ident: str, title: str, desc: str) -> str:
    """A rate (0–100 %) per quarter: grid lines each 25 %, a dot and its figure per known
    point, the line broken where a quarter has none."""
    plot_w = WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_h = LINE_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def at(index: int, rate: float) -> tuple[float, float]:
        x = PLOT_LEFT + (index * step if len(points) > 1 else plot_w / 2)
        return x, PLOT_TOP + plot_h * (1 - rate)

    out = []
    for tick in (0, 25, 50, 75, 100):
        _, y = at(0, tick / 100)
        out.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{WIDTH - PLOT_RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" font-size="{SMALL_SIZE}" '
            f'text-anchor="end" fill="{MUTED}">{tick}%</text>'
        )
    run: list[str] = []
    runs: list[list[str]] = [run]
    for index, point in enumerate(points):
        if point.rate is None:
            run = []
            runs.append(run)
            continue
        x, y = at(index, point.rate)
        run.append(f"{x:.1f},{y:.1f}")
    for part in runs:
        if len(part) > 1:
            out.append(
                f'<polyline points="{" ".join(part)}" fill="none" stroke="{LINE}" '
                f'stroke-width="2.5" stroke-linejoin="round"/>'
            )
    base = LINE_HEIGHT - PLOT_BOTTOM
    for index, point in enumerate(points):
        x, _ = at(index, 0)
        out.append(
            f'<text x="{x:.1f}" y="{base + 16}" font-size="{SMALL_SIZE}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(point.top)}</text>'
        )
        if point.bottom:
            out.append(
                f'<text x="{x:.1f}" y="{base + 31}" font-size="{SMALL_SIZE}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(point.bottom)}</text>'
            )
        if point.rate is None:
            continue
        x, y = at(index, point.rate)
        out.append(
            f"<g><title>{escape(point.title)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{LINE}"/>'
            f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="{SMALL_SIZE}" font-weight="600" '
            f'text-anchor="middle" fill="{INK}">{round(point.rate * 100)}%</text></g>'
        )
    if all(point.rate is None for point in points):
        out.append(
            f'<text x="{PLOT_LEFT + plot_w / 2:.1f}" y="{PLOT_TOP + plot_h / 2:.1f}" '
            f'font-size="{SMALL_SIZE}" text-anchor="middle" fill="{MUTED}">'
            "Chưa có nhiệm vụ nào đã đến hạn trong các quý này</text>"
        )
    return _open(ident, LINE_HEIGHT, title, desc) + "".join(out) + "</svg>"
