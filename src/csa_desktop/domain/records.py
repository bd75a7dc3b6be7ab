"""Records as services hand them out, and the small value that says what a write changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from csa_desktop.domain.kinds import Value, format_value, kind


@dataclass(frozen=True)
class Record:
    kind: str
    uid: str
    rev: int
    fields: dict[str, Value]
    updated_at: dt.datetime
    updated_by: str
    deleted: bool = False

    @property
    def title(self) -> str:
        return format_value(self.fields.get(kind(self.kind).title_field))

    def __getitem__(self, name: str) -> Value:
        return self.fields[name]


@dataclass(frozen=True)
class Changes:
    """What one user action changed: views refresh from this, nothing else."""

    created: tuple[tuple[str, str], ...] = ()  # (kind, uid)
    updated: tuple[tuple[str, str], ...] = ()
    deleted: tuple[tuple[str, str], ...] = ()
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # uid -> changed fields

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, _ in (*self.created, *self.updated, *self.deleted))

    @property
    def empty(self) -> bool:
        return not (self.created or self.updated or self.deleted)

    def __add__(self, other: Changes) -> Changes:
        merged = dict(self.fields)
        for uid, names in other.fields.items():
            merged[uid] = tuple(dict.fromkeys((*merged.get(uid, ()), *names)))
        return Changes(self.created + other.created, self.updated + other.updated,
                       self.deleted + other.deleted, merged)


@dataclass(frozen=True)
class HistoryEntry:
    record_uid: str
    kind: str
    field: str
    old: object
    new: object
    who: str
    at: dt.datetime
    bundle_id: str | None
    outcome: str  # "edit" (made here), "accepted" (from a bundle), "lost" (did not win)
