"""Field lines ("Đơn vị chủ trì: …", "Đơn vị phối hợp: …", "Thời gian thực hiện: …").

After content items they turn those items into duties; written as bullets inside a numbered item
they describe that item, and the item itself is the duty - unless what the item holds is a prose
paragraph: then the heading is a group title and the paragraph is the duty.
"""

from __future__ import annotations

import re

from workflows.parsing.bodies import PREDICATE, leading_body
from workflows.parsing.candidates import Candidate
from workflows.parsing.candidates import tidy as _tidy
from workflows.parsing.duties import read_duty
from workflows.parsing.headings import names_of as _names
from workflows.parsing.sections import Item, Node
from workflows.parsing.timephrases import parse_time
from workflows.parsing.walk_state import WalkState

_FIELD = re.compile(
    r"(?:(?:Đơn vị|Cơ quan)\s+(?P<role>chủ trì|thực hiện|phối hợp)[^:;]{0,30}"
    r"|(?P<time>Thời gian|Thời hạn)[^:;]{0,30}"
    r"|(?P<other>Lãnh đạo phụ trách|Kết quả|Sản phẩm)[^:;]{0,20}"
    r"|(?P<content>Nội dung(?:\s+(?:thực hiện|công việc|nhiệm vụ))?)\s*):",
    re.I,
)


class FieldLines(WalkState):
    """Gives the items a field line follows its lead, partners and time."""

    def _field(self, item: Item, node: Node | None) -> bool:
        text = item.text if item.kind in ("bullet", "text") else item.para.text
        if item.node is not None or not re.match(_FIELD, text):
            return False
        if self.field_targets is None:
            self.field_targets = self._targets(item, node) + self._group(node)
        values = field_values(text)
        for cand in self.field_targets:
            if cand.milestone:  # a dated step takes the item's bodies, keeps its own date
                if values.get("lead"):
                    cand.leads, cand.emit = _names(values["lead"]), True
                if values.get("partners"):
                    cand.partners = _names(values["partners"])
                continue
            if values.get("lead"):
                cand.leads, named_partners = field_bodies(values["lead"])
                cand.partners = _unique(named_partners + cand.partners)
                cand.open_lead = False
                cand.notes = []
                cand.emit = True
            if values.get("partners"):
                extra = [p for p in cand.partners if p not in cand.leads]
                cand.partners = _unique(field_names(values["partners"]) + extra)
                cand.emit = True
            if values.get("time"):
                cand.time = parse_time(values["time"], self.year).merged(cand.time)
                cand.explicit_time = True
            if values.get("content") and cand.node is node:
                cand.text = _tidy(values["content"])  # "Nội dung thực hiện: …" is the duty
                cand.line = item.line
        return True

    def _targets(self, item: Item, node: Node | None) -> list[Candidate]:
        pending = [c for c in self.pending if c.node is node or c.section == item.section]
        if item.kind == "bullet" and node is not None and node.kind in ("arabic", "letter"):
            prose = {i.line for i in node.items if i.kind == "text"}
            if pending and all(c.line in prose and not c.milestone for c in pending):
                # "9. <group title>" / "<the duty, as a paragraph>" / "- Đơn vị chủ trì: …":
                # the paragraph is the duty, as a bullet would be; the heading only titles it
                return pending
            steps = []
            for cand in pending:
                cand.emit = False  # descriptive bullets of the item the fields describe
                if cand.milestone:
                    steps.append(cand)
            head = self._node_candidate(node)
            if node.full.rstrip().endswith(":") and head.text == _tidy(node.title):
                # "6.1. Tham gia thực hiện các nhiệm vụ:" - the bullets say what the duty is
                # (the heading's own words, when read as a lead-in, are said once)
                own = _tidy(node.full)
                said = [c.text.removeprefix(own).strip() for c in pending if not c.milestone]
                said = [words for words in said if words]
                head.text = f"{head.text}: {'; '.join(said)}" if said else head.text
            return [head, *steps]
        if pending:
            return pending
        return [self._node_candidate(node)] if node is not None else []

    def _group(self, node: Node | None) -> list[Candidate]:
        """Earlier sibling items with no lead and no fields of their own ("3.1 …", "3.2 …",
        "3.3 …" then "- Đơn vị chủ trì: …"): the fields closing the group are theirs too."""
        parent = node.parent if node is not None else None
        group = [c for p, c in self.orphans if p is parent and not c.leads and node is not None]
        self.orphans = []
        return group

    def _node_candidate(self, node: Node) -> Candidate:
        if node.key not in self.node_candidates:
            heading = self.bodies_for(node.parent)
            reading = read_duty(node.title, heading)
            cand = self._add_candidate(_tidy(node.title), node.line, node.key, reading, node)
            cand.emit = bool(reading.leads) or self.duty_context(node) is not None
            self.node_candidates[node.key] = cand
        return self.node_candidates[node.key]


def field_bodies(value: str) -> tuple[list[str], list[str]]:
    """(bodies, partners) a body field names. Its value is a list of bodies, never a sentence:
    "Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan tổ chức thực hiện" is the lead
    Sở Tài chính with its partners."""
    value = value.strip()
    named = leading_body(value)
    if named and named[0].strip() and PREDICATE.match(named[1]):
        reading = read_duty(value, [])
        if reading.leads:
            return reading.leads, [p for p in reading.partners if p not in reading.leads]
    return _names(value), []


def field_names(value: str) -> list[str]:
    """Every body a field names, its bodies' partners included (a partners field)."""
    bodies, partners = field_bodies(value)
    return bodies + partners


def field_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    matches = list(_FIELD.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end].strip(" ;.-")
        if m.group("role"):
            role = "partners" if "phối" in m.group("role").lower() else "lead"
            values[role] = value
        elif m.group("time"):
            values["time"] = value
        elif m.group("content"):
            values["content"] = text[m.end() : end].strip(" ;-")
    return values


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out
