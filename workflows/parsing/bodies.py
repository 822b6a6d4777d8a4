"""Body (agency) names in running text: where a name starts, where it ends, how a list splits.

A name starts with an organisation word ("Sở", "Phòng", "Ủy ban", "UBND", "các cơ quan" …) and
ends where the predicate starts (a lower-case verb such as "chủ trì", "phối hợp", "tham mưu") or
at punctuation that cannot sit inside a name. Names themselves hold commas and "và"
("Sở Văn hóa, Thể thao và Du lịch", "Phòng Lao động - Thương binh và Xã hội"), so lists are split
only where the next piece starts with an organisation word. A group may be named by a clause:
what it was given ("Các cơ quan được giao chủ trì"), its role before a responsibility ("các
đơn vị phối hợp có trách nhiệm …") or who set it up ("Tổ công tác do Chủ tịch UBND xã thành
lập"); a name never ends on a function word ("do", "của", "thuộc"), even at a line break.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workflows.parsing.result import Body

UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x1EFF) if chr(c).isupper())
"""A regex character-class body for Vietnamese capital letters: use as f"[{UPPER}]"."""

BodyResolver = Callable[[str, str | None], Body]
"""(name as written, plan locality such as "huyện Tu Mơ Rông" or None) -> Body."""

# Words that open a name by themselves, and words that do so only before a capitalised word
# ("Sở Y tế", but not "Báo cáo", "Tổ chức", "Trường hợp", "Phòng, chống", "Hội nghị").
_STRONG_ORG = (
    r"Ủy ban|Uỷ ban|UBND|UBMTTQ\w*|Mặt trận|MTTQ|Công an|Bộ Chỉ huy|Bộ Tư lệnh|Bộ đội|Ngân hàng"
    r"|NHCSXH|Cơ quan|Hội đồng|Liên đoàn|Huyện đoàn|Tỉnh đoàn|Thành đoàn|Tòa án|Toà án|Văn phòng"
    r"|Chi cục|Bảo hiểm|BHXH|Bệnh viện|Kho bạc|HĐND|Thường trực|Tiểu ban|Chi nhánh|Công ty"
    r"|Điện lực|Hạt Kiểm lâm|Kiểm lâm|Chi hội|Đảng ủy|Đảng uỷ|Huyện ủy|Huyện uỷ|Tỉnh ủy|Tỉnh uỷ"
    r"|Thành ủy|Thành uỷ|Trang thông tin|Cổng thông tin|Công chức|công chức|Cán bộ|cán bộ"
    r"|Đồng chí|đồng chí|Chủ tịch|Phó Chủ tịch|Phó chủ tịch|Chuyên viên|Phó Trưởng|Phó Giám đốc"
    r"|Giám đốc|Thủ trưởng|Thành viên|Người đứng đầu|Cấp ủy|Lực lượng|Hợp tác xã|Ban quản lý"
    r"|Ban quản lí|ban quản lý|ban quản lí|Ban công tác|Ban chỉ đạo|Tổ công tác|Tổ bầu cử"
    r"|Trung tâm phục vụ|Ban Thường trực|Ban Chỉ đạo|Ban Chỉ huy|Viện [Kk]iểm sát|Liên minh"
    r"|Hiệp hội|Kiểm toán nhà nước|Kiểm toán Nhà nước|Chính phủ|Tổng Thư ký|Tổng thư ký"
    r"|Thuế(?=\s+(?:tỉnh|thành phố|cơ sở|khu vực|[A-ZĐ]))"
    r"|Hội,\s+hiệp hội|Liên hiệp"
    # office-holders named by a lower-case post: "Trưởng thôn", "Trưởng đoàn thể xã"
    r"|Trưởng (?:thôn|bản|ấp|khu phố|tổ dân phố|đoàn thể|các đoàn thể|ban|phòng|đoàn)"
)
_WEAK_ORG = (
    r"Sở|Phòng|Ban|Trung tâm|Bộ|Hội|Đoàn|Viện|Cục|Đài|Báo|Trường|Thanh tra|Tổ|Đồn|Trưởng"
    r"|Lãnh đạo|Doanh nghiệp|Nhà trường|Chính quyền|VP|Cảng vụ|phòng|lực lượng"
)
_ORG_WORDS = rf"(?:{_STRONG_ORG})(?!\w)|(?:{_WEAK_ORG})(?=\s+(?:[{UPPER}]|và\s+[{UPPER}]))"
_COLLECTIVE_NOUNS = (
    r"cơ quan|đơn vị|sở|Sở|ban|phòng|Phòng|địa phương|xã|phường|tổ chức|đoàn thể"
    r"|thành viên|hội|Hội|trường|doanh nghiệp|thôn|huyện|tỉnh|cấp|lực lượng|đồng chí|Phó"
    r"|chuyên viên|Chuyên viên|Đồng chí|Cán bộ|Công chức|cơ sở"
    r"|công chức|cán bộ|Ban|Trung tâm|UBND|Ủy ban|Uỷ ban|chi bộ|tập thể|đảng viên"
    r"|chủ đầu tư|nhà đầu tư|hợp tác xã|Hội|hiệp hội|Hiệp hội|chi nhánh|ngân hàng|tổ chức tín dụng"
    r"|bộ|Bộ|viện|Viện"
    # "các ngành liên quan", "các ngành, các cấp" are bodies; "các ngành tài chính, ngân hàng",
    # "các ngành, lĩnh vực" are sectors: "ngành" before a lower-case word that does not say
    # which bodies
    r"|ngành(?!,?\s+lĩnh vực)(?!\s+(?!(?:liên quan|có liên quan|chức năng|thành viên|và|cấp"
    r"|tỉnh|huyện|xã|thành phố|Trung ương|trung ương|đoàn thể|thuộc|trực thuộc|của|quản lý)(?!\w))"
    rf"[^\W\d_{UPPER}])"
)
ORG_START = re.compile(
    rf"^(?:{_ORG_WORDS}|(?:[Cc]ác|[Nn]hững|[Mm]ỗi)\s+(?:{_COLLECTIVE_NOUNS})(?!\w)"
    r"|Sở,\s+(?:ban,?\s+)?ngành(?!\w))"  # "Sở, ban, ngành thuộc UBND Thành phố"
)

# Lower-case predicates that end a name: what the body DOES. "tổ chức" after "các" or before
# "thành viên|chính trị|…|(có) liên quan" is a noun and stays in the name.
_VERBS = (
    "chủ trì|chủ động|phối hợp|tham mưu|xây dựng|báo cáo|thực hiện|triển khai|có trách nhiệm"
    "|chịu trách nhiệm|căn cứ|theo dõi|hướng dẫn|tăng cường|kiện toàn|định kỳ|tổng hợp|rà soát"
    "|ban hành|lãnh đạo|chỉ đạo|đẩy mạnh|bố trí|cung cấp|tiếp tục|quan tâm|là|(?<!việc )làm|được"
    "|khẩn trương"
    "|nghiên cứu|đề xuất|kiểm tra|phân công|thường xuyên|ưu tiên|vận động|tuyên truyền|cập nhật"
    "|lập|giám sát|hỗ trợ|phổ biến|gửi|trình|đôn đốc|thống nhất|tập trung|đảm bảo|bảo đảm"
    "|tham gia|phát huy|giao(?! thông)|yêu cầu|nâng cao|xác định|huy động|hoàn thành|tiến hành"
    "|sử dụng"
    "|nắm|thẩm định|phân bổ|cân đối|dự toán|quyết định|xử lý|đánh giá|biên soạn|in ấn|phát hành"
    "|tích cực|kịp thời|trực tiếp|thành lập|chuẩn bị|đăng ký|duy trì|nhân rộng|lồng ghép|vận hành"
    "|khai thác|chia sẻ|đào tạo|bồi dưỡng|tập huấn|thu thập|số hóa|chuẩn hóa|mở|tiếp nhận|giải đáp"
    "|phản ánh|kiến nghị|hoàn thiện|điều chỉnh|sửa đổi|bổ sung|góp ý|khen thưởng|biểu dương"
    "|ứng dụng|nghiêm túc|đẩy nhanh|tiên phong|dẫn dắt|kiểm soát|phát động|giúp|chuyển giao"
    "|(?<!bầu )(?<!ứng )(?<!Bầu )cử"
    "|tổ chức(?! (?:thành viên|chính trị|đoàn thể|xã hội|cá nhân|hội|đảng|cơ sở|tín dụng|quốc tế"
    r"|liên quan|có liên quan))"
)
# A verb right after "cơ sở", "viện" or "lĩnh vực", or after "ban" and before a capital, names the
# body ("các cơ sở đào tạo", "các viện nghiên cứu", "doanh nghiệp trong lĩnh vực xây dựng", "Phó
# Trưởng ban xây dựng Đảng");
# after "việc" it is a noun ("có liên quan tới việc thực hiện Kế hoạch"): no predicate starts.
PREDICATE = re.compile(
    rf"(?<![\w])(?<!các )(?<!Các )(?<!Ban )(?<!cơ sở )(?<!Cuộc )(?<!lĩnh vực )(?<!việc )(?<!viện )"
    rf"(?!(?<=ban )\w+(?: \w+)? [{UPPER}])(?:{_VERBS})(?![\w])"
)
# Where a name ends even without a verb: a time phrase ("Sở X chậm nhất ngày …"), a manner or
# scope phrase ("… bằng nhiều hình thức", "… trong phạm vi chức năng"), a reference ("… tại điểm
# d, khoản 1"), or "các" before a word that names no kind of body ("Lãnh đạo Sở các chỉ tiêu …")
# unless a preposition ties it to the name ("… đại học ở các lĩnh vực ngành, nghề").
_PHRASE_STOP = (
    r"\s(?=(?:chậm nhất|trước ngày|trong phạm vi|theo chức năng|bằng (?:nhiều|các)"
    r"|tại\s+(?:điểm|khoản|mục|tiết|Điều|điều))(?!\w))"
    # (not after a preposition: "Các cơ sở đào tạo ở các lĩnh vực …" says which ones, nor after
    # what a group manages: "Các cơ quan quản lý các lĩnh vực trọng điểm")
    rf"|(?<!\sở)(?<!\strong)(?<!\sthuộc)(?<!\scủa)(?<!cơ quan quản lý)(?<!đơn vị quản lý)"
    rf"(?<!cơ quan phụ trách)(?<!đơn vị phụ trách)"
    rf"\s(?=các\s+(?!(?:{_COLLECTIVE_NOUNS}|khu|cụm|khối|[{UPPER}]))\w)"
    # "các cơ quan liên quan phát triển …": a group ends at "liên quan" before a lower-case word
    rf"|(?<=liên quan)\s(?!(?:đến|tới|và|cùng)\s)(?=[^\W\d_])(?![{UPPER}])"
)
_PHRASE_END = re.compile(_PHRASE_STOP)
_NAME_STOP = re.compile(
    r"[:;(]|\.(?:\s|$)|\s[-–]\s(?=[Cc]ơ quan (?:thường trực|chủ trì|đầu mối))|" + _PHRASE_STOP
)
# A group named by what it was given to do: "Các cơ quan được giao nhiệm vụ", "Đơn vị được phân
# công chủ trì", "các cơ quan phối hợp" (before "có/chịu trách nhiệm"): the clause is its name.
_GROUP_HEAD = re.compile(
    r"^(?:(?:[Cc]ác|[Nn]hững|[Mm]ỗi)\s+)?(?:cơ quan|đơn vị|Cơ quan|Đơn vị)(?:,\s+đơn vị)?\s+$"
)
_GROUP_CLAUSE = re.compile(
    r"được\s+(?:giao|phân công|cử|chỉ định)(?:\s+(?:chủ trì|phối hợp|thực hiện))?"
    r"(?:\s+nhiệm vụ)?(?=\s)"
    r"|(?:chủ trì|phối hợp)(?=\s+(?:có|chịu) trách nhiệm(?!\w))"
)
# the rest of a group's relative clause, up to its responsibility in the same clause
_RESPONSIBILITY = re.compile(r"([^.,;:()]*?\s)(?:có|chịu) trách nhiệm(?!\w)")
# "… do Ủy ban nhân dân tỉnh thành lập": who set the body up or runs it belongs to its name.
_AGENT = re.compile(r"\sdo\s+\S")
_AGENT_VERB = re.compile(
    r"(?:quyết định\s+)?(?:thành lập|chủ trì|quản lý|phụ trách|phân công|giao|chỉ định)(?!\w)"
)
_PREFIX = re.compile(
    r"^(?:(?:Đề nghị|Giao|Yêu cầu|Đối với|Trách nhiệm của|Nhiệm vụ của|Giao cho|Khuyến khích"
    r"|Kêu gọi)\s+)+",
    re.I,
)
_TRAILING = re.compile(r"[\s,;:.\-–]+$")
_PAREN = re.compile(r"\s*\([^()]*\)")
_CONCERNING = re.compile(r"(?<=liên quan)\s+(?:tới|đến)\s+việc\s.*$", re.S)
_SPLIT_BEFORE_ORG = re.compile(r"\s*(?:,|;|\n|\s(?:và|cùng)\s)\s*")
# Function words a name cannot end on: what follows them is still the name.
_OPEN_END = re.compile(r"(?<!\S)(?:do|của|thuộc|với|cho|tại|trực thuộc)$")
BARE_GROUP = re.compile(r"(?:địa phương|đơn vị|cơ quan|doanh nghiệp)(?!\w)")
_GENERIC = re.compile(
    r"liên quan|^(?:(?:các|những)\s+)?(?:cơ quan|đơn vị|sở|ban|ngành|địa phương)(?!\w)", re.I
)


def strip_prefix(text: str) -> str:
    """Remove "Đề nghị", "Giao", "Trách nhiệm của" … in front of a name."""
    return _PREFIX.sub("", text.strip())


def clean_name(name: str) -> str:
    """A name as it should be shown: no prefix, trailing notes, parentheticals or punctuation."""
    name = strip_prefix(name)
    name = _PHRASE_END.split(name, maxsplit=1)[0]  # a name never runs on into such a phrase
    name = _PAREN.sub("", name)
    name = _CONCERNING.sub("", name)  # "… có liên quan tới việc thực hiện Kế hoạch này"
    name = re.split(r"\s[-–]\s(?=[Cc]ơ quan (?:thường trực|chủ trì|đầu mối))", name)[0]
    name = re.sub(r"\s+", " ", name.replace("\n", " "))
    name = re.sub(r"\s*([,;])(?=\S)", r"\1 ", name)
    name = _TRAILING.sub("", name).strip()
    return name[:1].upper() + name[1:] if name else name


def is_collective(name: str) -> bool:
    """A name standing for many bodies: "các …", "UBND các xã", "UBND xã, phường"."""
    return bool(
        re.search(r"(?:^|\s)(?:các|Các|những|Những|mỗi|Mỗi)\s", name)
        or re.search(r"cấp xã|cấp huyện|cấp tỉnh", name)
        or re.search(r",\s+[a-zđ]", name)
    )


def is_generic(name: str) -> bool:
    """An unspecific group ("các cơ quan liên quan"): a partner, never worth a lead of its own."""
    return bool(_GENERIC.search(name))


def starts_with_body(text: str) -> bool:
    return bool(ORG_START.match(strip_prefix(text)))


def leading_body(text: str) -> tuple[str, str] | None:
    """(name, rest) when ``text`` starts with a body name; the rest starts at the predicate."""
    stripped = strip_prefix(text)
    if not ORG_START.match(stripped):
        return None
    end = _predicate_start(stripped)
    stop = _NAME_STOP.search(stripped, 2)
    if stop and stop.start() < end:
        end = stop.start()
    name = stripped[:end]
    if not clean_name(name):
        return None
    return name, stripped[end:].lstrip(" ,")


def _predicate_start(name: str) -> int:
    """Where the predicate after a name starts, past the clauses that belong to the name: a
    group's passive relative clause ("Các cơ quan được giao chủ trì | có trách nhiệm …"), a
    group's role ("các đơn vị phối hợp | có trách nhiệm …") and an agent clause ("Tổ công tác do
    Chủ tịch UBND xã thành lập | kiểm tra …")."""
    pos = 2
    while verb := PREDICATE.search(name, pos):
        head = name[: verb.start()]
        clause = _GROUP_CLAUSE.match(name, verb.start()) if _GROUP_HEAD.match(head) else None
        if clause is None and _AGENT.search(head):
            clause = _AGENT_VERB.match(name, verb.start())
        if clause is None:
            return verb.start()
        duty = _RESPONSIBILITY.match(name, clause.end()) if clause.group(0)[:1] == "đ" else None
        if duty:  # "… được phân công chủ trì thực hiện nhiệm vụ này | có trách nhiệm …"
            return duty.end(1)
        pos = clause.end()
    return len(name)


def phrase_until_predicate(text: str) -> str:
    """The leading noun phrase of ``text`` (e.g. the partners after "phối hợp với")."""
    end = len(text)
    verb = PREDICATE.search(text)
    if verb:
        end = verb.start()
    stop = re.search(
        r"[:;(]|\.(?:\s|$)|\s(?:để|nhằm|trong|theo|về|tại|khi|trước|sau|bằng)\s|" + _PHRASE_STOP,
        text,
    )
    if stop and stop.start() < end:
        end = stop.start()
    return text[:end]


def split_names(phrase: str) -> list[str]:
    """Split a list of bodies where the next piece starts with an organisation word."""
    phrase = phrase.strip()
    if not phrase:
        return []
    parts: list[str] = []
    start = 0
    for sep in _SPLIT_BEFORE_ORG.finditer(phrase):
        rest = phrase[sep.end() :]
        if _OPEN_END.search(phrase[start : sep.start()]):
            continue  # "Ban soạn thảo do" / "Quốc hội thành lập": a name never ends on "do"
        hard = ";" in sep.group(0) or "\n" in sep.group(0)
        if hard or _splits_before(sep.group(0), rest, phrase[start : sep.start()]):
            parts.append(phrase[start : sep.start()])
            start = sep.end()
    parts.append(phrase[start:])
    names = [clean_name(p) for p in parts]
    return [n for n in names if n and len(n) > 2]


def _splits_before(separator: str, rest: str, before: str = "") -> bool:
    if not ORG_START.match(rest):
        # "Sở Y tế, địa phương": a bare group after a named body is a body of its own
        return bool(
            "," in separator
            and BARE_GROUP.match(rest)
            and ORG_START.match(before.strip())
            and not is_collective(before)
        )
    if re.search(r"(?:phụ trách|lĩnh vực)[^,]*$", before):
        return False  # "Chuyên viên phụ trách lĩnh vực Hành chính, Văn phòng": one person
    if "," in separator and re.match(r"[Đđ]ồng chí\s", before):
        return False  # "Đồng chí Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ": one person
    if re.search(r"\s(?:và|cùng)\s", separator):
        # "MTTQ … và các tổ chức chính trị - xã hội" is one conventional pair, not two bodies.
        return not re.match(r"(?:các|những)\s+(?:tổ chức|đoàn thể|hội)(?!\w)", rest, re.I)
    return True


def default_resolver(name: str, locality: str | None) -> Body:
    """Used until a registry is given: the cleaned name, unregistered."""
    del locality
    cleaned = clean_name(name)
    return Body(
        name=cleaned,
        as_written=name.strip(),
        registered=False,
        collective=is_collective(cleaned),
    )
