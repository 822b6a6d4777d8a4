"""Word auto-numbering: the "1.", "a)", "-" that Word draws before a paragraph but that is not
in its text. Rendered from numbering.xml so the parser sees the numbers a reader sees.

A paragraph is numbered by its own ``w:numPr`` or by its style's (following ``w:basedOn``).
Lists sharing an abstract numbering continue one another, as in Word, unless a ``w:num``
restarts a level with ``w:startOverride``; a level's counter restarts when a shallower level
of the same list advances.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(element: etree._Element | None, name: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(_w(name))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False


@dataclass
class Numbering:
    """The lists of one document and their running counters."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # abstract id -> levels
    nums: dict[str, str] = field(default_factory=dict)  # num id -> abstract id
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # num id -> starts
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    restarted: set[str] = field(default_factory=set)

    def prefix(self, p: etree._Element) -> str:
        """The rendered number of paragraph ``p`` ("2.", "b)", "-"), or "" if unnumbered."""
        num_id, level = self._num_of(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id in self.overrides and num_id not in self.restarted:
            self.restarted.add(num_id)
            for lvl, start in self.overrides[num_id].items():
                counters[lvl] = start - 1
            for deeper in [k for k in counters if k > level and k not in self.overrides[num_id]]:
                del counters[deeper]
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        return _render(levels, level, counters)

    def _num_of(self, p: etree._Element) -> tuple[str | None, int]:
        props = p.find(_w("pPr"))
        num_pr = None if props is None else props.find(_w("numPr"))
        num_id = _val(None if num_pr is None else num_pr.find(_w("numId")))
        level = _val(None if num_pr is None else num_pr.find(_w("ilvl")))
        style = _val(None if props is None else props.find(_w("pStyle")))
        seen: set[str] = set()
        while (num_id is None or level is None) and style and style not in seen:
            seen.add(style)
            based_on, style_level, style_num = self.styles.get(style, (None, None, None))
            num_id = num_id if num_id is not None else style_num
            if level is None and style_level is not None:
                level = str(style_level)
            style = based_on
        return num_id, _int(level, 0)


def _render(levels: dict[int, Level], level: int, counters: dict[int, int]) -> str:
    own = levels[level]
    if own.fmt == "bullet":
        return _bullet(own.text, level)
    text = own.text
    for k in range(level + 1):
        fmt = "decimal" if own.legal and k < level else levels.get(k, own).fmt
        value = counters.get(k, levels.get(k, own).start)
        text = text.replace(f"%{k + 1}", format_number(value, fmt))
    return text.strip()


def _bullet(symbol: str, level: int) -> str:
    symbol = symbol.strip()
    if symbol in ("-", "–", "+", "•", "*"):
        return "-" if symbol == "–" else symbol
    # Symbol-font bullets (private-use code points), "o", "▪": a dash, a plus below it.
    return "-" if level == 0 else "+"


def format_number(value: int, fmt: str) -> str:
    """``value`` in a numbering format of Word (decimal, lowerLetter, upperRoman…)."""
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        letter = letters[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out += letters
            value -= number
    return out


def load_numbering(numbering: etree._Element | None, styles: etree._Element | None) -> Numbering:
    """The lists defined in numbering.xml and the numbered paragraph styles of styles.xml."""
    out = Numbering()
    if numbering is not None:
        for abstract in numbering.iter(_w("abstractNum")):
            levels: dict[int, Level] = {}
            for lvl in abstract.iter(_w("lvl")):
                levels[_int(lvl.get(_w("ilvl")), 0)] = Level(
                    start=_int(_val(lvl.find(_w("start"))), 1),
                    fmt=_val(lvl.find(_w("numFmt"))) or "decimal",
                    text=_val(lvl.find(_w("lvlText"))) or "",
                    legal=lvl.find(_w("isLgl")) is not None,
                )
            out.levels[abstract.get(_w("abstractNumId"), "")] = levels
        for num in numbering.iter(_w("num")):
            num_id = num.get(_w("numId"), "")
            out.nums[num_id] = _val(num.find(_w("abstractNumId"))) or ""
            starts = {
                _int(o.get(_w("ilvl")), 0): _int(_val(o.find(_w("startOverride"))), 1)
                for o in num.iter(_w("lvlOverride"))
                if o.find(_w("startOverride")) is not None
            }
            if starts:
                out.overrides[num_id] = starts
    if styles is not None:
        for style in styles.iter(_w("style")):
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            based_on = _val(style.find(_w("basedOn")))
            level = _val(None if num_pr is None else num_pr.find(_w("ilvl")))
            num_id = _val(None if num_pr is None else num_pr.find(_w("numId")))
            out.styles[style.get(_w("styleId"), "")] = (
                based_on,
                _int(level, 0) if level is not None else None,
                num_id,
            )
    return out
