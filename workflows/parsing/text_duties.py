"""Duties read from an item's text: one per piece, "Body: duties" inline, section references.

A reference ("các hoạt động tại Mục: 2.5, 2.6 Phần II") gives one duty per referenced section,
titled as that section, citing its line. A missing section is a warning.
"""

from __future__ import annotations

import re

from workflows.parsing.bodies import leading_body, starts_with_body
from workflows.parsing.candidates import Candidate
from workflows.parsing.duties import Reading, read_duty, split_duties
from workflows.parsing.headings import names_of as _names
from workflows.parsing.sections import Item, Node
from workflows.parsing.timephrases import find_deadline
from workflows.parsing.walk_state import WalkState

_REF = re.compile(
    r"(?:tại|ở|theo)\s+(?:các\s+)?(?:Mục|mục|điểm|Điểm|tiết)\s*:?\s*"
    r"(\d+(?:\.\d+)+(?:\s*(?:,|và|;)\s*\d+(?:\.\d+)*)*)\s*,?\s*(?:Phần|phần|Mục|mục)\s+([IVX]+)"
)


class TextDuties(WalkState):
    """Turns an item's text into candidates, one per duty it states."""

    def _add(
        self,
        text: str,
        item: Item,
        node: Node | None,
        heading: list[str],
        emit: bool = True,
        issuer_list: bool = False,
        carried: list[str] | None = None,
    ) -> list[Candidate]:
        added: list[Candidate] = []
        pieces = split_duties(text)  # content items may become duties when fields follow
        subject: list[str] | None = None
        inline_heading: list[str] = []
        for piece in pieces:
            inline = re.match(r"^([^:]{3,120}):\s*(\S.*)$", piece, re.S)
            if inline and starts_with_body(inline.group(1)):
                named = leading_body(inline.group(1))
                if named and not named[1].strip():
                    inline_heading = _names(named[0])
                    for sub in split_duties(inline.group(2)):
                        added += self._one(sub, item, node, inline_heading, emit, False)
                    continue
            if inline_heading:
                # "Sở X: hướng dẫn …; phối hợp với Y …": the clauses after the first are X's too
                added += self._one(piece, item, node, inline_heading, emit, False)
                continue
            default = [self.issuer] if issuer_list and self.issuer and not heading else None
            if (subject or carried) and not heading:
                default = subject or carried  # "X làm A. Thực hiện B.": B is X's too
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
        if heading and reading.leads == heading:
            inherited = [p for p in self.partners_for(node) if p not in reading.partners]
            reading.partners = reading.partners + inherited
        refs = list(_REF.finditer(text))
        if refs and emit:
            return self._references(text, item, refs, reading)
        cand = self._candidate(text, item, node, reading)
        cand.emit = emit
        if item.kind == "paren" and find_deadline(text, self.year).due:
            cand.milestone = True
        self.pending.append(cand)
        return [cand]

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
                # The assignment is made here (its line, its section's time); the referenced
                # section's title says what the duty is.
                node = self.tree.nodes.get(item.section)
                added.append(
                    self._add_candidate(target.title, item.line, item.section, reading, node)
                )
        return added
