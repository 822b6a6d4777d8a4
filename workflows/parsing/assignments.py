"""Duties to bodies: walk the section tree and the duty tables, and decide who does what.

Where duties come from:
- assignment sections ("Tổ chức thực hiện", "Phân công …", "Trách nhiệm …", "Chế độ báo cáo"):
  every item is a duty; a numbered heading naming a body ("1. Phòng Y tế huyện") is the lead of
  the items under it (naming several, "2. Liên minh HTX, Tỉnh đoàn, Hội Nông dân": each leads
  its own copy of every item, as issue 8 asks of combined headings); "Body: duties" on one line
  works the same way; a bullet naming no body
  in a section without a body heading goes on about the previous bullet's subject;
- the issuer's own duty lists ("Nhiệm vụ cụ thể/thường xuyên/trọng tâm"): items are duties of
  the body they name ("Chỉ đạo công chức X tham mưu …" -> X), else of the issuer itself;
- field lines after content items ("Đơn vị chủ trì: …", "Đơn vị phối hợp: …", "Thời gian
  thực hiện: …") turn those items into duties; written as bullets inside a numbered item they
  describe that item, and the item itself is the duty;
- duty tables: one duty per row, lead and partners from their cells (a column of persons: the
  first person leads, the others are partners; a law-making table: the drafting body leads, the
  reviewing body has a duty of its own);
- a resolution's articles ("Điều 2", "Điều 3"): sentences naming who does what, never the
  enacting formulas; a sentence assigning by its own words ("Sở X chủ trì …", "… có trách
  nhiệm …") anywhere, content sections included;
- the closing words: a standing report they ask for ("Định kỳ hằng năm … báo cáo về Sở X");
- references ("các hoạt động tại Mục: 2.5, 2.6 Phần II"): one duty per referenced section,
  titled as that section, citing its line. A missing section is a warning;
- a lead-in ending with ":" ("a) Tham mưu UBND tỉnh trình HĐND quyết định:") over dashes: one
  duty per dash, the lead-in's words before the dash's, its lead, partners and time for each.
A heading's time ("1. Quý I/2024") is the deadline of the duties under it unless they say
otherwise. Content sections that no one is assigned to produce no duties.

The walker's parts: walk_state.py (state, context), text_duties.py (an item's text to duties,
references), field_lines.py (field lines); this module walks the items.
"""

from __future__ import annotations

import re

from workflows.parsing.bodies import UPPER, leading_body, split_names, starts_with_body
from workflows.parsing.candidates import Assignments, Candidate, table_candidates
from workflows.parsing.duties import Reading, read_duty
from workflows.parsing.field_lines import FieldLines, field_bodies, field_names, field_values
from workflows.parsing.headings import announcing, category, heading_bodies, is_sentence
from workflows.parsing.sections import Item, Node, TreeBuilder
from workflows.parsing.tables import Table
from workflows.parsing.text_duties import TextDuties
from workflows.parsing.timephrases import parse_time

_CLOSING = re.compile(r"^(?:Trên đây|Trong quá trình|Quá trình thực hiện|Nơi nhận)")
# "3. Trong quá trình thực hiện, nếu có vướng mắc, … phản ánh về …": a condition, not a duty
_CONDITIONAL = re.compile(
    r"^(?:(?:Trong|Quá) (?:quá )?trình[^,]{0,40},\s*)?[Nn]ếu có (?:khó khăn|vướng mắc|phát sinh)"
)
# Not duties: an exhortation to carry the plan out ("Yêu cầu các sở, ngành nghiêm túc triển khai
# thực hiện Kế hoạch này"), an award quota ("Không quá 05 cá nhân").
_NOT_DUTY = re.compile(
    r"^(?:Yêu cầu|Đề nghị)\s[^.;:]{0,160}?(?:nghiêm túc|khẩn trương|tổ chức)?\s*triển khai"
    r"(?:\s+thực hiện)?(?:\s+(?:tốt|có hiệu quả|hiệu quả|nghiêm túc))?\s+(?:nội dung\s+)?Kế hoạch"
    r"\s+này(?:\s*[./]*\s*$|\s*,)"
    r"|^(?:Không quá|Tối đa|Không vượt quá)\s+\d+\s+(?:cá nhân|tập thể|đơn vị|người|hồ sơ)",
    re.I,
)
# A resolution's enacting formulas: "Ban hành kèm theo Quyết định này …", "… có hiệu lực (thi
# hành) kể từ ngày ký", "Chánh Văn phòng, Giám đốc các sở … chịu trách nhiệm thi hành …"
_ENACTING = re.compile(
    r"^Ban hành kèm theo|có hiệu lực(?:\s+thi hành)?\s+(?:kể\s+)?từ"
    r"|(?:chịu|có) trách nhiệm thi hành|thi hành (?:Quyết định|Nghị quyết) này",
    re.I,
)
_SENTENCE = re.compile(rf"(?:[^.]|\.(?!\s+[{UPPER}]))+\.?")  # up to ". " before a capital
_STANDING_REPORT = re.compile(
    r"(?:[Đđ]ịnh kỳ|[Hh][ằà]ng (?:năm|quý|tháng))[^.]{0,80}?(?<!\w)báo cáo(?!\w)"
)
_ASSIGNING = re.compile(r"(?:chủ trì|(?:có|chịu) trách nhiệm|có nhiệm vụ)(?!\w)")
_AS_FOLLOWS = re.compile(r"(?<!\w)(?:như\s+)?sau(?:\s+đây)?\s*:$")
_WORD = re.compile(r"[^\W\d_]{2}")
# a field label inside an item's text, after the content: ". Cơ quan chủ trì: …"
_INLINE_FIELD = re.compile(r"[.;]\s+(?=(?:Đơn vị|Cơ quan)\s+(?:chủ trì|thực hiện)[^:;]{0,30}:)")
# A sub-item saying where, with whom, how or at what cost the lead-in's work is done describes
# that work: it is no duty of its own.
_ATTRIBUTE = re.compile(
    r"^(?:Địa điểm|Thành phần|Hình thức|Phương thức|Đối tượng|Số lượng|Quy mô|Kinh phí"
    r"|Nguồn kinh phí|Phạm vi|Chủ đề)[^:;]{0,30}:",
    re.I,
)
_PARTNER_INTRO = re.compile(r"^(?:Chủ trì,?\s*)?phối hợp(?:\s+với)?\s*:?$", re.I)


class _Walker(FieldLines, TextDuties):
    """Reads the items in order: headings, intros and their sub-items, duties, field lines."""

    # -- walking -------------------------------------------------------------------------
    def run(self, items: list[Item]) -> Assignments:
        for node in self.tree.order:
            eligible = node.kind in ("arabic", "letter") and category(node) not in (
                "target",
                "content",
            )
            announced = announcing(node) if eligible and (node.items or node.children) else None
            if announced:  # its items inherit the lead and the partners
                found = (announced[0].leads, announced[1])
                node.partners = announced[0].partners  # type: ignore[attr-defined]
            else:
                found = heading_bodies(node) if eligible else None
            node.bodies = found[0] if found else []  # type: ignore[attr-defined]
            node.inline = found[1] if found else ""  # type: ignore[attr-defined]
        started = False
        for item in items:
            if item.kind in ("roman", "part", "article"):
                started = True
            if not started:
                continue
            if _CLOSING.match(item.para.text):
                self._closing_reports(item)
                self._reset()
                self.orphans = []
                started = False  # closing words, recipients, signature: until an appendix
                continue
            node = item.node or self.tree.nodes.get(item.section)
            if category(node) == "assign":
                self.out.has_assignment_section = True
            if self._field(item, node) or self._inline_fields(item, node):
                continue
            if _NOT_DUTY.match(item.text) and not (item.node and item.node.children):
                self._reset()
                continue
            if item.kind in ("arabic", "letter") and _CONDITIONAL.match(item.text):
                self._reset()
                continue
            self._item(item, node)
        return self.out

    def _closing_reports(self, item: Item) -> None:
        """ "Trên đây là Kế hoạch …. Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện.
        Định kỳ hằng năm (trước ngày 30/11) báo cáo kết quả về Sở X …": a standing report the
        closing words ask for is a duty of the bodies they name (in that sentence or the one
        before); a report asked for only "nếu có khó khăn" is none."""
        text = item.para.text
        subject: list[str] = []
        for sentence in _SENTENCE.finditer(text):
            words = sentence.group(0).strip()
            named = leading_body(words)
            if named and named[0].strip():
                subject = split_names(named[0])
            if not _STANDING_REPORT.search(words) or re.search(r"(?<!\w)nếu(?!\w)", words):
                continue
            leads = read_duty(words, subject).leads
            if leads:
                cand = self._add_candidate(
                    words, item.para.line_at(sentence.start()), item.section, Reading(leads), None
                )
                cand.explicit_time = True

    def _inline_fields(self, item: Item, node: Node | None) -> bool:
        """ "1. Triển khai X. Cơ quan chủ trì: Sở A; Cơ quan phối hợp: Sở B; Thời gian: Quý
        IV/2025.": the content before the first field label is the duty, the fields its lead,
        partners and time."""
        if item.node is not None and (item.node.items or item.node.children):
            return False
        label = _INLINE_FIELD.search(item.text)
        if label is None:
            return False
        values = field_values(item.text[label.start() + 1 :])
        if not values.get("lead"):
            return False
        leads, partners = field_bodies(values["lead"])
        partners += field_names(values.get("partners", ""))
        time = parse_time(values.get("time", ""), self.year)
        for cand in self._add(item.text[: label.start() + 1].strip(), item, node, leads):
            cand.partners = list(dict.fromkeys(cand.partners + partners))
            cand.time, cand.explicit_time = time.merged(cand.time), bool(values.get("time"))
        self._reset()
        return True

    def _reset(self) -> None:
        self.pending, self.field_targets = [], None
        self.intro, self.intro_item, self.partner_mode = None, None, None
        self.lead_in_taken = False

    def _item(self, item: Item, node: Node | None) -> None:
        if self.field_targets is not None:
            self.pending, self.field_targets = [], None
        if item.node is not None:
            self.subject = []
            self._lead_in()
            self._inherit_announced(item.node)
            self._reset()
            if item.kind in ("roman", "part"):
                return  # a part's title is never a duty, even with nothing under it
            if self._announces_siblings(item, item.node):
                return
            if getattr(node, "bodies", None):
                if node.inline:  # type: ignore[union-attr]
                    self._add(node.inline, item, node, node.bodies)  # type: ignore[union-attr]
                return
            if node is not None and (node.items or node.children) and not is_sentence(node):
                self._intro_heading(item, node)
                return
        context = self.duty_context(node)
        text = item.text if item.kind != "text" else item.para.text
        if context is None and category(node) == "content" and _assigns_itself(text):
            context = "assign"  # "Sở X chủ trì, phối hợp … bố trí kinh phí …" under KINH PHÍ
        if self._absorbed(item, text, node):
            return
        heading = self.bodies_for(node)
        emit = context is not None
        carried = self.subject if item.kind in ("text", "bullet") and context == "assign" else []
        added = self._add(
            text, item, node, heading, emit=emit, issuer_list=context == "issuer", carried=carried
        )
        if context == "article":  # only what names who does it, never the enacting formulas
            for cand in added:
                cand.emit = cand.emit and bool(cand.leads) and not _ENACTING.search(cand.text)
        named = not heading and item.kind in ("arabic", "letter", "text", "bullet")
        self.subject = added[-1].leads if named and added and added[-1].leads else []
        if item.node is not None and added and not any(c.leads for c in added):
            self.orphans += [(item.node.parent, c) for c in added]
        if (text.rstrip().endswith(":") and added) or (
            added and _PARTNER_INTRO.match(text.strip())
        ):
            self.intro, self.intro_item, self.lead_in_taken = added[-1], item, False
            self.partner_mode = heading if _PARTNER_INTRO.match(text.strip()) else None
            if self.partner_mode is not None:
                added[-1].emit = False

    def _lead_in(self) -> None:
        """A prose paragraph ending with ":" right before a numbered heading ("… việc phân công
        nhiệm vụ được triển khai như sau:") introduces the headings: it is no duty itself. When
        it names who does them ("Giao phòng X triển khai các công việc sau:"), the numbered
        items after it, up to the next heading above them, are that body's duties."""
        intro, where = self.intro, self.intro_item
        if (
            intro is not None
            and where is not None
            and where.kind == "text"
            and not self.lead_in_taken
        ):
            intro.emit = intro.emit and not intro.text.endswith(":")
            if intro.text.endswith(":") and intro.leads and not self.bodies_for(where.node):
                parent = self.tree.nodes.get(where.section)
                self.announced = (intro.leads, intro.partners, parent)

    def _announces_siblings(self, item: Item, node: Node) -> bool:
        """ "1. Giao phòng X triển khai các công việc sau:" with nothing under it: the numbered
        items after it, at its level, are that body's duties (as after a prose lead-in)."""
        if node.items or node.children or node.kind not in ("arabic", "letter"):
            return False
        if category(node) in ("target", "content") or getattr(node, "bodies", None):
            return False
        found = announcing(node)
        if found is None:
            return False
        reading, own = found
        self.announced = (reading.leads, reading.partners, node.parent)
        if own:
            self._add(own, item, node, reading.leads)
        return True

    def _inherit_announced(self, node: Node) -> None:
        if self.announced is None:
            return
        leads, partners, parent = self.announced
        if node.parent is not parent or node.kind not in ("arabic", "letter"):
            self.announced = None  # a heading at or above the announcing paragraph's level
            return
        if not getattr(node, "bodies", None):
            node.bodies, node.partners = leads, partners  # type: ignore[attr-defined]
            node.inline = node.full  # type: ignore[attr-defined]

    def _intro_heading(self, item: Item, node: Node) -> None:
        """ "a) Tham mưu … quyết định:" with bullets under it: the lead-in of the bullets' duties
        (see :meth:`_object_of_lead_in`)."""
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
            if added and not _AS_FOLLOWS.search(raw):
                self.intro, self.intro_item, self.lead_in_taken = added[-1], item, False
            # "a) Chỉ đạo …, cụ thể như sau:" announces actions: each bullet is a duty

    def _absorbed(self, item: Item, text: str, node: Node | None) -> bool:
        """Sub-items of an intro ending with ":" are its duties, unless they name a body."""
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
        if starts_with_body(text):
            return False
        if _ATTRIBUTE.match(text):  # "- Địa điểm: Hội trường xã": how the lead-in's work is done
            intro.text += " " if intro.text.endswith((":", ".", ";")) else "; "
            intro.text += text
            return True
        self._object_of_lead_in(intro, item, text, node)
        return True

    def _object_of_lead_in(
        self, intro: Candidate, item: Item, text: str, node: Node | None
    ) -> None:
        """ "a) Tham mưu UBND tỉnh trình HĐND quyết định:" then dashes naming what is to be
        decided: every dash is a duty (reading rule 1), the lead-in's verb done to the dash's
        object. The lead-in's words go before the dash's, so the task says what is done, and
        its lead, partners and time apply; the lead-in is then no task by itself."""
        intro.emit, self.lead_in_taken = False, True
        context = self.duty_context(node)
        added = self._add(
            text, item, node, intro.leads or self.bodies_for(node), emit=context is not None
        )
        if added:
            added[0].text = f"{intro.text} {added[0].text}"
        for cand in added:
            cand.partners = list(dict.fromkeys(cand.partners + intro.partners))


def _assigns_itself(text: str) -> bool:
    """A sentence that assigns by its own words: a body, then "chủ trì", "có trách nhiệm",
    "chịu trách nhiệm" or "có nhiệm vụ" ("Sở, ban, ngành … có trách nhiệm rà soát …")."""
    named = leading_body(text[:300])
    return bool(named and named[0].strip() and _ASSIGNING.match(named[1]))


def find_assignments(
    items: list[Item], tree: TreeBuilder, tables: list[Table], issuer: str | None, year: int | None
) -> Assignments:
    walker = _Walker(tree, issuer, year)
    out = walker.run(items)
    table_candidates(tables, items, year, out)
    # a row of column numbers "(1) | (2) | (3)" or other text without a word is no duty
    out.candidates = [c for c in out.candidates if _WORD.search(c.text)]
    return out
