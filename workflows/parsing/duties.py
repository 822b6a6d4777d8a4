"""One duty's wording to its lead and partners.

The readings, chosen from the real plans (see docs in :mod:`workflows.parsing.assignments`):
- "Chủ trì, phối hợp với X …" under a body heading H: lead H, partners X;
- "Phối hợp với X …" under H: H still leads, X are partners: the plan assigns the duty to the
  body it is listed under, which is accountable for it and reports on it; nothing makes X its
  owner. Without any H, a single specific X leads; several X leave the lead open (warning);
- "Phối hợp tuyên truyền …" (no X): H keeps the lead, with a note that the lead is unnamed;
- "Giao X …", "Đề nghị X …", "X chủ trì …", "X báo cáo …": X leads (several X: each leads);
- "Chỉ đạo X …" under H: H leads (directing is H's duty); with no heading (the issuer's own
  list), X leads, because the issuer assigns the work to X through this plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflows.parsing.bodies import (
    BARE_GROUP,
    ORG_START,
    PREDICATE,
    is_collective,
    is_generic,
    leading_body,
    phrase_until_predicate,
    split_names,
    strip_prefix,
)

_COOPERATE = re.compile(r"^[Pp]hối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+(.*)$", re.S)
_INNER_COOPERATE = re.compile(
    r"(?<!\w)(?:phối hợp(?:\s+chặt chẽ)?(?:\s+với)?|tham gia với|cùng với|cùng)\s+"
)
_GROUPS = ("các ", "ban, ngành", "ban ngành")
_LEAD_WORDS = re.compile(r"^(?:Giao|Đề nghị|Yêu cầu|Giao cho|Khuyến khích|Kêu gọi)\s+", re.I)
# "…; khuyến khích các doanh nghiệp thành viên tham gia …" in lower case, inside the clauses of a
# body in force: urging them is that body's own work; only at a sentence's start ("Khuyến khích
# Hội X …") does the issuer hand the work to the urged body.
_URGED = re.compile(r"^(?:khuyến khích|kêu gọi|vận động)(?!\w)")
_DIRECT = re.compile(r"^Chỉ đạo(?:\s+đạo)?\s+(.*)$", re.S)
_LEADING_CLAUSE = re.compile(
    r"^(?:Căn cứ|Trên cơ sở|Trong quá trình[^,]*|Đồng thời|Ngoài ra|Bên cạnh đó"
    r"|Định kỳ|Hằng|Hàng|Mỗi|Trước ngày|Chậm nhất|Sau khi|Khi|Trong thời gian)[^,]*,\s*",
    re.S,
)
# "Định kỳ 06 tháng các cơ quan … báo cáo", "Hằng năm Sở X …": the subject follows the time
_TIME_OPENER = re.compile(r"^(?:Định kỳ|Hằng|Hàng|Mỗi|Trước ngày|Chậm nhất)(?!\w)")
_TIME_WORDS = 6  # how far into the sentence its subject may start
_DUTY_VERBS = (
    "Chủ trì|Phối hợp|Tham mưu|Tổ chức|Xây dựng|Hướng dẫn|Triển khai|Thực hiện|Báo cáo|Tổng hợp"
    "|Theo dõi|Kiểm tra|Giám sát|Chỉ đạo|Đôn đốc|Tuyên truyền|Vận động|Cung cấp|Bố trí|Phân bổ"
    "|Rà soát|Nghiên cứu|Đề xuất|Cập nhật|Lồng ghép|Hỗ trợ|Tăng cường|Đẩy mạnh|Có trách nhiệm"
    "|Chịu trách nhiệm|Cấp phát|Tập huấn|Bồi dưỡng|Ban hành|Trình|Tiếp nhận|Thẩm định|Cử|Lập"
    "|Khen thưởng|Biểu dương|Phát động|Duy trì|Chủ động|Giao|Đề nghị|Làm đầu mối|Là đầu mối"
    "|Ưu tiên|Trước mắt|Đề xuất|Vận động|Cấp|Hướng dẫn|Định hướng|Gắn|Nâng cao|Trên cơ sở"
    "|Đồng thời|Huy động|Kịp thời|Chuẩn bị|Thành lập|Quản lý|Đầu tư|Bảo đảm|Đảm bảo"
    "|Tiếp tục|Phổ biến|Thu hút|Hình thành|Áp dụng|Hoàn thiện|Chuyển đổi|Định kỳ|Đề ra|Mở"
    "|Giữ vững|Thông báo|Củng cố|Kiện toàn|Nhân rộng|Phát huy"
    "|Giới thiệu|Quảng bá|Xúc tiến|Mời gọi|Tranh thủ"  # promoting, attracting, enlisting support
    "|Khuyến khích|Thúc đẩy|Tập trung|Chú trọng|Thường xuyên|Tham gia|Đưa|Tăng|Phát hiện"
    "|Đào tạo|Chuyển giao|Công bố|Sử dụng|Tích cực|Tiên phong"
)
# After ";" a lower-case verb starts a new duty too ("…; hướng dẫn …"); "thực hiện" is read
# apart (see _CARRY_OUT). In lower case some go on with what came before: "…; đào tạo thạc sỹ"
# (one more object of the policy), "…; chú trọng …", "…; thường xuyên …" (how it is done).
_CAPITALISED_ONLY = ("Thực hiện", "Cấp", "Đào tạo", "Chú trọng", "Thường xuyên", "Tham gia")
_LOWER_VERBS = "|".join(
    v[:1].lower() + v[1:] for v in _DUTY_VERBS.split("|") if v not in _CAPITALISED_ONLY
)
# "Hoàn thành" opens a sentence of its own work ("Hoàn thành, báo cáo kết quả …"), unless a
# time follows it at once: ". Hoàn thành trước ngày 30/6." is the deadline of the sentence before.
_COMPLETE = r"Hoàn thành(?!\w)(?!\s+(?:trước|trong|chậm nhất|xong|vào|ngày|tháng|quý|năm)(?!\w))"
_SPLIT = re.compile(
    rf";\s+(?=(?:{_DUTY_VERBS}|{_LOWER_VERBS}|sơ kết|tổng kết)(?!\w))"
    rf"|\.\s+(?=(?:{_DUTY_VERBS}|Sơ kết|Tổng kết|Căn cứ)(?!\w)|{_COMPLETE})"
)
# "…, kiểm tra, giám sát, định kỳ báo cáo kết quả về …": the periodic report after a comma is
# a duty of its own (it recurs; the work before it does not)
_PERIODIC_REPORT = re.compile(r",\s+(?=định kỳ(?:\s+[^\W\d_]+){0,3}?\s+báo cáo(?!\w))")
_CLAUSE_WORDS = 4  # "Thường xuyên, định kỳ hằng quý báo cáo": an adverb, not work of its own
# "Tổng hợp kết quả thực hiện, định kỳ báo cáo …": compiling the results is the report's own work
_REPORT_WORK = re.compile(r"^(?:[Tt]ổng hợp|[Bb]áo cáo)(?!\w)")
# "…; thực hiện …" / "…; tham gia …" after ";" is a new action of the assigned body, except in a
# duty that urges people: what they are urged to do goes on ("Tuyên truyền, vận động Nhân dân
# …; thực hiện nếp sống văn minh", "… vận động hội viên …; tham gia các phong trào").
_CARRY_OUT = re.compile(r";\s+(?=(?:thực hiện|tham gia)(?!\w))")
_URGING = re.compile(r"(?<!\w)(?:[Tt]uyên truyền|[Vv]ận động|[Kk]huyến khích|[Kk]êu gọi)(?!\w)")
_REVIEW = r"(?<!\w)(?:[Ss]ơ kết|[Tt]ổng kết)(?!\w)"
_AND_REPORT = re.compile(r"\s+và\s+(?=(?:báo cáo|sơ kết|tổng kết)(?!\w))")
_OWN_TIME = re.compile(r"(?<!\w)(?:[Nn]ăm\s+\d{4}|\d{1,2}/\d{4}|[Qq]uý\s+[IV]+)(?!\w)")
_REVIEW_COMMA = re.compile(rf",\s+(?=[^,;.]*?{_REVIEW})")
_REVIEW_BEFORE = re.compile(rf"{_REVIEW}\s+[^\W_][^,;]*$")  # a review and the time it is held
# "…, các cơ quan phối hợp có trách nhiệm …": a comma before a second subject's responsibility
_CLAUSE_BREAK = re.compile(r"[;.]\s+(?=\w)|,\s+(?=[Cc]ác\s)")
_RESPONSIBLE = re.compile(r"(?:có|chịu) trách nhiệm(?!\w)")


@dataclass
class Reading:
    """Who leads and who cooperates, as the wording says."""

    leads: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    open_lead: bool = False  # the lead is deliberately left empty (ambiguous)


def split_duties(text: str) -> list[str]:
    """Several duties in one paragraph, split where a new duty verb starts a clause, or where a
    clause after ";" or "." has a subject of its own ("…; các chuyên viên … được phân công …")."""
    parts = [
        t.strip()
        for p in _SPLIT.split(text)
        for c in _split_carrying_out(p)
        for q in _split_subjects(c)
        for r in _split_reviews(q)
        for u in _split_periodic_report(r)
        for t in _split_dated_reports(u)
    ]
    return [p for p in parts if len(p) > 3]


def _split_carrying_out(text: str) -> list[str]:
    """ "Bố trí cán bộ …; thực hiện chế độ trợ cấp …": two duties; "Tuyên truyền, vận động hội
    viên …; thực hiện nếp sống văn minh": one (what the people are urged to do goes on)."""
    parts, start = [], 0
    for m in _CARRY_OUT.finditer(text):
        if not _URGING.search(text, start, m.start()):
            parts.append(text[start : m.start()])
            start = m.end()
    return [*parts, text[start:]]


def _split_periodic_report(text: str) -> list[str]:
    """ "Tổ chức thực hiện, kiểm tra, giám sát, định kỳ báo cáo kết quả": the work and its
    periodic report are two duties, when the work is a clause of its own."""
    m = _PERIODIC_REPORT.search(text)
    work = text[: m.start()] if m else ""
    if m is None or len(work.split()) < _CLAUSE_WORDS or _REPORT_WORK.match(work.lstrip()):
        return [text]
    return [text[: m.start()], text[m.end() :]]


def _split_dated_reports(text: str) -> list[str]:
    """ "Báo cáo giữa kỳ (năm 2030) và báo cáo tổng kết (năm 2035)": two reports joined by "và",
    each with a time of its own, are two duties; "báo cáo và đề xuất …" stays one."""
    m = _AND_REPORT.search(text)
    if m is None or not (_OWN_TIME.search(text, 0, m.start()) and _OWN_TIME.search(text, m.end())):
        return [text]
    return [text[: m.start()], text[m.end() :]]


def _split_reviews(text: str) -> list[str]:
    """ "sơ kết 3 năm, kết thúc nhiệm kỳ tổng kết …": reviews of two stated times are two
    milestones; "tổ chức sơ kết, tổng kết việc thực hiện" (one review, two words) is one."""
    parts, start = [], 0
    for comma in _REVIEW_COMMA.finditer(text):
        if _REVIEW_BEFORE.search(text[start : comma.start()]):
            parts.append(text[start : comma.start()])
            start = comma.end()
    return [*parts, text[start:]]


def _split_subjects(text: str) -> list[str]:
    parts, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        rest = text[m.end() :]
        if m.group(0).startswith(",") and not (
            _has_subject(text[start : m.start()]) and _RESPONSIBLE.match(_predicate_of(rest))
        ):
            continue  # "Sở X, Sở Y chủ trì": a comma splits only two responsibility clauses
        if _has_subject(rest):
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


def _predicate_of(clause: str) -> str:
    named = leading_body(clause[:200]) if ORG_START.match(clause) else None
    return named[1] if named and named[0].strip() else ""


def _has_subject(clause: str) -> bool:
    """The clause opens with a body name followed by what it does ("Phòng X tổng hợp …")."""
    if not ORG_START.match(clause) or _LEAD_WORDS.match(clause):
        return False
    named = leading_body(clause[:200])
    return bool(named and named[0].strip() and PREDICATE.match(named[1]))


def _partners_after(text: str) -> list[str]:
    names: list[str] = []
    for m in _INNER_COOPERATE.finditer(text):
        phrase = phrase_until_predicate(text[m.end() :])
        # "phối hợp với doanh nghiệp xây dựng …": a bare group is a partner too
        if ORG_START.match(phrase) or BARE_GROUP.match(phrase) or phrase.startswith(_GROUPS):
            names += split_names(phrase)
    return _unique(names)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        key = n.lower()
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def _strip_leading_clause(text: str) -> str:
    """ "Căn cứ Kế hoạch này, các Sở … xây dựng …" -> "các Sở … xây dựng …"; "Hằng quý các
    đơn vị … báo cáo …" -> "các đơn vị … báo cáo …" (a time adverbial needs no comma)."""
    subject = _subject_after_time(text)
    if subject is not None:
        return subject
    if not _LEADING_CLAUSE.match(text):
        return text
    opening = re.split(r"[;:]", text, maxsplit=1)[0][:200]
    opening = re.sub(r"\([^()]*\)", lambda m: "_" * len(m.group(0)), opening)  # no commas in (…)
    commas = list(re.finditer(r",\s*", opening))
    for comma in commas:
        rest = text[comma.end() :]
        if _has_subject(strip_prefix(rest)) or re.match(r"(?:giao|chủ trì|phối hợp)\b", rest):
            return rest
    return text[commas[0].end() :] if commas else text


def _subject_after_time(text: str) -> str | None:
    """The clause from its subject on, when a time adverbial opens it without a comma."""
    if not _TIME_OPENER.match(text):
        return None
    opening = re.split(r"[,;:]", text, maxsplit=1)[0]
    for gap in list(re.finditer(r"\s+", opening))[:_TIME_WORDS]:
        if PREDICATE.search(text, 2, gap.start()):
            return None  # "Định kỳ báo cáo UBND tỉnh …": the work came first, no subject
        rest = text[gap.end() :]
        if ORG_START.match(rest) and _has_subject(rest):
            return rest
    return None


def read_duty(text: str, heading: list[str], default_lead: list[str] | None = None) -> Reading:
    """Lead and partners of one duty under a body heading (``heading`` may be empty)."""
    in_force = heading or default_lead
    if in_force and _URGED.match(text.strip()):
        return Reading(list(in_force), _partners_after(text))
    body = _strip_leading_clause(text.strip())
    body = body[:1].upper() + body[1:]
    if _LEAD_WORDS.match(body):
        named = leading_body(body)
        if named and named[0].strip():
            return _subject(named[0], named[1], heading)
    direct = _DIRECT.match(body)
    if direct:
        named = leading_body(direct.group(1))
        if heading:
            return Reading(list(heading), _partners_after(direct.group(1)))
        if named and named[0].strip():
            return _subject(named[0], named[1], [])
    if ORG_START.match(strip_prefix(body)) and not re.match(r"^(?:Phòng|Ban),", body[:6]):
        named = leading_body(body)
        if named and named[1] and not named[1].startswith(":"):
            return _subject(named[0], named[1], heading)
    if re.match(r"^Chủ trì", body):
        return Reading(list(heading or default_lead or []), _partners_after(body))
    cooperate = _COOPERATE.match(body)
    if cooperate:
        return _cooperation(cooperate.group(1), heading or default_lead or [])
    leads = list(heading or default_lead or [])
    return Reading(leads, _partners_after(body))


def _subject(name: str, rest: str, heading: list[str]) -> Reading:
    """ "X chủ trì, phối hợp với Y …" / "X phối hợp với Y …" / "X báo cáo …"."""
    subjects = split_names(name)
    rest = rest.strip()
    cooperate = _COOPERATE.match(rest) if re.match(r"^phối hợp", rest) else None
    if cooperate is None:  # "X chủ trì …", "X báo cáo …", or "phối hợp:" (a field label)
        return Reading(subjects, [p for p in _partners_after(rest) if p not in subjects])
    return _cooperation(cooperate.group(1), subjects)


def _cooperation(rest: str, helpers: list[str]) -> Reading:
    """ "Phối hợp với X …" said of ``helpers``: X leads, the helpers cooperate."""
    phrase = phrase_until_predicate(rest)
    named = split_names(phrase) if (ORG_START.match(phrase) or is_generic(phrase)) else []
    # Only one named, specific body can take the lead; groups ("UBND các xã") only cooperate.
    if named:
        named = _unique(named + _partners_after(rest[len(phrase) :]))
    if not named:
        note = "nhiệm vụ «phối hợp» không nêu cơ quan chủ trì"
        return Reading(list(helpers), [], [note] if helpers else [])
    if helpers:
        # The plan assigns the duty to the body it is listed under: it is accountable and
        # reports; the bodies it cooperates with are partners (golden reading rules).
        return Reading(list(helpers), named)
    specific = [n for n in named if not is_generic(n) and not is_collective(n)]
    if len(specific) == 1:
        return Reading(specific, [n for n in named if n not in specific])
    note = "phối hợp với nhiều cơ quan, chưa rõ cơ quan chủ trì"
    return Reading([], named, [note], open_lead=True)
