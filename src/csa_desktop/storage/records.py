"""Generic record reads and writes for every kind, with revision, stamp and history.

Callers (services) validate values and scope first; these functions trust their arguments.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.orm import Session

from csa_desktop.domain.kinds import KINDS, FieldType, KindSpec, Value, to_json
from csa_desktop.domain.records import HistoryEntry, Record
from csa_desktop.storage.models import ROW_CLASSES, ChangeRecordRow, RecordRow


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def row_class(kind: str) -> type[RecordRow]:
    return ROW_CLASSES[kind]


def to_record(kind: str, row: RecordRow) -> Record:
    spec = KINDS[kind]
    values: dict[str, Value] = {}
    for f in spec.fields:
        value = getattr(row, f.name)
        values[f.name] = list(value or []) if f.type is FieldType.REF_LIST else value
    return Record(kind, row.uid, row.rev, values, row.updated_at, row.updated_by, row.deleted)


def find_kind(session: Session, uid: str) -> str | None:
    """The kind of the record with `uid`, whichever table holds it."""
    queries = [
        select(literal(name).label("kind")).select_from(cls).where(cls.uid == uid)
        for name, cls in ROW_CLASSES.items()
    ]
    found = session.execute(union_all(*queries).limit(1)).scalar()
    return str(found) if found is not None else None


def get_row(session: Session, kind: str, uid: str) -> RecordRow | None:
    return session.get(row_class(kind), uid)


def get(session: Session, kind: str, uid: str) -> Record | None:
    row = get_row(session, kind, uid)
    return to_record(kind, row) if row is not None else None


def exists(session: Session, kind: str, uid: str, *, live: bool = True) -> bool:
    cls = row_class(kind)
    query = select(cls.uid).where(cls.uid == uid)
    if live:
        query = query.where(cls.deleted.is_(False))
    return session.execute(query).first() is not None


def _order(spec: KindSpec, query: Select[RecordRow]) -> Select[RecordRow]:
    cls = row_class(spec.name)
    if spec.ordered:
        return query.order_by(cls.position, cls.uid)  # type: ignore[attr-defined]
    title = getattr(cls, spec.title_field)
    return query.order_by(title, cls.uid)


def partnership_filter(kind: str, partnership_uid: str) -> Select[str] | None:
    """A query of the uids of `kind` records that belong to a partnership's local plans."""
    spec = KINDS[kind]
    cls = row_class(kind)
    if kind in ("local-plan", "indicator"):  # an indicator: a local one of the partnership
        column = cls.partnership_uid  # type: ignore[attr-defined]
        return select(cls.uid).where(column == partnership_uid)
    if spec.parent_field is None:
        return None
    parent_kind = spec.field(spec.parent_field).ref_kind
    assert parent_kind is not None
    parent = partnership_filter(parent_kind, partnership_uid)
    if parent is None:
        return None
    return select(cls.uid).where(getattr(cls, spec.parent_field).in_(parent))


def list_rows(
    session: Session,
    kind: str,
    *,
    where: Mapping[str, object] | None = None,
    partnership_uid: str | None = None,
    include_deleted: bool = False,
) -> list[Record]:
    spec = KINDS[kind]
    cls = row_class(kind)
    query: Select[RecordRow] = select(cls)
    if not include_deleted:
        query = query.where(cls.deleted.is_(False))
    for name, value in (where or {}).items():
        query = query.where(getattr(cls, name) == value)
    if partnership_uid is not None:
        subquery = partnership_filter(kind, partnership_uid)
        if subquery is not None:
            query = query.where(cls.uid.in_(subquery))
    return [to_record(kind, row) for row in session.scalars(_order(spec, query))]


def _dump(value: object) -> str:
    return json.dumps(to_json(value) if not isinstance(value, list) else value,  # type: ignore[arg-type]
                      ensure_ascii=False)


def add_history(
    session: Session,
    kind: str,
    uid: str,
    changes: Iterable[tuple[str, object, object]],
    *,
    who: str,
    at: dt.datetime,
    bundle_id: str | None = None,
    outcome: str = "edit",
) -> None:
    session.add_all(
        ChangeRecordRow(record_uid=uid, kind=kind, field=name, old=_dump(old), new=_dump(new),
                        who=who, at=at, bundle_id=bundle_id, outcome=outcome)
        for name, old, new in changes
    )


def insert(session: Session, kind: str, uid: str, values: Mapping[str, Value], *, who: str,
           bundle_id: str | None = None, outcome: str = "edit", rev: int = 1) -> Record:
    at = now()
    row = row_class(kind)(uid=uid, rev=rev, updated_at=at, updated_by=who, deleted=False,
                          **dict(values))
    session.add(row)
    add_history(session, kind, uid,
                [(name, None, value) for name, value in values.items() if value not in (None, [])],
                who=who, at=at, bundle_id=bundle_id, outcome=outcome)
    session.flush()
    return to_record(kind, row)


def update(session: Session, kind: str, uid: str, values: Mapping[str, Value], *, who: str,
           bundle_id: str | None = None, outcome: str = "edit") -> tuple[str, ...]:
    """Set fields; returns the names that really changed (none: no revision, no history)."""
    row = get_row(session, kind, uid)
    assert row is not None
    changed = []
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changed.append((name, old, value))
            setattr(row, name, value)
    if changed:
        row.rev += 1
        row.updated_at = now()
        row.updated_by = who
        add_history(session, kind, uid, changed, who=who, at=row.updated_at,
                    bundle_id=bundle_id, outcome=outcome)
        session.flush()
    return tuple(name for name, _, _ in changed)


def set_deleted(session: Session, kind: str, uid: str, deleted: bool, *, who: str,
                bundle_id: str | None = None, outcome: str = "edit") -> bool:
    row = get_row(session, kind, uid)
    assert row is not None
    if row.deleted == deleted:
        return False
    row.deleted = deleted
    row.rev += 1
    row.updated_at = now()
    row.updated_by = who
    add_history(session, kind, uid, [("deleted", not deleted, deleted)], who=who,
                at=row.updated_at, bundle_id=bundle_id, outcome=outcome)
    session.flush()
    return True


def children(session: Session, kind: str, uid: str) -> list[tuple[str, str]]:
    """Live records whose parent is (kind, uid), depth first, as (kind, uid)."""
    found: list[tuple[str, str]] = []
    for child_kind, spec in KINDS.items():
        if spec.parent_field and spec.field(spec.parent_field).ref_kind == kind:
            cls = row_class(child_kind)
            parent_column = getattr(cls, spec.parent_field)
            for child_uid in session.scalars(
                select(cls.uid).where(parent_column == uid, cls.deleted.is_(False))
            ):
                found.append((child_kind, child_uid))
                found.extend(children(session, child_kind, child_uid))
    return found


def history(session: Session, uid: str) -> list[HistoryEntry]:
    query = select(ChangeRecordRow).where(ChangeRecordRow.record_uid == uid)
    rows = session.scalars(query.order_by(ChangeRecordRow.id))
    return [
        HistoryEntry(r.record_uid, r.kind, r.field, json.loads(r.old) if r.old else None,
                     json.loads(r.new) if r.new else None, r.who, r.at, r.bundle_id, r.outcome)
        for r in rows
    ]


def count(session: Session, kind: str, *, include_deleted: bool = False) -> int:
    from sqlalchemy import func

    cls = row_class(kind)
    query = select(func.count()).select_from(cls)
    if not include_deleted:
        query = query.where(cls.deleted.is_(False))
    return int(session.execute(query).scalar_one())


def titles(session: Session, kind: str, uids: Sequence[str]) -> dict[str, str]:
    """Display titles for a set of uids of one kind, in one query."""
    spec = KINDS[kind]
    cls = row_class(kind)
    title = getattr(cls, spec.title_field)
    rows = session.execute(select(cls.uid, title).where(cls.uid.in_(list(uids))))
    return {uid: str(value or "") for uid, value in rows}
