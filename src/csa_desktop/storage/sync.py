"""Reads and writes for merging: the lead's per-record merge state and the conflict queue.
Bulk paths use Core executemany statements; values are stored as JSON text."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from csa_desktop.storage.bulk import BATCH
from csa_desktop.storage.sync_models import ConflictRow, MergeStateRow

CHUNK = 500


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> object:
    return None if text is None else json.loads(text)


@dataclass(frozen=True)
class IncomingValue:
    value: object  # JSON form
    author: str
    bundle_id: str
    replica_id: str
    file_name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "author": self.author, "bundle_id": self.bundle_id,
                "replica_id": self.replica_id, "file_name": self.file_name}


@dataclass(frozen=True)
class Conflict:
    id: int
    record_uid: str
    kind: str
    field: str
    side: str  # "lead" or "district"
    base: object  # JSON forms, as the record kinds' to_json gives them
    master: object
    incoming: tuple[IncomingValue, ...]
    status: str  # "open", "resolved", "settled"
    created_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolution: object = None
    resolution_source: str | None = None

    @property
    def open(self) -> bool:
        return self.status == "open"


def _conflict(row: ConflictRow) -> Conflict:
    incoming = tuple(IncomingValue(i["value"], i["author"], i["bundle_id"], i["replica_id"],
                                   i.get("file_name", "")) for i in row.incoming or [])
    return Conflict(row.id, row.record_uid, row.kind, row.field, row.side, loads(row.base),
                    loads(row.master), incoming, row.status, row.created_at, row.resolved_at,
                    row.resolved_by, loads(row.resolution), row.resolution_source)


# --- merge states -----------------------------------------------------------------------------

def merge_states(session: Session, uids: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(dict.fromkeys(uids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(select(MergeStateRow.uid, MergeStateRow.data)
                               .where(MergeStateRow.uid.in_(wanted[start:start + CHUNK])))
        found.update((uid, json.loads(data)) for uid, data in rows)
    return found


def save_merge_states(session: Session, states: Mapping[str, tuple[str, dict[str, Any] | None]]
                      ) -> None:
    """Write (kind, data) per uid; None data removes the record's state."""
    doomed = [uid for uid, (_, data) in states.items() if data is None]
    rows = [{"uid": uid, "kind": kind, "data": dumps(data)}
            for uid, (kind, data) in states.items() if data is not None]
    for start in range(0, len(doomed), CHUNK):
        session.execute(delete(MergeStateRow)
                        .where(MergeStateRow.uid.in_(doomed[start:start + CHUNK])))
    statement = insert(MergeStateRow).prefix_with("OR REPLACE")
    for start in range(0, len(rows), BATCH):
        session.execute(statement, rows[start:start + BATCH])


def all_merge_states(session: Session) -> dict[str, tuple[str, dict[str, Any]]]:
    rows = session.execute(select(MergeStateRow.uid, MergeStateRow.kind, MergeStateRow.data))
    return {uid: (kind, json.loads(data)) for uid, kind, data in rows}


# --- conflicts --------------------------------------------------------------------------------

def conflicts(session: Session, *, status: str | None = "open", side: str | None = None,
              uids: Sequence[str] | None = None) -> list[Conflict]:
    query = select(ConflictRow)
    if status is not None:
        query = query.where(ConflictRow.status == status)
    if side is not None:
        query = query.where(ConflictRow.side == side)
    if uids is None:
        return [_conflict(r) for r in session.scalars(query.order_by(ConflictRow.id))]
    wanted = list(dict.fromkeys(uids))
    found: list[Conflict] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = query.where(ConflictRow.record_uid.in_(wanted[start:start + CHUNK]))
        found.extend(_conflict(r) for r in session.scalars(chunk))
    return sorted(found, key=lambda c: c.id)


def conflict(session: Session, conflict_id: int) -> Conflict | None:
    row = session.get(ConflictRow, conflict_id)
    return _conflict(row) if row is not None else None


def add_conflicts(session: Session, items: Iterable[dict[str, Any]]) -> None:
    """Insert open conflicts: dicts with record_uid, kind, field, side, base, master (JSON
    forms), incoming (IncomingValue list)."""
    rows = [{"record_uid": c["record_uid"], "kind": c["kind"], "field": c["field"],
             "side": c["side"], "base": dumps(c["base"]), "master": dumps(c["master"]),
             "incoming": [i.to_json() for i in c["incoming"]], "status": "open",
             "created_at": c["at"], "resolved_at": None, "resolved_by": None,
             "resolution": None, "resolution_source": None} for c in items]
    for start in range(0, len(rows), BATCH):
        session.execute(insert(ConflictRow), rows[start:start + BATCH])


def refresh_conflict(session: Session, conflict_id: int, *, base: object, master: object,
                     incoming: Sequence[IncomingValue]) -> None:
    session.execute(update(ConflictRow).where(ConflictRow.id == conflict_id).values(
        base=dumps(base), master=dumps(master), incoming=[i.to_json() for i in incoming]))


def close_conflict(session: Session, conflict_id: int, *, status: str, at: dt.datetime,
                   by: str, value: object = None, source: str | None = None) -> None:
    session.execute(update(ConflictRow).where(ConflictRow.id == conflict_id).values(
        status=status, resolved_at=at, resolved_by=by,
        resolution=dumps(value) if source is not None else None, resolution_source=source))
