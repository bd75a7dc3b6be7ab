"""Indicators: the identity of a value (one record per indicator and period) and the derived
judgements, RAG against the target and direction of travel, which are computed, never stored."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.numbers import normalise_decimal
from csa_desktop.domain.periods import frequency_of, parse_period, period_key, previous_period
from csa_desktop.errors import InputError

DERIVED_UID_KINDS = frozenset({"indicator-value"})
"""Kinds whose uid the service derives (callers pass none)."""
VALUE_NAMESPACE = uuid.UUID("6b0f7c2e-5d1a-5b8e-9c3f-2a4d6e8f1b37")
"""The namespace of indicator-value uids (fixed for ever: changing it would split records)."""


def value_uid(indicator_uid: str, period: str) -> str:
    """The uid of `indicator_uid`'s value for `period` (in its normal spelling): a UUID5 of
    both, so every copy that enters that period makes the same record and two different
    values meet as a field conflict, never as two rows."""
    return str(uuid.uuid5(VALUE_NAMESPACE, f"{indicator_uid}|{period}"))


def indicator_problems(merged: Mapping[str, Value], changed: Mapping[str, Value]) -> list[str]:
    """Why an indicator cannot be saved with `merged` (every field after the change; `changed`
    the fields being set): it belongs to a key issue or a partnership, its tolerance is not
    negative, and its baseline and target periods are periods."""
    problems: list[str] = []
    if not merged.get("key_issue_uid") and not merged.get("partnership_uid"):
        problems.append("an indicator belongs to a county key issue (County key issue) or to "
                        "a partnership (Partnership): set one of them")
    tolerance = merged.get("tolerance_percent")
    if "tolerance_percent" in changed and isinstance(tolerance, str) and tolerance.startswith("-"):
        problems.append(f"Tolerance (%): {tolerance} is negative; the amber band is a "
                        "percentage of the target, 0 or more (10 if left empty)")
    for name, label in (("baseline_period", "Baseline period"),
                        ("target_period", "Target period")):
        period = changed.get(name)
        if isinstance(period, str) and period:
            try:
                parse_period(period, label=label)
            except InputError as exc:
                problems.append(str(exc))
    return problems


def normal_periods(values: Mapping[str, Value], frequency: str | None) -> dict[str, Value]:
    """`values` with the periods in their normal spelling ('2024/25 q1' → '2024/25 Q1'): the
    value's `period` as one of `frequency` (InputError naming the period when it is not), an
    indicator's baseline and target periods as any period (left as typed when they are not,
    for indicator_problems to name)."""
    result = dict(values)
    period = values.get("period")
    if isinstance(period, str) and period:
        result["period"] = parse_period(period, frequency)
    for name in ("baseline_period", "target_period"):
        other = values.get(name)
        if isinstance(other, str) and other:
            with contextlib.suppress(InputError):  # indicator_problems names it
                result[name] = parse_period(other)
    return result


# --- derived: RAG and direction of travel (never stored) ---------------------------------

DEFAULT_TOLERANCE = Decimal(10)
IMPROVING, WORSENING, NO_CHANGE = "improving", "worsening", "no-change"
HIGHER, LOWER = "higher", "lower"  # the direction of an indicator with no target polarity


def _number(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(normalise_decimal(str(value)))


def rag(polarity: str, value: object, target: object, tolerance_percent: object = None
        ) -> str | None:
    """The RAG of `value` against `target`: green at or better than the target; amber worse,
    but by no more than the tolerance (a percentage of the target, 10 when empty; the edge
    itself is amber); red beyond. None when there is nothing to judge: polarity no-target, no
    target, or no value. A target of zero has no amber band (any percentage of it is zero)."""
    if polarity not in ("higher-is-better", "lower-is-better"):
        return None
    now, goal = _number(value), _number(target)
    if now is None or goal is None:
        return None
    tolerance = _number(tolerance_percent)
    band = abs(goal) * (DEFAULT_TOLERANCE if tolerance is None else tolerance) / 100
    shortfall = goal - now if polarity == "higher-is-better" else now - goal
    if shortfall <= 0:
        return "green"
    return "amber" if shortfall <= band else "red"


def direction(polarity: str, now: object, before: object) -> str | None:
    """How `now` moved from `before`: improving, worsening or no-change as the polarity reads
    it (higher or lower for an indicator with no target); None without both numbers."""
    later, earlier = _number(now), _number(before)
    if later is None or earlier is None:
        return None
    if later == earlier:  # Decimal compares by value: 12.5 equals 12.50
        return NO_CHANGE
    if polarity == "higher-is-better":
        return IMPROVING if later > earlier else WORSENING
    if polarity == "lower-is-better":
        return IMPROVING if later < earlier else WORSENING
    return HIGHER if later > earlier else LOWER


OFF_TARGET = ("red", "amber")


def off_target(rag: str | None) -> bool:
    """Red or amber: worse than the target (beyond the tolerance, or within it)."""
    return rag in OFF_TARGET


@dataclass(frozen=True)
class Judgement:
    """What an indicator's values say now: its latest value, RAG against the target, and
    direction against the period before the latest and against the baseline."""

    latest_period: str | None
    latest_value: str | None
    rag: str | None
    previous_period: str | None  # the period before the latest (its value may be missing)
    previous_value: str | None
    against_previous: str | None
    against_baseline: str | None

    @property
    def off_target(self) -> bool:
        return off_target(self.rag)

    def as_json(self) -> dict[str, object]:
        return {
            "latest": ({"period": self.latest_period, "value": self.latest_value}
                       if self.latest_period else None),
            "rag": self.rag,
            "direction": {
                "previous": self.against_previous, "previous_period": self.previous_period,
                "previous_value": self.previous_value, "baseline": self.against_baseline,
            },
        }


def judge(indicator: Mapping[str, Value], values: Iterable[tuple[str, object]]) -> Judgement:
    """The judgement of an indicator (its fields) from its values, (period, value) pairs in
    any order; periods not of its frequency and empty values (a conflict waiting for the
    lead) are passed over."""
    frequency = str(indicator.get("frequency") or "")
    held: dict[str, object] = {}
    for period, value in values:
        if value in (None, "") or frequency_of(period) != frequency:
            continue
        held[period] = value
    polarity = str(indicator.get("polarity") or "")
    if not held:
        return Judgement(None, None, None, None, None, None, None)
    latest = max(held, key=period_key)
    now = held[latest]
    before_period = previous_period(latest)
    before = held.get(before_period)
    return Judgement(
        latest, str(now),
        rag(polarity, now, indicator.get("target_value"), indicator.get("tolerance_percent")),
        before_period, str(before) if before is not None else None,
        direction(polarity, now, before),
        direction(polarity, now, indicator.get("baseline_value")),
    )
