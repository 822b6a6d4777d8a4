"""Headings: what kind of section a heading opens, the bodies it names and the time it gives.

- :func:`category`: "assign" (Tổ chức thực hiện, Phân công …), "issuer" (Nhiệm vụ cụ thể …),
  "target" (Chỉ tiêu), "content" (Nội dung, Giải pháp …), "article" (Điều 2 of a resolution),
  from the nearest heading that says;
- :func:`heading_bodies`: "1. Phòng Y tế", "Sở X: Chủ trì …", "Trách nhiệm của …";
- :func:`heading_time`: "1. Quý I/2024", "Đợt 1: Trong tháng 12/2025", "Nhiệm vụ thường xuyên";
- :func:`is_sentence`: a numbered item written as a full sentence is a duty, not a title.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workflows.parsing.bodies import (
    PREDICATE,
    clean_name,
    leading_body,
    phrase_until_predicate,
    split_names,
    starts_with_body,
    strip_prefix,
)
from workflows.parsing.duties import Reading, read_duty
from workflows.parsing.sections import Node
from workflows.parsing.text import strip_accents
from workflows.parsing.timephrases import TimeSpec, parse_time

_ASSIGN = re.compile(
    r"to chuc thuc hien|phan cong|trach nhiem|che do bao cao|che do thong tin|giao nhiem vu"
    r"|^nhiem vu cua\b"  # "Nhiệm vụ của thành viên Ban Chỉ đạo": whose duties follow
)
# "Các giải pháp tổ chức thực hiện kế hoạch": solutions for carrying the plan out, a content
# heading ("tổ chức thực hiện" qualifies "giải pháp"); "Giải pháp và tổ chức thực hiện" assigns.
_SOLUTIONS = re.compile(r"giai phap (?:de |nham )?to chuc thuc hien")
_ISSUER = re.compile(r"^nhiem vu (?:cu the|thuong xuyen|trong tam|chu yeu|chung)(?!.*giai phap)")
_TARGET = re.compile(r"chi tieu|muc tieu")
_CONTENT = re.compile(
    r"noi dung|giai phap|hinh thuc|muc dich|yeu cau|kinh phi|doi tuong|pham vi|thoi gian"
    r"|khau hieu|dinh huong|lo trinh|nhiem vu|hoat dong|can cu|phu luc|de cuong"
)


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return " ".join(strip_accents(text).lower().split())


def category(node: Node | None) -> str | None:
    """assign / issuer / target / content / article, from the nearest heading that says."""
    if node is None:
        return None
    cached = getattr(node, "category", "?")
    if cached != "?":
        return cached  # type: ignore[no-any-return]
    found = _category(node)
    node.category = found  # type: ignore[attr-defined]
    return found


def _category(node: Node) -> str | None:
    if node.kind == "article":
        return "article"  # a resolution's article: sentences naming a body are its duties
    title = _folded(node.title[:120])
    if title.endswith("!"):  # a slogan ("Mỗi lá phiếu là … một trách nhiệm …!") is no heading
        return category(node.parent)
    if node.kind in ("arabic", "letter") and is_sentence(node):
        return category(node.parent)  # a duty written as a sentence ("… bố trí kinh phí ….")
    if len(title.split()) <= 14 or node.kind in ("roman", "part"):
        if _ASSIGN.search(title) and not _SOLUTIONS.search(title):
            return "assign"
        if _ISSUER.search(title):
            return "issuer"
        if _TARGET.search(title) and not title.startswith(("noi dung", "nhiem vu")):
            return "target"
        if _CONTENT.search(title) or node.kind == "part":
            return "content"
    return category(node.parent)


def heading_bodies(node: Node) -> tuple[list[str], str] | None:
    """(bodies, inline duties) when a heading names bodies: "1. Phòng Y tế", "Sở X: Chủ trì …"."""
    title = (node.full or node.title).strip()
    explicit = re.match(r"^(?:Trách nhiệm|Nhiệm vụ)\s+(?:của\s+)?(.+?)\s*:?\s*$", title)
    if explicit and not re.search(r"[.;]", explicit.group(1)):
        return split_names(explicit.group(1)), ""
    if not starts_with_body(title):
        return None
    parts = [p.strip() for p in title.rstrip(":").split(";")]
    if len(parts) > 1 and all(starts_with_body(p) and _name_like(p) for p in parts):
        return [n for p in parts for n in names_of(p)], ""
    named = leading_body(title)
    if named is None:
        return None
    name, rest = named
    rest = re.sub(r"^\s*[-–]\s*[Cc]ơ quan[^:]*", "", rest).strip()
    rest = re.sub(r"^\([^)]*\)\s*", "", rest).strip()
    if rest.startswith(":"):
        return names_of(name), rest[1:].strip()
    if not rest and _name_like(name):
        return names_of(name), ""
    has_items = bool(node.items or node.children)
    # "Các cơ quan tham mưu … (gồm các Sở: …)": the parenthesis lists members, it is no duty.
    bare = re.sub(r"\s*\([^)]*\)", "", title).rstrip(":")
    # A numbered sentence ("1. Các sở … xây dựng kế hoạch ….") followed by prose is no title.
    short = len(bare.split()) <= 16 and not re.search(r"\.\s|;", bare)
    if has_items and short and not is_sentence(node):
        return names_of(bare), ""
    return None


# What an announcing sentence says after its body and partners: "… thực hiện các nhiệm vụ sau:",
# "…, có trách nhiệm:", "… các nội dung cụ thể như sau:"
_ANNOUNCE_TAIL = re.compile(
    r"[,\s]*(?:(?:(?:có|chịu) trách nhiệm|thực hiện|triển khai|tổ chức thực hiện)[,\s]*)*"
    r"(?:(?:các|những|một số)\s+)?(?:nhiệm vụ|nội dung|công việc|hoạt động)?\s*"
    r"(?:cụ thể|chủ yếu|trọng tâm|liên quan)?\s*(?:(?:như\s+)?sau(?:\s+đây)?)?\s*:?\s*$"
)


def announcing(node: Node) -> tuple[Reading, str] | None:
    """A numbered sentence naming a body and announcing a list ("3. Sở Y tế chủ trì, phối hợp
    với Sở Tài chính thực hiện các nhiệm vụ sau:", "4. Giao Sở Nội vụ là cơ quan đầu mối, có
    trách nhiệm:"): the reading its items inherit (lead and partners), and the sentence's own
    duty when it states one beyond the announcement ("là cơ quan đầu mối"), else "". With
    nothing under it, such a sentence announces the items after it at its own level. A sentence
    without the colon over bullets ("1. Các cơ quan … xây dựng kế hoạch …" / "- Báo cáo …") is a
    duty of its own, and its bullets are the same body's."""
    title = (node.full or node.title).strip()
    colon = title.endswith(":")
    sentence = title.endswith((".", ";")) and len(title.split()) >= 8
    if not colon and not (sentence and any(i.kind == "bullet" for i in node.items)):
        return None
    named = leading_body(title)
    if named is None or not named[0].strip() or not PREDICATE.match(named[1]):
        return None
    reading = read_duty(title.rstrip(": "), [])
    if not reading.leads:
        return None
    if not colon:  # "1. Các cơ quan … xây dựng kế hoạch …; đề ra giải pháp …" over its bullets
        return reading, title
    rest = re.sub(r"^chủ trì\s*,?\s*", "", named[1].strip())
    cooperate = re.match(r"^phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+", rest)
    if cooperate:
        rest = rest[cooperate.end() + len(phrase_until_predicate(rest[cooperate.end() :])) :]
    own = _ANNOUNCE_TAIL.sub("", rest).strip(" ,")
    return reading, title.rstrip(": ") if len(own.split()) >= 3 else ""


def names_of(text: str) -> list[str]:
    return split_names(text) or [clean_name(text)]


def _name_like(name: str) -> bool:
    words = strip_prefix(name).split()
    if len(words) < 2:
        return False
    self_standing = re.match(
        r"(?:UBND|Ủy ban|Uỷ ban|Công an|Cơ quan|[Cc]ác|Thành viên|Công chức|công chức|Cán bộ"
        r"|Chuyên viên|Đồng chí|Lãnh đạo|Phó|Chủ tịch|Trưởng|Ban công tác|Ban quản l"
        r"|Trang thông tin|Cổng thông tin)",
        strip_prefix(name),
    )
    return bool(self_standing) or any(w[:1].isupper() for w in words[1:])


def heading_time(node: Node | None, year: int | None) -> TimeSpec:
    """The time a heading gives its items: "1. Quý I/2024", "Đợt 1: Trong tháng 12/2025",
    "II. NHIỆM VỤ THƯỜNG XUYÊN" (ongoing)."""
    while node is not None:
        title = node.title
        if len(title.split()) <= 9 and re.search(r"(?:Quý|quý|[Tt]háng|[Nn]ăm|Đợt)\s", title):
            spec = parse_time(title, year)
            if spec.due:
                return spec
        standing = node.kind in ("roman", "arabic") and len(title.split()) <= 8
        if standing and re.search(r"thường xuyên", title, re.I):
            return TimeSpec(recurrence="ongoing")
        node = node.parent
    return TimeSpec()


def is_sentence(node: Node) -> bool:
    """A numbered item written as a full sentence, followed only by prose ("e) Hằng năm, tổ
    chức kiểm tra …; tổ chức sơ kết …."): a duty itself, not a title over its paragraphs."""
    text = (node.full or node.title).rstrip()
    return (
        not node.children
        and text.endswith((".", ";"))
        and len(text.split()) >= 8
        and all(i.kind == "text" for i in node.items)
    )


__all__ = ["announcing", "category", "heading_bodies", "heading_time", "is_sentence", "names_of"]
