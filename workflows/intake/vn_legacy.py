"""Vietnamese 8-bit legacy encodings: the TCVN3 (ABC) table, a VNI signature, and a test of
whether decoded text reads as Vietnamese.

The TCVN3 table was checked entry by entry against two independent public converters (a
byte->letter list and a C# converter's parallel code/letter arrays): all 74 entries agree.
TCVN3 has no code points for upper-case toned letters (those come from the separate
".VnTimeH" fonts, which reuse the lower-case codes), so such text decodes to lower case.
"""

from __future__ import annotations

import re
import unicodedata

# byte -> letter; bytes not listed fall back to cp1252 (ASCII and punctuation).
_TCVN3_SPEC = (
    "a1:Ă a2:Â a3:Ê a4:Ô a5:Ơ a6:Ư a7:Đ a8:ă a9:â aa:ê ab:ô ac:ơ ad:ư ae:đ "
    "b5:à b6:ả b7:ã b8:á b9:ạ bb:ằ bc:ẳ bd:ẵ be:ắ c6:ặ c7:ầ c8:ẩ c9:ẫ ca:ấ cb:ậ "
    "cc:è ce:ẻ cf:ẽ d0:é d1:ẹ d2:ề d3:ể d4:ễ d5:ế d6:ệ d7:ì d8:ỉ dc:ĩ dd:í de:ị "
    "df:ò e1:ỏ e2:õ e3:ó e4:ọ e5:ồ e6:ổ e7:ỗ e8:ố e9:ộ ea:ờ eb:ở ec:ỡ ed:ớ ee:ợ "
    "ef:ù f1:ủ f2:ũ f3:ú f4:ụ f5:ừ f6:ử f7:ữ f8:ứ f9:ự fa:ỳ fb:ỷ fc:ỹ fd:ý fe:ỵ"
)
TCVN3_TABLE: dict[int, str] = {
    int(code, 16): letter for code, letter in (item.split(":") for item in _TCVN3_SPEC.split())
}

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[ckmnpt])?"  # final k: Tây Nguyên names (Đắk, Ngọk)
)
_WORD = re.compile(r"[^\W\d_]+")
# VNI stores a toned vowel as an ASCII vowel followed by a mark byte; seen through cp1252 the
# marks are these Latin-1 letters (ù=acute, ø=grave, û=hook, õ=tilde, ï=dot, â/ê/ä... combos).
_VNI_PAIR = re.compile(r"[aeiouyAEIOUYôöÔÖ][ùøûõïâêéèúüëáàåãäÙØÛÕÏÂÊÉÈÚÜËÁÀÅÃÄ]")
_VNI_SINGLE = frozenset("ôöñÔÖÑ")


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 bytes to text (bytes outside the table read as cp1252)."""
    fallback = data.decode("cp1252", errors="replace")
    return "".join(TCVN3_TABLE.get(byte, ch) for byte, ch in zip(data, fallback, strict=True))


def is_vietnamese_syllable(word: str) -> bool:
    """True if ``word`` spells one Vietnamese syllable (at most one tone mark)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str) -> tuple[float, int]:
    """Share of non-ASCII words that are Vietnamese syllables, and how many there were.

    ASCII words say nothing about the encoding, so only words with a non-ASCII letter count.
    """
    words = [w for w in _WORD.findall(unicodedata.normalize("NFC", text)) if not w.isascii()]
    if not words:
        return 0.0, 0
    good = sum(1 for w in words if is_vietnamese_syllable(w))
    return good / len(words), len(words)


def vni_score(data: bytes) -> tuple[float, int]:
    """Share of non-ASCII words that look like VNI (vowel + mark byte), and their count."""
    text = data.decode("cp1252", errors="replace")
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if _VNI_PAIR.search(w) or _VNI_SINGLE.intersection(w))
    return hits / len(words), len(words)
