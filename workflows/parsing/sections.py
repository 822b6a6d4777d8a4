"""Paragraph labels and the section tree.

Keys join the roman part and the written arabic path: "IV.1", "II.2.5", "III.2.1.a". A part
above the romans ("PHỤ LỤC") prefixes them: "PL.I". Numbering that repeats or goes backwards
("II." twice in a row) is renumbered in sequence, with a warning, so keys stay unique.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.parsing.dated_periods import ROMAN_VALUES
from workflows.parsing.normalize import Para
from workflows.parsing.paragraph_joins import ROMAN
from workflows.parsing.result import Section

_LABELS = (
    # an article of a Nghị quyết / Quyết định ("Điều 2.", "Điều 3. Giao Sở X …")
    ("article", re.compile(r"^Điều\s+(\d{1,3})\s*[.:]\s*(.*)$", re.S)),
    ("roman", re.compile(rf"^({ROMAN})\s*[.:)]\s*(.*)$", re.S)),
    # (never an amount with thousands separators: "9.557.406" is no label "9.55" nor "9.")
    ("arabic", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)(?!\d)\.?\s*[-–:)]?\s*(.*)$", re.S)),
    ("arabic", re.compile(r"^(\d{1,2})\s*[.)](?!\d)\s*(?:[-–]\s*)?(.*)$", re.S)),
    ("arabic", re.compile(r"^(\d{1,2})\s*[-–]\s+(.*)$", re.S)),
    ("letter", re.compile(r"^([a-zđ])\)\s*(.*)$", re.S)),
    ("paren", re.compile(r"^\((\d{1,2})\)\s*(.*)$", re.S)),
    ("bullet", re.compile(r"^([-+•*–])\s*(.*)$", re.S)),
)
_PART = re.compile(
    r"^PH[ỤU] L[ỤU]C(?:\s+(?:SỐ\s+)?(\d+|[IVX]+))?\b|^Phụ lục(?: số)?\s*(\d+)?", re.I
)
_CLOSING = re.compile(r"^(?:Trên đây là|Nơi nhận)")
# The title of a document attached after a Quyết định's signature ("KẾ HOẠCH" on its own line,
# "(Ban hành kèm theo Quyết định số …)"): the attached plan starts, its sections count again.
_ATTACHED = re.compile(
    r"^(?:KẾ HOẠCH|CHƯƠNG TRÌNH|ĐỀ ÁN)\s*:?\s*$|^\(?\s*(?:Ban hành\s+)?[Kk]èm theo\s+Quyết định"
)
_ROMAN_NAMES = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def roman_value(label: str) -> int:
    label = label.upper()
    total, prev = 0, 0
    for ch in reversed(label):
        value = {"I": 1, "V": 5, "X": 10}[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


@dataclass
class Item:
    """A paragraph with its label parsed and its place in the tree."""

    para: Para
    kind: str  # article, roman, arabic, letter, paren, bullet, part, text
    label: str
    text: str  # without the label
    section: str = ""  # key of the nearest section (its own key for headings)
    node: Node | None = None  # the section this paragraph opens, if any
    bullet: str = ""  # "-", "+", "•"

    @property
    def line(self) -> int:
        return self.para.line


@dataclass
class Node:
    key: str
    kind: str
    label: str
    title: str
    line: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # paragraphs directly under this node
    full: str = ""  # the whole text after the label (the title may be shortened)

    def ancestors(self) -> list[Node]:
        """This node and its ancestors, nearest first."""
        chain: list[Node] = []
        node: Node | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def section(self) -> Section:
        parent = self.parent.key if self.parent else None
        return Section(self.key, self.label, self.title, self.line, parent)


def label_of(text: str) -> tuple[str, str, str]:
    """(kind, label, rest) of a paragraph's text."""
    if _PART.match(text):
        return "part", text, text
    for kind, pattern in _LABELS:
        match = pattern.match(text)
        if match:
            label, rest = match.group(1), match.group(2).strip()
            if kind == "roman" and not rest:
                continue
            return kind, label, rest
    return "text", "", text


class TreeBuilder:
    """Builds nodes as paragraphs arrive in order; tracks the current position."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.order: list[Node] = []
        self.warnings: list[str] = []
        self.part: Node | None = None
        self.roman: Node | None = None
        self.arabic: dict[int, Node] = {}  # depth -> latest arabic node
        self.letter: Node | None = None
        self._last_roman = 0
        self.closed = False
        self._primes: dict[str, int] = {}  # key -> primes its next repeat needs at least

    def _fresh(self, key: str) -> str:
        """``key``, or ``key'``, ``key''`` … the first one not taken (remembered per key, so
        a thousand repeats cost a thousand steps, not half a million)."""
        primes = self._primes.get(key, 0)
        while key + "'" * primes in self.nodes:
            primes += 1
        self._primes[key] = primes + 1
        return key + "'" * primes

    @property
    def current(self) -> Node | None:
        if self.letter is not None:
            return self.letter
        if self.arabic:
            return self.arabic[max(self.arabic)]
        return self.roman or self.part

    def add(self, item: Item) -> None:
        if _CLOSING.match(item.para.text):
            self.closed = True
        elif self.closed and _ATTACHED.match(item.para.text.strip("* ")):
            self._reopen()
        if self.closed and item.kind not in ("part",):
            item.section = self.current.key if self.current else ""
            return  # closing words, recipients and signature belong to no section
        if item.kind == "part":
            self._part(item)
        elif item.kind == "roman":
            self._roman(item)
        elif item.kind == "article":
            key = self._fresh(f"Đ{item.label}")
            self.roman = self._new(key, item, self.part)
            self.arabic, self.letter = {}, None
        elif item.kind == "arabic":
            self._arabic(item)
        elif item.kind == "letter" and self.current is not None:
            self._letter(item)
        node = self.current
        item.section = node.key if node else ""
        if node is not None and item.node is None:
            node.items.append(item)

    def _new(self, key: str, item: Item, parent: Node | None, title: str | None = None) -> Node:
        node = Node(key, item.kind, item.label, _title(title or item.text), item.line, parent)
        node.full = (title or item.text).strip()
        if parent is not None:
            parent.children.append(node)
        self.nodes[key] = node
        self.order.append(node)
        item.node = node
        return node

    def _part(self, item: Item) -> None:
        match = _PART.match(item.text)
        number = next((g for g in (match.groups() if match else ()) if g), "")
        key = f"PL{number}"
        key = self._fresh(key)
        self.part = self._new(key, item, None)
        self.closed = False
        self.roman, self.letter, self.arabic = None, None, {}
        self._last_roman = 0

    def _reopen(self) -> None:
        """A document attached after the signature (a Quyết định's plan) starts afresh."""
        self.closed = False
        self.part, self.roman, self.letter, self.arabic = None, None, None, {}
        self._last_roman = 0

    def _roman(self, item: Item) -> None:
        value = roman_value(item.label)
        if value <= self._last_roman:
            value = self._last_roman + 1
            fixed = _ROMAN_NAMES[value] if value < len(_ROMAN_NAMES) else str(value)
            self.warnings.append(
                f"Dòng {item.line}: số mục {item.label} bị lặp hoặc lùi; đánh số lại là {fixed}"
            )
        self._last_roman = value
        name = _ROMAN_NAMES[value] if value < len(_ROMAN_NAMES) else str(value)
        key = f"{self.part.key}.{name}" if self.part else name
        key = self._fresh(key)  # the same numbering again in an attached document
        self.roman = self._new(key, item, self.part)
        self.arabic, self.letter = {}, None

    def _arabic(self, item: Item) -> None:
        parts = item.label.split(".")
        depth = len(parts)
        base = self.roman or self.part
        # The written path is kept under the roman part: "2.5" under "II" -> "II.2.5".
        parent = self.arabic.get(depth - 1, base) if depth > 1 else base
        key = f"{base.key}.{item.label}" if base else item.label
        if key in self.nodes:
            earlier = reversed(parent.children if parent else self.order)
            sibling = next((n for n in earlier if n.kind == "arabic"), None)
            last = sibling.key.rsplit(".", 1)[-1] if sibling else parts[-1]
            fixed = str(int(last) + 1) if last.isdigit() else parts[-1] + "'"
            self.warnings.append(
                f"Dòng {item.line}: số mục {item.label} bị lặp; đánh số lại là {fixed}"
            )
            key = key.rsplit(".", 1)[0] + "." + fixed if "." in key else fixed
        node = self._new(self._fresh(key), item, parent)
        self.arabic = {d: n for d, n in self.arabic.items() if d < depth}
        self.arabic[depth] = node
        self.letter = None

    def _letter(self, item: Item) -> None:
        parent = self.arabic[max(self.arabic)] if self.arabic else (self.roman or self.part)
        key = f"{parent.key}.{item.label}" if parent else item.label
        self.letter = self._new(self._fresh(key), item, parent)


def _title(text: str) -> str:
    text = text.strip().rstrip(":").strip()
    return text if len(text) <= 300 else text[:297].rstrip() + "…"


def build_items(paras: list[Para]) -> tuple[list[Item], TreeBuilder]:
    """Label every paragraph and place it in the section tree."""
    tree = TreeBuilder()
    items: list[Item] = []
    for para in paras:
        kind, label, rest = label_of(para.text)
        item = Item(para, kind, label, rest, bullet=label if kind == "bullet" else "")
        tree.add(item)
        items.append(item)
    return items, tree


__all__ = ["ROMAN_VALUES", "Item", "Node", "TreeBuilder", "build_items", "label_of"]
