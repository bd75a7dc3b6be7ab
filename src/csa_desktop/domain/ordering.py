"""Fractional-index position keys: a new key sorts between two neighbours, so two people who
insert or move items concurrently merge like any other field edit (ties break on uid)."""

from __future__ import annotations

from csa_desktop.errors import InputError

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(DIGITS)}
MAX_KEY_LENGTH = 64


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or key[-1] == "0" or any(c not in _INDEX for c in key):
        raise InputError(f"'{key}' is not a valid position key")
    return key


def _midpoint(a: str, b: str | None) -> str:
    if b is not None:
        n = 0
        while (a[n] if n < len(a) else "0") == b[n]:
            n += 1
        if n > 0:
            return b[:n] + _midpoint(a[n:], b[n:])
    digit_a = _INDEX[a[0]] if a else 0
    digit_b = _INDEX[b[0]] if b is not None else len(DIGITS)
    if digit_b - digit_a > 1:
        return DIGITS[(digit_a + digit_b + 1) // 2]
    if b is not None and len(b) > 1:
        return b[:1]
    return DIGITS[digit_a] + _midpoint(a[1:], None)


def key_between(before: str | None, after: str | None) -> str:
    """A key that sorts strictly after `before` and strictly before `after` (None: open end)."""
    if before is not None and after is not None and before >= after:
        raise InputError(f"position '{before}' is not before '{after}'")
    return _midpoint(before or "", after)


def spread_keys(count: int) -> list[str]:
    """`count` increasing keys, for building a list in one go."""
    keys: list[str] = []
    previous: str | None = None
    for _ in range(count):
        previous = key_between(previous, None)
        keys.append(previous)
    return keys
