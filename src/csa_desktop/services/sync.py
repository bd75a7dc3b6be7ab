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

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from csa_desktop.bundle import keys
from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.records import Changes
from csa_desktop.errors import BundleError, StoreError
from csa_desktop.services.bundles import BundleService, CheckedBundle, collector_paused
from csa_desktop.services.copy import Copy
from csa_desktop.services.import_plan import (
    KIND_ORDER,
    BundleOutcome,
    Cancelled,
    ImportCancelledError,
    ImportPlan,
    ImportReport,
    Progress,
    RecordLine,
    check_cancel,
)
from csa_desktop.services.labels import referenced_titles
from csa_desktop.services.lead_merge import LeadMerge
from csa_desktop.services.rebase import Rebase
from csa_desktop.storage import attachments as attachment_store
from csa_desktop.storage import bundles as store
from csa_desktop.storage import identity as identity_store
from csa_desktop.storage import restore_points
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.database import Session

__all__ = ["BundleOutcome", "ImportCancelledError", "ImportReport", "RecordLine", "SyncService"]


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
            check_cancel(cancelled)
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
        check_cancel(cancelled)
        if progress:
            progress(len(paths), total, "saving a restore point")
        if self.copy.store.read_only_reason:
            raise StoreError(f"nothing was imported: {self.copy.store.read_only_reason}")
        point = self.copy.store.save_restore_point([
            {"file": c.name, "bundle_id": c.manifest.bundle_id, "kind": c.manifest.kind,
             "author": c.manifest.author} for c in fresh])
        try:
            with self.copy.store.transaction() as session:
                plan = self._plan(session, fresh, cancelled=cancelled)
                if progress:
                    progress(len(paths) + 1, total, "writing")
                check_cancel(cancelled)
                self._write(session, plan)
                check_cancel(cancelled)
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
              cancelled: Cancelled | None = None) -> ImportPlan:
        plan = ImportPlan()
        bound: set[str] = set()
        for item in checked:
            if item.first_use:
                plan.trust.append(item.signer)
            plan.blobs.update(item.bundle.attachments)
            if item.binding is not None and item.binding.replica_id not in bound:
                bound.add(item.binding.replica_id)
                plan.bindings.append(item.binding)
        baselines = [c for c in checked if c.bundle.is_baseline]
        contributions = [c for c in checked if not c.bundle.is_baseline]
        for item in baselines:
            check_cancel(cancelled)
            Rebase(session, item, plan).run()
        if contributions:
            LeadMerge(session, contributions, plan, cancelled,
                      self.copy.identity.name).run()
        side = "district" if baselines else "lead"
        plan.open_conflicts = sync_store.count_conflicts(session, side=side) + len(
            plan.new_conflicts) - len(plan.settled_conflicts)
        return plan

    # --- writing --------------------------------------------------------------------------

    def _write(self, session: Session, plan: ImportPlan) -> None:
        for kind in KINDS:
            if plan.inserts.get(kind):
                sync_store.insert_records(session, kind, plan.inserts[kind])
        for (kind, columns), rows in sorted(plan.updates.items(),
                                            key=lambda item: KIND_ORDER[item[0][0]]):
            sync_store.update_records(session, kind, columns, rows)
        attachment_store.put_blobs(session, plan.blobs)
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


def _line_titles(session: Session, outcomes: Iterable[BundleOutcome]) -> dict[str, str]:
    """Titles of the records that the changed values of a preview refer to."""
    found: dict[str, str] = {}
    for outcome in outcomes:
        for line in outcome.records:
            if line.values:
                pairs = [(n, v) for n, old, new in line.values for v in (old, new)]
                found.update(referenced_titles(session, line.kind, pairs))
    return found
