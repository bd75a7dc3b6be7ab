"""Reporting periods: the quarters of the UK financial year ('2025/26 Q1' is April–June 2025),
as progress updates name them, and the rules a progress update or an action must keep."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping

from csa_desktop.errors import InputError

_QUARTER = re.compile(r"^(\d{4})/(\d{2}) Q([1-4])$")


def quarter_of(day: dt.date) -> str:
    """The quarter `day` falls in: 3 Feb 2026 → '2025/26 Q4'."""
    start = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return f"{start}/{(start + 1) % 100:02d} Q{quarter}"


def due_period(today: dt.date, due_days: int | None) -> tuple[str, dt.date]:
    """The quarter whose progress updates are owed on `today`, and the day they are due. With
    no reporting calendar (`due_days` None) it is the quarter of `today`, due by its last day;
    with updates due `due_days` after a quarter ends, the latest quarter whose updates are
    due by `today` (on 5 July with 14 days: the January–March quarter, due 14 April; from
    14 July, April–June)."""
    period = quarter_of(today)
    if due_days is None:
        return period, quarter_span(period)[1]
    while True:
        start, end = quarter_span(period)
        due = end + dt.timedelta(days=due_days)
        if due <= today:
            return period, due
        period = quarter_of(start - dt.timedelta(days=1))


@functools.lru_cache(maxsize=512)
def quarter_span(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter; InputError when `label` is not one. Remembered: the
    dashboard asks it for the same quarter once per action (24,000 times on a county copy)."""
    match = _QUARTER.match(label.strip())
    if not match or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
        raise InputError(f"Period: '{label.strip()[:40]}' is not a reporting period; pick a "
                         "quarter such as 2025/26 Q1")
    year, quarter = int(match.group(1)), int(match.group(3))
    first_month = 4 + 3 * (quarter - 1)
    start = dt.date(year + (first_month - 1) // 12, (first_month - 1) % 12 + 1, 1)
    after = 4 + 3 * quarter
    end = dt.date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def quarters_between(start: dt.date, end: dt.date) -> list[str]:
    """Every quarter that overlaps start..end, in order."""
    found: list[str] = []
    day = start
    while day <= end:
        label = quarter_of(day)
        found.append(label)
        day = quarter_span(label)[1] + dt.timedelta(days=1)
    return found


def recent_quarters(day: dt.date, count: int = 8) -> list[str]:
    """The quarter of `day` and the `count` - 1 before it, newest first (reports look back)."""
    found = [quarter_of(day)]
    while len(found) < count:
        found.append(quarter_of(quarter_span(found[-1])[0] - dt.timedelta(days=1)))
    return found


def update_problems(values: Mapping[str, object], *, new: bool) -> list[str]:
    """Why a progress update cannot be saved with `values` (the fields being set; all of them
    for a new one): a narrative is required and the period must be a quarter."""
    problems = []
    if (new or "narrative" in values) and not str(values.get("narrative") or "").strip():
        problems.append("Narrative is required: say what was done in the period")
    if new or "period" in values:
        try:
            quarter_span(str(values.get("period") or ""))
        except InputError as exc:
            problems.append(str(exc))
    return problems


def action_problems(start: object, due: object) -> list[str]:
    if isinstance(start, dt.date) and isinstance(due, dt.date) and start > due:
        return [f"Start ({start:%d %b %Y}) is after Due ({due:%d %b %Y}): an action starts "
                "before it is due"]
    return []


def period_problems(end: object, rolling: object) -> list[str]:
    """An agreement has an end date, or is rolling (refreshed annually, no end): one of the
    two."""
    if rolling is True and end is not None:
        return ["a rolling agreement has no end date: clear Period end, or make it a fixed "
                "period (rolling=no)"]
    if rolling is not True and end is None:
        return ["Period end is required, unless the agreement is rolling (rolling=yes: no end "
                "date, refreshed annually)"]
    return []


def outside(label: str, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether quarter `label` lies wholly outside start..end (an open end is no limit)."""
    first, last = quarter_span(label)
    return (end is not None and first > end) or (start is not None and last < start)


CLOSED_STATUSES = frozenset({"completed", "cancelled"})


def needs_update(status: str, start_on: dt.date | None, period: str, reported: bool) -> bool:
    """Whether an action owes a progress update for quarter `period`: it is open (neither
    completed nor cancelled), under way by the quarter's end, and has none for it yet."""
    return (status not in CLOSED_STATUSES and not reported
            and (start_on is None or start_on <= quarter_span(period)[1]))
