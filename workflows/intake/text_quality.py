"""Is a page's text layer real Vietnamese, or the mojibake of fonts without a ToUnicode map?

Three signs, each measured on the page's words:
- glyph codes in place of letters: "(cid:123)" (pdfminer's mark for an unmapped glyph),
  private-use code points, control characters, U+FFFD;
- too few of the commonest Vietnamese syllables ("và", "của", "các", "thực hiện"…), which
  make up a third or more of the words of any plan;
- words that no Vietnamese spelling allows: letters of other alphabets, digits or symbols
  inside a word ("Kõ ho¹ch" from TCVN3 fonts, "KӃ").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The commonest syllables of administrative Vietnamese.
_COMMON_TEXT = (
    "và của các có cho được trong với theo về tại là những này để đã không đến từ trên "
    "thực hiện kế hoạch năm tháng ngày số tỉnh huyện xã phường thành phố ủy uỷ ban nhân dân "
    "sở phòng đơn vị cơ quan chủ trì phối hợp báo cáo tổ chức triển khai nội dung nhiệm vụ "
    "quản lý phát triển công tác người một thời gian địa bàn giai đoạn mục tiêu yêu cầu "
    "tra kiểm đảm bảo tăng cường xây dựng đề án chương trình văn bản quyết định nghị"
)
COMMON_SYLLABLES = frozenset(_COMMON_TEXT.split())
_GLYPH_CODE = re.compile(r"\(cid:\d+\)")
_WORD = re.compile(r"\S+")
_VIETNAMESE_LETTERS = set(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwzáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
_MIN_WORDS = 12
_MIN_COMMON_SHARE = 0.12
_MAX_ODD_SHARE = 0.2


@dataclass(frozen=True)
class Verdict:
    readable: bool
    reason: str  # in Vietnamese, for the warning when not readable


def judge(text: str) -> Verdict:
    """Whether ``text`` (one page) reads as Vietnamese; short pages are given the benefit."""
    codes = len(_GLYPH_CODE.findall(text))
    stripped = _GLYPH_CODE.sub(" ", text)
    odd_chars = sum(1 for ch in stripped if _is_odd_char(ch))
    words = [w.strip(".,;:!?()[]{}\"'“”‘’«»-–/%*") for w in _WORD.findall(stripped)]
    words = [w for w in words if w]
    total = len(words) + codes
    if codes > 5 and codes >= 0.2 * total:
        return Verdict(False, "chữ là mã hình (cid) do phông thiếu bảng mã Unicode")
    if odd_chars > 5 and odd_chars > 0.02 * len(stripped):
        return Verdict(False, "chữ có nhiều ký tự điều khiển hoặc ký tự riêng của phông")
    if len(words) < _MIN_WORDS:
        return Verdict(True, "")
    lowered = [unicodedata.normalize("NFC", w).lower() for w in words]
    common = sum(1 for w in lowered if w in COMMON_SYLLABLES)
    odd = sum(1 for w in lowered if _is_odd_word(w))
    if odd > _MAX_ODD_SHARE * len(words):
        return Verdict(False, "nhiều từ không thể là tiếng Việt (lỗi phông chữ)")
    if common < _MIN_COMMON_SHARE * len(words):
        return Verdict(False, "rất ít từ tiếng Việt thông dụng (lỗi phông chữ)")
    return Verdict(True, "")


def _is_odd_char(ch: str) -> bool:
    if ch in "\n\t\r":
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Co", "Cs") or ch == "\ufffd"


def _is_odd_word(word: str) -> bool:
    """A word with a letter outside the Vietnamese (and Latin) alphabet, or letters and
    digits or symbols mixed inside it."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return False
    if any(ch not in _VIETNAMESE_LETTERS for ch in letters):
        return True
    inner = word[1:-1]
    return any(not ch.isalnum() and ch not in "-./'’" for ch in inner) or (
        any(ch.isdigit() for ch in word) and len(letters) > 1 and not word[:1].isdigit()
    )
