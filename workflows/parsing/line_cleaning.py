"""Source lines cleaned one by one: markdown emphasis, footnotes, odd spaces, rules, debris."""

from __future__ import annotations

import re

from workflows.parsing.text import nfc

_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_LINE = re.compile(rf"^\s*(?:[{_SUPERSCRIPTS}]+|\[\d{{1,2}}\])\s*\S")
_FOOTNOTE_MARK = re.compile(rf"(?<![mM])[{_SUPERSCRIPTS}]+|\[\d{{1,2}}\](?!\s*$)")
_RULE_LINE = re.compile(r"^\s*(?:[-_=–—.]{3,}|[.…]*…[.…]*)\s*$")
# What a web page shows around or inside a document it displays: not the document's text
_WEB_DEBRIS = re.compile(
    r"^\s*(?:Đang tải văn bản|Đang tải|Đang cập nhật|Tải văn bản|Tải về|In văn bản|Xem thêm"
    r"|Báo lỗi|Lưu văn bản)\W*$",
    re.I,
)
_BULLET_STAR = re.compile(r"^(\s*)\*(\s+)(?=[^\s*])")
SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_CONTROL = re.compile(r"[\u200b\u200c\u200d\ufeff\u00ad]")


def clean_line(line: str) -> str:
    """One source line without markdown emphasis, footnote marks, odd spaces and pipes at ends."""
    line = _CONTROL.sub("", line)
    line = SPACES.sub(" ", line)
    line = line.replace("**", "")
    bullet = _BULLET_STAR.match(line)
    if bullet:
        line = line[: bullet.end()].replace("*", "•", 1) + line[bullet.end() :].replace("*", "")
    else:
        line = line.replace("*", "")
    line = _FOOTNOTE_MARK.sub("", line)
    line = line.replace("[TABLE]", "").replace("[/TABLE]", "")
    return line.rstrip()


def clean_lines(text: str) -> list[str]:
    """Source lines (same count and order), each cleaned; debris lines become empty."""
    raw = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for index, line in enumerate(raw):
        if index == 0 and line.startswith("# source:"):
            out.append("")
            continue
        if _FOOTNOTE_LINE.match(line):
            out.append("")
            continue
        if _RULE_LINE.match(line) or _WEB_DEBRIS.match(line):
            out.append(" ")  # debris, but not a blank line: a table cell may go on after it
            continue
        cleaned = clean_line(line)
        # a line of markup alone ("** **", an empty bold table cell) is no blank line either
        out.append(cleaned if cleaned or not line.strip() else " ")
    return out
