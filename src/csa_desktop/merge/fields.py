"""Three-way merge of one field: pure functions of values, never of clocks or arrival order.

Values are compared in their JSON form (dates as ISO text, lists as lists), so two sides that
wrote the same value agree however they typed it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.Enum):
    UNCHANGED = "unchanged"  # neither side changed it
    OURS = "ours"  # only our side changed it: keep ours
    THEIRS = "theirs"  # only their side changed it: take theirs
    SAME = "same"  # both changed it to the same value
    CONFLICT = "conflict"  # both changed it, differently


@dataclass(frozen=True)
class Merged:
    outcome: Outcome
    value: object  # the value to keep; for a conflict, ours (until someone decides)

    @property
    def conflict(self) -> bool:
        return self.outcome is Outcome.CONFLICT


def three_way(base: object, ours: object, theirs: object) -> Merged:
    """The whole truth table of a field changed (or not) on two sides since `base`."""
    if ours == theirs:
        return Merged(Outcome.UNCHANGED if ours == base else Outcome.SAME, ours)
    if ours == base:
        return Merged(Outcome.THEIRS, theirs)
    if theirs == base:
        return Merged(Outcome.OURS, ours)
    return Merged(Outcome.CONFLICT, ours)
