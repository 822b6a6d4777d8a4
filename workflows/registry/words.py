"""The words of body names the registry matcher knows: assignment verbs, level words and the
standard abbreviations of Vietnamese administrative names. Plain data, edited with care:
every entry changes how every registry name is keyed."""

from __future__ import annotations

# Leading verbs of an assignment ("Đề nghị Ủy ban MTTQ…", "Giao công chức…"), longest first.
LEAD_WORDS = ("chỉ đạo đạo", "đề nghị", "yêu cầu", "giao cho", "chỉ đạo", "giao", "qua")
# "Giao" also starts nouns ("Giao thông", "Giao dịch"): strip it only before another word.
GIAO_NOUNS = ("thông", "dịch")

# A trailing level word scopes a name to the plan's own area ("Phòng Y tế huyện").
LEVEL_WORDS: dict[str, frozenset[str]] = {
    "tỉnh": frozenset({"tinh"}),
    "thành phố": frozenset({"tinh", "huyen"}),
    "huyện": frozenset({"huyen"}),
    "quận": frozenset({"huyen"}),
    "thị xã": frozenset({"huyen"}),
    "xã": frozenset({"xa"}),
    "phường": frozenset({"xa"}),
    "thị trấn": frozenset({"xa"}),
}

# Abbreviations as they read once punctuation is gone ("LĐ-TB&XH" -> "lđ tb xh").
ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "ubmttqvn": "ủy ban mặt trận tổ quốc",
    "ubmttq vn": "ủy ban mặt trận tổ quốc",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttqvn": "mặt trận tổ quốc",
    "mttq vn": "mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "lđ tb xh": "lao động thương binh xã hội",
    "lđ tbxh": "lao động thương binh xã hội",
    "lđtbxh": "lao động thương binh xã hội",
    "tb xh": "thương binh xã hội",
    "tbxh": "thương binh xã hội",
    "nhcsxh": "ngân hàng chính sách xã hội",
    "csxh": "chính sách xã hội",
    "nn ptnt": "nông nghiệp phát triển nông thôn",
    "nnptnt": "nông nghiệp phát triển nông thôn",
    "ptnt": "phát triển nông thôn",
    "tc kh": "tài chính kế hoạch",
    "tckh": "tài chính kế hoạch",
    "vh tt": "văn hóa thông tin",
    "vhtt": "văn hóa thông tin",
    "vh xh": "văn hóa xã hội",
    "gd đt": "giáo dục đào tạo",
    "gdđt": "giáo dục đào tạo",
    "kt ht": "kinh tế hạ tầng",
    "ktht": "kinh tế hạ tầng",
    "tn mt": "tài nguyên môi trường",
    "tnmt": "tài nguyên môi trường",
    "bhxh": "bảo hiểm xã hội",
    "pgd": "phòng giao dịch",
    "bcđ": "ban chỉ đạo",
    "pct": "phó chủ tịch",
    "bchqs": "ban chỉ huy quân sự",
    "bch quân sự": "ban chỉ huy quân sự",
    "dtts": "dân tộc thiểu số",
}
# Same body, two accepted spellings: the Front's full name may omit "Việt Nam".
SYNONYMS = {
    "mặt trận tổ quốc việt nam": "mặt trận tổ quốc",
    "mặt trận tổ quốc vn": "mặt trận tổ quốc",
}
