"""Import bundles: run every file through the gate, work out what each would change (the
preview), then apply them all in one transaction.

A baseline replaces a district's view of the master and keeps its unsent edits; contributions
are merged into the lead's master field by field against the baseline they name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csa_desktop.bundle.format import BASELINE, DELETED, Bundle, RecordChange, RecordState
from csa_desktop.domain.kinds import KINDS, FieldType, Value
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import BundleError, CsaError, MergeConflictError
from csa_desktop.merge.fields import three_way
from csa_desktop.services.bundles import BundleService, CheckedBundle
from csa_desktop.services.copy import Copy
from csa_desktop.storage import bulk
from csa_desktop.storage import bundles as store
from csa_desktop.storage import identity as identity_store
from csa_desktop.storage.bundles import LoggedBundle, SnapshotRecord, TrustedKey
from csa_desktop.storage.database import Session

Progress = Callable[[int, int, str], None]
"""progress(done, total, what): called between steps; never from inside a write."""
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
    op: str  # "create", "update", "delete"
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class BundleOutcome:
    name: str
    status: str  # "imported", "would-import", "already-imported", "refused"
    message: str = ""
    bundle_id: str = ""
    kind: str = ""
    author: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # op -> kind -> count
    records: tuple[RecordLine, ...] = ()
    conflicts: int = 0
    code: str = ""

    @property
    def refused(self) -> bool:
        return self.status == "refused"


@dataclass(frozen=True)
class ImportReport:
    outcomes: tuple[BundleOutcome, ...]
    changes: Changes = field(default_factory=Changes)
    dry_run: bool = False
    restore_point: str | None = None

    @property
    def refused(self) -> tuple[BundleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.refused)

    @property
    def imported(self) -> tuple[BundleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "imported")


@dataclass
class _Plan:
    """Everything an import writes, worked out before the first write."""

    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    snapshot: list[SnapshotRecord] | None = None
    baseline_id: str | None = None
    trust: list[TrustedKey] = field(default_factory=list)
    log: list[LoggedBundle] = field(default_factory=list)
    outcomes: list[BundleOutcome] = field(default_factory=list)
    created: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    changed_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def changes(self) -> Changes:
        return Changes(tuple(self.created), tuple(self.updated), tuple(self.deleted),
                       dict(self.changed_fields))


def _row(kind: str, uid: str, values: dict[str, Value], *, rev: int, at: dt.datetime, who: str,
         deleted: bool) -> dict[str, Any]:
    return bulk.record_row(kind, uid, values, who=who, at=at, rev=rev, deleted=deleted)


class SyncService:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy
        self.bundles = BundleService(copy)

    # --- the whole import -----------------------------------------------------------------

    def check_files(self, paths: Sequence[Path], *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None,
                    ) -> tuple[list[CheckedBundle], list[BundleOutcome]]:
        """Every file through the gate: the bundles that passed, and a line per refusal."""
        checked: list[CheckedBundle] = []
        refused: list[BundleOutcome] = []
        seen: dict[str, str] = {}
        for index, path in enumerate(paths):
            _check_cancel(cancelled)
            if progress:
                progress(index, len(paths), f"checking {path.name}")
            try:
                result = self.bundles.check(path)
            except BundleError as exc:
                refused.append(BundleOutcome(path.name, "refused", str(exc), code=exc.code))
                continue
            bundle_id = result.manifest.bundle_id
            if bundle_id in seen:
                message = f"{path.name}: is the same bundle as {seen[bundle_id]}"
                refused.append(BundleOutcome(path.name, "refused", message,
                                             bundle_id=bundle_id, code="duplicate"))
                continue
            seen[bundle_id] = path.name
            checked.append(result)
        baselines = [c for c in checked if c.bundle.is_baseline and not c.already_imported]
        if len(baselines) > 1:
            for extra in baselines[1:]:
                checked.remove(extra)
                refused.append(BundleOutcome(extra.name, "refused",
                                             f"{extra.name}: import one baseline at a time",
                                             code="one-baseline"))
        return checked, refused

    def import_files(self, paths: Sequence[Path], *, dry_run: bool = False,
                     apply_despite_refusals: bool = False, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ImportReport:
        """Check, preview and (unless `dry_run`) apply bundles. With any refusal nothing is
        applied unless `apply_despite_refusals` (the GUI, after the lead saw the preview)."""
        checked, refused = self.check_files(paths, progress=progress, cancelled=cancelled)
        repeats = [BundleOutcome(c.name, "already-imported",
                                 f"{c.name}: was already imported on "
                                 f"{c.already_imported.processed_at:%d %b %Y %H:%M}; nothing "
                                 "was changed", bundle_id=c.manifest.bundle_id,
                                 kind=c.manifest.kind, author=c.manifest.author)
                   for c in checked if c.already_imported is not None]
        fresh = [c for c in checked if c.already_imported is None]
        if dry_run or not fresh or (refused and not apply_despite_refusals):
            with self.copy.store.reader() as session:
                plan = self._plan(session, fresh, cancelled=cancelled)
            status = "would-import"
            outcomes = [_with_status(o, status) for o in plan.outcomes]
            return ImportReport(tuple(outcomes + repeats + refused), Changes(), dry_run=True)
        if progress:
            progress(len(paths), len(paths) + 2, "saving a restore point")
        point = self._restore_point(fresh)
        try:
            with self.copy.store.transaction() as session:
                plan = self._plan(session, fresh, cancelled=cancelled)
                if progress:
                    progress(len(paths) + 1, len(paths) + 2, "writing")
                _check_cancel(cancelled)
                self._write(session, plan)
                _check_cancel(cancelled)
        except BaseException:
            self._drop_restore_point(point)
            raise
        if progress:
            progress(len(paths) + 2, len(paths) + 2, "done")
        return ImportReport(tuple(plan.outcomes + repeats + refused), plan.changes(),
                            restore_point=point)

    def _restore_point(self, bundles: Sequence[CheckedBundle]) -> str | None:
        return None

    def _drop_restore_point(self, point: str | None) -> None:
        return None

    # --- planning -------------------------------------------------------------------------

    def _plan(self, session: Session, checked: Sequence[CheckedBundle], *,
              cancelled: Cancelled | None = None) -> _Plan:
        plan = _Plan()
        for item in checked:
            _check_cancel(cancelled)
            if item.first_use:
                plan.trust.append(item.signer)
            if item.bundle.is_baseline:
                self._plan_baseline(session, item, plan)
            else:
                self._plan_contribution(session, item, plan)
        return plan

    def _log_entry(self, item: CheckedBundle, summary: dict[str, Any]) -> LoggedBundle:
        m = item.manifest
        return LoggedBundle(m.bundle_id, "imported", m.kind, m.replica_id, m.author,
                            m.signer_key, m.baseline_id, m.seq, m.created_at, store.stamp(),
                            item.name, item.bundle.sha256, "imported", summary)

    def _plan_baseline(self, session: Session, item: CheckedBundle, plan: _Plan) -> None:
        bundle = item.bundle
        old = store.snapshot(session)
        local: dict[str, Record] = {}
        for kind in {r.kind for r in bundle.records}:
            local.update((r.uid, r) for r in store.read_records(session, kind))
        at = store.stamp()
        who = bundle.manifest.author
        lines: list[RecordLine] = []
        counts: dict[str, Counter[str]] = {"create": Counter(), "update": Counter(),
                                           "delete": Counter()}
        for record in bundle.records:
            mine = local.get(record.uid)
            theirs = store.json_fields(record.kind, record.fields)
            if mine is None:
                plan.inserts.setdefault(record.kind, []).append(_state_row(record))
                plan.history.extend(
                    bulk.history_row(record.kind, record.uid, name, None, value, who=who,
                                     at=at, bundle_id=bundle.manifest.bundle_id,
                                     outcome="accepted")
                    for name, value in record.fields.items() if value not in (None, []))
                plan.created.append((record.kind, record.uid))
                counts["create"][record.kind] += 1
                lines.append(RecordLine(record.kind, record.uid, _title(record.kind,
                                                                         record.fields),
                                        "create"))
                continue
            ours = store.json_fields(mine.kind, mine.fields)
            snap = old.get(record.uid)
            base = snap.data if snap is not None else ours
            base_deleted = snap.deleted if snap is not None else mine.deleted
            result: dict[str, object] = {}
            changed: list[tuple[str, object, object]] = []
            for name, value in theirs.items():
                merged = three_way(base.get(name), ours[name], value)
                if merged.conflict:
                    raise MergeConflictError(
                        f"{bundle.name}: {record.kind} {record.uid} field '{name}' was changed "
                        "here and by the lead")
                result[name] = merged.value
                if merged.value != ours[name]:
                    changed.append((name, ours[name], merged.value))
            deleted = three_way(base_deleted, mine.deleted, record.deleted)
            if deleted.conflict:
                raise MergeConflictError(f"{bundle.name}: {record.kind} {record.uid} was deleted "
                                         "on one side and changed on the other")
            new_deleted = bool(deleted.value)
            if new_deleted != mine.deleted:
                changed.append((DELETED, mine.deleted, new_deleted))
            local_edits = result != theirs or new_deleted != record.deleted
            if local_edits:
                values = store.value_fields(record.kind, result)
                row = _row(record.kind, record.uid, values, rev=max(mine.rev, record.rev) + 1,
                           at=mine.updated_at, who=mine.updated_by, deleted=new_deleted)
            elif (mine.rev, mine.updated_at, mine.updated_by) != (
                record.rev, record.updated_at, record.updated_by
            ) or changed:
                row = _state_row(record)
            else:
                continue
            plan.updates.setdefault(record.kind, []).append(row)
            if changed:
                plan.history.extend(
                    bulk.history_row(record.kind, record.uid, name, old_v, new_v, who=who,
                                     at=at, bundle_id=bundle.manifest.bundle_id,
                                     outcome="accepted")
                    for name, old_v, new_v in changed)
                op = "delete" if new_deleted and not mine.deleted else "update"
                counts[op][record.kind] += 1
                target = plan.deleted if op == "delete" else plan.updated
                target.append((record.kind, record.uid))
                plan.changed_fields[record.uid] = tuple(n for n, _, _ in changed)
                lines.append(RecordLine(record.kind, record.uid,
                                        _title(record.kind, record.fields), op,
                                        tuple(n for n, _, _ in changed)))
        plan.snapshot = [SnapshotRecord(r.kind, r.uid, r.rev, r.deleted,
                                        store.json_fields(r.kind, r.fields))
                         for r in bundle.records]
        plan.baseline_id = bundle.manifest.bundle_id
        plan.log.append(self._log_entry(item, {"records": len(bundle.records)}))
        plan.outcomes.append(_outcome(item, counts, lines, 0))

    def _plan_contribution(self, session: Session, item: CheckedBundle, plan: _Plan) -> None:
        bundle = item.bundle
        manifest = bundle.manifest
        master: dict[str, Record] = {}
        by_kind: dict[str, list[str]] = {}
        for change in bundle.changes:
            by_kind.setdefault(change.kind, []).append(change.uid)
        for kind, uids in by_kind.items():
            master.update((r.uid, r) for r in store.read_records(session, kind, uids))
        at = store.stamp()
        who = manifest.author
        lines: list[RecordLine] = []
        counts: dict[str, Counter[str]] = {"create": Counter(), "update": Counter(),
                                           "delete": Counter()}
        for change in bundle.changes:
            current = master.get(change.uid)
            if current is None:
                values = {n: c.new for n, c in change.fields.items() if n != DELETED}
                deleted_field = change.fields.get(DELETED)
                deleted = bool(deleted_field.new) if deleted_field else False
                plan.inserts.setdefault(change.kind, []).append(
                    _row(change.kind, change.uid, values, rev=1, at=at, who=who,
                         deleted=deleted))
                plan.history.extend(
                    bulk.history_row(change.kind, change.uid, name, None, value, who=who, at=at,
                                     bundle_id=manifest.bundle_id, outcome="accepted")
                    for name, value in values.items() if value not in (None, []))
                plan.created.append((change.kind, change.uid))
                counts["create"][change.kind] += 1
                lines.append(RecordLine(change.kind, change.uid, _title(change.kind, values),
                                        "create"))
                continue
            ours = store.json_fields(current.kind, current.fields)
            result = dict(ours)
            changed: list[tuple[str, object, object]] = []
            for name, pair in _json_changes(change).items():
                if name == DELETED:
                    continue
                merged = three_way(pair[0], ours[name], pair[1])
                if merged.conflict:
                    raise MergeConflictError(
                        f"{bundle.name}: {change.kind} {change.uid} field '{name}' was also "
                        "changed in the master")
                if merged.value != ours[name]:
                    result[name] = merged.value
                    changed.append((name, ours[name], merged.value))
            new_deleted = current.deleted
            if DELETED in change.fields:
                pair_d = change.fields[DELETED]
                merged_d = three_way(pair_d.base, current.deleted, pair_d.new)
                if merged_d.conflict:
                    raise MergeConflictError(f"{bundle.name}: {change.kind} {change.uid} was "
                                             "deleted on one side and changed on the other")
                new_deleted = bool(merged_d.value)
                if new_deleted != current.deleted:
                    changed.append((DELETED, current.deleted, new_deleted))
            if not changed:
                continue
            values = store.value_fields(change.kind, result)
            plan.updates.setdefault(change.kind, []).append(
                _row(change.kind, change.uid, values, rev=current.rev + 1, at=at, who=who,
                     deleted=new_deleted))
            plan.history.extend(
                bulk.history_row(change.kind, change.uid, name, old_v, new_v, who=who, at=at,
                                 bundle_id=manifest.bundle_id, outcome="accepted")
                for name, old_v, new_v in changed)
            op = "delete" if new_deleted and not current.deleted else "update"
            counts[op][change.kind] += 1
            (plan.deleted if op == "delete" else plan.updated).append((change.kind, change.uid))
            plan.changed_fields[change.uid] = tuple(n for n, _, _ in changed)
            lines.append(RecordLine(change.kind, change.uid, _title(change.kind, values), op,
                                    tuple(n for n, _, _ in changed)))
        plan.log.append(self._log_entry(item, {"changes": len(bundle.changes)}))
        plan.outcomes.append(_outcome(item, counts, lines, 0))

    # --- writing --------------------------------------------------------------------------

    def _write(self, session: Session, plan: _Plan) -> None:
        for kind in KINDS:
            if plan.inserts.get(kind):
                bulk.insert_records(session, kind, plan.inserts[kind])
        names = {kind: (*(f.name for f in spec.fields), DELETED) for kind, spec in KINDS.items()}
        for kind in KINDS:
            if plan.updates.get(kind):
                bulk.update_records(session, kind, names[kind], plan.updates[kind])
        bulk.insert_history(session, plan.history)
        if plan.snapshot is not None:
            store.replace_snapshot(session, plan.snapshot)
        if plan.baseline_id is not None:
            identity_store.set_baseline_id(session, plan.baseline_id)
        for key in plan.trust:
            store.save_trusted_key(session, key)
        for entry in plan.log:
            store.log_bundle(session, entry)


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelledError("the import was cancelled; nothing was changed")


def _state_row(record: RecordState) -> dict[str, Any]:
    return _row(record.kind, record.uid, dict(record.fields), rev=record.rev,
                at=record.updated_at, who=record.updated_by, deleted=record.deleted)


def _json_changes(change: RecordChange) -> dict[str, tuple[object, object]]:
    out: dict[str, tuple[object, object]] = {}
    for name, pair in change.fields.items():
        if name == DELETED:
            out[name] = (pair.base, pair.new)
        else:
            data = store.json_fields(change.kind, {name: pair.base})[name], \
                store.json_fields(change.kind, {name: pair.new})[name]
            out[name] = data
    return out


def _title(kind: str, values: dict[str, Value]) -> str:
    spec = KINDS[kind]
    value = values.get(spec.title_field)
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if spec.field(spec.title_field).type is FieldType.REF_LIST:
        text = ""
    return text.splitlines()[0][:120] if text else ""


def _outcome(item: CheckedBundle, counts: dict[str, Counter[str]],
             lines: list[RecordLine], conflicts: int) -> BundleOutcome:
    m = item.manifest
    return BundleOutcome(item.name, "imported", "", m.bundle_id, m.kind, m.author,
                         {op: dict(c) for op, c in counts.items() if c}, tuple(lines),
                         conflicts)


def _with_status(outcome: BundleOutcome, status: str) -> BundleOutcome:
    from dataclasses import replace

    return replace(outcome, status=status)


def is_baseline(bundle: Bundle) -> bool:
    return bundle.manifest.kind == BASELINE
