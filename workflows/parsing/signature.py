"""The signature block: the signer's name and the "Nơi nhận" list of recipients."""

from __future__ import annotations

import re

_SIGN_ROLE = re.compile(
    r"^(?:TM|KT|TL|TUQ|Q)\.|^(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|BÍ THƯ)", re.I
)
_RECIPIENT_NOTE = re.compile(
    r"\s*\((?:để\s+)?(?:b/c|t/h|p/h|đ/b|ph/h|báo cáo|thay b/c|[^()]{0,12})\)\s*$", re.I
)


def signature(lines: list[str]) -> tuple[str | None, list[str]]:
    """The signer (the first name after a signing role) and the recipients, from the text's end."""
    start = next((i for i, x in enumerate(lines) if re.match(r"\s*\|?\s*Nơi nhận", x)), None)
    recipients = _recipients(lines[start + 1 :]) if start is not None else []
    scan_from = start if start is not None else 0
    seen_role = False
    for line in lines[scan_from:]:
        text = line.strip().strip("|").strip()
        if not text:
            continue
        if _SIGN_ROLE.match(text):
            seen_role = True
            continue
        if seen_role and _person(text):
            return text, recipients
    return None, recipients


def _person(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 5
        and all((w[:1].isupper() and not w.isupper()) or len(w) == 1 for w in words)
        and not re.search(r"[\d:;,./()]", text)
    )


def _recipients(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if text.startswith("|"):
            break
        if not text:
            continue
        if _SIGN_ROLE.match(text):
            break
        if text.startswith(("-", "+", "•")):
            out.append(text.lstrip("-+• ").strip())
        elif out:
            out[-1] = f"{out[-1]} {text}"
        if text.endswith("|"):
            out[-1] = out[-1].rstrip("| ")
            break
    cleaned = []
    for entry in out:
        entry = _RECIPIENT_NOTE.sub("", entry.rstrip(" ;.,")).strip(" ;.,")
        if entry and not re.match(r"Lưu\b", entry):
            cleaned.append(entry)
    return cleaned
