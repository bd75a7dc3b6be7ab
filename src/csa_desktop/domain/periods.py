"""The periods an indicator's values are reported for, by its frequency: a month ('2024-07'),
a quarter of the UK financial year ('2024/25 Q1', April–June 2024) or a financial year
('2024/25'). Pure parsing and ordering; no storage."""

from __future__ import annotations

import datetime as dt
import re

from csa_desktop.domain import reporting
from csa_desktop.errors import InputError

FREQUENCIES = ("monthly", "quarterly", "annual")
EXAMPLES = {"monthly": "2024-07", "quarterly": "2024/25 Q1", "annual": "2024/25"}
_NOUNS = {"monthly": "month", "quarterly": "quarter", "annual": "financial year"}

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})/(\d{2})\s*Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def frequency_of(period: str) -> str | None:
    """The frequency a period is written for ('2024/25 Q1' → 'quarterly'), None if none."""
    text = period.strip()
    if _MONTH.match(text):
        return "monthly"
    if _QUARTER.match(text):
        return "quarterly"
    if _YEAR.match(text):
        return "annual"
    return None


def parse_period(text: str, frequency: str | None = None, label: str = "Period") -> str:
    """`text` as a period in its normal spelling ('2024/25 q1' → '2024/25 Q1', '2024-7' →
    '2024-07'); with a `frequency`, it must be a period of that frequency. InputError names
    what is wrong."""
    typed = " ".join(text.split())
    found = frequency_of(typed)
    if frequency is not None and frequency not in FREQUENCIES:
        raise InputError(f"{label}: unknown frequency '{frequency}'")
    expected = (f"a {_NOUNS[frequency]} such as {EXAMPLES[frequency]}" if frequency
                else "a month (2024-07), a quarter (2024/25 Q1) or a financial year (2024/25)")
    if found is None:
        raise InputError(f"{label}: '{typed[:40]}' is not a period; write {expected}")
    if frequency is not None and found != frequency:
        raise InputError(f"{label}: '{typed[:40]}' is not a period of this {frequency} "
                         f"indicator; write {expected}")
    match found:
        case "monthly":
            month = _MONTH.match(typed)
            assert month is not None
            year, number = int(month.group(1)), int(month.group(2))
            if not 1 <= number <= 12 or year < 1900:
                raise InputError(f"{label}: '{typed}' is not a month; write {expected}")
            return f"{year:04d}-{number:02d}"
        case "quarterly":
            quarter = _QUARTER.match(typed)
            assert quarter is not None
            normal = f"{quarter.group(1)}/{quarter.group(2)} Q{quarter.group(3)}"
            _check_years(quarter.group(1), quarter.group(2), typed, label, expected)
            return normal
    year_match = _YEAR.match(typed)
    assert year_match is not None
    _check_years(year_match.group(1), year_match.group(2), typed, label, expected)
    return typed


def _check_years(first: str, second: str, typed: str, label: str, expected: str) -> None:
    if int(second) != (int(first) + 1) % 100 or int(first) < 1900:
        raise InputError(f"{label}: '{typed}' is not a financial year ({first}/"
                         f"{(int(first) + 1) % 100:02d} follows {first}); write {expected}")


def period_span(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period in its normal spelling."""
    normal = parse_period(period)
    match frequency_of(normal):
        case "monthly":
            year, month = (int(part) for part in normal.split("-"))
            start = dt.date(year, month, 1)
            after = dt.date(year + month // 12, month % 12 + 1, 1)
            return start, after - dt.timedelta(days=1)
        case "quarterly":
            return reporting.quarter_span(normal)
    year = int(normal[:4])
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def period_key(period: str) -> tuple[dt.date, dt.date]:
    """A sort key: periods in time order (by their first day, then their last)."""
    return period_span(period)


def previous_period(period: str) -> str:
    """The period before: '2024/25 Q1' → '2023/24 Q4', '2024-01' → '2023-12',
    '2024/25' → '2023/24'."""
    start, _ = period_span(period)
    day_before = start - dt.timedelta(days=1)
    match frequency_of(period):
        case "monthly":
            return f"{day_before.year:04d}-{day_before.month:02d}"
        case "quarterly":
            return reporting.quarter_of(day_before)
    year = int(period.strip()[:4]) - 1
    return f"{year}/{(year + 1) % 100:02d}"


def period_of(day: dt.date, frequency: str) -> str:
    """The period of `frequency` that `day` falls in."""
    match frequency:
        case "monthly":
            return f"{day.year:04d}-{day.month:02d}"
        case "quarterly":
            return reporting.quarter_of(day)
        case "annual":
            year = day.year if day.month >= 4 else day.year - 1
            return f"{year}/{(year + 1) % 100:02d}"
    raise InputError(f"unknown frequency '{frequency}'")
