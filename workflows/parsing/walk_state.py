"""The assignment walker's shared state: the context a node gives its duties, new candidates."""

from __future__ import annotations

import re

from workflows.parsing.candidates import Assignments, Candidate
from workflows.parsing.candidates import tidy as _tidy
from workflows.parsing.duties import Reading
from workflows.parsing.headings import category
from workflows.parsing.sections import Item, Node, TreeBuilder


class WalkState:
    """What the walker keeps while it reads the items of one plan, in order."""

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
        self.lead_in_taken = False  # the intro's sub-items were its objects, each a duty
        self.node_candidates: dict[str, Candidate] = {}
        # numbered items with no lead, waiting for the field lines that close their group
        self.orphans: list[tuple[Node | None, Candidate]] = []
        # the body a numbered sentence named as its subject ("1. Các cơ quan … xây dựng …"): a
        # prose paragraph right after it that names no body goes on about the same subject
        self.subject: list[str] = []
        # (leads, partners, section) of a prose paragraph announcing the numbered items after it
        self.announced: tuple[list[str], list[str], Node | None] | None = None

    # -- context -------------------------------------------------------------------------
    def bodies_for(self, node: Node | None) -> list[str]:
        while node is not None:
            found = getattr(node, "bodies", None)
            if found:
                return found
            node = node.parent
        return []

    def partners_for(self, node: Node | None) -> list[str]:
        """The partners an announcing heading gives its items ("X chủ trì, phối hợp với Y …:")."""
        while node is not None:
            if getattr(node, "bodies", None):
                return list(getattr(node, "partners", []))
            node = node.parent
        return []

    def duty_context(self, node: Node | None) -> str | None:
        cat = category(node)
        if cat in ("assign", "issuer", "article"):
            return cat
        if self.bodies_for(node):
            return "assign"
        return None

    def _candidate(self, text: str, item: Item, node: Node | None, reading: Reading) -> Candidate:
        return self._add_candidate(_tidy(text), _line_of(text, item), item.section, reading, node)

    def _add_candidate(
        self, text: str, line: int, section: str, reading: Reading, node: Node | None
    ) -> Candidate:
        """A new candidate with what ``reading`` found in its text, kept in the output."""
        cand = Candidate(
            text=text,
            line=line,
            section=section,
            leads=reading.leads,
            partners=reading.partners,
            notes=reading.notes,
            open_lead=reading.open_lead,
            node=node,
        )
        self.out.candidates.append(cand)
        return cand


def _line_of(text: str, item: Item) -> int:
    """Where a duty's own words start: a later duty of a paragraph ("…; phối hợp với X …") cites
    the source line its text begins on, the first one the paragraph's line."""
    para = item.para
    at = para.text.find(text.strip()[:40])
    head = len(para.text) - len(item.text)  # the label ("1.", "-") before the item's text
    if at <= head + 1 or not re.search(r"[.;]\s", para.text[head:at]):
        return item.line  # the first duty ("Sở X: hướng dẫn …" included) starts with the item
    return para.line_at(at)
