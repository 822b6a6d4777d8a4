"""How a written body name becomes a registry lookup key: small pure steps, composed once.

``parse_name`` splits a name as written into (core key, explicit locality key, level word),
all in folded form (shown here without folding):

    "Đề nghị Phòng LĐ-TB&XH huyện"      -> ("phòng lao động thương binh xã hội", None, "huyện")
    "Phòng Dân tộc huyện Ngọc Hồi"      -> ("phòng dân tộc", "huyện ngọc hồi", "huyện")

Core keys are ``fold``-ed (tone-mark placement, case, dashes, spacing) and then rewritten:
punctuation and "và"/"&"/"-" become spaces, standard abbreviations are expanded, and the
optional "Việt Nam" of the Fatherland Front is dropped. The registry indexes every canonical
name and alias through the same function, so resolving a name is one dict access.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import NamedTuple

from workflows.parsing.text import fold, nfc, strip_accents
from workflows.registry.words import ABBREVIATIONS, GIAO_NOUNS, LEAD_WORDS, LEVEL_WORDS, SYNONYMS

# Folding is the hot spot of a lookup; words and names recur across plans, so cache them.
_fold = lru_cache(maxsize=16384)(fold)

_SPACE = re.compile(r"\s+")
_BULLET = re.compile(r"^[-–—•+*]\s*")
# Distribution-list notes such as "(b/c)", "(thay b/c)", "(p/h)" are routing, not names.
_ROUTING_NOTE = re.compile(r"\s*\([^()]*/[^()]*\)$")
_PUNCT = re.compile(r"[-&/,;.:()\"“”'‘’]+")
_TRAILING = " .,;:/"
_FOOTNOTE_MARKS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")

_LEADS = tuple(tuple(fold(lead).split()) for lead in LEAD_WORDS)
# "Giao" also starts nouns ("Giao thông", "Giao dịch"): strip it only before another word.
_GIAO = (fold("giao"),)
_NOUNS = {fold(word) for word in GIAO_NOUNS}
_LEVELS = {fold(word): levels for word, levels in LEVEL_WORDS.items()}

# Tone marks as ``fold`` leaves them: combining characters at the end of a syllable.
_TONE = "[\u0300\u0301\u0303\u0309\u0323]?"
# "quản lí"/"quản lý", "kĩ"/"kỹ": i and y are both correct after these consonants.
_Y_AS_I = re.compile(rf"(?<!\S)([hklmst])y({_TONE})(?!\S)")
# Central Highlands place names are written "Đăk" and "Đắk".
_DAK = re.compile(r"(?<!\S)đăk\u0301(?!\S)")


class ParsedName(NamedTuple):
    core: str  # canonical key without locality, "" when nothing is left
    locality: str | None  # key of an explicit locality ("huyện ngọc hồi"), if any
    level: str | None  # folded trailing level word ("huyện"), if any

    @property
    def levels(self) -> frozenset[str] | None:
        """Registry levels the trailing word allows; None when the name has no level word."""
        return _LEVELS.get(self.level) if self.level else None


_AND = fold("và")
_CAC = fold("các")
_NHUNG = fold("những")
_MEMBERS_OF = fold("thành viên").split()


def _prepare(text: str) -> str:
    text = _PUNCT.sub(" ", fold(text))
    return " ".join(word for word in text.split() if word != _AND)


def _replacer(table: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    prepared = {_prepare(k): _prepare(v) for k, v in table.items()}
    alternatives = "|".join(re.escape(k) for k in sorted(prepared, key=len, reverse=True))
    return re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)"), prepared


_ABBREV_RE, _ABBREV_MAP = _replacer(ABBREVIATIONS)
_SYNONYM_RE, _SYNONYM_MAP = _replacer(SYNONYMS)


@lru_cache(maxsize=16384)
def canonical(text: str) -> str:
    """The comparable key of a name: ``canonical("Phòng LĐ-TB&XH") ==
    canonical("phòng Lao động – Thương binh và Xã hội")``."""
    key = _prepare(text)
    key = _ABBREV_RE.sub(lambda m: _ABBREV_MAP[m.group(0)], key)
    key = _SYNONYM_RE.sub(lambda m: _SYNONYM_MAP[m.group(0)], key)
    key = _Y_AS_I.sub(r"\1i\2", key)
    return _DAK.sub("đăk", key)


def search_key(text: str) -> str:
    """The loose form a picker compares: the canonical key without any diacritic, so that
    "Van phong", "VĂN  PHÒNG" and "Văn phòng" meet (never an identity: keys stay canonical)."""
    return strip_accents(canonical(text))


def locality_key(text: str) -> str:
    """Comparable form of a locality name ("Huyện Tu Mơ Rông" -> "huyện tu mơ rông")."""
    return canonical(text)


def strip_lead_words(text: str) -> str:
    """Drop the assignment verbs before a body name: "Đề nghị Ủy ban MTTQ" -> "Ủy ban MTTQ"."""
    words = text.split(" ")
    while True:
        head = tuple(_fold(w) for w in words[:4])
        for lead in _LEADS:
            n = len(lead)
            if len(words) > n and head[:n] == lead and not (lead == _GIAO and head[1] in _NOUNS):
                words = words[n:]
                break
        else:
            return " ".join(words)


@lru_cache(maxsize=16384)
def clean_written(text: str) -> str:
    """The display form of a name as written: NFC, one space, no bullet, footnote mark,
    routing note ("(b/c)"), trailing punctuation or leading "Đề nghị"/"Giao"/"qua"."""
    text = _SPACE.sub(" ", _FOOTNOTE_MARKS.sub("", nfc(text))).strip()
    text = _BULLET.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _ROUTING_NOTE.sub("", text).rstrip(_TRAILING)
    return strip_lead_words(text)


def _level_before(words: list[str], end: int) -> int:
    """How many words (1 or 2) ending just before ``end`` form a level word; 0 if none."""
    for n in (2, 1):
        if end - n >= 1 and _fold(" ".join(words[end - n : end])) in _LEVELS:
            return n
    return 0


def leading_level(words: list[str]) -> int:
    """How many leading words (1 or 2) of a locality name are its level word; 0 if none."""
    for n in (2, 1):
        if len(words) > n and _fold(" ".join(words[:n])) in _LEVELS:
            return n
    return 0


def _known_tail(key_words: list[str], known: Collection[str]) -> int:
    """Length of the longest trailing run of key words naming a known locality; 0 if none.
    (Place names hold no abbreviation, so a suffix of a key is the key of the suffix.)"""
    for n in range(min(6, len(key_words) - 1), 1, -1):
        if " ".join(key_words[-n:]) in known:
            return n
    return 0


def _capitalized_tail(words: list[str]) -> int:
    """Length of a trailing "<level word> <Capitalized Name>" run ("huyện Kon Rẫy"); 0 if none."""
    end = len(words)
    start = end
    while start > 1 and words[start - 1][:1].isupper():
        start -= 1
        levels = _level_before(words, start)
        if levels:
            return end - start + levels
    return 0


def _level_tail(words: list[str]) -> int:
    """Length of a bare trailing level word ("… huyện"); "các xã" and "xã, thị trấn" are
    part of a collective name, not a scope."""
    for n in (2, 1):
        if len(words) > n and _fold(" ".join(words[-n:])) in _LEVELS:
            before = words[-n - 1]
            if _fold(before) == _CAC or before.endswith(","):
                return 0
            return n
    return 0


def parse_name(written: str, known_localities: Collection[str] = ()) -> ParsedName:
    """Split a written name into core key, explicit locality key and level word.

    ``known_localities`` holds ``locality_key`` forms: a trailing known locality is recognised
    whatever its case; an unknown one only as a level word followed by capitalised words.
    """
    words = clean_written(written).split()
    key_words = canonical(" ".join(words)).split()
    tail = _known_tail(key_words, known_localities)
    if tail:
        locality = key_words[-tail:]
        level = " ".join(locality[: leading_level(locality)]) or None
        return ParsedName(" ".join(key_words[:-tail]), " ".join(locality), level)
    tail = _capitalized_tail(words)
    if tail:
        locality = words[-tail:]
        level = _fold(" ".join(locality[: leading_level(locality)])) or None
        core = canonical(" ".join(words[:-tail]))
        return ParsedName(core, locality_key(" ".join(locality)), level)
    tail = _level_tail(words)
    if tail:  # a trailing level word is a plain word: it is also the key's last word(s)
        return ParsedName(" ".join(key_words[:-tail]), None, " ".join(key_words[-tail:]))
    return ParsedName(" ".join(key_words), None, None)


def looks_collective(name: str) -> bool:
    """Whether an unregistered name stands for many bodies ("các xã", "Các cơ quan, đơn vị")."""
    words = canonical(name).split()
    return _CAC in words or _NHUNG in words or words[:2] == _MEMBERS_OF
