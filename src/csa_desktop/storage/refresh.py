"""Refresh rows, the snapshot of every record a refresh closes with, and the lead's notes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from csa_desktop.domain.cycle import Refresh
from csa_desktop.domain.kinds import KINDS, FieldType, Value, parse_date, to_json
from csa_desktop.domain.records import Record
from csa_desktop.storage import records
from csa_desktop.storage.models import (
    ROW_CLASSES,
    ActionRow,
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
    """Snapshot every live record under refresh `uid` and mark it closed; returns the count.

    Core reads and one executemany per kind: a county copy has ~100,000 records."""
    row = session.get(RefreshRow, uid)
    assert row is not None and row.closed_at is None
    session.flush()
    total = 0
    for kind, spec in KINDS.items():
        table = ROW_CLASSES[kind].__table__
        names = [f.name for f in spec.fields]
        columns = [table.c.uid, table.c.rev, table.c.updated_at, table.c.updated_by,
                   *(table.c[name] for name in names)]
        found = session.execute(select(*columns).where(table.c.deleted.is_(False)))
        batch = [{
            "refresh_uid": uid, "record_uid": values[0], "kind": kind, "rev": values[1],
            "data": json.dumps({
                "fields": {name: to_json(value) for name, value in zip(names, values[4:],
                                                                     strict=True)},
                "updated_at": values[2].isoformat(), "updated_by": values[3],
            }, ensure_ascii=False, sort_keys=True),
        } for values in found]
        if batch:
            session.execute(insert(RefreshRecordRow), batch)
        total += len(batch)
    row.closed_at = at
    session.flush()
    return total


def actions_by_state(session: Session, closed: Iterable[str]) -> tuple[list[str], int]:
    """Uids of live, unarchived actions whose status is in `closed`, and how many others."""
    table = ActionRow.__table__
    found = session.execute(select(table.c.uid, table.c.status).where(
        table.c.deleted.is_(False), table.c.archived_in.is_(None)).order_by(table.c.uid))
    shut = set(closed)
    archive, carry_on = [], 0
    for uid, status in found:
        if status in shut:
            archive.append(uid)
        else:
            carry_on += 1
    return archive, carry_on


def archive_actions(session: Session, uids: Sequence[str], label: str, *, who: str,
                    at: dt.datetime) -> None:
    """Set `archived_in` on many actions at once, with revision, stamp and history, as
    records.update would one by one."""
    if not uids:
        return
    session.flush()
    for start in range(0, len(uids), 500):
        chunk = list(uids[start:start + 500])
        session.execute(update(ActionRow).where(ActionRow.uid.in_(chunk)).values(
            archived_in=label, rev=ActionRow.rev + 1, updated_at=at, updated_by=who),
            execution_options={"synchronize_session": False})
    new = json.dumps(label, ensure_ascii=False)
    session.execute(insert(ChangeRecordRow), [
        {"record_uid": uid, "kind": "action", "field": "archived_in", "old": "null",
         "new": new, "who": who, "at": at, "bundle_id": None, "outcome": "edit"}
        for uid in uids])
    session.expire_all()


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


class StateView:
    """One refresh's records, read in pieces: revisions first, whole records only where
    needed (comparing two refreshes of a county copy touches few of its ~100,000 records)."""

    def revs(self) -> dict[str, tuple[str, int]]:
        """Every live record's (kind, rev) by uid."""
        raise NotImplementedError

    def records(self, uids: Iterable[str]) -> State:
        raise NotImplementedError

    def kind_records(self, kind: str) -> State:
        raise NotImplementedError


def _chunks(items: Iterable[str], size: int = 500) -> Iterable[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class SnapshotView(StateView):
    def __init__(self, session: Session, refresh_uid: str) -> None:
        self.session = session
        self.refresh_uid = refresh_uid

    def revs(self) -> dict[str, tuple[str, int]]:
        query = select(RefreshRecordRow.record_uid, RefreshRecordRow.kind, RefreshRecordRow.rev)
        rows = self.session.execute(query.where(RefreshRecordRow.refresh_uid == self.refresh_uid))
        return {uid: (kind, rev) for uid, kind, rev in rows if kind in KINDS}

    def _load_rows(self, query: Select[str, str, int, str]) -> State:
        state: State = {}
        for uid, kind, rev, data in self.session.execute(query):
            record = _load(kind, uid, rev, data)
            if record is not None:
                state[uid] = record
        return state

    def _query(self) -> Select[str, str, int, str]:
        return select(RefreshRecordRow.record_uid, RefreshRecordRow.kind, RefreshRecordRow.rev,
                      RefreshRecordRow.data).where(
            RefreshRecordRow.refresh_uid == self.refresh_uid)

    def records(self, uids: Iterable[str]) -> State:
        state: State = {}
        for chunk in _chunks(uids):
            state.update(self._load_rows(
                self._query().where(RefreshRecordRow.record_uid.in_(chunk))))
        return state

    def kind_records(self, kind: str) -> State:
        return self._load_rows(self._query().where(RefreshRecordRow.kind == kind))


class LiveView(StateView):
    def __init__(self, session: Session) -> None:
        self.session = session
        self._kinds: dict[str, str] = {}

    def revs(self) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for kind in KINDS:
            table = ROW_CLASSES[kind].__table__
            rows = self.session.execute(select(table.c.uid, table.c.rev)
                                        .where(table.c.deleted.is_(False)))
            found.update((uid, (kind, rev)) for uid, rev in rows)
        self._kinds = {uid: kind for uid, (kind, _) in found.items()}
        return found

    def records(self, uids: Iterable[str]) -> State:
        if not self._kinds:
            self.revs()
        by_kind: dict[str, list[str]] = {}
        for uid in uids:
            if uid in self._kinds:
                by_kind.setdefault(self._kinds[uid], []).append(uid)
        state: State = {}
        for kind, wanted in by_kind.items():
            cls = ROW_CLASSES[kind]
            for chunk in _chunks(wanted):
                for row in self.session.scalars(select(cls).where(cls.uid.in_(chunk))):
                    state[row.uid] = records.to_record(kind, row)
        return state

    def kind_records(self, kind: str) -> State:
        return {r.uid: r for r in records.list_rows(self.session, kind)}


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
