"""Decimal numbers as people type them ("12.5", "1,204", "-3"), kept as normalised text.

A value is checked with decimal.Decimal and stored as text, never as a float: "12.5" stays
"12.5" and never prints as 12.499999. Thousands separators go ("1,204" → "1204"), a leading
"+" and leading zeros go, the digits after the point stay as typed ("12.50" keeps its
precision). Exponents, NaN and infinities are refused: a measure is a plain number.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from csa_desktop.errors import InputError

MAX_DECIMAL_LENGTH = 40
STORED_PATTERN = "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$"
"""What a normalised decimal looks like (the bundle schema's pattern)."""

_TYPED = re.compile(r"^([+-]?)((?:[0-9]{1,3}(?:,[0-9]{3})+)|[0-9]*)(?:\.([0-9]*))?$")
_STORED = re.compile(STORED_PATTERN)


def normalise_decimal(text: str, label: str = "number") -> str:
    """`text` as a normalised decimal, or an InputError naming what is wrong with it."""
    typed = text.strip().replace(" ", "").replace("\u00a0", "")
    if not typed:
        raise InputError(f"{label}: empty, not a number")
    lowered = typed.lower().lstrip("+-")
    if lowered in {"nan", "snan", "inf", "infinity"}:
        raise InputError(f"{label}: '{text}' is not a number (enter a plain decimal such as "
                         "12.5)")
    if "e" in lowered and any(c.isdigit() for c in lowered):
        raise InputError(f"{label}: '{text}' is written with an exponent; write the number "
                         "out in full (1200, not 1.2e3)")
    found = _TYPED.match(typed)
    if found is None or not (found.group(2) or found.group(3)):
        raise InputError(f"{label}: '{text}' is not a number (use digits, one decimal "
                         "point and, if you like, commas between thousands: 1,204 or 12.5)")
    sign, whole, fraction = found.group(1), found.group(2).replace(",", ""), found.group(3)
    whole = whole.lstrip("0") or "0"
    result = whole + (f".{fraction}" if fraction else "")
    try:
        number = Decimal(result)
    except InvalidOperation:  # pragma: no cover (the pattern admits only digits)
        raise InputError(f"{label}: '{text}' is not a number") from None
    if sign == "-" and number != 0:
        result = "-" + result
    if len(result) > MAX_DECIMAL_LENGTH:
        raise InputError(f"{label}: '{text}' has too many digits (at most "
                         f"{MAX_DECIMAL_LENGTH} characters)")
    return result


def is_normalised_decimal(text: str) -> bool:
    return len(text) <= MAX_DECIMAL_LENGTH and bool(_STORED.match(text))


def to_decimal(text: str) -> Decimal:
    """A stored (normalised) decimal as a Decimal, for arithmetic."""
    return Decimal(normalise_decimal(text))
