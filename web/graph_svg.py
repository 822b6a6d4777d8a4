"""A plan's task graph as server-side SVG: steps in columns by dependency depth, reports
flowing to the body they go to. Pure: nodes and edges in, SVG text out (all text escaped)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 230, 58, 70, 16, 20
MAX_PER_COLUMN = 12
COLOURS = {
    "overdue": "#fbe0de",
    "done_on_time": "#dff3e6",
    "done_late": "#fff0d6",
    "in_progress": "#e3eefb",
    "not_started": "#f2f4f7",
    "dropped": "#eeeeee",
}


@dataclass(frozen=True)
class Node:
    id: int
    text: str
    lead: str
    category: str


def layers(nodes: list[Node], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Depth of each node: 0 for a task depending on nothing, else 1 + its deepest dependency.
    ``edges`` are (task, depends_on). A cycle (bad data) is cut rather than looping."""
    deps: dict[int, list[int]] = {n.id: [] for n in nodes}
    for task, dep in edges:
        if task in deps and dep in deps:
            deps[task].append(dep)
    depth: dict[int, int] = {}
    visiting: set[int] = set()

    def visit(node: int) -> int:
        if node in depth:
            return depth[node]
        if node in visiting:
            return 0
        visiting.add(node)
        depth[node] = 1 + max((visit(d) for d in deps[node]), default=-1)
        visiting.discard(node)
        return depth[node]

    for n in nodes:
        visit(n.id)
    return depth


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_svg(nodes: list[Node], edges: list[tuple[int, int]], reports: dict[int, str]) -> str:
    """``reports`` maps a task to the body it reports to (drawn as a box on the right)."""
    depth = layers(nodes, edges)
    columns: dict[int, list[Node]] = {}
    for n in sorted(nodes, key=lambda n: (depth[n.id], n.id)):
        columns.setdefault(depth[n.id], []).append(n)
    # A deep column is split so the picture stays wide rather than endlessly tall.
    placed: dict[int, tuple[int, int]] = {}
    x_slot = 0
    for _, members in sorted(columns.items()):
        for start in range(0, len(members), MAX_PER_COLUMN):
            for row, n in enumerate(members[start : start + MAX_PER_COLUMN]):
                placed[n.id] = (x_slot, row)
            x_slot += 1
    targets = sorted(set(reports.values()))
    target_row = {t: i for i, t in enumerate(targets)}
    rows = max([r for _, r in placed.values()] + [len(targets) - 1, 0]) + 1
    width = PAD * 2 + (x_slot + (1 if targets else 0)) * (NODE_W + GAP_X)
    height = PAD * 2 + rows * (NODE_H + GAP_Y)

    def pos(slot: int, row: int) -> tuple[int, int]:
        return PAD + slot * (NODE_W + GAP_X), PAD + row * (NODE_H + GAP_Y)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Sơ đồ nhiệm vụ">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5c6675"/></marker>'
        "</defs>",
    ]
    for task, dep in edges:
        if task in placed and dep in placed:
            (x1, y1), (x2, y2) = pos(*placed[dep]), pos(*placed[task])
            out.append(_line(x1 + NODE_W, y1 + NODE_H // 2, x2, y2 + NODE_H // 2, dashed=False))
    for task, target in reports.items():
        if task in placed:
            (x1, y1), (x2, y2) = pos(*placed[task]), pos(x_slot, target_row[target])
            out.append(_line(x1 + NODE_W, y1 + NODE_H // 2, x2, y2 + NODE_H // 2, dashed=True))
    for n in nodes:
        x, y = pos(*placed[n.id])
        out.append(
            f'<a href="/tasks/{n.id}"><g><title>{escape(n.text)}</title>'
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" '
            f'fill={quoteattr(COLOURS.get(n.category, "#fff"))} stroke="#8a94a3"/>'
            f'<text x="{x + 8}" y="{y + 20}" font-size="12" fill="#1d2430">'
            f"#{n.id} {escape(_clip(n.text, 30))}</text>"
            f'<text x="{x + 8}" y="{y + 42}" font-size="11" fill="#5c6675">'
            f"{escape(_clip(n.lead, 34))}</text></g></a>"
        )
    for target in targets:
        x, y = pos(x_slot, target_row[target])
        out.append(
            f'<g><title>{escape(target)}</title><rect x="{x}" y="{y}" width="{NODE_W}" '
            f'height="{NODE_H}" rx="6" fill="#fff" stroke="#0b5cad" stroke-dasharray="4 3"/>'
            f'<text x="{x + 8}" y="{y + 20}" font-size="11" fill="#0b5cad">Báo cáo về</text>'
            f'<text x="{x + 8}" y="{y + 40}" font-size="12" fill="#1d2430">'
            f"{escape(_clip(target, 32))}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _line(x1: int, y1: int, x2: int, y2: int, dashed: bool) -> str:
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#5c6675"{dash} '
        f'marker-end="url(#arrow)"/>'
    )
