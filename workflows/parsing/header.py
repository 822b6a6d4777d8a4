"""The document's frame: number, place and date, title and period; issuer, bases and signature
come from their own modules (issuer.py, bases.py, signature.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from workflows.parsing.bases import bases_in
from workflows.parsing.dated_periods import make_date
from workflows.parsing.issuer import issuer_and_locality
from workflows.parsing.normalize import Document
from workflows.parsing.periods import year_range
from workflows.parsing.result import Basis
from workflows.parsing.sections import Item
from workflows.parsing.signature import signature
from workflows.parsing.timephrases import parse_time

_NUMBER = re.compile(r"\bSố\s*:\s*([0-9]*)\s*/\s*([A-ZĐ][\w\-–/Đ]*)")
_PLACE_DATE = re.compile(
    r"([^\W\d][^,|:;\n]{1,40}?),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})"
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
    header.bases = bases_in(items, header.title_line)
    header.issuer, header.locality = issuer_and_locality(doc.lines, items, header.place)
    _period(header, items)
    header.signer, header.recipients = signature(doc.lines)
    if header.year is None:
        header.year = header.period_start.year if header.period_start else None
    _missing(header)
    return header


_MOTTO = re.compile(r"CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP\s*-\s*TỰ DO|^KẾ HOẠCH\b", re.I)


def _missing(header: Header) -> None:
    """No header block, or one this parser cannot read: fields left empty with a warning
    saying so, never the title or the motto in their place."""
    if header.issuer and (_MOTTO.search(header.issuer) or header.issuer == header.title):
        header.issuer = None
    if header.issuer is None:
        header.warnings.append("Không xác định được cơ quan ban hành; hãy nhập khi duyệt")
    if header.issued_on is None:
        header.warnings.append("Không xác định được ngày ban hành; hãy nhập khi duyệt")


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
                text = title.para.text
                if kind == "KE HOACH":
                    text = _wrapped_title(text, items[i + 2 : i + 5])
                text = re.split(r"\s*\((?:Ban hành\s+)?[Kk]èm theo", text)[0].strip()
                header.title = text
                header.title_line = title.line
                if kind == "KE HOACH":
                    return
                break
        if header.title:
            return


def _wrapped_title(text: str, following: list[Item]) -> str:
    """A plan's title wrapped over several capitalised lines that came apart (PDF text has no
    blank lines to tell where the title ends): the capitalised paragraphs right after it."""
    for item in following:
        line = item.para.text
        if item.kind != "text" or line != line.upper() or sum(c.isalpha() for c in line) < 3:
            break
        if text.endswith((".", ":", ";")) or re.match(r"\(|CĂN CỨ|THỰC HIỆN", line):
            break
        text = f"{text} {line}"
    return text


def _plain(text: str) -> str:
    from workflows.parsing.text import strip_accents

    return " ".join(strip_accents(text).upper().replace(":", " ").split())


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
            span = year_range(rest, header.year)
            if span:
                header.period_start = span[0] or header.issued_on
                header.period_end = span[1]
                return
            spec = parse_time(rest, header.year)
            if spec.due:
                header.period_start, header.period_end = header.issued_on, spec.due
                return
    if header.title:
        span = year_range(header.title, header.year)
        if span:
            header.period_start = span[0] or header.issued_on
            header.period_end = span[1]
