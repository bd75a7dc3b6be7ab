"""Refresh rows, the snapshot of every record a refresh closes with, and the lead's notes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from csa_desktop.domain.cycle import Refresh
from csa_desktop.domain.kinds import KINDS, FieldType, Value, parse_date, to_json
from csa_desktop.domain.records import Record
from csa_desktop.storage import records
from csa_desktop.storage.models import (
    ChangeRecordRow,
    RefreshNoteRow,
    RefreshRecordRow,
    RefreshRow,
)

State = dict[str, Record]
"""Every live record of a refresh by uid."""


def _to_refresh(row: RefreshRow, labels: Mapping[str, str]) -> Refresh:
    return Refresh(row.uid, row.agreement_uid, row.label, row.based_on_uid,
                   labels.get(row.based_on_uid) if row.based_on_uid else None,
                   row.started_at, row.started_by, row.closed_at)


def list_refreshes(session: Session) -> list[Refresh]:
    """Every recorded refresh, oldest first."""
    rows = list(session.scalars(select(RefreshRow).order_by(RefreshRow.started_at,
                                                            RefreshRow.label)))
    labels = {row.uid: row.label for row in rows}
    return [_to_refresh(row, labels) for row in rows]


def add_refresh(session: Session, refresh: Refresh) -> None:
    assert refresh.uid is not None and refresh.started_at is not None
    session.add(RefreshRow(uid=refresh.uid, agreement_uid=refresh.agreement_uid,
                           label=refresh.label, based_on_uid=refresh.based_on_uid,
                           started_at=refresh.started_at, started_by=refresh.started_by,
                           closed_at=refresh.closed_at))
    session.flush()


def close_refresh(session: Session, uid: str, at: dt.datetime) -> int:
    """Snapshot every live record under refresh `uid` and mark it closed; returns the count."""
    row = session.get(RefreshRow, uid)
    assert row is not None and row.closed_at is None
    rows = []
    for kind in KINDS:
        for record in records.list_rows(session, kind):
            rows.append({"refresh_uid": uid, "record_uid": record.uid, "kind": kind,
                         "rev": record.rev, "data": _dump(record)})
    if rows:
        session.execute(insert(RefreshRecordRow), rows)
    row.closed_at = at
    session.flush()
    return len(rows)


def _dump(record: Record) -> str:
    return json.dumps({
        "fields": {name: to_json(value) for name, value in record.fields.items()},
        "updated_at": record.updated_at.isoformat(),
        "updated_by": record.updated_by,
    }, ensure_ascii=False, sort_keys=True)


def _load(kind: str, uid: str, rev: int, text: str) -> Record | None:
    """A snapshot row as a Record; fields the registry no longer knows are left out, fields
    added since are empty, and values are taken as stored (they were valid when saved)."""
    spec = KINDS.get(kind)
    if spec is None:
        return None
    data = json.loads(text)
    stored = data.get("fields", {})
    values: dict[str, Value] = {}
    for f in spec.fields:
        raw = stored.get(f.name)
        if f.type is FieldType.DATE and isinstance(raw, str):
            values[f.name] = parse_date(raw, f.label)
        elif f.type is FieldType.REF_LIST:
            values[f.name] = [str(v) for v in raw] if isinstance(raw, list) else []
        else:
            values[f.name] = raw
    return Record(kind, uid, rev, values, dt.datetime.fromisoformat(data["updated_at"]),
                  str(data.get("updated_by", "")))


def snapshot(session: Session, refresh_uid: str, kinds: Iterable[str] | None = None) -> State:
    query = select(RefreshRecordRow).where(RefreshRecordRow.refresh_uid == refresh_uid)
    if kinds is not None:
        query = query.where(RefreshRecordRow.kind.in_(list(kinds)))
    state: State = {}
    for row in session.scalars(query):
        record = _load(row.kind, row.record_uid, row.rev, row.data)
        if record is not None:
            state[record.uid] = record
    return state


def snapshot_size(session: Session, refresh_uid: str) -> int:
    query = select(func.count()).select_from(RefreshRecordRow)
    return int(session.execute(
        query.where(RefreshRecordRow.refresh_uid == refresh_uid)).scalar_one())


def live_state(session: Session, kinds: Iterable[str] | None = None) -> State:
    state: State = {}
    for kind in kinds if kinds is not None else KINDS:
        for record in records.list_rows(session, kind):
            state[record.uid] = record
    return state


def notes(session: Session, refresh_uid: str) -> dict[str, str]:
    query = select(RefreshNoteRow.record_uid, RefreshNoteRow.summary)
    rows = session.execute(query.where(RefreshNoteRow.refresh_uid == refresh_uid))
    return {uid: summary for uid, summary in rows}


def set_note(session: Session, refresh_uid: str, record_uid: str, summary: str | None, *,
             who: str) -> bool:
    """Store (or with None, remove) the lead's summary; returns whether anything changed."""
    row = session.get(RefreshNoteRow, (refresh_uid, record_uid))
    if summary is None:
        if row is None:
            return False
        session.execute(delete(RefreshNoteRow).where(RefreshNoteRow.refresh_uid == refresh_uid,
                                                     RefreshNoteRow.record_uid == record_uid))
        return True
    if row is not None and row.summary == summary:
        return False
    if row is None:
        row = RefreshNoteRow(refresh_uid=refresh_uid, record_uid=record_uid)
        session.add(row)
    row.summary = summary
    row.updated_at = records.now()
    row.updated_by = who
    session.flush()
    return True


def last_changed(session: Session, uids: Iterable[str], *, after: dt.datetime | None,
                 until: dt.datetime | None) -> dict[str, dt.datetime]:
    """When each record was last changed here within (after, until], from the history."""
    wanted = list(uids)
    if not wanted:
        return {}
    query = select(ChangeRecordRow.record_uid, func.max(ChangeRecordRow.at))
    query = query.where(ChangeRecordRow.record_uid.in_(wanted),
                        ChangeRecordRow.outcome != "lost")
    if after is not None:
        query = query.where(ChangeRecordRow.at >= after)
    if until is not None:
        query = query.where(ChangeRecordRow.at <= until)
    rows = session.execute(query.group_by(ChangeRecordRow.record_uid))
    return {uid: at for uid, at in rows if at is not None}


def first_change(session: Session, uid: str) -> tuple[dt.datetime, str] | None:
    """When and by whom the record `uid` was first written here."""
    query = select(ChangeRecordRow.at, ChangeRecordRow.who)
    row = session.execute(query.where(ChangeRecordRow.record_uid == uid)
                          .order_by(ChangeRecordRow.id).limit(1)).first()
    return (row[0], row[1]) if row else None
