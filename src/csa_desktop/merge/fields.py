"""Three-way merge of one field: pure functions of values, never of clocks or arrival order.

Values are compared in their JSON form (dates as ISO text, lists as lists), so two sides that
wrote the same value agree however they typed it.

Two shapes of the same rule:
- `three_way(base, ours, theirs)`: two sides (a district taking a new baseline);
- `merge_field(lead, proposals)`: the lead's master against any number of proposals, each a
  base and a new value from one district. The result depends only on the lead's own value and
  the *set* of proposals, so bundles merge the same in any order and any number of times.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


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


class Proposal(NamedTuple):
    """One district's change of one field: its base (the baseline's value) and new value.
    (Named tuples rather than frozen dataclasses: an import makes one per field it merges,
    and a frozen dataclass takes five times as long to make.)"""

    replica_id: str
    author: str
    bundle_id: str
    seq: int
    base: object
    value: object

    @property
    def changes(self) -> bool:
        return self.value != self.base


class FieldResult(NamedTuple):
    value: object  # what the master holds afterwards
    conflict: bool
    accepted: tuple[Proposal, ...] = ()  # proposals whose value became the master's
    contenders: tuple[Proposal, ...] = ()  # a conflict's proposals that differ from the master


def _ordered(proposals: Iterable[Proposal]) -> tuple[Proposal, ...]:
    """Each proposal once, in a fixed order (never the order they arrived in)."""
    unique = {(p.replica_id, p.bundle_id): p for p in proposals}
    return tuple(unique[key] for key in sorted(unique))


def merge_field(lead: object, proposals: Iterable[Proposal]) -> FieldResult:
    """The master's value of a field given the lead's own value and every live proposal.

    A proposal that changes nothing, or agrees with the lead, asks for nothing. The others
    win only if they all start from the lead's value and all want the same new value;
    otherwise the field is a conflict and keeps the lead's value until the lead decides.
    """
    wanting = [p for p in proposals if p.value != p.base and p.value != lead]
    if not wanting:
        return FieldResult(lead, False)
    active = _ordered(wanting) if len(wanting) > 1 else (wanting[0],)
    wanted = active[0].value
    if all(p.base == lead and p.value == wanted for p in active):
        return FieldResult(wanted, False, accepted=active)
    return FieldResult(lead, True, contenders=active)


def merge_deleted(lead: object, proposals: Sequence[Proposal], keepers: Sequence[Proposal],
                  *, lead_edited: bool = False) -> FieldResult:
    """The tombstone of a record: `proposals` set or clear it; `keepers` edited the record
    (proposals to keep it, with value False); `lead_edited` says the master changed the record
    since the deleters' baseline. A delete against an edit is a conflict, in either direction.
    """
    keepers = _ordered(keepers)
    if lead is True:
        if keepers:
            return FieldResult(True, True, contenders=keepers)
        return merge_field(lead, proposals)
    deleters = _ordered(p for p in proposals if p.value is True and p.base is not True)
    if deleters and (keepers or lead_edited):
        return FieldResult(lead, True, contenders=deleters + keepers)
    return merge_field(lead, proposals)
