"""What an import works out before it writes: the plan of rows (records, history, merge
states, conflicts, the bundle log) and the report of what each bundle did or would do, with the
small conversions the baseline rebase (services.rebase) and the lead's merge
(services.lead_merge) share."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from csa_desktop.bundle.format import DELETED, Manifest, RecordState
from csa_desktop.domain.kinds import KINDS, Value, to_json
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import CsaError
from csa_desktop.merge.fields import (
    Proposal,
)
from csa_desktop.services.gate import CheckedBundle
from csa_desktop.storage import bulk
from csa_desktop.storage import bundles as store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.bundles import LoggedBundle, ReplicaKey, SnapshotRecord, TrustedKey
from csa_desktop.storage.sync import IncomingValue

KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}

Progress = Callable[[int, int, str], None]
"""progress(done, total, what): called between steps."""
Cancelled = Callable[[], bool]


class ImportCancelledError(CsaError):
    """The user cancelled an import; nothing was applied."""

    exit_code = 1


def cancellable(progress: Progress | None, cancelled: Cancelled | None) -> Progress | None:
    """`progress` that also stops the work when `cancelled()` says so: it raises
    ImportCancelledError from the step it reports, inside the writing transaction, which
    then rolls back (nothing applied, the restore point discarded)."""
    if cancelled is None:
        return progress

    def report(done: int, total: int, what: str) -> None:
        if cancelled():
            raise ImportCancelledError("cancelled: nothing was imported")
        if progress is not None:
            progress(done, total, what)

    return report


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
class BundleTally:
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
class ImportPlan:
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
    blobs: dict[str, bytes] = field(default_factory=dict)  # attachments' bytes by sha256

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


def record_row(kind: str, uid: str, values: dict[str, Value], *, rev: int, at: dt.datetime,
               who: str, deleted: bool) -> dict[str, Any]:
    return bulk.record_row(kind, uid, values, who=who, at=at, rev=rev, deleted=deleted)


def json_record(record: Record) -> dict[str, object]:
    return {**store.json_fields(record.kind, record.fields), DELETED: record.deleted}


def record_values(kind: str, data: dict[str, object]) -> dict[str, Value]:
    return store.value_fields(kind, data, check=False)  # validated at the gate


def record_title(kind: str, data: dict[str, object]) -> str:
    value = data.get(KINDS[kind].title_field)
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return text.splitlines()[0][:120] if text else ""


@cache
def list_fields(kind: str) -> frozenset[str]:
    return frozenset(name for name, is_list, _ in store.field_layout(kind) if is_list)


def json_value(value: object, is_list: bool) -> object:
    """store.json_value of a value of a field (`is_list`: a list of uids)."""
    if value is None:
        return [] if is_list else None
    if type(value) is str:
        return value
    if isinstance(value, list):
        return list(value)
    return to_json(value)  # type: ignore[arg-type]


def proposal_data(m: Manifest, name: str, pair: Any, is_list: bool) -> dict[str, Any]:
    """A bundle's proposal for a field as the merge state keeps it (values as JSON)."""
    if name == DELETED:
        base, value = pair.base, pair.new
    else:
        base, value = json_value(pair.base, is_list), json_value(pair.new, is_list)
    return {"author": m.author, "bundle": m.bundle_id, "seq": m.seq, "base": base,
            "value": value, "baseline": m.baseline_id, "accepted": False}


def proposal(replica: str, data: dict[str, Any]) -> Proposal:
    return Proposal(replica, data["author"], data["bundle"], data["seq"], data["base"],
                    data["value"])


def possessive_names(names: Sequence[str]) -> str:
    """"West's", "West's and Pendle's", "West's, Pendle's and Burnley's"."""
    owned = [f"{n}'s" for n in names]
    return owned[0] if len(owned) == 1 else f"{', '.join(owned[:-1])} and {owned[-1]}"


def check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelledError("the import was cancelled; nothing was changed")


def state_row(record: RecordState) -> dict[str, Any]:
    return record_row(record.kind, record.uid, dict(record.fields), rev=record.rev,
                at=record.updated_at, who=record.updated_by, deleted=record.deleted)



def bundle_outcome(item: CheckedBundle, tally: BundleTally) -> BundleOutcome:
    m = item.manifest
    return BundleOutcome(item.name, "imported", "", m.bundle_id, m.kind, m.author,
                         {op: dict(c) for op, c in tally.counts.items() if c},
                         tuple(tally.lines), tally.conflicts, kept_lead=tally.kept_lead)


def log_entry(item: CheckedBundle, status: str, summary: dict[str, Any]) -> LoggedBundle:
    """The bundle log's entry for an imported file (or one superseded on arrival)."""
    m = item.manifest
    return LoggedBundle(m.bundle_id, "imported", m.kind, m.replica_id, m.author,
                        m.signer_key, m.baseline_id, m.seq, m.created_at, store.stamp(),
                        item.name, item.bundle.sha256, status, summary)
