"""Import bundles: run every file through the gate, work out what each would change (the
preview), then apply them all in one transaction after a restore point.

- A **baseline** brings the master to a district (or an empty copy). The district's unsent
  edits are rebased onto it field by field; real conflicts go to the district's own queue.
- **Contributions** are merged into the lead's master field by field. Each district's latest
  bundle is a set of proposals (base and new value per field); the master value of a field is a
  pure function of the lead's own value and the set of live proposals (merge.fields), so the
  result does not depend on bundle order, repetition or anyone's clock. Proposals are kept
  (table merge_states) until the lead publishes a new baseline.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import BASELINE, CONTRIBUTION, DELETED, Manifest, RecordState
from csa_desktop.domain.kinds import KINDS, Value, to_json
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import BundleError, CsaError, StoreError
from csa_desktop.merge.fields import (
    FieldResult,
    Proposal,
    merge_deleted,
    merge_field,
    three_way,
)
from csa_desktop.services.bundles import BundleService, CheckedBundle, collector_paused
from csa_desktop.services.copy import Copy
from csa_desktop.services.labels import referenced_titles
from csa_desktop.storage import bulk, restore_points
from csa_desktop.storage import bundles as store
from csa_desktop.storage import identity as identity_store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.bundles import LoggedBundle, ReplicaKey, SnapshotRecord, TrustedKey
from csa_desktop.storage.database import Session
from csa_desktop.storage.sync import Conflict, IncomingValue

KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}

Progress = Callable[[int, int, str], None]
"""progress(done, total, what): called between steps."""
Cancelled = Callable[[], bool]


class ImportCancelledError(CsaError):
    """The user cancelled an import; nothing was applied."""

    exit_code = 1


@dataclass(frozen=True)
class RecordLine:
    """One record a bundle would change, for the preview."""

    kind: str
    uid: str
    title: str
    op: str  # "create", "update", "delete", "conflict" or "kept-lead"
    fields: tuple[str, ...] = ()
    note: str = ""  # for "kept-lead": "kept the lead's value; X's is in the history"
    values: tuple[tuple[str, object, object], ...] = ()  # update: (field, old, new) as JSON


@dataclass(frozen=True)
class BundleOutcome:
    name: str
    status: str  # "imported", "would-import", "superseded", "already-imported", "refused"
    message: str = ""
    bundle_id: str = ""
    kind: str = ""
    author: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # op -> kind -> count
    records: tuple[RecordLine, ...] = ()
    conflicts: int = 0
    code: str = ""
    fingerprint: str = ""
    kept_lead: int = 0  # district values that lost to the lead's own later edit

    @property
    def kept_lead_lines(self) -> tuple[RecordLine, ...]:
        return tuple(r for r in self.records if r.op == "kept-lead")

    @property
    def refused(self) -> bool:
        return self.status == "refused"


@dataclass(frozen=True)
class ImportReport:
    outcomes: tuple[BundleOutcome, ...]
    changes: Changes = field(default_factory=Changes)
    dry_run: bool = False
    restore_point: str | None = None
    conflicts: int = 0  # open conflicts after the import (or that it would leave)
    titles: dict[str, str] = field(default_factory=dict)  # preview: records values refer to

    @property
    def refused(self) -> tuple[BundleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.refused)

    @property
    def imported(self) -> tuple[BundleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "imported")


@dataclass
class _BundleTally:
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {"create": Counter(), "update": Counter(), "delete": Counter()})
    lines: list[RecordLine] = field(default_factory=list)
    conflicts: int = 0
    kept_lead: int = 0

    def add(self, line: RecordLine) -> None:
        self.lines.append(line)
        if line.op == "conflict":
            self.conflicts += len(line.fields)
        elif line.op == "kept-lead":
            self.kept_lead += 1
        else:
            self.counts[line.op][line.kind] += 1


@dataclass
class _Plan:
    """Everything an import writes, worked out before the first write."""

    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (kind, the columns to set) -> rows; the columns are fields and maybe DELETED
    updates: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = field(
        default_factory=dict)
    history: list[sync_store.HistoryRow] = field(default_factory=list)
    history_outcomes: list[tuple[int, str]] = field(default_factory=list)  # row id, outcome
    snapshot: list[SnapshotRecord] | None = None
    baseline_id: str | None = None
    trust: list[TrustedKey] = field(default_factory=list)
    bindings: list[ReplicaKey] = field(default_factory=list)
    log: list[LoggedBundle] = field(default_factory=list)
    states: dict[str, tuple[str, dict[str, Any] | None]] = field(default_factory=dict)
    new_conflicts: list[dict[str, Any]] = field(default_factory=list)
    refreshed_conflicts: list[tuple[int, object, object, list[IncomingValue]]] = field(
        default_factory=list)
    settled_conflicts: list[int] = field(default_factory=list)
    outcomes: list[BundleOutcome] = field(default_factory=list)
    created: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    changed_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    open_conflicts: int = 0

    def changes(self) -> Changes:
        return Changes(tuple(self.created), tuple(self.updated), tuple(self.deleted),
                       dict(self.changed_fields))

    def record_write(self, kind: str, uid: str, row: dict[str, Any], *, insert: bool,
                     was_deleted: bool | None, changed: Sequence[str],
                     columns: tuple[str, ...] | None = None) -> None:
        """Plan an insert, or an update of `columns` (default: every field and the
        tombstone); `row` always says whether the record ends deleted."""
        if insert:
            self.inserts.setdefault(kind, []).append(row)
        else:
            key = (kind, _all_columns(kind) if columns is None else columns)
            self.updates.setdefault(key, []).append(row)
        if insert:
            self.created.append((kind, uid))
        elif row["deleted"] and not was_deleted:
            self.deleted.append((kind, uid))
        elif was_deleted and not row["deleted"]:
            self.created.append((kind, uid))
        else:
            self.updated.append((kind, uid))
        if changed:
            self.changed_fields[uid] = tuple(changed)


@cache
def _all_columns(kind: str) -> tuple[str, ...]:
    return (*(f.name for f in KINDS[kind].fields), DELETED)


def _row(kind: str, uid: str, values: dict[str, Value], *, rev: int, at: dt.datetime, who: str,
         deleted: bool) -> dict[str, Any]:
    return bulk.record_row(kind, uid, values, who=who, at=at, rev=rev, deleted=deleted)


def _json_record(record: Record) -> dict[str, object]:
    return {**store.json_fields(record.kind, record.fields), DELETED: record.deleted}


def _values(kind: str, data: dict[str, object]) -> dict[str, Value]:
    return store.value_fields(kind, data, check=False)  # validated at the gate


def _title(kind: str, data: dict[str, object]) -> str:
    value = data.get(KINDS[kind].title_field)
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return text.splitlines()[0][:120] if text else ""


class SyncService:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy
        self.bundles = BundleService(copy)

    # --- the whole import -----------------------------------------------------------------

    def check_files(self, paths: Sequence[Path], *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None,
                    ) -> tuple[list[CheckedBundle], list[BundleOutcome]]:
        """Every file through the gate: the bundles that passed, and a line per refusal."""
        with collector_paused():
            return self._check_files(paths, progress=progress, cancelled=cancelled)

    def _check_files(self, paths: Sequence[Path], *, progress: Progress | None,
                     cancelled: Cancelled | None,
                     ) -> tuple[list[CheckedBundle], list[BundleOutcome]]:
        checked: list[CheckedBundle] = []
        refused: list[BundleOutcome] = []
        seen: dict[str, str] = {}
        copies: dict[str, tuple[str, str]] = {}  # replica id -> (key, file) in this import
        speakers: dict[str, tuple[str, str]] = {}  # key -> (replica id, file)
        for index, path in enumerate(paths):
            _check_cancel(cancelled)
            if progress:
                progress(index, len(paths) + 2, f"checking {path.name}")
            try:
                result = self.bundles.check(path)
            except BundleError as exc:
                fingerprint = getattr(exc, "fingerprint", "")
                refused.append(BundleOutcome(path.name, "refused", str(exc), code=exc.code,
                                             fingerprint=fingerprint))
                continue
            bundle_id = result.manifest.bundle_id
            if bundle_id in seen:
                message = f"{path.name}: is the same bundle as {seen[bundle_id]}"
                refused.append(BundleOutcome(path.name, "refused", message,
                                             bundle_id=bundle_id, code="duplicate"))
                continue
            seen[bundle_id] = path.name
            clash = _identity_clash(result, copies, speakers)
            if clash:
                refused.append(BundleOutcome(path.name, "refused", clash, bundle_id=bundle_id,
                                             code="replica-key"))
                continue
            checked.append(result)
        baselines = [c for c in checked if c.bundle.is_baseline and not c.already_imported]
        for extra in baselines[1:]:
            checked.remove(extra)
            refused.append(BundleOutcome(extra.name, "refused",
                                         f"{extra.name}: import one baseline at a time",
                                         code="one-baseline"))
        return checked, refused

    def import_files(self, paths: Sequence[Path], *, dry_run: bool = False,
                     apply_despite_refusals: bool = False, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ImportReport:
        """Check, preview and (unless `dry_run`) apply bundles, all in one transaction after a
        restore point. With any refusal nothing is applied unless `apply_despite_refusals`
        (the GUI, after the lead saw the preview). Cancelling applies nothing."""
        with collector_paused():
            return self._import_files(paths, dry_run=dry_run,
                                      apply_despite_refusals=apply_despite_refusals,
                                      progress=progress, cancelled=cancelled)

    def _import_files(self, paths: Sequence[Path], *, dry_run: bool,
                      apply_despite_refusals: bool, progress: Progress | None,
                      cancelled: Cancelled | None) -> ImportReport:
        checked, refused = self.check_files(paths, progress=progress, cancelled=cancelled)
        repeats = [BundleOutcome(c.name, "already-imported",
                                 f"{c.name}: was already imported on "
                                 f"{c.already_imported.processed_at:%d %b %Y %H:%M}; nothing "
                                 "was changed", bundle_id=c.manifest.bundle_id,
                                 kind=c.manifest.kind, author=c.manifest.author)
                   for c in checked if c.already_imported is not None]
        fresh = [c for c in checked if c.already_imported is None]
        total = len(paths) + 2
        if dry_run or not fresh or (refused and not apply_despite_refusals):
            with self.copy.store.reader() as session:
                plan = self._plan(session, fresh, cancelled=cancelled)
                titles = _line_titles(session, plan.outcomes)
            outcomes = [replace(o, status="would-import") if o.status == "imported" else o
                        for o in plan.outcomes]
            return ImportReport(tuple(outcomes + repeats + refused), Changes(), dry_run=True,
                                conflicts=plan.open_conflicts, titles=titles)
        _check_cancel(cancelled)
        if progress:
            progress(len(paths), total, "saving a restore point")
        if self.copy.store.read_only_reason:
            raise StoreError(f"nothing was imported: {self.copy.store.read_only_reason}")
        point = restore_points.create(self.copy.store.path, [
            {"file": c.name, "bundle_id": c.manifest.bundle_id, "kind": c.manifest.kind,
             "author": c.manifest.author} for c in fresh])
        try:
            with self.copy.store.transaction() as session:
                plan = self._plan(session, fresh, cancelled=cancelled)
                if progress:
                    progress(len(paths) + 1, total, "writing")
                _check_cancel(cancelled)
                self._write(session, plan)
                _check_cancel(cancelled)
        except BaseException:
            restore_points.discard(point)
            raise
        restore_points.confirm(self.copy.store.path, point)
        if plan.baseline_id is not None:
            self._reload_identity()
        if progress:
            progress(total, total, "done")
        return ImportReport(tuple(plan.outcomes + repeats + refused), plan.changes(),
                            restore_point=point.id, conflicts=plan.open_conflicts)

    def _reload_identity(self) -> None:
        with self.copy.store.reader() as session:
            self.copy.identity = identity_store.load(session)
        self.copy.records.identity = self.copy.identity

    # --- planning -------------------------------------------------------------------------

    def _plan(self, session: Session, checked: Sequence[CheckedBundle], *,
              cancelled: Cancelled | None = None) -> _Plan:
        plan = _Plan()
        bound: set[str] = set()
        for item in checked:
            if item.first_use:
                plan.trust.append(item.signer)
            if item.binding is not None and item.binding.replica_id not in bound:
                bound.add(item.binding.replica_id)
                plan.bindings.append(item.binding)
        baselines = [c for c in checked if c.bundle.is_baseline]
        contributions = [c for c in checked if not c.bundle.is_baseline]
        for item in baselines:
            _check_cancel(cancelled)
            _Rebase(self, session, item, plan).run()
        if contributions:
            _LeadMerge(self, session, contributions, plan, cancelled).run()
        side = "district" if baselines else "lead"
        plan.open_conflicts = sync_store.count_conflicts(session, side=side) + len(
            plan.new_conflicts) - len(plan.settled_conflicts)
        return plan

    def log_entry(self, item: CheckedBundle, status: str,
                  summary: dict[str, Any]) -> LoggedBundle:
        m = item.manifest
        return LoggedBundle(m.bundle_id, "imported", m.kind, m.replica_id, m.author,
                            m.signer_key, m.baseline_id, m.seq, m.created_at, store.stamp(),
                            item.name, item.bundle.sha256, status, summary)

    # --- writing --------------------------------------------------------------------------

    def _write(self, session: Session, plan: _Plan) -> None:
        for kind in KINDS:
            if plan.inserts.get(kind):
                sync_store.insert_records(session, kind, plan.inserts[kind])
        for (kind, columns), rows in sorted(plan.updates.items(),
                                            key=lambda item: KIND_ORDER[item[0][0]]):
            sync_store.update_records(session, kind, columns, rows)
        sync_store.insert_history(session, plan.history)
        sync_store.set_history_outcomes(session, plan.history_outcomes)
        if plan.snapshot is not None:
            store.replace_snapshot(session, plan.snapshot)
        if plan.baseline_id is not None:
            identity_store.set_baseline_id(session, plan.baseline_id)
        sync_store.save_merge_states(session, plan.states)
        at = store.stamp()
        me = self.copy.identity.name
        for conflict_id in plan.settled_conflicts:
            sync_store.close_conflict(session, conflict_id, status="settled", at=at, by=me)
        for conflict_id, base, master, incoming in plan.refreshed_conflicts:
            sync_store.refresh_conflict(session, conflict_id, base=base, master=master,
                                        incoming=incoming)
        sync_store.add_conflicts(session, plan.new_conflicts)
        for key in plan.trust:
            store.save_trusted_key(session, key)
        for binding in plan.bindings:
            store.bind_replica(session, binding)
        for entry in plan.log:
            store.log_bundle(session, entry)


class _Rebase:
    """A baseline into this copy: take the lead's values, keep unsent local edits."""

    def __init__(self, service: SyncService, session: Session, item: CheckedBundle,
                 plan: _Plan) -> None:
        self.service = service
        self.session = session
        self.item = item
        self.plan = plan
        self.at = store.stamp()
        manifest = item.manifest
        self.who = manifest.author
        self.bundle_id = manifest.bundle_id
        self.tally = _BundleTally()
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
        for record in bundle.records:
            mine = local.get(record.uid)
            if mine is None:
                self.insert(record)
            else:
                self.rebase(record, mine, old.get(record.uid))
        self.plan.snapshot = [SnapshotRecord(r.kind, r.uid, r.rev, r.deleted,
                                             store.json_fields(r.kind, r.fields))
                              for r in bundle.records]
        self.plan.baseline_id = self.bundle_id
        self.plan.log.append(self.service.log_entry(self.item, "imported",
                                                    {"records": len(bundle.records)}))
        self.plan.outcomes.append(_outcome(self.item, self.tally))

    def insert(self, record: RecordState) -> None:
        # A record new to this copy arrives whole, with its revision and stamp; its earlier
        # history stays in the lead's copy (a row per field here would only repeat it).
        self.plan.record_write(record.kind, record.uid, _state_row(record), insert=True,
                               was_deleted=None, changed=())
        if record.deleted:  # added and removed again before it reached here: nothing to show
            return
        self.tally.add(RecordLine(record.kind, record.uid,
                                  _title(record.kind, store.json_fields(record.kind,
                                                                        record.fields)),
                                  "create"))

    def rebase(self, record: RecordState, mine: Record, snap: SnapshotRecord | None) -> None:
        theirs = {**store.json_fields(record.kind, record.fields), DELETED: record.deleted}
        ours = _json_record(mine)
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
            row = _state_row(record)
        elif not changed:
            row = None
        else:
            row = _row(record.kind, record.uid, _values(record.kind, result),
                       rev=max(mine.rev, record.rev) + 1, at=mine.updated_at,
                       who=mine.updated_by, deleted=bool(result[DELETED]))
        if row is not None:
            self.plan.record_write(record.kind, record.uid, row, insert=False,
                                   was_deleted=mine.deleted, changed=changed)
        for name in changed:
            self.history(record.kind, record.uid, name, ours[name], result[name])
        title = _title(record.kind, {k: v for k, v in result.items()})
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


@cache
def _list_fields(kind: str) -> frozenset[str]:
    return frozenset(name for name, is_list, _ in store.field_layout(kind) if is_list)


def _json_value(value: object, is_list: bool) -> object:
    """store.json_value of a value of a field (`is_list`: a list of uids)."""
    if value is None:
        return [] if is_list else None
    if type(value) is str:
        return value
    if isinstance(value, list):
        return list(value)
    return to_json(value)  # type: ignore[arg-type]


def _proposal_data(m: Manifest, name: str, pair: Any, is_list: bool) -> dict[str, Any]:
    """A bundle's proposal for a field as the merge state keeps it (values as JSON)."""
    if name == DELETED:
        base, value = pair.base, pair.new
    else:
        base, value = _json_value(pair.base, is_list), _json_value(pair.new, is_list)
    return {"author": m.author, "bundle": m.bundle_id, "seq": m.seq, "base": base,
            "value": value, "baseline": m.baseline_id, "accepted": False}


def _proposal(replica: str, data: dict[str, Any]) -> Proposal:
    return Proposal(replica, data["author"], data["bundle"], data["seq"], data["base"],
                    data["value"])


class _LeadMerge:
    """Contributions into the lead's master: each district's latest bundle replaces its
    proposals; every touched record is merged once from the lead's values and all proposals."""

    def __init__(self, service: SyncService, session: Session, items: Sequence[CheckedBundle],
                 plan: _Plan, cancelled: Cancelled | None) -> None:
        self.service = service
        self.session = session
        self.plan = plan
        self.cancelled = cancelled
        self.at = store.stamp()
        self.me = service.copy.identity.name
        self.items = sorted(items, key=lambda c: (c.manifest.replica_id, c.manifest.seq))
        self.tallies: dict[str, _BundleTally] = {c.manifest.bundle_id: _BundleTally()
                                                 for c in self.items}
        self.files = {c.manifest.bundle_id: c.name for c in self.items}
        self.committed: int | None = None  # history mark of the last published baseline
        # records whose deletion waits for the lead (a delete against an edit): uid -> the
        # replicas deleting it; the deletes those replicas sent for records under it wait too
        self.held: dict[str, frozenset[str]] = {}
        self.live: list[CheckedBundle] = []
        self.prior: dict[str, set[str]] = {}
        # the history row of each proposal (see `ledger`): those in the history already, and
        # those this import adds (their index in plan.history)
        self.proposal_rows: dict[sync_store.ProposalKey, tuple[int, str]] = {}
        self.planned: dict[sync_store.ProposalKey, int] = {}

    def run(self) -> None:
        self.proposal_rows = sync_store.proposal_rows(
            self.session, (c.uid for item in self.items for c in item.bundle.changes))
        live = self.live = self.supersede()
        replicas = {c.manifest.replica_id for c in live}
        prior: dict[str, set[str]] = defaultdict(set)
        self.prior = prior
        for entry in store.logged_bundles(self.session, direction="imported", kind=CONTRIBUTION):
            if entry.replica_id in replicas and entry.status == "imported":
                prior[entry.replica_id].update(entry.summary.get("uids", []))
        incoming: dict[str, list[tuple[CheckedBundle, Any]]] = defaultdict(list)
        kinds: dict[str, str] = {}
        for item in live:
            for change in item.bundle.changes:
                incoming[change.uid].append((item, change))
                kinds[change.uid] = change.kind
        touched = list(dict.fromkeys([*incoming, *(u for r in replicas for u in prior[r])]))
        self.proposal_rows.update(sync_store.proposal_rows(
            self.session, [uid for uid in touched if uid not in incoming]))
        existing, masters = store.read_existing(self.session, touched, expected=kinds)
        kinds.update(existing)
        states = sync_store.merge_states(self.session, touched)
        open_conflicts: dict[str, dict[str, Conflict]] = defaultdict(dict)
        wanted = set(touched)  # open conflicts are few: one query, then a set look-up each
        for conflict in sync_store.conflicts(self.session, side="lead"):
            if conflict.record_uid in wanted:
                open_conflicts[conflict.record_uid][conflict.field] = conflict
            if conflict.field == DELETED and conflict.master is not True:
                self.held[conflict.record_uid] = frozenset(
                    i.replica_id for i in conflict.incoming if i.value is True)
        # parents before the records under them (the kinds are declared parents first), so
        # a record's deletion is known to wait before the deletes under it are merged
        queue = [(KIND_ORDER.get(kinds.get(uid, ""), len(KIND_ORDER)), index, uid)
                 for index, uid in enumerate(touched)]
        heapq.heapify(queue)
        queued = set(touched)
        count = len(queue)
        while queue:
            _, index, uid = heapq.heappop(queue)
            if index % 500 == 0:
                _check_cancel(self.cancelled)
            if uid not in kinds or (uid not in incoming and uid not in states):
                continue
            self.merge_record(uid, kinds[uid], masters.get(uid), states.get(uid),
                              incoming.get(uid, []), replicas, open_conflicts.get(uid, {}))
            if uid in self.held:  # its deletion waits: so do the deletes under it
                for kind_name, child, _deleted in store.descendants(self.session, kinds[uid],
                                                                    uid):
                    if child in queued:
                        continue
                    queued.add(child)
                    found = sync_store.merge_states(self.session, [child])
                    if child not in found:
                        continue
                    states.update(found)
                    kinds[child] = kind_name
                    masters.update(store.read_existing(self.session, [child],
                                                       expected={child: kind_name})[1])
                    for conflict in sync_store.conflicts(self.session, side="lead",
                                                         uids=[child]):
                        open_conflicts[child][conflict.field] = conflict
                    heapq.heappush(queue, (KIND_ORDER[kind_name], count, child))
                    count += 1
        for item in live:
            uids = sorted({c.uid for c in item.bundle.changes})
            self.plan.log.append(self.service.log_entry(
                item, "imported", {"changes": len(item.bundle.changes), "uids": uids}))
            self.plan.outcomes.append(_outcome(item, self.tallies[item.manifest.bundle_id]))

    def supersede(self) -> list[CheckedBundle]:
        """Each district's newest bundle counts; older ones (in this import or after a newer
        one was imported) are recorded as superseded and change nothing."""
        newest_logged: dict[str, int] = {}
        for entry in store.logged_bundles(self.session, direction="imported", kind=CONTRIBUTION):
            newest_logged[entry.replica_id] = max(newest_logged.get(entry.replica_id, 0),
                                                  entry.seq)
        newest_here: dict[str, CheckedBundle] = {}
        for item in self.items:
            newest_here[item.manifest.replica_id] = item  # sorted by seq: the last wins
        live = []
        for item in self.items:
            m = item.manifest
            if item is newest_here[m.replica_id] and m.seq > newest_logged.get(m.replica_id, 0):
                live.append(item)
                continue
            for change in item.bundle.changes:
                lists = _list_fields(change.kind)
                for name, pair in change.fields.items():
                    self.ledger(change.kind, change.uid, name, _proposal_data(
                        m, name, pair, name in lists), "superseded")
            self.plan.log.append(self.service.log_entry(item, "superseded",
                                                        {"changes": len(item.bundle.changes)}))
            self.plan.outcomes.append(BundleOutcome(
                item.name, "superseded", f"{item.name}: a later bundle from {m.author} "
                "replaces it; nothing of it was applied", m.bundle_id, m.kind, m.author))
        return live

    def merge_record(self, uid: str, kind: str, master: Record | None,
                     state: dict[str, Any] | None, incoming: list[tuple[CheckedBundle, Any]],
                     replicas: set[str], open_conflicts: dict[str, Conflict]) -> None:
        current = _json_record(master) if master is not None else None
        meta = (state or {}).get(sync_store.RECORD_META)
        fields: dict[str, dict[str, Any]] = {name: {**fs, "proposals": dict(fs["proposals"])}
                                             for name, fs in (state or {}).items()
                                             if name != sync_store.RECORD_META}
        dropped: list[tuple[str, str, dict[str, Any], str]] = []  # field, replica, data, why
        for name, fs in fields.items():
            now = current.get(name) if current is not None else None
            if now != fs["merged"]:  # the lead changed it by hand since: that is its value
                dropped.extend((name, r, p, "lost") for r, p in fs["proposals"].items())
                fields[name] = {"lead": now, "merged": now, "proposals": {}}
        for name, fs in fields.items():
            for replica in [r for r in fs["proposals"] if r in replicas]:
                dropped.append((name, replica, fs["proposals"].pop(replica), "superseded"))
        lists = _list_fields(kind)
        for item, change in incoming:
            m = item.manifest
            for name, pair in change.fields.items():
                entry = fields.get(name)
                if entry is None:
                    now = current.get(name) if current is not None else None
                    entry = fields[name] = {"lead": now, "merged": now, "proposals": {}}
                entry["proposals"][m.replica_id] = _proposal_data(m, name, pair,
                                                                  name in lists)
        if current is not None and current[DELETED] and DELETED not in fields:
            fields[DELETED] = {"lead": True, "merged": True, "proposals": {}}
        results = self.results(uid, fields)
        self.hold(uid, kind, master, fields, results, incoming)
        self.write(uid, kind, master, current, fields, results, dropped, incoming,
                   open_conflicts, meta)

    def hold(self, uid: str, kind: str, master: Record | None,
             fields: dict[str, dict[str, Any]], results: dict[str, FieldResult],
             incoming: list[tuple[CheckedBundle, Any]]) -> None:
        """A deletion waiting for the lead holds back the same districts' deletes of the
        records under it: the subtree stays as the master has it until the lead decides."""
        result = results.get(DELETED)
        if result is None:
            self.held.pop(uid, None)
            return
        if result.conflict:
            self.held[uid] = frozenset(p.replica_id for p in result.contenders
                                       if p.value is True)
            return
        self.held.pop(uid, None)
        spec = KINDS[kind]
        if spec.parent_field is None or result.value is not True:
            return
        parent: object = None
        for _item, change in incoming:
            pair = change.fields.get(spec.parent_field)
            if pair is not None:
                parent = pair.new
        if parent is None and master is not None:
            parent = master.fields.get(spec.parent_field)
        waiting = self.held.get(parent) if isinstance(parent, str) else None
        if not waiting or not any(p.replica_id in waiting for p in result.accepted):
            return
        entry = fields[DELETED]
        for p in result.accepted:
            entry["proposals"][p.replica_id]["accepted"] = False
        results[DELETED] = FieldResult(entry["lead"] is True, False)
        self.held[uid] = waiting

    def results(self, uid: str, fields: dict[str, dict[str, Any]]) -> dict[str, FieldResult]:
        proposals = {name: [_proposal(r, p) for r, p in fs["proposals"].items()]
                     for name, fs in fields.items()}
        results: dict[str, FieldResult] = {}
        if DELETED not in fields:
            for name, fs in fields.items():
                results[name] = merge_field(fs["lead"], proposals[name])
            return results
        deleters = {p.replica_id for p in proposals.get(DELETED, []) if p.value is True}
        keepers: dict[str, Proposal] = {}
        # only a tombstone in play makes edits "keep" votes
        for name, items in proposals.items():
            for p in items:
                if name != DELETED and p.changes and p.replica_id not in deleters:
                    keepers.setdefault(p.replica_id, p._replace(base=False, value=False))
        for name, fs in fields.items():
            if name == DELETED:
                lead_edited = False
                if deleters and fs["lead"] is not True:
                    lead_edited = self.lead_edited(uid, proposals[DELETED], deleters)
                results[name] = merge_deleted(fs["lead"], proposals[name],
                                              list(keepers.values()), lead_edited=lead_edited)
            else:
                results[name] = merge_field(fs["lead"], proposals[name])
        return results

    def lead_edited(self, uid: str, proposals: list[Proposal], deleters: set[str]) -> bool:
        """Whether the master changed the record since the deleters' baseline (by hand, or by
        accepting another district's edit)."""
        marks = []
        for p in proposals:
            if p.replica_id in deleters:
                baseline = store.logged_bundle(self.session, self.baseline_of(p))
                marks.append(int(baseline.summary.get("history_mark", 0)) if baseline else 0)
        if self.committed is None:
            published = store.logged_bundles(self.session, direction="exported",
                                             kind=BASELINE)
            self.committed = max((int(b.summary.get("history_mark", 0)) for b in published),
                                 default=0)
        return store.changed_since(self.session, uid, min(marks, default=0),
                                   committed=self.committed, exclude_replicas=deleters)

    def baseline_of(self, proposal: Proposal) -> str:
        for item in self.items:
            if item.manifest.bundle_id == proposal.bundle_id:
                return item.manifest.baseline_id or ""
        found = store.logged_bundle(self.session, proposal.bundle_id)
        return (found.baseline_id or "") if found else ""

    def write(self, uid: str, kind: str, master: Record | None,
              current: dict[str, object] | None, fields: dict[str, dict[str, Any]],
              results: dict[str, FieldResult],
              dropped: list[tuple[str, str, dict[str, Any], str]],
              incoming: list[tuple[CheckedBundle, Any]],
              open_conflicts: dict[str, Conflict], meta: dict[str, Any] | None = None) -> None:
        """Write the merged record. Its revision and "updated by" are a function of the
        lead's own (kept in the merge state's RECORD_META while proposals live) and of the
        proposals the master holds now, not of how many imports it took: the lead's own
        revision, plus one if accepted proposals changed it; "updated by" their authors."""
        new = dict(current) if current is not None else {
            **store.json_fields(kind, {}), DELETED: False}
        for name, result in results.items():
            new[name] = result.value
        if current is None and new[DELETED] is None:
            new[DELETED] = False
        accepted_by: list[Proposal] = []  # whose values the master holds, not the lead's
        for name, result in results.items():
            entry = fields[name]
            winners = {p.replica_id for p in result.accepted}
            for replica, data in entry["proposals"].items():
                data["accepted"] = replica in winners
            if result.accepted and result.value != entry["lead"]:
                accepted_by.extend(result.accepted)
            entry["merged"] = result.value
        if master is None:
            own_rev, own_by = 0, self.me
        elif meta is not None and meta.get("written") == master.rev:
            own_rev, own_by = int(meta["rev"]), str(meta["by"])
        elif meta is not None and int(meta.get("written", 0)) < master.rev:
            # the lead changed it since the last merge (by hand, or deciding a conflict):
            # its own revision went up as much as the record's
            own_rev = int(meta["rev"]) + master.rev - int(meta["written"])
            own_by = master.updated_by
        else:  # the first merge since the last baseline
            own_rev, own_by = master.rev, master.updated_by
        authors = sorted({p.author for p in accepted_by})
        who = authors[0] if len(authors) == 1 else (own_by if not authors else
                                                    f"{authors[0]} and others")
        rev = own_rev + (1 if accepted_by else 0)
        if master is None:
            if not any(r.accepted for r in results.values()):
                return
            changed = [n for n, v in new.items() if v not in (None, [], False)]
            row = _row(kind, uid, _values(kind, new), rev=1, at=self.at, who=who,
                       deleted=bool(new[DELETED]))
            self.plan.record_write(kind, uid, row, insert=True, was_deleted=None, changed=())
        else:
            assert current is not None
            # only fields with a result can differ from the master
            changed = [n for n in new if n in results and new[n] != current.get(n)]
            self.require_complete(uid, kind, new, changed, dropped)
            if changed or (master.rev, master.updated_by) != (rev, who):
                columns = tuple(changed)
                row = {"uid": uid, **store.value_fields(kind, new, check=False, names=columns),
                       "rev": rev, "updated_at": self.at, "updated_by": who,
                       DELETED: bool(new[DELETED])}
                self.plan.record_write(kind, uid, row, insert=False,
                                       was_deleted=master.deleted, changed=changed,
                                       columns=columns)
        for name, entry in fields.items():
            for data in entry["proposals"].values():
                self.ledger(kind, uid, name, data,
                            "accepted" if data["accepted"] else "conflict")
        lost: dict[str, list[str]] = {}  # field -> whose values lost to the lead's edit
        for name, _replica, data, why in dropped:
            if why == "superseded":
                self.ledger(kind, uid, name, data, why)
            elif not data.get("accepted") and data["value"] != new.get(name):
                self.ledger(kind, uid, name, data, why)
                lost.setdefault(name, []).append(data["author"])
        if lost:
            self.name_lead_kept(uid, kind, new, lost, incoming)
        if open_conflicts or any(r.conflict for r in results.values()):
            self.conflicts(uid, kind, fields, results, open_conflicts)
        kept: dict[str, Any] = {name: fs for name, fs in fields.items() if fs["proposals"]
                                or fs["lead"] != fs["merged"]}
        if kept:
            kept[sync_store.RECORD_META] = {"rev": own_rev, "by": own_by,
                                            "written": rev if master is None or changed
                                            or (master.rev, master.updated_by) != (rev, who)
                                            else master.rev}
        self.plan.states[uid] = (kind, kept or None)
        self.tally(uid, kind, master, current, new, results, incoming)

    def name_lead_kept(self, uid: str, kind: str, new: dict[str, object],
                       lost: dict[str, list[str]],
                       incoming: list[tuple[CheckedBundle, Any]]) -> None:
        """Say so, in the preview and the import's summary, when district values lose to the
        lead's own edit (made since they arrived): the master keeps the lead's value, theirs
        go to the history. No conflict: the lead edited a field it had their values for."""
        spec = KINDS[kind]
        title = _title(kind, new)
        targets = list(dict.fromkeys(item.manifest.bundle_id for item, _ in incoming)) or [
            item.manifest.bundle_id for item in self.live
            if uid in self.prior.get(item.manifest.replica_id, set())]
        for name, authors in sorted(lost.items()):
            label = spec.field(name).label if spec.has_field(name) else name
            whose = _names(sorted(set(authors)))
            line = RecordLine(kind, uid, title, "kept-lead", (name,),
                              f"{label}: kept the lead's value; {whose} "
                              f"{'is' if len(set(authors)) == 1 else 'are'} in the history")
            for bundle_id in targets[:1]:
                self.tallies[bundle_id].add(line)

    def require_complete(self, uid: str, kind: str, new: dict[str, object],
                         changed: list[str],
                         dropped: list[tuple[str, str, dict[str, Any], str]]) -> None:
        """A live record must keep its required fields. They empty only when a district's
        later bundle leaves out a record its earlier bundle created: refuse that bundle."""
        spec = KINDS[kind]
        if new[DELETED] or not any(
                spec.has_field(n) and spec.field(n).required and new[n] in (None, "", [])
                for n in changed):
            return
        replicas = {replica for _, replica, _, why in dropped if why == "superseded"}
        names = [c.name for c in self.items if c.manifest.replica_id in replicas]
        raise BundleError(
            "incomplete-contribution",
            f"{', '.join(names) or 'a bundle'}: leaves out the {spec.label.lower()} {uid} that "
            "an earlier bundle from the same district created; a contribution must carry "
            "every change since its baseline (export a new bundle from that district's copy)")

    def ledger(self, kind: str, uid: str, name: str, data: dict[str, Any],
               outcome: str) -> None:
        """The one history row of a district's proposal for a field (`data` as the merge
        state keeps it): written when the proposal first arrives, its outcome kept up to date
        as later imports change its fate (accepted, held for a decision, replaced by the
        sender, lost to the lead's own edit). So the history says the same whatever the
        order and batching of the same bundles: each proposal's values, author and fate."""
        key = (uid, name, data["bundle"])
        planned = self.planned.get(key)
        if planned is None and key not in self.proposal_rows:
            self.planned[key] = len(self.plan.history)
            self.plan.history.append(sync_store.history_row(
                kind, uid, name, data["base"], data["value"], who=data["author"], at=self.at,
                bundle_id=data["bundle"], outcome=outcome))
        elif planned is not None:
            row = self.plan.history[planned]
            self.plan.history[planned] = (*row[:8], outcome)
        elif self.proposal_rows[key][1] != outcome:
            row_id = self.proposal_rows[key][0]
            self.proposal_rows[key] = (row_id, outcome)
            self.plan.history_outcomes.append((row_id, outcome))

    def conflicts(self, uid: str, kind: str, fields: dict[str, dict[str, Any]],
                  results: dict[str, Any], open_conflicts: dict[str, Conflict]) -> None:
        for name, result in results.items():
            existing = open_conflicts.get(name)
            if not result.conflict:
                if existing is not None:
                    self.plan.settled_conflicts.append(existing.id)
                continue
            incoming = [IncomingValue(p.value, p.author, p.bundle_id, p.replica_id,
                                      self.file_of(p.bundle_id)) for p in result.contenders]
            deleting = name == DELETED
            base = False if deleting else next(
                (p.base for p in result.contenders if p.base != p.value), None)
            master = fields[name]["lead"]
            if deleting and master is None:
                master = False
            if existing is None:
                self.plan.new_conflicts.append({
                    "record_uid": uid, "kind": kind, "field": name, "side": "lead",
                    "base": base, "master": master, "incoming": incoming, "at": self.at})
            elif (existing.base, existing.master, existing.incoming) != (
                    base, master, tuple(incoming)):
                self.plan.refreshed_conflicts.append((existing.id, base, master, incoming))
        for name, existing in open_conflicts.items():
            if name not in results:
                self.plan.settled_conflicts.append(existing.id)

    def file_of(self, bundle_id: str) -> str:
        if bundle_id not in self.files:
            found = store.logged_bundle(self.session, bundle_id)
            self.files[bundle_id] = found.file_name if found else ""
        return self.files[bundle_id]

    def tally(self, uid: str, kind: str, master: Record | None,
              current: dict[str, object] | None, new: dict[str, object],
              results: dict[str, FieldResult],
              incoming: list[tuple[CheckedBundle, Any]]) -> None:
        if master is None and new[DELETED]:
            return  # a tombstone of a record the district added, then undid: nothing new
        title = _title(kind, new)
        disputed = [(n, r) for n, r in results.items() if r.conflict]
        for item, change in incoming:
            bundle_id = item.manifest.bundle_id
            conflicted = tuple(n for n, r in disputed if any(
                p.bundle_id == bundle_id for p in r.contenders))
            won = []
            for name in change.fields:
                result = results.get(name)
                if result is not None and result.accepted and any(
                        p.bundle_id == bundle_id for p in result.accepted):
                    won.append(name)
            tally = self.tallies[bundle_id]
            if master is None and won:
                tally.add(RecordLine(kind, uid, title, "create"))
            elif DELETED in won and new[DELETED]:
                tally.add(RecordLine(kind, uid, title, "delete"))
            elif won:
                old = current or {}
                values = tuple((n, old.get(n), new[n]) for n in won if n != DELETED)
                tally.add(RecordLine(kind, uid, title, "update", tuple(won), values=values))
            if conflicted:
                tally.add(RecordLine(kind, uid, title, "conflict", conflicted))


def _identity_clash(item: CheckedBundle, copies: dict[str, tuple[str, str]],
                    speakers: dict[str, tuple[str, str]]) -> str:
    """Within one import, too, a copy signs with one key and a key for one copy: the message
    refusing `item` if an earlier file of the import says otherwise ("" if none does)."""
    m = item.manifest
    fingerprint = keys.fingerprint(m.signer_key)
    key, first = copies.setdefault(m.replica_id, (m.signer_key, item.name))
    if key != m.signer_key:
        return (f"{item.name}: claims to come from the copy {m.replica_id}, which {first} "
                f"(in the same import) shows signing with key {keys.fingerprint(key)}, but is "
                f"signed by key {fingerprint}; a copy speaks only for itself")
    replica, first = speakers.setdefault(m.signer_key, (m.replica_id, item.name))
    if replica != m.replica_id:
        return (f"{item.name}: is signed by key {fingerprint}, which {first} (in the same "
                f"import) shows signing for the copy {replica}, but claims the copy "
                f"{m.replica_id}; a key signs for one copy only")
    return ""


def _names(names: Sequence[str]) -> str:
    """"West's", "West's and Pendle's", "West's, Pendle's and Burnley's"."""
    owned = [f"{n}'s" for n in names]
    return owned[0] if len(owned) == 1 else f"{', '.join(owned[:-1])} and {owned[-1]}"


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelledError("the import was cancelled; nothing was changed")


def _state_row(record: RecordState) -> dict[str, Any]:
    return _row(record.kind, record.uid, dict(record.fields), rev=record.rev,
                at=record.updated_at, who=record.updated_by, deleted=record.deleted)


def _line_titles(session: Session, outcomes: Iterable[BundleOutcome]) -> dict[str, str]:
    """Titles of the records that the changed values of a preview refer to."""
    found: dict[str, str] = {}
    for outcome in outcomes:
        for line in outcome.records:
            if line.values:
                pairs = [(n, v) for n, old, new in line.values for v in (old, new)]
                found.update(referenced_titles(session, line.kind, pairs))
    return found


def _outcome(item: CheckedBundle, tally: _BundleTally) -> BundleOutcome:
    m = item.manifest
    return BundleOutcome(item.name, "imported", "", m.bundle_id, m.kind, m.author,
                         {op: dict(c) for op, c in tally.counts.items() if c},
                         tuple(tally.lines), tally.conflicts, kept_lead=tally.kept_lead)

