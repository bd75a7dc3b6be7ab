"""Progress updates: the reporting periods to pick from (the quarters of the agreement's
years) and a warning when a period lies outside the plan's period."""

from __future__ import annotations

import datetime as dt

from csa_desktop.domain import reporting
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy


def _dates(fields: dict[str, object]) -> tuple[dt.date | None, dt.date | None]:
    start, end = fields.get("period_start"), fields.get("period_end")
    return (start if isinstance(start, dt.date) else None,
            end if isinstance(end, dt.date) else None)


def reporting_periods(copy: Copy) -> list[str]:
    """The quarters of the agreement's years (this year's when the copy has no agreement)."""
    agreements = copy.records.list_kind("agreement")
    start, end = _dates(dict(agreements[0].fields)) if agreements else (None, None)
    today = dt.date.today()
    first = start or reporting.quarter_span(reporting.quarter_of(today))[0]
    # a rolling agreement (no end): its years up to the end of this financial year
    this_year_end = dt.date(today.year + (today.month >= 4), 3, 31)
    last = end or max(first.replace(year=first.year + 1) - dt.timedelta(days=1),
                      this_year_end)
    return reporting.quarters_between(first, last)


def period_warning(copy: Copy, action_uid: str, period: str) -> str | None:
    """A sentence when `period` lies outside the period of the action's plan (or the
    agreement's, when the plan has none); None when it is inside or cannot be told."""
    try:
        action = copy.records.get(action_uid)
        plan = copy.records.get(str(action.fields.get("plan_uid")))
        start, end = _dates(dict(plan.fields))
        whose = "plan"
        if start is None and end is None:
            agreements = copy.records.list_kind("agreement")
            start, end = _dates(dict(agreements[0].fields)) if agreements else (None, None)
            whose = "agreement"
        if (start is None and end is None) or not reporting.outside(period, start, end):
            return None
    except InputError:
        return None
    span = " – ".join(f"{d.day} {d:%b %Y}" if d else "…" for d in (start, end))
    return f"{period} lies outside the {whose}'s period ({span})."
