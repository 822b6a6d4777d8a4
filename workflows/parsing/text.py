"""Vietnamese text helpers shared by the parser and the registry: NFC and name folding."""

from __future__ import annotations

import re
import unicodedata

# Tone marks sit on different vowels in equally correct spellings (Uỷ/Ủy, hoá/hóa); the other
# diacritics (circumflex, breve, horn) change the letter itself and must be kept.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212-]")
_TIGHT = re.compile(r"\s*([-&/])\s*")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """Compose to NFC: every input is normalized once at the edge, before parsing."""
    return unicodedata.normalize("NFC", text)


def _fold_word(match: re.Match[str]) -> str:
    decomposed = unicodedata.normalize("NFD", match.group(0))
    tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
    letters = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    # Tone goes to the end of the syllable so its position no longer matters.
    return unicodedata.normalize("NFC", letters) + tones


def fold(text: str) -> str:
    """Comparable form of a name: case, spacing, dash variants and tone-mark placement ignored.

    ``fold("Uỷ ban  nhân dân") == fold("ỦY BAN NHÂN DÂN")`` and
    ``fold("Phòng LĐ – TB & XH") == fold("phòng lđ-tb&xh")``.
    """
    text = nfc(text).lower()
    text = _DASHES.sub("-", text)
    text = _TIGHT.sub(r"\1", text)
    text = _SPACE.sub(" ", text).strip(" .,;:")
    return _WORD.sub(_fold_word, text)


def strip_accents(text: str) -> str:
    """ASCII-ish form (for slugs and loose search only, never for identity)."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
