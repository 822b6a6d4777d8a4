"""Checked and pre-encoded header values: the only way text reaches a header of our mail.

Two facts about Python 3.11's email package, both pinned by tests:

1. It is not an injection guard. A subject holding ``=?UTF-8?Q?=0A?=Bcc: x@y`` came back as a
   real ``Bcc:`` header after serializing and parsing again, and a trailing "\\n" is accepted.
   So we refuse control characters (CR, LF, TAB, NUL, DEL, C1), Unicode line separators and
   encoded-word openers ("=?") in subjects and display names, and refuse any address that is not
   a plain ASCII ``local@domain.tld``. (Subjects built from user text were already flattened by
   ``render.one_line``: bad *text* is cleaned there, bad *addresses* are refused here.)
2. Its folder corrupts long non-ASCII headers: for random Vietnamese subjects about one in
   four came back with a space lost between two words ("thành rà" -> "thànhrà"), and long
   To headers lost display-name text and even whole mailboxes. So we write RFC 2047 encoded
   words ourselves, each short enough that no line needs refolding, keep the spaces *inside*
   the encoded words (RFC 2047 §6.2: whitespace between encoded words is dropped), split only
   between words, and store the value raw. (Python's own *parser* keeps that whitespace in
   display names, so a long name read back by Python shows a double space where we split;
   mail clients following the RFC show it exactly. Subjects read back exactly everywhere.)
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

# ASCII dot-atom local part and LDH domain labels: deliberately stricter than RFC 5322 (no
# quoted local parts, no IP literals), which every government mailbox we address satisfies.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})+")
_UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# 39 UTF-8 bytes -> 52 base64 chars -> a 64-char encoded word: "Subject: " + word < 78.
_WORD_BYTES = 39
_TOKEN = re.compile(r"\S+\s*|\s+")
_PLAIN_MAX = 66  # an ASCII value this short fits on the header's first line as it is
NAME_MAX = 200


class HeaderInjectionError(ValueError):
    """A value meant for a header could add or alter headers; the message is not built."""


@dataclass(frozen=True)
class Mailbox:
    address: str
    name: str = ""


def check_text(value: str, what: str) -> str:
    """Refuse header text with control characters or an encoded-word opener."""
    if _UNSAFE_TEXT.search(value):
        raise HeaderInjectionError(f"{what} contains a control character or line break: {value!r}")
    if "=?" in value:
        raise HeaderInjectionError(f"{what} contains an encoded-word sequence '=?': {value!r}")
    return value


def check_address(address: str) -> str:
    """Return ``address`` if it is a plain ``local@domain.tld``, else raise."""
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        raise HeaderInjectionError(f"invalid email address: {address!r}")
    if len(address.rpartition("@")[0]) > 64:
        raise HeaderInjectionError(f"invalid email address (local part too long): {address!r}")
    return address


def check_mailbox(box: Mailbox) -> Mailbox:
    """Validate both parts, and make sure Python's own parser reads the address as we do."""
    check_address(box.address)
    check_text(box.name, "display name")
    if len(box.name) > NAME_MAX:
        raise HeaderInjectionError(f"display name longer than {NAME_MAX} characters")
    try:
        parsed = Address(display_name=box.name, addr_spec=box.address)
    except (HeaderParseError, ValueError, IndexError) as error:
        raise HeaderInjectionError(f"invalid email address {box.address!r}: {error}") from error
    if parsed.addr_spec != box.address:
        raise HeaderInjectionError(f"ambiguous email address: {box.address!r}")
    return box


def _pieces(text: str) -> list[bytes]:
    """Words with their trailing spaces, as UTF-8; a word too long for one encoded word is cut
    between characters."""
    pieces: list[bytes] = []
    for token in _TOKEN.findall(text):
        data = token.encode("utf-8")
        while len(data) > _WORD_BYTES:
            cut = _WORD_BYTES
            while cut and (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 sequence
                cut -= 1
            pieces.append(data[:cut])
            data = data[cut:]
        pieces.append(data)
    return pieces


def encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 B-encoded UTF-8 words of at most 64 characters, packing whole
    words and keeping each space *inside* a word (decoders drop the whitespace between
    encoded words, RFC 2047 §6.2)."""
    chunks: list[bytes] = []
    for piece in _pieces(text):
        if chunks and len(chunks[-1]) + len(piece) <= _WORD_BYTES:
            chunks[-1] += piece
        else:
            chunks.append(piece)
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks]


def _fold(tokens: Sequence[str]) -> str:
    # One token per line: unfolding removes the line breaks, and decoders drop the whitespace
    # between adjacent encoded words, so the text comes back exactly.
    return "\r\n ".join(tokens)


def subject_value(subject: str) -> str:
    check_text(subject, "subject")
    if subject.isascii() and len(subject) <= _PLAIN_MAX:
        return subject
    return _fold(encoded_words(subject))


def _phrase(name: str) -> list[str]:
    if not name:
        return []
    if name.isascii() and len(name) <= _PLAIN_MAX - 20:
        return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
    return encoded_words(name)


def address_value(boxes: Sequence[Mailbox]) -> str:
    """An address-list header value, one mailbox part per line."""
    tokens: list[str] = []
    for index, box in enumerate(boxes):
        check_mailbox(box)
        parts = [*_phrase(box.name), f"<{box.address}>"]
        if index < len(boxes) - 1:
            parts[-1] += ","
        tokens.extend(parts)
    return _fold(tokens)
