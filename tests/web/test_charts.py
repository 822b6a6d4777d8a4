"""The board and the scorecards draw their figures (bars by body, the on-time rate by quarter)
and show the same figures in tables; both match what the database holds."""

from __future__ import annotations

import re
from datetime import date

from tests.web.expected import counted_tasks, overdue_by_lead, table_cells
from tests.web.objects import Objects
from tests.web.world import World, csrf_of
from workflows.rules.quarters import Quarter

TODAY = date(2024, 5, 15)


def on_time_by_quarter(url: str, quarters: list[Quarter]) -> dict[str, tuple[int, int, int]]:
    """(on time, late, overdue) per quarter label, from the rows: tasks of published plans."""
    counts = {q.label: [0, 0, 0] for q in quarters}
    for task in counted_tasks(url):
        if task.due is None or Quarter.of(task.due).label not in counts:
            continue
        row = counts[Quarter.of(task.due).label]
        if task.status == "done":
            row[1 if task.completed_late else 0] += 1
        elif task.due < TODAY:
            row[2] += 1
    return {label: (a, b, c) for label, (a, b, c) in counts.items()}


def rate_table(html: str) -> dict[str, tuple[int, int, int]]:
    body = html.split('id="on-time-by-quarter"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r"<tr><td>(Quý [IV]+/\d{4})</td><td class=\"num on-time\">(\d+)</td>"
        r"<td class=\"num late\">(\d+)</td><td class=\"num overdue\">(\d+)</td>",
        body,
    )
    return {label: (int(a), int(b), int(c)) for label, a, b, c in rows}


def svg_of(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[html.rindex("<svg", 0, start) : html.index("</svg>", start) + 6]


def eight_quarters_up_to(last: Quarter) -> list[Quarter]:
    quarters = [last]
    for _ in range(7):
        quarters.insert(0, quarters[0].previous())
    return quarters


def test_the_board_draws_a_bar_per_body_with_its_overdue_count_and_a_link_to_its_list(
    client_for, world: World, objects: Objects
):
    html = client_for("leader").get("/board").text
    chart = svg_of(html, "chart-overdue")
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    expected = overdue_by_lead(world.url, TODAY)
    names = {objects.agency_a: "Alpha", objects.agency_b: "Beta"}
    drawn = {
        int(agency): int(total)
        for agency, total in re.findall(
            r'<a href="\?agency=(\d+)"><g><title>[^<]*: (\d+)</title>', chart
        )
    }
    assert drawn == expected == {objects.agency_a: 1, objects.agency_b: 1}
    for agency in expected:
        assert names[agency] in chart
    shown = {int(k): int(v["total"]) for k, v in table_cells(html, "by-body").items()}
    assert shown == drawn  # the same figures in the table


def test_the_on_time_rate_by_quarter_is_drawn_and_tabled_on_board_and_scorecards(
    client_for, world: World
):
    leader = client_for("leader")
    agency = client_for("agency_b")
    page = f"/tasks/{world.task_b}"  # body B finishes T2 (due 30/06/2024) early: on time
    token = csrf_of(agency, page)
    done = agency.post(
        f"{page}/status",
        data={"status": "done", "csrf": token, "expected_status": "not_started"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    quarters = eight_quarters_up_to(Quarter(2024, 2))
    expected = on_time_by_quarter(world.url, quarters)
    assert expected["Quý II/2024"] == (1, 0, 1) and expected["Quý I/2024"] == (0, 0, 1)
    for path in ("/board", "/scorecards?period=2024-Q2"):
        html = leader.get(path).text
        assert rate_table(html) == expected, path
        chart = svg_of(html, "chart-on-time")
        assert "Quý III/2022 – Quý II/2024" in chart
        dots = re.findall(r"<g><title>(Quý [IV]+/\d{4}): (\d+)/(\d+) đúng hạn</title>", chart)
        known = {label: (a, b, c) for label, (a, b, c) in expected.items() if a + b + c}
        assert {label: (int(n), int(d)) for label, n, d in dots} == {
            label: (a, a + b + c) for label, (a, b, c) in known.items()
        }, path
    # A past period draws the eight quarters up to its own end.
    html = leader.get("/scorecards?period=2023").text
    assert list(rate_table(html)) == [q.label for q in eight_quarters_up_to(Quarter(2023, 4))]


def test_the_scorecards_draw_each_bodys_outcomes_in_the_period(client_for, world: World):
    html = client_for("leader").get("/scorecards?period=2024").text
    chart = svg_of(html, "chart-outcomes")
    assert "Kết quả thực hiện theo cơ quan · Năm 2024" in chart
    cards = table_cells(html, "scorecards")
    drawn = dict(re.findall(r"<g><title>([^<:]+): (\d+)</title>", chart))
    assert sorted(drawn.values()) == sorted(row["due"] for row in cards.values())
