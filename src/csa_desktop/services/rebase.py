"""A baseline into this copy (services.sync): take the lead's values, keep the unsent local
edits, rebased onto them field by field; real conflicts go to the copy's own queue."""

from __future__ import annotations

from csa_desktop.bundle.format import DELETED, RecordState
from csa_desktop.domain.records import Record
from csa_desktop.merge.fields import (
    three_way,
)
from csa_desktop.services.gate import CheckedBundle
from csa_desktop.services.import_plan import (
    BundleTally,
    ImportPlan,
    RecordLine,
    bundle_outcome,
    json_record,
    log_entry,
    record_row,
    record_title,
    record_values,
    state_row,
)
from csa_desktop.storage import bundles as store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.bundles import SnapshotRecord
from csa_desktop.storage.database import Session
from csa_desktop.storage.sync import IncomingValue


class Rebase:
    """A baseline into this copy: take the lead's values, keep unsent local edits."""

    def __init__(self, session: Session, item: CheckedBundle, plan: ImportPlan) -> None:
        self.session = session
        self.item = item
        self.plan = plan
        self.at = store.stamp()
        manifest = item.manifest
        self.who = manifest.author
        self.bundle_id = manifest.bundle_id
        self.tally = BundleTally()
        self.open = {(c.record_uid, c.field): c for c in
                     sync_store.conflicts(session, side="district")}

    def incoming(self, value: object) -> IncomingValue:
        m = self.item.manifest
        return IncomingValue(value, m.author, m.bundle_id, m.replica_id, self.item.name)

    def history(self, kind: str, uid: str, name: str, old: object, new: object) -> None:
        self.plan.history.append(sync_store.history_row(
            kind, uid, name, old, new, who=self.who, at=self.at, bundle_id=self.bundle_id,
            outcome="accepted"))

    def run(self) -> None:
        bundle = self.item.bundle
        old = store.snapshot(self.session)
        local: dict[str, Record] = {}
        for kind in {r.kind for r in bundle.records}:
            local.update((r.uid, r) for r in store.read_records(self.session, kind))
        snapshot: list[SnapshotRecord] = []
        for record in bundle.records:
            data = store.json_fields(record.kind, record.fields)  # once a record: read only
            snapshot.append(SnapshotRecord(record.kind, record.uid, record.rev, record.deleted,
                                           data))
            mine = local.get(record.uid)
            if mine is None:
                self.insert(record, data)
            else:
                self.rebase(record, mine, old.get(record.uid), data)
        self.plan.snapshot = snapshot
        self.plan.baseline_id = self.bundle_id
        self.plan.log.append(log_entry(self.item, "imported",
                                                    {"records": len(bundle.records)}))
        self.plan.outcomes.append(bundle_outcome(self.item, self.tally))

    def insert(self, record: RecordState, data: dict[str, object]) -> None:
        # A record new to this copy arrives whole, with its revision and stamp; its earlier
        # history stays in the lead's copy (a row per field here would only repeat it).
        self.plan.record_write(record.kind, record.uid, state_row(record), insert=True,
                               was_deleted=None, changed=())
        if record.deleted:  # added and removed again before it reached here: nothing to show
            return
        self.tally.add(RecordLine(record.kind, record.uid,
                                  record_title(record.kind, data),
                                  "create"))

    def rebase(self, record: RecordState, mine: Record, snap: SnapshotRecord | None,
               data: dict[str, object]) -> None:
        theirs = {**data, DELETED: record.deleted}
        ours = json_record(mine)
        base = {**snap.data, DELETED: snap.deleted} if snap is not None else ours
        result: dict[str, object] = {}
        conflicts: list[str] = []
        for name, value in theirs.items():
            merged = three_way(base.get(name), ours[name], value)
            result[name] = merged.value
            if merged.conflict:
                conflicts.append(name)
        fields_ours = any(ours[n] != base.get(n) for n in ours if n != DELETED)
        fields_theirs = any(theirs[n] != base.get(n) for n in theirs if n != DELETED)
        if ours[DELETED] and not base.get(DELETED) and fields_theirs:
            result[DELETED] = True  # deleted here, changed by the lead
            conflicts.append(DELETED)
        elif theirs[DELETED] and not base.get(DELETED) and fields_ours and not ours[DELETED]:
            result[DELETED] = False  # changed here, deleted by the lead
            conflicts.append(DELETED)
        changed = [n for n in result if result[n] != ours[n]]
        if result == theirs:
            if (mine.rev, mine.updated_at, mine.updated_by) == (
                    record.rev, record.updated_at, record.updated_by) and not changed:
                return
            row = state_row(record)
        elif not changed:
            row = None
        else:
            row = record_row(record.kind, record.uid, record_values(record.kind, result),
                       rev=max(mine.rev, record.rev) + 1, at=mine.updated_at,
                       who=mine.updated_by, deleted=bool(result[DELETED]))
        if row is not None:
            self.plan.record_write(record.kind, record.uid, row, insert=False,
                                   was_deleted=mine.deleted, changed=changed)
        for name in changed:
            self.history(record.kind, record.uid, name, ours[name], result[name])
        title = record_title(record.kind, {k: v for k, v in result.items()})
        if changed:
            op = "delete" if result[DELETED] and not ours[DELETED] else "update"
            values = tuple((n, ours[n], result[n]) for n in changed if n != DELETED)
            self.tally.add(RecordLine(record.kind, record.uid, title, op, tuple(changed),
                                      values=values if op == "update" else ()))
        if conflicts:
            self.tally.add(RecordLine(record.kind, record.uid, title, "conflict",
                                      tuple(conflicts)))
        for name in theirs:
            earlier = self.open.get((record.uid, name))
            if earlier is not None and name not in conflicts and result[name] == theirs[name]:
                self.plan.settled_conflicts.append(earlier.id)
        for name in conflicts:
            existing = self.open.get((record.uid, name))
            incoming = [self.incoming(theirs[name])]
            if existing is not None:
                self.plan.refreshed_conflicts.append((existing.id, base.get(name), ours[name],
                                                      incoming))
            else:
                self.plan.new_conflicts.append({
                    "record_uid": record.uid, "kind": record.kind, "field": name,
                    "side": "district", "base": base.get(name), "master": ours[name],
                    "incoming": incoming, "at": self.at})


