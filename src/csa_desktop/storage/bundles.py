"""Reads and writes for bundle exchange: trusted keys, the bundle log, the baseline snapshot,
and whole-table record reads with Core (no ORM objects per row)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any, NamedTuple

import orjson
from sqlalchemy import JSON, delete, func, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from csa_desktop.domain.kinds import KINDS, FieldType, Value, from_json, to_json
from csa_desktop.domain.records import Record
from csa_desktop.storage import bulk
from csa_desktop.storage.models import ChangeRecordRow
from csa_desktop.storage.records import now
from csa_desktop.storage.sync_models import (
    BaselineRecordRow,
    BundleLogRow,
    LocalChangeRow,
    ReplicaKeyRow,
    TrustedKeyRow,
)

CHUNK = 500  # uids per IN (...) query


@dataclass(frozen=True)
class TrustedKey:
    public_key: str
    fingerprint: str
    name: str
    role: str
    partnership_uids: tuple[str, ...]
    added_at: dt.datetime
    added_how: str


@dataclass(frozen=True)
class ReplicaKey:
    """A copy's replica id and the one key that signs for it."""

    replica_id: str
    public_key: str
    name: str
    bound_at: dt.datetime
    bound_how: str


@dataclass(frozen=True)
class LoggedBundle:
    bundle_id: str
    direction: str
    kind: str
    replica_id: str
    author: str
    signer_key: str
    baseline_id: str | None
    seq: int
    created_at: str
    processed_at: dt.datetime
    file_name: str
    sha256: str
    status: str
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SnapshotRecord:
    """A record as the last baseline had it; `data` holds JSON-ready field values."""

    kind: str
    uid: str
    rev: int
    deleted: bool
    data: dict[str, object]


# --- trusted keys -------------------------------------------------------------------------

def _trusted(row: TrustedKeyRow) -> TrustedKey:
    return TrustedKey(row.public_key, row.fingerprint, row.name, row.role,
                      tuple(row.partnership_uids or ()), row.added_at, row.added_how)


def trusted_keys(session: Session) -> list[TrustedKey]:
    rows = session.scalars(select(TrustedKeyRow).order_by(TrustedKeyRow.name,
                                                         TrustedKeyRow.fingerprint))
    return [_trusted(r) for r in rows]


def trusted_key(session: Session, public_key: str) -> TrustedKey | None:
    row = session.get(TrustedKeyRow, public_key)
    return _trusted(row) if row is not None else None


def save_trusted_key(session: Session, key: TrustedKey) -> None:
    row = session.get(TrustedKeyRow, key.public_key) or TrustedKeyRow(public_key=key.public_key)
    row.fingerprint = key.fingerprint
    row.name = key.name
    row.role = key.role
    row.partnership_uids = list(key.partnership_uids)
    row.added_at = key.added_at
    row.added_how = key.added_how
    session.add(row)
    session.flush()


def remove_trusted_key(session: Session, public_key: str) -> bool:
    result = session.execute(delete(TrustedKeyRow).where(TrustedKeyRow.public_key == public_key))
    return bool(getattr(result, "rowcount", 0))


# --- replica ids bound to keys ---------------------------------------------------------------

def _replica_key(row: ReplicaKeyRow) -> ReplicaKey:
    return ReplicaKey(row.replica_id, row.public_key, row.name, row.bound_at, row.bound_how)


def replica_key(session: Session, replica_id: str) -> ReplicaKey | None:
    """The key the replica id is bound to."""
    row = session.get(ReplicaKeyRow, replica_id)
    return _replica_key(row) if row is not None else None


def replica_of_key(session: Session, public_key: str) -> ReplicaKey | None:
    """The replica id the key is bound to."""
    row = session.scalars(select(ReplicaKeyRow).where(ReplicaKeyRow.public_key == public_key)
                          ).first()
    return _replica_key(row) if row is not None else None


def bind_replica(session: Session, binding: ReplicaKey) -> None:
    """Record (or, for a key replacement, overwrite) the key of a replica id."""
    row = session.get(ReplicaKeyRow, binding.replica_id) or ReplicaKeyRow(
        replica_id=binding.replica_id)
    row.public_key = binding.public_key
    row.name = binding.name[:200]
    row.bound_at = binding.bound_at
    row.bound_how = binding.bound_how[:60]
    session.add(row)
    session.flush()


def replica_keys(session: Session) -> list[ReplicaKey]:
    return [_replica_key(r) for r in session.scalars(select(ReplicaKeyRow)
                                                     .order_by(ReplicaKeyRow.bound_at))]


# --- the bundle log -----------------------------------------------------------------------

def _logged(row: BundleLogRow) -> LoggedBundle:
    return LoggedBundle(row.bundle_id, row.direction, row.kind, row.replica_id, row.author,
                        row.signer_key, row.baseline_id, row.seq, row.created_at,
                        row.processed_at, row.file_name, row.sha256, row.status,
                        dict(row.summary or {}))


def log_bundle(session: Session, entry: LoggedBundle) -> None:
    session.execute(insert(BundleLogRow), [{
        "bundle_id": entry.bundle_id, "direction": entry.direction, "kind": entry.kind,
        "replica_id": entry.replica_id, "author": entry.author,
        "signer_key": entry.signer_key, "baseline_id": entry.baseline_id, "seq": entry.seq,
        "created_at": entry.created_at, "processed_at": entry.processed_at,
        "file_name": entry.file_name[:300], "sha256": entry.sha256, "status": entry.status,
        "summary": entry.summary,
    }])


def logged_bundle(session: Session, bundle_id: str) -> LoggedBundle | None:
    row = session.get(BundleLogRow, bundle_id)
    return _logged(row) if row is not None else None


def logged_bundles(session: Session, *, direction: str | None = None, kind: str | None = None,
                   replica_id: str | None = None) -> list[LoggedBundle]:
    query = select(BundleLogRow)
    if direction is not None:
        query = query.where(BundleLogRow.direction == direction)
    if kind is not None:
        query = query.where(BundleLogRow.kind == kind)
    if replica_id is not None:
        query = query.where(BundleLogRow.replica_id == replica_id)
    rows = session.scalars(query.order_by(BundleLogRow.processed_at, BundleLogRow.seq))
    return [_logged(r) for r in rows]


def max_seq(session: Session, *, direction: str, kind: str | None = None) -> int:
    query = select(func.max(BundleLogRow.seq)).where(BundleLogRow.direction == direction)
    if kind is not None:
        query = query.where(BundleLogRow.kind == kind)
    return int(session.execute(query).scalar() or 0)


def history_mark(session: Session) -> int:
    """The id of the newest history row: later rows were written after this moment."""
    return int(session.execute(select(func.max(ChangeRecordRow.id))).scalar() or 0)


# --- the baseline snapshot -----------------------------------------------------------------

def snapshot(session: Session) -> dict[str, SnapshotRecord]:
    """The baseline snapshot, every record of it."""
    rows = session.connection().exec_driver_sql(
        f"SELECT kind, uid, rev, deleted, data FROM {BaselineRecordRow.__tablename__}")
    return {uid: SnapshotRecord(kind, uid, rev, bool(deleted), json.loads(data))
            for kind, uid, rev, deleted, data in rows}


def replace_snapshot(session: Session, records: Iterable[SnapshotRecord]) -> None:
    """Take a new baseline snapshot, and list again the records that differ from it (local
    edits the new baseline did not settle stay to be sent)."""
    session.execute(delete(BaselineRecordRow))
    connection = session.connection()
    dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # as json.dumps
    rows = [(r.uid, r.kind, r.rev, 1 if r.deleted else 0, dumps(r.data)) for r in records]
    sql = (f"INSERT INTO {BaselineRecordRow.__tablename__} (uid, kind, rev, deleted, data) "
           "VALUES (?, ?, ?, ?, ?)")
    for start in range(0, len(rows), bulk.BATCH):  # one executemany per batch, to the driver
        connection.exec_driver_sql(sql, rows[start:start + bulk.BATCH])
    connection.exec_driver_sql(f"DELETE FROM {LocalChangeRow.__tablename__}")
    base = BaselineRecordRow.__tablename__
    for kind in KINDS:
        connection.exec_driver_sql(
            f"INSERT INTO {LocalChangeRow.__tablename__} (uid, kind) SELECT t.uid, ? "
            f"FROM {bulk.table(kind).name} AS t LEFT OUTER JOIN {base} AS b ON b.uid = t.uid "
            "WHERE b.uid IS NULL OR b.rev != t.rev OR b.deleted != t.deleted", (kind,))


class ChangedRecord(NamedTuple):
    """A record listed as changed, beside its baseline form: fields in JSON form (as bundles
    carry them), `base_*` None for a record the baseline lacks."""

    uid: str
    deleted: bool
    fields: dict[str, object]
    base_rev: int | None
    base_deleted: bool | None
    base_fields: dict[str, object] | None


def changed_kinds(session: Session) -> set[str]:
    """The kinds that have records listed as changed since the baseline (one scan of the list,
    instead of one per kind: each kind's query scans the whole list)."""
    return {kind for (kind,) in session.connection().exec_driver_sql(
        f"SELECT DISTINCT kind FROM {LocalChangeRow.__tablename__}").fetchall()}


def changed_records(session: Session, kind: str) -> Iterator[ChangedRecord]:
    """The records of `kind` listed as changed since the baseline, ordered by uid, each with
    its snapshot: one query, its rows fetched in one call, values converted straight to their
    JSON form."""
    connection = session.connection()
    select_sql, convert = _json_reader(kind, connection.dialect)
    rows = connection.exec_driver_sql(
        f"{select_sql} FROM {LocalChangeRow.__tablename__} AS c "
        f"JOIN {bulk.table(kind).name} AS t ON t.uid = c.uid "
        f"LEFT OUTER JOIN {BaselineRecordRow.__tablename__} AS b ON b.uid = c.uid "
        "WHERE c.kind = ? ORDER BY c.uid", (kind,)).fetchall()
    return map(convert, rows)


_JSON_READERS: dict[tuple[str, type[Dialect]], tuple[str, Callable[[Sequence[Any]],
                                                                   ChangedRecord]]] = {}


def _json_reader(kind: str, dialect: Dialect
                 ) -> tuple[str, Callable[[Sequence[Any]], ChangedRecord]]:
    """The select list of `changed_records` and the function turning one of its rows into a
    ChangedRecord: dates stay the ISO text SQLite holds (their JSON form), other values go
    through their column's own type (booleans; lists of uids by _json_loads, orjson for a list
    of texts), an empty list of uids is []."""
    key = (kind, type(dialect))
    if key in _JSON_READERS:
        return _JSON_READERS[key]
    table = bulk.table(kind)
    layout = field_layout(kind)
    names = tuple(name for name, _, _ in layout)
    special = []  # (place, name, is a list of uids, processor) of values that need converting
    for place, (name, is_list, is_date) in enumerate(layout):
        column_type = table.columns[name].type
        process: Callable[[Any], Any] | None = (
            None if is_date else column_type.dialect_impl(dialect).result_processor(dialect, None))
        if process is not None:
            process = _quicker(column_type, process)
        if is_list or process is not None:
            special.append((place, name, is_list, process))
    lists = tuple(name for name, is_list, _ in layout if is_list)
    count = len(names)
    loads = orjson.loads

    def convert(row: Sequence[Any]) -> ChangedRecord:
        fields: dict[str, object] = dict(zip(names, row, strict=False))
        for place, name, is_list, process in special:
            value = row[place]
            if value is not None and process is not None:
                value = process(value)
            fields[name] = (value or []) if is_list else value
        uid, deleted, base_rev, base_deleted, base_data = row[count:]
        if base_rev is None:
            return ChangedRecord(uid, bool(deleted), fields, None, None, None)
        base = loads(base_data)
        for name in lists:
            if base.get(name) is None:
                base[name] = []
        return ChangedRecord(uid, bool(deleted), fields, base_rev, bool(base_deleted), base)

    select_sql = "SELECT " + ", ".join(
        [f"t.{name}" for name in names] + ["t.uid", "t.deleted", "b.rev", "b.deleted", "b.data"])
    found = _JSON_READERS[key] = (select_sql, convert)
    return found


# --- records, read in bulk ------------------------------------------------------------------

def json_value(kind: str, name: str, value: Value) -> object:
    """One field value in its JSON form (as bundles and merge states hold it)."""
    if isinstance(value, list):
        return list(value)
    if value is None and KINDS[kind].field(name).type is FieldType.REF_LIST:
        return []
    return to_json(value)


@cache
def field_layout(kind: str) -> tuple[tuple[str, bool, bool], ...]:
    """(name, is a list of uids, is a date) of each field of the kind, in order."""
    return tuple((f.name, f.type is FieldType.REF_LIST, f.type is FieldType.DATE)
                 for f in KINDS[kind].fields)


def json_fields(kind: str, values: Mapping[str, Value]) -> dict[str, object]:
    """Every field of the kind in its JSON form (json_value of each, in one pass)."""
    out: dict[str, object] = {}
    get = values.get
    for name, is_list, _ in field_layout(kind):
        value = get(name)
        if value is None:
            out[name] = [] if is_list else None
        elif type(value) is str:
            out[name] = value
        elif isinstance(value, list):
            out[name] = list(value)
        else:
            out[name] = to_json(value)
    return out


def value_fields(kind: str, data: Mapping[str, object], *, check: bool = True,
                 names: Container[str] | None = None) -> dict[str, Value]:
    """The inverse of json_fields (of the fields in `names`, or all). With `check` False the
    values are trusted (they passed the import gate or came from the copy itself) and only
    dates are parsed."""
    values: dict[str, Value] = {}
    spec = KINDS[kind]
    for name, is_list, is_date in field_layout(kind):
        if names is not None and name not in names:
            continue
        raw = data.get(name)
        if raw is None or raw == []:
            values[name] = [] if is_list else None
        elif check:
            values[name] = from_json(spec.field(name), raw)
        elif is_date and isinstance(raw, str):
            values[name] = dt.date.fromisoformat(raw)
        else:
            values[name] = raw if not isinstance(raw, list) else list(raw)  # type: ignore[assignment]
    return values


RecordReader = tuple[str, Callable[[Sequence[Any]], Record]]
_READERS: dict[tuple[str, type[Dialect]], RecordReader] = {}


def _record_reader(kind: str, dialect: Dialect) -> RecordReader:
    """_make_record_reader, once per kind and dialect class (every engine of a copy has its own
    dialect object, all alike)."""
    key = (kind, type(dialect))
    reader = _READERS.get(key)
    if reader is None:
        reader = _READERS[key] = _make_record_reader(kind, dialect)
    return reader


def _make_record_reader(kind: str, dialect: Dialect) -> RecordReader:
    """The SELECT of a kind's columns and a function turning one of its raw driver rows into a
    Record: each value converted by its column's own SQLAlchemy type (what a Core select
    returns), without Core's per-row result machinery."""
    table = bulk.table(kind)
    names = [column.name for column in table.columns]
    processors = [(index, _quicker(column.type, process))
                  for index, column in enumerate(table.columns)
                  if (process := column.type.dialect_impl(dialect).result_processor(
                      dialect, None)) is not None]
    position = {name: index for index, name in enumerate(names)}
    layout = [(name, position[name], is_list) for name, is_list, _ in field_layout(kind)]
    uid, rev, at, by, deleted = (position[n] for n in
                                 ("uid", "rev", "updated_at", "updated_by", "deleted"))

    def record(raw: Sequence[Any]) -> Record:
        row = list(raw)
        for index, process in processors:
            row[index] = process(row[index])
        values: dict[str, Value] = {}
        for name, index, is_list in layout:
            values[name] = list(row[index] or []) if is_list else row[index]
        return Record(kind, row[uid], row[rev], values, row[at], row[by], bool(row[deleted]))

    return f"SELECT {', '.join(names)} FROM {table.name}", record


def _quicker(kind: object, process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A column's result processor, quicker for JSON (lists of uids): see _json_loads. (Dates
    and times need nothing: SQLAlchemy's own processors already read ISO text in C.)"""
    return _json_loads(process) if isinstance(kind, JSON) else process


def _json_loads(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A JSON column's result processor, quicker for what these columns hold: an empty list
    without parsing, a list of texts (uids) by orjson. Anything else goes to the column's own
    processor (orjson reads a whole number beyond 64 bits as a float, json.loads as an int)."""
    loads, error = orjson.loads, orjson.JSONDecodeError

    def load(value: Any) -> Any:
        if value == "[]":
            return []
        if type(value) is str and value.startswith('["'):
            try:
                found = loads(value)
            except error:
                return process(value)
            if type(found) is list and all(type(item) is str for item in found):
                return found
        return process(value)

    return load


def read_records(session: Session, kind: str,
                 uids: Sequence[str] | None = None) -> Iterator[Record]:
    """Every record of a kind (tombstones too), ordered by uid, or those with the given uids."""
    connection = session.connection()
    select_sql, record = _record_reader(kind, connection.dialect)
    if uids is None:
        for row in connection.exec_driver_sql(f"{select_sql} ORDER BY uid"):
            yield record(row)
        return
    wanted = list(uids)
    for start in range(0, len(wanted), CHUNK):
        chunk = tuple(wanted[start:start + CHUNK])
        rows = connection.exec_driver_sql(
            f"{select_sql} WHERE uid IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
        for row in rows:
            yield record(row)


def _present(session: Session, kind: str, uids: Sequence[str],
             rows: int | None = None) -> list[str]:
    """Those of `uids` that the kind's table holds (a few hundred per query; a table of
    fewer rows than there are uids is read whole instead, by its uid index: the 22 tables
    asked for the uids of 500 new records cost 7 ms by probes, 1 ms so). `rows`: a bound on
    the table's rows, when known (_row_bounds)."""
    connection = session.connection()
    name = bulk.table(kind).name
    if len(uids) > _SCAN_BELOW:
        most = rows if rows is not None else connection.exec_driver_sql(
            f"SELECT max(rowid) FROM {name}").scalar()
        if int(most or 0) < len(uids):  # rowids are distinct and positive: at most so many
            wanted = set(uids)
            return [uid for (uid,) in connection.exec_driver_sql(
                f"SELECT uid FROM {name}").fetchall() if uid in wanted]
    found: list[str] = []
    for start in range(0, len(uids), CHUNK):
        chunk = tuple(uids[start:start + CHUNK])
        found.extend(uid for (uid,) in connection.exec_driver_sql(
            f"SELECT uid FROM {name} WHERE uid IN ({', '.join('?' * len(chunk))})",
            chunk).fetchall())
    return found


def existing_uids(session: Session, uids: Iterable[str],
                  expected: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which of `uids` exist (tombstones too), mapped to their kind. With `expected` (uid to
    the kind it should have) each uid is looked for in its own table first, and only the
    others in every table. Driver-level IN queries of a few hundred uids: a primary-key
    probe per uid, about a microsecond each."""
    wanted = list(dict.fromkeys(uids))
    found: dict[str, str] = {}
    if expected:
        by_kind: dict[str, list[str]] = {}
        for uid in wanted:
            if uid in expected:
                by_kind.setdefault(expected[uid], []).append(uid)
        for kind, kind_uids in by_kind.items():
            found.update((uid, kind) for uid in _present(session, kind, kind_uids))
        wanted = [uid for uid in wanted if uid not in found]
    if wanted:
        rows = _row_bounds(session) if len(wanted) > _SCAN_BELOW else {}
        small = [kind for kind in KINDS if kind in rows and rows[kind] < len(wanted)]
        held = _present_in_small(session, small, wanted)
        for kind in KINDS:  # a uid in two tables (a damaged copy) counts as the later kind
            present = held[kind] if kind in held else _present(session, kind, wanted,
                                                               rows.get(kind))
            found.update((uid, kind) for uid in present)
    return found


def _row_bounds(session: Session) -> dict[str, int]:
    """For each kind, a bound on its table's rows (its largest rowid; rowids are distinct
    and positive): one query for every table."""
    names = [bulk.table(kind).name for kind in KINDS]
    row = session.connection().exec_driver_sql(
        "SELECT " + ", ".join(f"(SELECT max(rowid) FROM {name})" for name in names)).one()
    return {kind: int(bound or 0) for kind, bound in zip(KINDS, row, strict=True)}


def _present_in_small(session: Session, kinds: Sequence[str],
                      uids: Sequence[str]) -> dict[str, list[str]]:
    """Those of `uids` each of these (small) tables holds, all read whole in one query."""
    held: dict[str, list[str]] = {kind: [] for kind in kinds}
    if not kinds:
        return held
    wanted = set(uids)
    query = " UNION ALL ".join(f"SELECT uid, {index} FROM {bulk.table(kind).name}"
                               for index, kind in enumerate(kinds))
    for uid, index in session.connection().exec_driver_sql(query).fetchall():
        if uid in wanted:
            held[kinds[index]].append(uid)
    return held


_SCAN_BELOW = 50  # uids asked for: fewer are always probed


def read_links(session: Session, uids: Iterable[str], expected: Mapping[str, str],
               new: Container[str] = ()) -> tuple[dict[str, str], dict[str, dict[str, Value]]]:
    """existing_uids(uids, expected), and for each uid found as the kind `expected` gives it,
    what owner_of reads of it (its parent link, area and partnership columns, those its table
    has, as the record's fields hold them: plain text columns), not the whole record. `new`:
    uids most likely in no table (new records): looked for in every table at once, not first
    in their own (the links of any found as their expected kind are read after). One query
    per kind (the uids as a JSON list, `json_each`)."""
    wanted = list(dict.fromkeys(uids))
    connection = session.connection()
    found: dict[str, str] = {}
    links: dict[str, dict[str, Value]] = {}

    def read(by_kind: Mapping[str, list[str]]) -> None:
        for kind, kind_uids in by_kind.items():
            names = _link_names(kind)
            rows = connection.exec_driver_sql(
                f"SELECT {', '.join(('uid', *names))} FROM {bulk.table(kind).name} WHERE uid "
                "IN (SELECT value FROM json_each(?))", (json.dumps(kind_uids),)).fetchall()
            for row in rows:
                found[row[0]] = kind
                links[row[0]] = dict(zip(names, row[1:], strict=True))

    by_kind: dict[str, list[str]] = {}
    for uid in wanted:
        kind = expected.get(uid)
        if kind is not None and uid not in new:
            by_kind.setdefault(kind, []).append(uid)
    read(by_kind)
    rest = [uid for uid in wanted if uid not in found]
    if rest:
        others = existing_uids(session, rest)
        again: dict[str, list[str]] = {}
        for uid in others:
            if uid in new and uid in expected:  # held in its own table too? as if probed
                again.setdefault(expected[uid], []).append(uid)
        found.update(others)
        read(again)  # a "new" record this copy holds already: as if probed first
    return found, links


@cache
def _link_names(kind: str) -> tuple[str, ...]:
    """The columns of a kind's table that owner_of reads."""
    spec = KINDS[kind]
    columns = bulk.table(kind).c
    names = tuple(dict.fromkeys(n for n in (spec.parent_field, "area_uid", "partnership_uid")
                                if n and n in columns))
    for name in names:  # as read: a column with a result processor would need it
        column_type = columns[name].type
        assert not isinstance(column_type, JSON) and column_type.python_type is str, name
    return names


def read_existing(session: Session, uids: Iterable[str], expected: Mapping[str, str]
                  ) -> tuple[dict[str, str], dict[str, Record]]:
    """existing_uids(uids, expected) and the records found, each as the kind it was found as:
    the records of each expected kind are read straight away (finding them is reading them),
    only the others are looked for in every table."""
    wanted = list(dict.fromkeys(uids))
    found: dict[str, str] = {}
    records: dict[str, Record] = {}
    by_kind: dict[str, list[str]] = {}
    for uid in wanted:
        if uid in expected:
            by_kind.setdefault(expected[uid], []).append(uid)
    for kind, kind_uids in by_kind.items():
        for record in read_records(session, kind, kind_uids):
            found[record.uid] = kind
            records[record.uid] = record
    rest = [uid for uid in wanted if uid not in found]
    if rest:
        others = existing_uids(session, rest)
        found.update(others)
        by_found: dict[str, list[str]] = {}
        for uid, kind in others.items():
            by_found.setdefault(kind, []).append(uid)
        for kind, kind_uids in by_found.items():
            records.update((r.uid, r) for r in read_records(session, kind, kind_uids))
    return found, records


def record_count(session: Session) -> int:
    total = 0
    for kind in KINDS:
        total += int(session.execute(
            select(func.count()).select_from(bulk.table(kind))).scalar_one())
    return total


def stamp() -> dt.datetime:
    return now()


def changed_since(session: Session, uid: str, mark: int, *, committed: int,
                  exclude_replicas: Iterable[str] = ()) -> bool:
    """Whether the master changed the record's fields (not its tombstone) after history row
    `mark`: by hand at any time, or by accepting another replica's bundle before history row
    `committed` (the last published baseline; later acceptances are still live proposals)."""
    from sqlalchemy import and_, or_

    excluded = list(exclude_replicas)
    theirs = select(BundleLogRow.bundle_id).where(BundleLogRow.replica_id.in_(excluded))
    query = select(ChangeRecordRow.id).where(
        ChangeRecordRow.record_uid == uid, ChangeRecordRow.id > mark,
        ChangeRecordRow.field != "deleted",
        or_(ChangeRecordRow.outcome.in_(("edit", "resolved")),
            and_(ChangeRecordRow.outcome == "accepted", ChangeRecordRow.id <= committed,
                 ChangeRecordRow.bundle_id.is_not(None),
                 ChangeRecordRow.bundle_id.not_in(theirs))),
    ).limit(1)
    return session.execute(query).first() is not None


_LINK_COLUMNS = frozenset(["partnership_uid", *(spec.parent_field for spec in KINDS.values()
                                                  if spec.parent_field)])


def load_with_parents(session: Session, wanted: Mapping[str, Iterable[str]]) -> list[object]:
    """The records (kind -> uids) and, level by level, the records they sit under, as light
    rows holding `uid`, `partnership_uid` and the parent links their table has (what owner_of
    follows), so that following parent links afterwards costs no query. One driver-level
    query per kind and level, in IN (...) chunks; no ORM objects."""
    connection = session.connection()
    held: list[object] = []
    level = {kind: list(dict.fromkeys(uids)) for kind, uids in wanted.items()}
    for _ in range(6):
        parents: dict[str, set[str]] = {}
        for kind, uids in level.items():
            spec = KINDS[kind]
            table = bulk.table(kind)
            names = ["uid", *(c.name for c in table.columns if c.name in _LINK_COLUMNS)]
            link = spec.parent_field if spec.parent_field and kind != "local-plan" else None
            parent_kind = spec.field(link).ref_kind if link else None
            for start in range(0, len(uids), CHUNK):
                chunk = tuple(uids[start:start + CHUNK])
                rows = [SimpleNamespace(**dict(zip(names, row, strict=True)))
                        for row in connection.exec_driver_sql(
                            f"SELECT {', '.join(names)} FROM {table.name} WHERE uid IN "
                            f"({', '.join('?' * len(chunk))})", chunk).fetchall()]
                held.extend(rows)
                if link and parent_kind is not None:
                    parents.setdefault(parent_kind, set()).update(
                        p for r in rows if isinstance(p := getattr(r, link), str))
        level = {kind: sorted(uids) for kind, uids in parents.items() if uids}
        if not level:
            break
    return held


def descendants(session: Session, kind: str, uid: str) -> list[tuple[str, str, bool]]:
    """Every record under (kind, uid), tombstones too, depth first: (kind, uid, deleted)."""
    found: list[tuple[str, str, bool]] = []
    for child_kind, spec in KINDS.items():
        if spec.parent_field and spec.field(spec.parent_field).ref_kind == kind:
            table = bulk.table(child_kind)
            rows = session.execute(select(table.c.uid, table.c.deleted).where(
                table.c[spec.parent_field] == uid))
            for child_uid, deleted in rows:
                found.append((child_kind, child_uid, bool(deleted)))
                found.extend(descendants(session, child_kind, child_uid))
    return found


def deleted_by(session: Session, uid: str) -> str | None:
    """The bundle whose value tombstoned the record most recently (None: not by a bundle)."""
    row = session.execute(
        select(ChangeRecordRow.bundle_id).where(
            ChangeRecordRow.record_uid == uid, ChangeRecordRow.field == "deleted",
            ChangeRecordRow.new == "true")
        .order_by(ChangeRecordRow.id.desc()).limit(1)).first()
    return row[0] if row else None
