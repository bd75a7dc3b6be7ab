"""Compare two refreshes record by record and field by field (csa diff, the compare view)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csa_desktop.domain.cycle import Refresh
from csa_desktop.domain.kinds import KINDS, FieldType, Value, format_value, kind
from csa_desktop.domain.records import Record
from csa_desktop.services.refresh import State, find_refresh, refresh_state

if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy

CHANGES = ("added", "changed", "removed")


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    old: Value
    new: Value
    old_text: str  # for people: titles instead of uids, "3 of 8" instead of a position key
    new_text: str
    long: bool  # paragraphs (a line diff reads better than two blocks)


@dataclass(frozen=True)
class RecordDiff:
    kind: str
    kind_label: str
    uid: str
    title: str
    change: str  # added, changed or removed
    fields: tuple[FieldDiff, ...]  # for added/removed: every field with a value


@dataclass(frozen=True)
class Comparison:
    a: Refresh
    b: Refresh
    records: tuple[RecordDiff, ...]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.change for r in self.records)
        return {change: found.get(change, 0) for change in CHANGES}

    @property
    def empty(self) -> bool:
        return not self.records


class _Describer:
    """Turns field values into text for people, using both refreshes to name references."""

    def __init__(self, a: State, b: State) -> None:
        self.states = (b, a)
        self._ranks: dict[int, dict[str, tuple[int, int]]] = {}

    def title(self, uid: str) -> str:
        for state in self.states:
            if uid in state:
                return state[uid].title
        return f"(not in either refresh: {uid})"

    def rank(self, state: State, record: Record) -> str:
        ranks = self._ranks.get(id(state))
        if ranks is None:
            ranks = self._ranks[id(state)] = _ranks(state)
        place = ranks.get(record.uid)
        return f"{place[0]} of {place[1]}" if place else ""

    def text(self, spec_name: str, name: str, value: Value, state: State, record: Record) -> str:
        f = KINDS[spec_name].field(name)
        if value is None or value == []:
            return ""
        if f.type is FieldType.REF and isinstance(value, str):
            return self.title(value)
        if f.type is FieldType.REF_LIST and isinstance(value, list):
            return "; ".join(self.title(v) for v in value)
        if f.type is FieldType.POSITION:
            return self.rank(state, record)
        return format_value(value)


def _group(record: Record) -> tuple[object, ...]:
    spec = KINDS[record.kind]
    parent = record.fields.get(spec.parent_field) if spec.parent_field else None
    return record.kind, parent, record.fields.get("column")


def _ranks(state: State) -> dict[str, tuple[int, int]]:
    groups: dict[tuple[object, ...], list[Record]] = {}
    for record in state.values():
        if KINDS[record.kind].ordered:
            groups.setdefault(_group(record), []).append(record)
    ranks: dict[str, tuple[int, int]] = {}
    for members in groups.values():
        members.sort(key=lambda r: (str(r.fields.get("position") or ""), r.uid))
        for i, record in enumerate(members, 1):
            ranks[record.uid] = (i, len(members))
    return ranks


def compare_states(a_refresh: Refresh, a: State, b_refresh: Refresh, b: State,
                   kinds: Iterable[str] | None = None) -> Comparison:
    """Differences from state `a` to state `b` (of `kinds` only; references to records of
    other kinds are still named)."""
    describe = _Describer(a, b)
    keep = set(kinds) if kinds is not None else None
    found: list[RecordDiff] = []
    for uid in set(a) | set(b):
        old, new = a.get(uid), b.get(uid)
        record = new or old
        assert record is not None
        if keep is not None and record.kind not in keep:
            continue
        spec = KINDS[record.kind]
        diffs = []
        for f in spec.fields:
            before = old.fields.get(f.name) if old else None
            after = new.fields.get(f.name) if new else None
            if (before in (None, []) and after in (None, [])) or before == after:
                continue
            if f.type is FieldType.POSITION and (old is None or new is None):
                continue  # a place in the list means nothing on its own
            diffs.append(FieldDiff(
                f.name, f.label, before, after,
                describe.text(spec.name, f.name, before, a, old) if old else "",
                describe.text(spec.name, f.name, after, b, new) if new else "",
                f.type is FieldType.LONG_TEXT,
            ))
        if old is not None and new is not None and not diffs:
            continue
        if old is not None and new is not None and all(
            d.name == "position" and d.old_text == d.new_text for d in diffs
        ):
            continue  # renumbered keys, same place in the list
        change = "added" if old is None else "removed" if new is None else "changed"
        found.append(RecordDiff(record.kind, spec.label, uid, record.title, change,
                                tuple(diffs)))
    order = {name: i for i, name in enumerate(KINDS)}
    found.sort(key=lambda d: (order[d.kind], d.title.casefold(), d.uid))
    return Comparison(a_refresh, b_refresh, tuple(found))


def compare_refreshes(copy: Copy, a: str | Refresh, b: str | Refresh,
                      kinds: Sequence[str] | None = None) -> Comparison:
    """Every record added, removed or changed from refresh `a` to refresh `b`; refreshes by
    label ('2022/23'), uid or 'current'. `kinds` limits the comparison to some record kinds."""
    first = find_refresh(copy, a) if isinstance(a, str) else a
    second = find_refresh(copy, b) if isinstance(b, str) else b
    wanted: Iterable[str] | None = [kind(k).name for k in kinds] if kinds else None
    return compare_states(first, refresh_state(copy, first), second,
                          refresh_state(copy, second), wanted)
