"""The document's frame: number, issuer, place and date, title, bases, period, signer, recipients.

Letterheads in capitals are turned to sentence case using the body's own spelling of the name
when the body has one ("SỞ CÔNG THƯƠNG" -> "Sở Công Thương"). Without a letterhead the issuer
comes from "… ban hành/xây dựng Kế hoạch" and its locality from the most frequent
"huyện Tu Mơ Rông"-style name of its level in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from workflows.parsing.bodies import UPPER
from workflows.parsing.normalize import Document
from workflows.parsing.result import Basis
from workflows.parsing.sections import Item
from workflows.parsing.timephrases import make_date, parse_time, year_range

_NUMBER = re.compile(r"\bSố\s*:\s*([0-9]*)\s*/\s*([A-ZĐ][\w\-–/Đ]*)")
_PLACE_DATE = re.compile(
    r"([^\W\d][^,|:;\n]{1,40}?),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})"
)
_LEVELS = r"thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường"
_LEVEL_WORD = re.compile(rf"(?<!\w)({_LEVELS})(?!\w)", re.I)
_DOC_TYPES = (
    r"Luật|Bộ luật|Nghị định|Nghị quyết|Quyết định|Kế hoạch|Chỉ thị|Thông tư|Công văn|Hướng dẫn"
    r"|Chương trình(?: phối hợp)?|Kết luận|Thông báo|Đề án|Văn bản|Kế hoạch hành động"
)
_BASIS_NUMBER = re.compile(
    r"(?:số\s*)?(\d+[\w.]*(?:/\d{4})?(?:/[A-ZĐ][\w\-–Đ]*)+|\d+-[A-ZĐ]+[\w]*/[A-ZĐ]+\w*)"
)
_BASIS_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{4})|ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
_SIGN_ROLE = re.compile(
    r"^(?:TM|KT|TL|TUQ|Q)\.|^(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|BÍ THƯ)", re.I
)
_RECIPIENT_NOTE = re.compile(
    r"\s*\((?:để\s+)?(?:b/c|t/h|p/h|đ/b|ph/h|báo cáo|thay b/c|[^()]{0,12})\)\s*$", re.I
)
_CAPS_ORG = re.compile(r"(?<!\w)(ỦY BAN|UỶ BAN|UBND|SỞ|BAN|PHÒNG|TIỂU BAN|TRUNG TÂM|CÔNG AN)(?!\w)")


_ISSUING = re.compile(
    r"(?:^|[,;:]\s*)((?:Ban Thường trực\s+)?(?:Ủy ban|Uỷ ban|UBND|Sở|Ban|Tiểu ban|Phòng)"
    r"[^,;:]{0,90}?)\s+(?:ban hành|xây dựng)\s+(?:Kế hoạch|kế hoạch)"
)


@dataclass
class Header:
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    locality: str | None = None
    issued_on: date | None = None
    year: int | None = None
    title: str | None = None
    title_line: int = 0
    body_start: int = 0  # index in items where the plan body (first roman section) starts
    period_start: date | None = None
    period_end: date | None = None
    signer: str | None = None
    recipients: list[str] = field(default_factory=list)
    bases: list[Basis] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_header(doc: Document, items: list[Item]) -> Header:
    header = Header()
    top = _top_text(doc.lines)
    _number_and_date(header, top)
    _title(header, items)
    _bases(header, items)
    _issuer(header, doc, items)
    _period(header, items)
    _signature(header, doc.lines)
    if header.year is None:
        header.year = header.period_start.year if header.period_start else None
    return header


def _top_text(lines: list[str]) -> str:
    """The letterhead before the title: cells (split at pipes and blank lines) one per line."""
    chunks: list[list[str]] = [[]]
    for line in lines[:60]:
        if re.fullmatch(r"\s*(KẾ HOẠCH|QUYẾT ĐỊNH)\s*:?\s*", line):
            break
        text = line.strip()
        if not text or set(text) <= {"|", " "} or text.startswith("|"):
            chunks.append([])
        text = text.strip("|").strip()
        if text:
            chunks[-1].append(text)
    return "\n".join(" ".join(c) for c in chunks if c)


def _number_and_date(header: Header, top: str) -> None:
    number = _NUMBER.search(top)
    if number:
        header.number = f"{number.group(1)}/{number.group(2)}" if number.group(1) else None
    when = _PLACE_DATE.search(top)
    if when:
        header.place = when.group(1).strip(" *|")
        header.year = int(when.group(4))
        if when.group(2) and when.group(3):
            header.issued_on = make_date(
                int(when.group(2)), int(when.group(3)), header.year, header.warnings
            )


def _title(header: Header, items: list[Item]) -> None:
    for kind in ("KE HOACH", "QUYET DINH"):
        for i, item in enumerate(items[:-1]):
            if len(item.para.text) <= 16 and _plain(item.para.text) == kind:
                title = items[i + 1]
                text = re.split(r"\s*\((?:Ban hành\s+)?[Kk]èm theo", title.para.text)[0].strip()
                header.title = text
                header.title_line = title.line
                if kind == "KE HOACH":
                    return
                break
        if header.title:
            return


def _plain(text: str) -> str:
    from workflows.parsing.text import strip_accents

    return " ".join(strip_accents(text).upper().replace(":", " ").split())


def _preamble(items: list[Item], after_line: int = 0) -> list[Item]:
    out = []
    started = False
    for item in items:
        if item.line <= after_line:
            continue
        if item.kind in ("roman", "part"):
            break
        if item.para.text.startswith(("Căn cứ", "Thực hiện", "Theo đề nghị")):
            started = True
        if started:
            out.append(item)
    return out


def _bases(header: Header, items: list[Item]) -> None:
    for item in _preamble(items):
        if item.line == header.title_line:
            continue
        text = item.para.text
        if not text.startswith(("Căn cứ", "Thực hiện")):
            continue
        # "…, UBND tỉnh ban hành Kế hoạch … như sau:" closes the bases.
        text = re.split(
            r"[,;]\s*(?=(?:UBND|Ủy ban|Uỷ ban|Sở|Ban|Phòng)\b[^,;]{0,60}(?:ban hành|xây dựng)\s)",
            text,
        )[0]
        pieces = re.split(rf";\s*|\s+và\s+(?=(?:{_DOC_TYPES})\s+số)|\.\s+(?=Căn cứ)", text)
        for piece in pieces:
            piece = piece.strip(" ;.")
            piece = re.sub(r"^(?:Căn cứ|Thực hiện)\s+", "", piece)
            if len(piece) < 8 or piece.startswith("chức năng"):
                continue
            header.bases.append(_basis(piece))


def _basis(text: str) -> Basis:
    number = _BASIS_NUMBER.search(text)
    when = _BASIS_DATE.search(text)
    issued = None
    if when:
        d, m, y = (
            (when.group(1), when.group(2), when.group(3)) if when.group(1) else when.groups()[3:]
        )
        issued = make_date(int(d), int(m), int(y), [])
    kind = re.match(rf"(?:{_DOC_TYPES})", text)
    is_plan = bool(kind and kind.group(0).startswith("Kế hoạch"))
    return Basis(
        text=text, number=number.group(1) if number else None, issued_on=issued, is_plan=is_plan
    )


def _titlecase(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


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


def _issuer(header: Header, doc: Document, items: list[Item]) -> None:
    body = "\n".join(i.para.text for i in items)
    letterhead = _letterhead(doc.lines)
    level = None
    issuer = None
    if letterhead:
        level_match = _LEVEL_WORD.search(letterhead)
        if level_match:
            level = level_match.group(1).lower()
            name_part = letterhead[level_match.end() :].strip()
            after = ""
            org = _CAPS_ORG.search(name_part)
            if org:
                name_part, after = (
                    name_part[: org.start()].strip(),
                    name_part[org.start() :].strip(),
                )
            header.locality = f"{level} {_titlecase(name_part)}" if name_part else None
            before = letterhead[: level_match.start()].strip()
            before = (
                "Ủy ban nhân dân"
                if before.upper() in {"UBND", "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"}
                else _caps_org(before)
            )
            before = _body_spelling(before, body) or before if before.isupper() else before
            if after:
                after_text = _body_spelling(after, body) or _caps_org(after)
                issuer = (
                    f"{after_text} {header.locality}"
                    if before == "Ủy ban nhân dân"
                    else f"{after_text} {before} {header.locality}"
                )
            else:
                issuer = f"{before} {header.locality}" if header.locality else before
    if issuer is None:
        issuer = _issuer_from_body(items)
        if issuer:
            level_match = re.search(rf"(?<!\w)({_LEVELS})$", issuer)
            if level_match:
                level = level_match.group(1)
                header.locality = locality_name(level, body)
                if header.locality is None and header.place:
                    header.locality = f"{level} {header.place}"
                if header.locality:
                    issuer = issuer[: level_match.start()].rstrip() + " " + header.locality
    if header.locality is None and level is None and issuer:
        match = re.search(rf"(?<!\w)({_LEVELS})\s+[{UPPER}]", issuer)
        if match:
            header.locality = issuer[match.start() :]
    header.issuer = issuer


def _letterhead(lines: list[str]) -> str:
    out = []
    for line in lines[:40]:
        text = line.strip().strip("|").strip()
        if not text:
            continue
        if re.match(r"(CỘNG H|Số\s*:|KẾ HOẠCH|QUYẾT ĐỊNH|Độc lập)", text, re.I):
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


def _period(header: Header, items: list[Item]) -> None:
    for i, item in enumerate(items):
        if item.kind == "roman" and re.search(
            r"TỔ CHỨC THỰC HIỆN|NHIỆM VỤ|NỘI DUNG", item.text, re.I
        ):
            break
        if re.match(r"Thời gian thực hiện", item.text, re.I):
            rest = item.text.split(":", 1)[1] if ":" in item.text else ""
            if not rest.strip() and i + 1 < len(items):
                rest = items[i + 1].para.text
            span = year_range(rest)
            if span:
                header.period_start = span[0] or header.issued_on
                header.period_end = span[1]
                return
            spec = parse_time(rest, header.year)
            if spec.due:
                header.period_start, header.period_end = header.issued_on, spec.due
                return
    if header.title:
        span = year_range(header.title)
        if span:
            header.period_start = span[0] or header.issued_on
            header.period_end = span[1]


def _signature(header: Header, lines: list[str]) -> None:
    start = next((i for i, x in enumerate(lines) if re.match(r"\s*\|?\s*Nơi nhận", x)), None)
    if start is not None:
        header.recipients = _recipients(lines[start + 1 :])
    scan_from = start if start is not None else 0
    seen_role = False
    for line in lines[scan_from:]:
        text = line.strip().strip("|").strip()
        if not text:
            continue
        if _SIGN_ROLE.match(text):
            seen_role = True
            continue
        if seen_role and _person(text):
            header.signer = text
            return


def _person(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 5
        and all((w[:1].isupper() and not w.isupper()) or len(w) == 1 for w in words)
        and not re.search(r"[\d:;,./()]", text)
    )


def _recipients(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if text.startswith("|"):
            break
        if not text:
            continue
        if _SIGN_ROLE.match(text):
            break
        if text.startswith(("-", "+", "•")):
            out.append(text.lstrip("-+• ").strip())
        elif out:
            out[-1] = f"{out[-1]} {text}"
        if text.endswith("|"):
            out[-1] = out[-1].rstrip("| ")
            break
    cleaned = []
    for entry in out:
        entry = _RECIPIENT_NOTE.sub("", entry.rstrip(" ;.,")).strip(" ;.,")
        if entry and not re.match(r"Lưu\b", entry):
            cleaned.append(entry)
    return cleaned
