"""Duties to bodies: walk the section tree and the duty tables, and decide who does what.

Where duties come from:
- assignment sections ("Tổ chức thực hiện", "Phân công …", "Trách nhiệm …", "Chế độ báo cáo"):
  every item is a duty; a numbered heading naming a body ("1. Phòng Y tế huyện") is the lead of
  the items under it; "Body: duties" on one line works the same way;
- the issuer's own duty lists ("Nhiệm vụ cụ thể/thường xuyên/trọng tâm"): items are duties of
  the body they name ("Chỉ đạo công chức X tham mưu …" -> X), else of the issuer itself;
- field lines after content items ("Đơn vị chủ trì: …", "Đơn vị phối hợp: …", "Thời gian
  thực hiện: …") turn those items into duties; written as bullets inside a numbered item they
  describe that item, and the item itself is the duty;
- duty tables: one duty per row, lead and partners from their cells;
- references ("các hoạt động tại Mục: 2.5, 2.6 Phần II"): one duty per referenced section,
  titled as that section, citing its line. A missing section is a warning.
A heading's time ("1. Quý I/2024") is the deadline of the duties under it unless they say
otherwise. Content sections that no one is assigned to produce no duties.
"""

from __future__ import annotations

import re

from workflows.parsing.bodies import ORG_START, leading_body, split_names, starts_with_body
from workflows.parsing.candidates import Assignments, Candidate, table_candidates
from workflows.parsing.candidates import tidy as _tidy
from workflows.parsing.duties import Reading, read_duty, split_duties
from workflows.parsing.headings import category, heading_bodies, heading_time, is_sentence
from workflows.parsing.headings import names_of as _names
from workflows.parsing.sections import Item, Node, TreeBuilder
from workflows.parsing.tables import Table
from workflows.parsing.timephrases import find_deadline, parse_time

_FIELD = re.compile(
    r"(?:(?:Đơn vị|Cơ quan)\s+(?P<role>chủ trì|thực hiện|phối hợp)[^:;]{0,30}"
    r"|(?P<time>Thời gian|Thời hạn)[^:;]{0,30}"
    r"|(?P<other>Lãnh đạo phụ trách|Kết quả|Sản phẩm)[^:;]{0,20}):",
    re.I,
)
_REF = re.compile(
    r"(?:tại|ở|theo)\s+(?:các\s+)?(?:Mục|mục|điểm|Điểm|tiết)\s*:?\s*"
    r"(\d+(?:\.\d+)+(?:\s*(?:,|và|;)\s*\d+(?:\.\d+)*)*)\s*,?\s*(?:Phần|phần|Mục|mục)\s+([IVX]+)"
)
_CLOSING = re.compile(r"^(?:Trên đây|Trong quá trình|Quá trình thực hiện|Nơi nhận)")
_PARTNER_INTRO = re.compile(r"^(?:Chủ trì,?\s*)?phối hợp(?:\s+với)?\s*:?$", re.I)


class _Walker:
    def __init__(self, tree: TreeBuilder, issuer: str | None, year: int | None) -> None:
        self.tree = tree
        self.issuer = issuer
        self.year = year
        self.out = Assignments()
        self.pending: list[Candidate] = []
        self.field_targets: list[Candidate] | None = None
        self.intro: Candidate | None = None
        self.intro_item: Item | None = None
        self.partner_mode: list[str] | None = None
        self.node_candidates: dict[str, Candidate] = {}
        # numbered items with no lead, waiting for the field lines that close their group
        self.orphans: list[tuple[Node | None, Candidate]] = []

    # -- context -------------------------------------------------------------------------
    def bodies_for(self, node: Node | None) -> list[str]:
        while node is not None:
            found = getattr(node, "bodies", None)
            if found:
                return found
            node = node.parent
        return []

    def duty_context(self, node: Node | None) -> str | None:
        cat = category(node)
        if cat in ("assign", "issuer"):
            return cat
        if self.bodies_for(node):
            return "assign"
        return None

    # -- walking -------------------------------------------------------------------------
    def run(self, items: list[Item]) -> Assignments:
        for node in self.tree.order:
            eligible = node.kind in ("arabic", "letter") and category(node) not in (
                "target",
                "content",
            )
            found = heading_bodies(node) if eligible else None
            node.bodies = found[0] if found else []  # type: ignore[attr-defined]
            node.inline = found[1] if found else ""  # type: ignore[attr-defined]
        started = False
        for item in items:
            if item.kind in ("roman", "part"):
                started = True
            if not started:
                continue
            if _CLOSING.match(item.para.text):
                self._reset()
                self.orphans = []
                started = False  # closing words, recipients, signature: until an appendix
                continue
            node = item.node or self.tree.nodes.get(item.section)
            if category(node) == "assign":
                self.out.has_assignment_section = True
            if self._field(item, node):
                continue
            self._item(item, node)
        return self.out

    def _reset(self) -> None:
        self.pending, self.field_targets = [], None
        self.intro, self.intro_item, self.partner_mode = None, None, None

    def _item(self, item: Item, node: Node | None) -> None:
        if self.field_targets is not None:
            self.pending, self.field_targets = [], None
        if item.node is not None:
            self._lead_in()
            self._reset()
            if item.kind in ("roman", "part"):
                return  # a part's title is never a duty, even with nothing under it
            if getattr(node, "bodies", None):
                if node.inline:  # type: ignore[union-attr]
                    self._add(node.inline, item, node, node.bodies)  # type: ignore[union-attr]
                return
            if node is not None and (node.items or node.children) and not is_sentence(node):
                self._intro_heading(item, node)
                return
        context = self.duty_context(node)
        text = item.text if item.kind != "text" else item.para.text
        if self._absorbed(item, text, node):
            return
        heading = self.bodies_for(node)
        emit = context is not None
        added = self._add(text, item, node, heading, emit=emit, issuer_list=context == "issuer")
        if item.node is not None and added and not any(c.leads for c in added):
            self.orphans += [(item.node.parent, c) for c in added]
        if (text.rstrip().endswith(":") and added) or (
            added and _PARTNER_INTRO.match(text.strip())
        ):
            self.intro, self.intro_item = added[-1], item
            self.partner_mode = heading if _PARTNER_INTRO.match(text.strip()) else None
            if self.partner_mode is not None:
                added[-1].emit = False

    def _lead_in(self) -> None:
        """A prose paragraph ending with ":" right before a numbered heading ("… việc phân công
        nhiệm vụ được triển khai như sau:") introduces the headings: it is no duty itself."""
        intro, where = self.intro, self.intro_item
        if intro is not None and where is not None and where.kind == "text":
            intro.emit = intro.emit and not intro.text.endswith(":")

    def _intro_heading(self, item: Item, node: Node) -> None:
        """ "a) Tham mưu … quyết định:" with bullets under it: one duty holding the bullets."""
        title = node.title if node.title else item.text
        raw = item.text.strip()
        if self.duty_context(node) is None:
            return
        heading = self.bodies_for(node.parent)
        if _PARTNER_INTRO.match(raw):
            self.intro, self.intro_item, self.partner_mode = None, item, heading
            self.intro = Candidate(title, item.line, item.section, emit=False)
            return
        if raw.endswith(":") and node.kind == "letter":
            added = self._add(raw, item, node, heading)
            if added:
                self.intro, self.intro_item = added[-1], item

    def _absorbed(self, item: Item, text: str, node: Node | None) -> bool:
        """Sub-items of an intro ending with ":" belong to it, unless they name a body."""
        intro, intro_item = self.intro, self.intro_item
        if intro is None or intro_item is None:
            return False
        deeper = item.kind in ("bullet", "paren") and (
            intro_item.kind != "bullet" or item.bullet != intro_item.bullet
        )
        if not deeper:
            self.intro, self.intro_item, self.partner_mode = None, None, None
            return False
        if self.partner_mode is not None:
            named = leading_body(text)
            if named:
                partners = split_names(named[0])
                reading = read_duty(named[1], self.partner_mode)
                cand = self._candidate(
                    text, item, node, Reading(list(self.partner_mode), partners + reading.partners)
                )
                self.pending.append(cand)
                return True
            return False
        if starts_with_body(text) or (re.match(r"^[^:]{3,80}:\s", text) and starts_with_body(text)):
            return False
        intro.text = f"{intro.text} {text}" if intro.text.endswith(":") else f"{intro.text}; {text}"
        return True

    def _add(
        self,
        text: str,
        item: Item,
        node: Node | None,
        heading: list[str],
        emit: bool = True,
        issuer_list: bool = False,
    ) -> list[Candidate]:
        added: list[Candidate] = []
        pieces = split_duties(text)  # content items may become duties when fields follow
        subject: list[str] | None = None
        for piece in pieces:
            inline = re.match(r"^([^:]{3,120}):\s*(\S.*)$", piece, re.S)
            if inline and starts_with_body(inline.group(1)):
                named = leading_body(inline.group(1))
                if named and not named[1].strip():
                    for sub in split_duties(inline.group(2)):
                        added += self._one(sub, item, node, _names(named[0]), emit, False)
                    continue
            default = [self.issuer] if issuer_list and self.issuer and not heading else None
            if subject and not heading:
                default = subject  # "X làm A. Thực hiện B.": B is X's too
            new = self._one(piece, item, node, heading, emit, issuer_list, default)
            if new and subject is None and new[0].leads:
                subject = new[0].leads
            added += new
        return added

    def _one(
        self,
        text: str,
        item: Item,
        node: Node | None,
        heading: list[str],
        emit: bool,
        issuer_list: bool,
        default: list[str] | None = None,
    ) -> list[Candidate]:
        reading = read_duty(text, heading, default)
        refs = list(_REF.finditer(text))
        if refs and emit:
            return self._references(text, item, refs, reading)
        cand = self._candidate(text, item, node, reading)
        cand.emit = emit
        if item.kind == "paren" and find_deadline(text, self.year).due:
            cand.milestone = True
        self.pending.append(cand)
        return [cand]

    def _candidate(self, text: str, item: Item, node: Node | None, reading: Reading) -> Candidate:
        cand = Candidate(
            text=_tidy(text),
            line=item.line,
            section=item.section,
            leads=reading.leads,
            partners=reading.partners,
            notes=reading.notes,
            open_lead=reading.open_lead,
            node=node,
        )
        self.out.candidates.append(cand)
        return cand

    def _references(
        self, text: str, item: Item, refs: list[re.Match[str]], reading: Reading
    ) -> list[Candidate]:
        added = []
        for ref in refs:
            numbers = re.findall(r"\d+(?:\.\d+)*", ref.group(1))
            for number in numbers:
                key = f"{ref.group(2)}.{number}"
                target = self.tree.nodes.get(key)
                if target is None:
                    where = f"Mục {number} Phần {ref.group(2)}"
                    self.out.warnings.append(f"Dòng {item.line}: tham chiếu {where} không tồn tại")
                    continue
                cand = Candidate(
                    text=target.title,
                    line=item.line,  # the assignment is made here; the title says what it is
                    section=item.section,
                    leads=reading.leads,
                    partners=reading.partners,
                    notes=reading.notes,
                    open_lead=reading.open_lead,
                    node=target,
                )
                cand.node = self.tree.nodes.get(item.section)
                self.out.candidates.append(cand)
                added.append(cand)
        return added

    # -- fields --------------------------------------------------------------------------
    def _field(self, item: Item, node: Node | None) -> bool:
        text = item.text if item.kind in ("bullet", "text") else item.para.text
        if item.node is not None or not re.match(_FIELD, text):
            return False
        if self.field_targets is None:
            self.field_targets = self._targets(item, node) + self._group(node)
        values = _field_values(text)
        for cand in self.field_targets:
            if cand.milestone:  # a dated step takes the item's bodies, keeps its own date
                if values.get("lead"):
                    cand.leads, cand.emit = _names(values["lead"]), True
                if values.get("partners"):
                    cand.partners = _names(values["partners"])
                continue
            if values.get("lead"):
                cand.leads = _names(values["lead"])
                cand.open_lead = False
                cand.notes = []
                cand.emit = True
            if values.get("partners"):
                extra = [p for p in cand.partners if p not in cand.leads]
                cand.partners = _unique(_names(values["partners"]) + extra)
                cand.emit = True
            if values.get("time"):
                cand.time = parse_time(values["time"], self.year).merged(cand.time)
                cand.explicit_time = True
        return True

    def _targets(self, item: Item, node: Node | None) -> list[Candidate]:
        pending = [c for c in self.pending if c.node is node or c.section == item.section]
        if item.kind == "bullet" and node is not None and node.kind in ("arabic", "letter"):
            steps = []
            for cand in pending:
                cand.emit = False  # descriptive bullets of the item the fields describe
                if cand.milestone:
                    steps.append(cand)
            head = self._node_candidate(node)
            if node.full.rstrip().endswith(":") and head.text == _tidy(node.title):
                # "6.1. Tham gia thực hiện các nhiệm vụ:" - the bullets say what the duty is
                said = [c.text for c in pending if not c.milestone]
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
            cand = Candidate(
                _tidy(node.title),
                node.line,
                node.key,
                reading.leads,
                reading.partners,
                notes=reading.notes,
                open_lead=reading.open_lead,
                node=node,
            )
            cand.emit = bool(reading.leads) or self.duty_context(node) is not None
            self.node_candidates[node.key] = cand
            self.out.candidates.append(cand)
        return self.node_candidates[node.key]


def _field_values(text: str) -> dict[str, str]:
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
    return values


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out


def find_assignments(
    items: list[Item], tree: TreeBuilder, tables: list[Table], issuer: str | None, year: int | None
) -> Assignments:
    walker = _Walker(tree, issuer, year)
    out = walker.run(items)
    table_candidates(tables, items, year, out)
    out.candidates = [c for c in out.candidates if c.text]
    return out


__all__ = ["ORG_START", "Assignments", "Candidate", "category", "find_assignments", "heading_time"]
