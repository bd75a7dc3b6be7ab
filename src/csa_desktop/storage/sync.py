"""Reads and writes for merging: the lead's per-record merge state, the conflict queue, and
the bulk writes of an import. Values are stored as JSON text.

The bulk writes of an import (records, history, merge states: hundreds of thousands of rows
for a county's bundles) go to the driver as one executemany per statement and batch, with each
column's value converted by that column's own SQLAlchemy type, so the database holds exactly
what a Core insert would have written, without Core's per-row parameter handling (about four
times the driver's own cost per row). They still pass through the engine, so its events (and
the store's error handling) see every statement."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import orjson
from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from csa_desktop.domain.kinds import to_json
from csa_desktop.storage.bulk import BATCH, table
from csa_desktop.storage.models import ChangeRecordRow
from csa_desktop.storage.sync_models import ConflictRow, MergeStateRow

CHUNK = 500

def dumps(value: object) -> str:
    """Merge states and conflict values as JSON text: sorted keys, compact, not ASCII-escaped."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def loads(text: str | None) -> object:
    return None if text is None else orjson.loads(text)


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

RECORD_META = "@record"
"""The key of a merge state that is not a field: the record's own revision and "updated by"
(the lead's, before the merge) and the revision the merge last wrote."""


def field_states(data: Mapping[str, Any]) -> dict[str, Any]:
    """The per-field entries of a merge state (without RECORD_META)."""
    return {name: fs for name, fs in data.items() if name != RECORD_META}


def merge_states(session: Session, uids: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(dict.fromkeys(uids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(select(MergeStateRow.uid, MergeStateRow.data)
                               .where(MergeStateRow.uid.in_(wanted[start:start + CHUNK])))
        found.update((uid, orjson.loads(data)) for uid, data in rows)
    return found


def save_merge_states(session: Session, states: Mapping[str, tuple[str, dict[str, Any] | None]]
                      ) -> None:
    """Write (kind, data) per uid; None data removes the record's state."""
    doomed = [uid for uid, (_, data) in states.items() if data is None]
    rows = [(uid, kind, dumps(data)) for uid, (kind, data) in states.items() if data is not None]
    for start in range(0, len(doomed), CHUNK):
        session.execute(delete(MergeStateRow)
                        .where(MergeStateRow.uid.in_(doomed[start:start + CHUNK])))
    target = MergeStateRow.__table__
    assert isinstance(target, Table)
    _executemany(session, target, f"INSERT OR REPLACE INTO {target.name} (uid, kind, data) "
                 "VALUES (?, ?, ?)", ("uid", "kind", "data"), rows)


def all_merge_states(session: Session) -> dict[str, tuple[str, dict[str, Any]]]:
    rows = session.execute(select(MergeStateRow.uid, MergeStateRow.kind, MergeStateRow.data))
    return {uid: (kind, orjson.loads(data)) for uid, kind, data in rows}


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


def count_conflicts(session: Session, *, status: str = "open", side: str | None = None) -> int:
    query = select(func.count()).select_from(ConflictRow).where(ConflictRow.status == status)
    if side is not None:
        query = query.where(ConflictRow.side == side)
    return int(session.execute(query).scalar_one())


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


def reopen_conflict(session: Session, conflict_id: int) -> None:
    """A decided conflict open again (its decision was undone)."""
    session.execute(update(ConflictRow).where(ConflictRow.id == conflict_id).values(
        status="open", resolved_at=None, resolved_by=None, resolution=None,
        resolution_source=None))


# --- bulk writes of an import ---------------------------------------------------------------

HISTORY_COLUMNS = ("record_uid", "kind", "field", "old", "new", "who", "at", "bundle_id",
                   "outcome")
HistoryRow = tuple[str, str, str, str, str, str, dt.datetime, str | None, str]


def history_value(value: object) -> str:
    """A history value as storage.records writes it: JSON, dates as ISO text, not ASCII-escaped
    (json.dumps with ensure_ascii=False, quicker for the plain values most fields hold)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is str:
        return str(encode_basestring(value))
    return json.dumps(value if isinstance(value, list) else to_json(value),  # type: ignore[arg-type]
                      ensure_ascii=False)


def history_row(kind: str, uid: str, name: str, old: object, new: object, *, who: str,
                at: dt.datetime, bundle_id: str | None, outcome: str) -> HistoryRow:
    """One row for `insert_history` (the same as bulk.history_row, as a tuple)."""
    return (uid, kind, name, history_value(old), history_value(new), who, at, bundle_id,
            outcome)


Processors = tuple[Callable[[Any], Any] | None, ...]
_PROCESSORS: dict[tuple[str, tuple[str, ...], type[Dialect]], Processors] = {}


def _processors(target: Table, names: tuple[str, ...], dialect: Dialect) -> Processors:
    """The bind processor of each column (None: the value goes as it is), once per table,
    columns and dialect class (every engine of a copy has its own dialect object, all alike)."""
    key = (target.name, names, type(dialect))
    found = _PROCESSORS.get(key)
    if found is None:
        found = _PROCESSORS[key] = tuple(
            target.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    return found


def _executemany(session: Session, target: Table, sql: str, names: tuple[str, ...],
                 rows: Sequence[Sequence[Any]]) -> None:
    """Run `sql` once per row of values for the columns `names` (in that order)."""
    if not rows:
        return
    connection = session.connection()
    convert = [(index, _remembering(process)) for index, process in
               enumerate(_processors(target, names, connection.dialect)) if process is not None]
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        if convert:
            params: list[tuple[Any, ...]] = []
            for row in batch:
                values = list(row)
                for index, process in convert:
                    values[index] = process(values[index])
                params.append(tuple(values))
        else:
            params = [tuple(row) for row in batch]
        connection.exec_driver_sql(sql, params)


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process` that converts the same object as last time only once (an import stamps
    every row with one time; flags are the two booleans)."""
    last: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return converted


def insert_history(session: Session, rows: Sequence[HistoryRow]) -> None:
    target = ChangeRecordRow.__table__
    assert isinstance(target, Table)
    _executemany(session, target, f"INSERT INTO {target.name} ({', '.join(HISTORY_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(HISTORY_COLUMNS))})", HISTORY_COLUMNS, rows)


# A district's proposal for a field has one history row, whatever the order and batching of
# the bundles: its outcome follows the proposal's fate (see services/lead_merge.LeadMerge.ledger).
PROPOSAL_OUTCOMES = ("accepted", "conflict", "superseded", "lost")
ProposalKey = tuple[str, str, str]  # record uid, field, bundle id


def proposal_rows(session: Session, uids: Iterable[str]) -> dict[ProposalKey, tuple[int, str]]:
    """The history row (id, outcome) of each proposal from a bundle for the records `uids`;
    the latest where a copy from before this rule holds several."""
    wanted = list(dict.fromkeys(uids))
    found: dict[ProposalKey, tuple[int, str]] = {}
    row = ChangeRecordRow
    for start in range(0, len(wanted), CHUNK):
        query = (select(row.id, row.record_uid, row.field, row.bundle_id, row.outcome)
                 .where(row.record_uid.in_(wanted[start:start + CHUNK]),
                        row.bundle_id.is_not(None), row.outcome.in_(PROPOSAL_OUTCOMES))
                 .order_by(row.id))
        for id_, uid, name, bundle_id, outcome in session.execute(query):
            found[(uid, name, str(bundle_id))] = (id_, outcome)
    return found


def set_history_outcomes(session: Session, changes: Sequence[tuple[int, str]]) -> None:
    """Bring history rows (id, outcome) up to date: a proposal's fate changed."""
    target = ChangeRecordRow.__table__
    assert isinstance(target, Table)
    _executemany(session, target, f"UPDATE {target.name} SET outcome = ? WHERE id = ?",
                 ("outcome", "id"), [(outcome, id_) for id_, outcome in changes])


def insert_records(session: Session, kind: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert record rows (from bulk.record_row: every column of the kind's table)."""
    if not rows:
        return
    target = table(kind)
    names = tuple(rows[0])
    _executemany(session, target, f"INSERT INTO {target.name} ({', '.join(names)}) "
                 f"VALUES ({', '.join('?' * len(names))})", names,
                 [tuple(row[name] for name in names) for row in rows])


def update_records(session: Session, kind: str, fields: Sequence[str],
                   rows: Sequence[Mapping[str, Any]]) -> None:
    """Set `fields` plus rev, updated_at and updated_by of existing records, matched by uid (as
    bulk.update_records)."""
    target = table(kind)
    names = (*fields, "rev", "updated_at", "updated_by")
    sql = (f"UPDATE {target.name} SET {', '.join(f'{name} = ?' for name in names)} "
           "WHERE uid = ?")
    _executemany(session, target, sql, (*names, "uid"),
                 [(*(row[name] for name in names), row["uid"]) for row in rows])
