"""Compare two refreshes record by record and field by field (csa diff, the compare view)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csa_desktop.domain.cycle import Refresh
from csa_desktop.domain.kinds import KINDS, FieldType, Value, kind, value_text
from csa_desktop.domain.records import Record
from csa_desktop.services.refresh import State, find_refresh, state_view
from csa_desktop.storage.refresh import StateView

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
    """Turns field values into text for people: titles instead of uids (from either
    refresh), places in a list instead of position keys."""

    def __init__(self, a: StateView, b: StateView, loaded: tuple[State, State]) -> None:
        self.views = (b, a)
        self.loaded = (loaded[1], loaded[0])
        self._titles: dict[str, str] = {}
        self._ranks: dict[tuple[int, str], dict[str, tuple[int, int]]] = {}

    def prefetch_titles(self, uids: Iterable[str]) -> None:
        missing = {u for u in uids if u not in self._titles}
        for state in self.loaded:
            for uid in list(missing):
                if uid in state:
                    self._titles[uid] = state[uid].title
                    missing.discard(uid)
        for view in self.views:
            if not missing:
                break
            for uid, record in view.records(missing).items():
                self._titles[uid] = record.title
                missing.discard(uid)

    def title(self, uid: str) -> str:
        return self._titles.get(uid) or f"(not in either refresh: {uid})"

    def rank(self, side: int, record: Record) -> str:
        key = (side, record.kind)
        ranks = self._ranks.get(key)
        if ranks is None:
            ranks = self._ranks[key] = _ranks(self.views[side].kind_records(record.kind))
        place = ranks.get(record.uid)
        return f"{place[0]} of {place[1]}" if place else ""

    def text(self, side: int, name: str, value: Value, record: Record) -> str:
        f = KINDS[record.kind].field(name)
        if value is None or value == []:
            return ""
        if f.type is FieldType.REF and isinstance(value, str):
            return self.title(value)
        if f.type is FieldType.REF_LIST and isinstance(value, list):
            return "; ".join(self.title(v) for v in value)
        if f.type is FieldType.POSITION:
            return self.rank(side, record)
        return value_text(f, value)  # choices by their labels, dates written out


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


def _references(records: Iterable[Record]) -> set[str]:
    found: set[str] = set()
    for record in records:
        for f in KINDS[record.kind].fields:
            value = record.fields.get(f.name)
            if f.type is FieldType.REF and isinstance(value, str):
                found.add(value)
            elif f.type is FieldType.REF_LIST and isinstance(value, list):
                found.update(value)
    return found


def compare_views(a_refresh: Refresh, a_view: StateView, b_refresh: Refresh,
                  b_view: StateView, kinds: Iterable[str] | None = None) -> Comparison:
    """Differences from refresh `a` to refresh `b` (of `kinds` only). Records whose revision
    is the same on both sides are unchanged (every accepted change bumps it) and are never
    read in full."""
    keep = set(kinds) if kinds is not None else set(KINDS)
    a_revs = {u: v for u, v in a_view.revs().items() if v[0] in keep}
    b_revs = {u: v for u, v in b_view.revs().items() if v[0] in keep}
    candidates = {u for u in a_revs.keys() | b_revs.keys() if a_revs.get(u) != b_revs.get(u)}
    a = a_view.records(u for u in candidates if u in a_revs)
    b = b_view.records(u for u in candidates if u in b_revs)
    describe = _Describer(a_view, b_view, (a, b))
    describe.prefetch_titles(_references([*a.values(), *b.values()]))
    found: list[RecordDiff] = []
    for uid in candidates:
        old, new = a.get(uid), b.get(uid)
        record = new or old
        if record is None:
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
                describe.text(1, f.name, before, old) if old else "",
                describe.text(0, f.name, after, new) if new else "",
                f.type is FieldType.LONG_TEXT,
            ))
        if old is not None and new is not None and all(
            d.name == "position" and d.old_text == d.new_text for d in diffs
        ):
            continue  # no field changed, or only the key of an item that kept its place
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
    with copy.store.reader() as session:
        return compare_views(first, state_view(session, first), second,
                             state_view(session, second), wanted)
