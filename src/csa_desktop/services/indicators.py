"""Indicators as people read them: each with its values in time order and its judgement
(latest value, RAG, direction of travel), derived on every read and never stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.domain.indicators import Judgement, judge
from csa_desktop.domain.numbers import to_decimal
from csa_desktop.domain.periods import frequency_of, period_key, period_of, previous_period
from csa_desktop.domain.records import Record
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy


@dataclass(frozen=True)
class IndicatorView:
    indicator: Record
    values: tuple[Record, ...]  # live values, oldest period first
    judgement: Judgement


def _in_time_order(values: list[Record]) -> tuple[Record, ...]:
    return tuple(sorted(values, key=lambda v: (period_key(str(v.fields["period"])), v.uid)))


def indicator_view(copy: Copy, uid: str) -> IndicatorView:
    indicator = copy.records.get(uid)
    if indicator.kind != "indicator":
        raise InputError(f"{uid} is a {indicator.kind}, not an indicator")
    values = _in_time_order(copy.records.list_kind("indicator-value",
                                                   where={"indicator_uid": uid}))
    return IndicatorView(indicator, values, judge(
        indicator.fields, ((str(v.fields["period"]), v.fields["value"]) for v in values)))


def indicator_views(copy: Copy, *, partnership: str | None = None,
                    key_issue_uid: str | None = None) -> list[IndicatorView]:
    """Every live indicator (a partnership's local ones, or a key issue's), in order, with
    its values and judgement: two queries, whatever the number of indicators."""
    where = {"key_issue_uid": key_issue_uid} if key_issue_uid else None
    indicators = copy.records.list_kind("indicator", partnership=partnership, where=where)
    by_indicator: dict[str, list[Record]] = {i.uid: [] for i in indicators}
    for value in copy.records.list_kind("indicator-value", partnership=partnership):
        found = by_indicator.get(str(value.fields["indicator_uid"]))
        if found is not None:
            found.append(value)
    views = []
    for indicator in indicators:
        values = _in_time_order(by_indicator[indicator.uid])
        views.append(IndicatorView(indicator, values, judge(
            indicator.fields, ((str(v.fields["period"]), v.fields["value"]) for v in values))))
    return views


def periods_to_enter(copy: Copy, frequency: str, today: dt.date | None = None) -> list[str]:
    """The periods of `frequency` a value may be entered for, newest first: from the start of
    the agreement's period to the one in progress (a year back without an agreement), and
    any other period a value of that frequency is held for."""
    day = today or dt.date.today()
    agreements = copy.records.list_kind("agreement")
    start = agreements[0].fields.get("period_start") if agreements else None
    first = start if isinstance(start, dt.date) else day.replace(year=day.year - 1)
    found = {period_of(first, frequency)}
    period = period_of(day, frequency)
    while period_key(period)[0] >= first and len(found) < 240:
        found.add(period)
        period = previous_period(period)
    for value in copy.records.list_kind("indicator-value"):
        held = str(value.fields["period"])
        if frequency_of(held) == frequency:
            found.add(held)
    return sorted(found, key=period_key, reverse=True)


def movement(judgement: Judgement) -> str | None:
    """How the latest value moved from the one before: 'up', 'down' or 'same' (None: no
    value before it)."""
    if judgement.latest_value is None or judgement.previous_value is None:
        return None
    later, earlier = to_decimal(judgement.latest_value), to_decimal(judgement.previous_value)
    return "same" if later == earlier else "up" if later > earlier else "down"
