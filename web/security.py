"""Passwords (Argon2id) and random secrets; nothing here touches the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane (about 20 ms here).
MEMORY_KIB = 19 * 1024
PASSES = 2
HASHER = PasswordHasher(
    time_cost=PASSES, memory_cost=MEMORY_KIB, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)
MIN_PASSWORD_LENGTH = 10


class WeakPasswordError(ValueError):
    """A password we refuse to store; the message says why, in Vietnamese."""


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if len(set(password)) < 4:
        raise WeakPasswordError("Mật khẩu quá đơn giản (quá ít ký tự khác nhau).")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user costs the same time (no enumeration)."""
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A 256-bit random URL-safe secret (session ids, CSRF tokens, feed URLs)."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What the database keeps of a secret: its SHA-256, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets; a missing one never matches."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
