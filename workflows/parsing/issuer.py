"""Who issues the plan, and for which locality.

Letterheads in capitals are turned to sentence case using the body's own spelling of the name
when the body has one ("SỞ CÔNG THƯƠNG" -> "Sở Công Thương"). Without a letterhead the issuer
comes from "… ban hành/xây dựng Kế hoạch" and its locality from the most frequent
"huyện Tu Mơ Rông"-style name of its level in the text.
"""

from __future__ import annotations

import re
from collections import Counter

from workflows.parsing.bodies import UPPER
from workflows.parsing.sections import Item

_LEVELS = r"thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường"
_LEVEL_WORD = re.compile(rf"(?<!\w)({_LEVELS})(?!\w)", re.I)
_CAPS_ORG = re.compile(r"(?<!\w)(ỦY BAN|UỶ BAN|UBND|SỞ|BAN|PHÒNG|TIỂU BAN|TRUNG TÂM|CÔNG AN)(?!\w)")
_ISSUING = re.compile(
    r"(?:^|[,;:]\s*)((?:Ban Thường trực\s+)?(?:Ủy ban|Uỷ ban|UBND|Sở|Ban|Tiểu ban|Phòng)"
    r"[^,;:]{0,90}?)\s+(?:ban hành|xây dựng)\s+(?:Kế hoạch|kế hoạch)"
)
_NOT_NAMES = {
    "Kế",
    "Chủ",
    "Sơ",
    "Tổng",
    "Quyết",
    "Nghị",
    "Chỉ",
    "Thông",
    "Công",
    "Hướng",
    "Ban",
    "Phòng",
    "Sở",
    "Ủy",
    "Uỷ",
    "UBND",
    "Về",
    "Theo",
    "Trong",
    "Và",
    "Tham",
    "Báo",
    "Phó",
    "Thường",
}

# (issuer, locality, level) as one source of the issuer found them
_Found = tuple[str | None, str | None, str | None]


def issuer_and_locality(
    lines: list[str], items: list[Item], place: str | None
) -> tuple[str | None, str | None]:
    """The issuer's name and its locality, from the letterhead or else from the body."""
    body = "\n".join(i.para.text for i in items)
    letterhead = _letterhead(lines)
    found = _from_letterhead(letterhead, body) if letterhead else None
    issuer, locality, level = found or _from_body(items, body, place)
    if locality is None and level is None and issuer:
        match = re.search(rf"(?<!\w)({_LEVELS})\s+[{UPPER}]", issuer)
        if match:
            locality = issuer[match.start() :]
    return issuer, locality


def locality_name(level: str, text: str) -> str | None:
    """The most frequent "huyện Tu Mơ Rông"-style name of ``level`` in ``text``."""
    found: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in re.finditer(rf"(?<!\w){level}[ \t]+", text):
        line_end = text.find("\n", m.end())
        words: list[str] = []
        for token in text[m.end() : line_end if line_end >= 0 else None].split(" ")[:5]:
            clean = token.strip(',.;:()“”"/')
            if not clean[:1].isupper() or (not words and clean in _NOT_NAMES):
                break
            words.append(clean)
            if clean != token:
                break
        if words:
            name = " ".join(words)
            found[name] += 1
            first.setdefault(name, m.start())
    if not found:
        return None
    best = max(found, key=lambda n: (found[n], len(n.split()), -first[n]))
    return f"{level} {best}"


def _from_letterhead(letterhead: str, body: str) -> _Found | None:
    """Issuer and locality from a letterhead naming a level ("UBND HUYỆN TU MƠ RÔNG")."""
    level_match = _LEVEL_WORD.search(letterhead)
    if not level_match:
        return None
    level = level_match.group(1).lower()
    name_part = letterhead[level_match.end() :].strip()
    after = ""
    org = _CAPS_ORG.search(name_part)
    if org:
        name_part, after = (
            name_part[: org.start()].strip(),
            name_part[org.start() :].strip(),
        )
    locality = f"{level} {_titlecase(name_part)}" if name_part else None
    before = _authority(letterhead[: level_match.start()].strip(), body)
    if after:
        after_text = _body_spelling(after, body) or _caps_org(after)
        issuer = (
            f"{after_text} {locality}"
            if before == "Ủy ban nhân dân"
            else f"{after_text} {before} {locality}"
        )
    else:
        issuer = f"{before} {locality}" if locality else before
    return issuer, locality, level


def _authority(before: str, body: str) -> str:
    """The letterhead's words before the level, in sentence case."""
    before = (
        "Ủy ban nhân dân"
        if before.upper() in {"UBND", "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"}
        else _caps_org(before)
    )
    return _body_spelling(before, body) or before if before.isupper() else before


def _from_body(items: list[Item], body: str, place: str | None) -> _Found:
    """Issuer from "… ban hành Kế hoạch", its locality the level's most frequent name."""
    issuer = _issuer_from_body(items)
    if not issuer:
        return issuer, None, None
    level_match = re.search(rf"(?<!\w)({_LEVELS})$", issuer)
    if not level_match:
        return issuer, None, None
    level = level_match.group(1)
    locality = locality_name(level, body)
    if locality is None and place:
        locality = f"{level} {place}"
    if locality:
        issuer = issuer[: level_match.start()].rstrip() + " " + locality
    return issuer, locality, level


def _titlecase(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


def _caps_org(text: str) -> str:
    """Letterhead capitals to sentence case, using the body's own spelling when it has one."""
    fixed = {
        "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân",
        "UỶ BAN NHÂN DÂN": "Ủy ban nhân dân",
        "MẶT TRẬN TỔ QUỐC": "Mặt trận Tổ quốc",
        "VIỆT NAM": "Việt Nam",
        "BAN THƯỜNG TRỰC": "Ban Thường trực",
        "ỦY BAN BẦU CỬ": "Ủy ban bầu cử",
    }
    for caps, proper in fixed.items():
        text = text.replace(caps, proper)
    keep = {"UBND", "MTTQ", "HĐND", "UBMTTQ"}
    words = [w if w in keep or not w.isupper() else w.lower() for w in text.split()]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


_NOT_LETTERHEAD = re.compile(r"(CỘNG H|Số\s*:|KẾ HOẠCH|QUYẾT ĐỊNH|Độc lập)", re.I)


def _left_cell(text: str) -> str:
    """A header laid out as a two-column table ("UBND TỈNH X | CỘNG HÒA XÃ HỘI …"): the left
    cell holds the issuer; the motto, the number and the place and date are not part of it."""
    cells = [c.strip() for c in text.split("|") if c.strip()]
    if len(cells) < 2:
        return text
    kept = [c for c in cells if not _NOT_LETTERHEAD.match(c) and not re.search(r"ngày|năm", c)]
    return kept[0] if kept and cells[0] == kept[0] else cells[0]


def _letterhead(lines: list[str]) -> str:
    out = []
    for line in lines[:40]:
        text = _left_cell(line.strip().strip("|").strip())
        if not re.search(r"[^\W\d_]", text):  # empty, or a table's "--- | ---" rule
            continue
        if _NOT_LETTERHEAD.match(text):
            if out:
                break
            continue
        if text.isupper() or re.fullmatch(rf"[{UPPER}\s,.\-]+", text):
            out.append(text)
        elif out:
            break
    return " ".join(out)


def _body_spelling(caps: str, body: str) -> str | None:
    pattern = re.escape(caps).replace(r"\ ", " ").replace(" ", r"\s+")
    for match in re.finditer(pattern, body, re.I):
        if not match.group(0).isupper():
            return match.group(0)
    return None


def _issuer_from_body(items: list[Item]) -> str | None:
    for item in items[:40]:
        match = _ISSUING.search(item.para.text)
        if match:
            name = re.sub(r"\s*\([^)]*\)", "", match.group(1)).strip()
            name = re.sub(r"^UBND\b", "Ủy ban nhân dân", name)
            name = re.sub(r"^Ủy ban nhân (?=tỉnh|huyện|xã)", "Ủy ban nhân dân ", name)
            return name
    return None
