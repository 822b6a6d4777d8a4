"""Decoding .txt bytes: UTF-8 (BOM or not), UTF-16/32 with a BOM, then the Vietnamese legacy
8-bit encodings (Windows-1258, TCVN3) when the text clearly reads as Vietnamese in one of them.
VNI text is recognised and refused with a hint. Anything else is an "encoding" error naming
the first byte that is not UTF-8: we never guess silently.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from workflows.intake.errors import fail
from workflows.intake.vn_legacy import decode_tcvn3, vietnamese_score, vni_score

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A legacy decoding is accepted only if nearly all its non-ASCII words are Vietnamese
# syllables, there are enough of them to judge, and no other candidate comes close.
_MIN_SCORE = 0.8
_MIN_WORDS = 5
_MIN_MARGIN = 0.3


@dataclass(frozen=True)
class _Candidate:
    name: str
    text: str
    score: float
    words: int


def decode_text(data: bytes, filename: str) -> str:
    """Text of a .txt file (not yet newline- or NFC-normalized)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec, filename)
    # Without a BOM, NUL bytes mean UTF-16/32 or a binary file, in any 8-bit reading.
    _refuse_nul(data.decode("latin-1"), data, filename)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _legacy(data, filename, exc)


def _strict(data: bytes, codec: str, filename: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise fail(
            "encoding",
            filename,
            f"tệp có dấu BOM {codec.upper()} nhưng byte thứ {exc.start} "
            f"(dòng {_line_of(data, exc.start)}) không hợp lệ trong bảng mã đó.",
        ) from exc
    _refuse_nul(text, data, filename)
    return text


def _refuse_nul(text: str, data: bytes, filename: str) -> None:
    # NUL never occurs in a real text file; it means UTF-16 without BOM or a binary file.
    if "\x00" in text:
        offset = data.find(b"\x00")
        raise fail(
            "encoding",
            filename,
            f"tệp chứa byte NUL ở vị trí {offset} (dòng {_line_of(data, offset)}): có thể là "
            "UTF-16 không có BOM hoặc không phải tệp văn bản. Hãy lưu lại dạng UTF-8.",
        )


def _legacy(data: bytes, filename: str, exc: UnicodeDecodeError) -> str:
    bad = exc.start
    vni, vni_words = vni_score(data)
    candidates = sorted(
        (_candidate(name, text) for name, text in _legacy_texts(data)),
        key=lambda c: c.score,
        reverse=True,
    )
    best, runner_up = candidates[0], candidates[1]
    confident = (
        best.score >= _MIN_SCORE
        and best.words >= _MIN_WORDS
        and best.score - runner_up.score >= _MIN_MARGIN
    )
    if confident and vni < _MIN_SCORE:
        return best.text
    where = f"byte thứ {bad} (dòng {_line_of(data, bad)}, giá trị 0x{data[bad]:02X})"
    if vni >= _MIN_SCORE and vni_words >= _MIN_WORDS:
        raise fail(
            "encoding",
            filename,
            f"văn bản dùng bảng mã VNI (không phải Unicode; {where} không phải UTF-8), "
            "hãy chuyển sang Unicode (UTF-8) rồi tải lên lại.",
        ) from exc
    raise fail(
        "encoding",
        filename,
        f"không đọc được bảng mã: {where} không phải UTF-8, và nội dung cũng không khớp "
        "chắc chắn với Windows-1258, TCVN3 (ABC) hay VNI. Hãy lưu tệp dạng Unicode (UTF-8).",
    ) from exc


def _legacy_texts(data: bytes) -> list[tuple[str, str]]:
    return [
        ("cp1258", data.decode("cp1258", errors="replace")),
        ("tcvn3", decode_tcvn3(data)),
    ]


def _candidate(name: str, text: str) -> _Candidate:
    score, words = vietnamese_score(text)
    if "\ufffd" in text:
        score = 0.0  # a byte the encoding does not define: not this encoding
    return _Candidate(name, text, score, words)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, max(offset, 0)) + 1
