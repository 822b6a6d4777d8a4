"""Duty candidates, and the ones duty tables give: one per row, lead and partners from cells."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from workflows.parsing.bodies import leading_body, split_names
from workflows.parsing.result import Section
from workflows.parsing.sections import Item, Node
from workflows.parsing.tables import Cell, Table, TableRow
from workflows.parsing.timephrases import TimeSpec, parse_time


@dataclass
class Candidate:
    """A duty found in the text, before it becomes one or more tasks."""

    text: str
    line: int
    section: str
    leads: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    time: TimeSpec = field(default_factory=TimeSpec)
    notes: list[str] = field(default_factory=list)
    open_lead: bool = False
    emit: bool = True
    node: Node | None = None  # the section whose time applies
    explicit_time: bool = False
    milestone: bool = False  # a dated step "(1) Tổ chức hiệp thương lần thứ nhất: Chậm nhất …"


@dataclass
class Assignments:
    candidates: list[Candidate] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)  # from duty tables' section rows
    warnings: list[str] = field(default_factory=list)
    has_assignment_section: bool = False


def table_candidates(
    tables: list[Table], items: list[Item], year: int | None, out: Assignments
) -> None:
    """One duty per table row, lead and partners from their cells; section rows are sections."""
    lines = [item.line for item in items]
    for table in tables:
        before = bisect_left(lines, table.line)  # items are in line order
        enclosing = items[before - 1].section if before else ""
        section = enclosing
        last: Candidate | None = None
        for row in table.rows:
            if row.section:
                section = f"{enclosing}.{row.label}" if enclosing else row.label
                out.sections.append(
                    Section(
                        section,
                        row.label,
                        row.cells["content"].text.replace("\n", " "),
                        row.line,
                        enclosing or None,
                    )
                )
                continue
            last = _row(row, section, last, year, out, "partners" in table.columns)


def _row(
    row: TableRow,
    section: str,
    last: Candidate | None,
    year: int | None,
    out: Assignments,
    partner_column: bool,
) -> Candidate:
    cells = row.cells
    leads = _cell_names(cells.get("lead") or cells.get("submits"))
    partners = _cell_names(cells.get("partners"))
    if "lead" in cells:  # "Ban X (Viện Y phối hợp chuẩn bị dự thảo)": Viện Y is a partner
        for helper in _HELPER.finditer(cells["lead"].text):
            partners += [
                p for p in split_names(" ".join(helper.group(1).split())) if p not in partners
            ]
    if not leads and "persons" in cells:
        # "Người thực hiện: A; B; C": the first person is accountable, the others work with them
        persons = _cell_names(cells["persons"])
        leads, partners = persons[:1], persons[1:] + partners
    time = parse_time(cells["due"].text, year) if "due" in cells else TimeSpec()
    if not row.label and last is not None:  # a row continuing the one above (merged cells)
        partners = partners if "partners" in cells or not partner_column else last.partners
        time = time if "due" in cells else last.time
    cand = Candidate(tidy(cells["content"].text), row.line, section, leads, partners, time)
    cand.explicit_time = "due" in cells or (last is not None and not row.label)
    if not leads:
        cand.notes.append("bảng không ghi cơ quan chủ trì")
    out.candidates.append(cand)
    if "reviews" in cells:
        _review(cells["reviews"], cand, out)
    return cand


def _review(cell: Cell, row: Candidate, out: Assignments) -> None:
    """ "- Ủy ban Pháp luật chủ trì thẩm tra; - Hội đồng Dân tộc, các Ủy ban tham gia": the
    reviewing body's own duty on the row's document, by the row's time, with its helpers."""
    clauses = [
        " ".join(c.split()).strip(" -;.") for c in re.split(r";\s*(?=-)|\n\s*(?=-)", cell.text)
    ]
    named = [(c, leading_body(c)) for c in clauses if c]
    leads = [n for c, b in named[:1] if b and b[0].strip() for n in split_names(b[0])]
    if not leads:
        return
    partners = [n for _, b in named[1:] if b and b[0].strip() for n in split_names(b[0])]
    text = tidy(f"{named[0][0]} {row.text}")
    cand = Candidate(text, cell.line, row.section, leads, partners, row.time)
    cand.explicit_time = row.explicit_time
    out.candidates.append(cand)


_HELPER = re.compile(r"\(([^()]+?)\s+(?:cùng\s+)?(?:phối hợp|tham gia)(?![\w])[^()]*\)")


def _cell_names(cell: Cell | None) -> list[str]:
    if cell is None:
        return []
    # a name wrapped inside its cell goes on after a lower-case word, a comma, "và" or a dash
    # ("Sở Khoa học và" / "Công nghệ"); any other line break separates two bodies
    text = re.sub(
        r"\s*\n\s*(?=[a-zđ])|(?<=,)\s*\n\s*|(?<=\svà)\s*\n\s*|(?<=[-–])\s*\n\s*", " ", cell.text
    )
    # …and inside a parenthesis ("Ban soạn thảo (Thường trực Ủy ban" / "Pháp luật là …)")
    return split_names(re.sub(r"\([^()]*\)", lambda m: " ".join(m.group(0).split()), text))


# "Nội dung: Triển khai …" - a field label in front of the item's content, not its words
_CONTENT_LABEL = re.compile(r"^Nội dung(?:\s+(?:thực hiện|công việc|nhiệm vụ))?\s*:\s*(?=\S)")


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\n", " ")).strip()
    return _CONTENT_LABEL.sub("", text)


__all__ = ["Assignments", "Candidate", "table_candidates", "tidy"]
