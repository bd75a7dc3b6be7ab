"""Bundles between copies: this copy's signing identity, the trust list and the keys bound to
copies, and export (signed, then read back through the gate's own checks). The import gate
every file passes before anything is merged is services.gate (BundleService.check)."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from csa_desktop import __version__, paths
from csa_desktop.bundle import keys
from csa_desktop.bundle.format import (
    BASELINE,
    CONTRIBUTION,
    DELETED,
    FORMAT_VERSION,
    Manifest,
    RecordState,
)
from csa_desktop.bundle.reader import check_members, open_bundle, read_file
from csa_desktop.bundle.writer import BuiltBundle, built_bundle, changes_payload, payload_bytes
from csa_desktop.domain.kinds import (
    KINDS,
    from_json,
    is_uid,
    new_uid,
    to_json,
)
from csa_desktop.domain.roles import Role
from csa_desktop.errors import BundleError, InputError
from csa_desktop.files import write_atomically
from csa_desktop.services.copy import Copy
from csa_desktop.services.gate import (
    BundleGate,
    CheckedBundle,
    UntrustedSignerError,
    manifest_text,
)
from csa_desktop.storage import attachments as attachment_store
from csa_desktop.storage import bundles as store
from csa_desktop.storage import identity as identity_store
from csa_desktop.storage import records as record_store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.bundles import LoggedBundle, ReplicaKey, TrustedKey
from csa_desktop.storage.database import Session

__all__ = ["BundleService", "CheckedBundle", "ExportResult", "KeyReplacement", "ReplicaKey",
           "SignerInfo", "TrustedKey", "UntrustedSignerError"]


@dataclass(frozen=True)
class SignerInfo:
    """Who signed a bundle, as its (verified) manifest says: for the question "trust it?"."""

    file_name: str
    public_key: str
    fingerprint: str
    author: str
    role: str
    replica_id: str
    scope: tuple[str, ...]
    scope_names: tuple[str, ...]


@dataclass(frozen=True)
class KeyReplacement:
    """`csa trust replace`: the key that stopped being trusted and the one that took over its
    name, role, partnerships and copy."""

    old: TrustedKey
    new: TrustedKey
    replica_id: str | None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    kind: str
    count: int  # records (baseline) or changed records (contribution)
    size: int


@contextmanager
def collector_paused() -> Iterator[None]:
    """Bundle work makes and drops millions of small objects (a county's bundles: a few per
    field of 28,000 changes); the cyclic garbage collector's full passes over them cost a
    fifth of an import. Pause it meanwhile: reference counting still frees everything, and
    anything cyclic waits for the next collection after the work."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class BundleService:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy

    # --- identity -------------------------------------------------------------------------

    def signing_key(self) -> keys.SigningKey:
        return keys.ensure_key(self.copy.data_dir)

    @property
    def public_key(self) -> str:
        return self.signing_key().public_key

    @property
    def fingerprint(self) -> str:
        return self.signing_key().fingerprint

    # --- trust ----------------------------------------------------------------------------

    def trusted_keys(self) -> list[TrustedKey]:
        with self.copy.store.reader() as session:
            return store.trusted_keys(session)

    def _key_source(self, key_or_bundle: str) -> tuple[str, str, str, str | None]:
        """(public key, author, declared role, replica id) of a key given as text or read
        from a bundle file it signed (its container and signature checked)."""
        path = Path(key_or_bundle)
        if key_or_bundle.endswith(".csabundle") or path.is_file():
            opened = open_bundle(read_file(path), path.name)
            replica = manifest_text(opened.manifest_data, "replica_id")
            return (opened.signer_key, manifest_text(opened.manifest_data, "author"),
                    manifest_text(opened.manifest_data, "role"),
                    replica if is_uid(replica) else None)
        return keys.normalise_public_key(key_or_bundle), "", "", None

    def trust(self, key_or_bundle: str, *, partnerships: Sequence[str] = (),
              name: str | None = None, role: str | None = None,
              replica_id: str | None = None) -> TrustedKey:
        """Trust a public key (given as text, or read from a bundle file it signed) for a role
        and the partnerships it may change. A bundle (or `replica_id`) also binds the key to
        the copy it signs for: refused if that copy or that key is bound otherwise."""
        public_key, author, declared_role, replica = self._key_source(key_or_bundle)
        replica = replica or (replica_id if replica_id and is_uid(replica_id) else None)
        if public_key == self.public_key:
            raise InputError("that is this copy's own key")
        chosen_role = role or (declared_role if declared_role in ("district", "editor")
                               else "district")
        if chosen_role not in ("district", "editor", "lead"):
            raise InputError(f"'{chosen_role}' is not a role (district, editor or lead)")
        if self.copy.identity.role is Role.LEAD and chosen_role == "lead":
            raise InputError("a lead copy trusts district and editor keys, not another lead")
        label = (name or author or "").strip()
        if not label:
            raise InputError("give the key's owner a name with --name")
        with self.copy.store.transaction() as session:
            scope = tuple(self._partnership(session, p) for p in partnerships)
            if chosen_role != "lead" and not scope:
                raise InputError(f"a {chosen_role} key needs at least one --partnership it may "
                                 "change")
            trusted = TrustedKey(public_key, keys.fingerprint(public_key), label[:200],
                                 chosen_role, tuple(dict.fromkeys(scope)), store.stamp(),
                                 "added by hand")
            binding = self._binding_for_trust(session, public_key, replica, author or label)
            store.save_trusted_key(session, trusted)
            if binding is not None:
                store.bind_replica(session, binding)
        return trusted

    def _binding_for_trust(self, session: Session, public_key: str, replica: str | None,
                           author: str) -> ReplicaKey | None:
        """The binding that trusting `public_key` for the copy `replica` records (None if it
        holds already or no copy is known), refusing a copy or key bound otherwise."""
        fingerprint = keys.fingerprint(public_key)
        speaks_for = store.replica_of_key(session, public_key)
        if replica is None:
            return None
        if replica == self.copy.identity.replica_id:
            raise InputError(f"key {fingerprint} signs for this copy's own replica id "
                             f"{replica}; it is not another copy's key")
        if speaks_for is not None and speaks_for.replica_id != replica:
            raise InputError(f"key {fingerprint} already signs for the copy "
                             f"{speaks_for.replica_id} ({speaks_for.name}), not {replica}; "
                             "a key signs for one copy only")
        bound = store.replica_key(session, replica)
        if bound is not None and bound.public_key != public_key:
            raise InputError(
                f"the copy {replica} ({bound.name}) signs with key "
                f"{keys.fingerprint(bound.public_key)}, not {fingerprint}; if it really has a "
                f"new key, replace the old one: csa trust replace "
                f"'{keys.fingerprint(bound.public_key)}' BUNDLE-OR-KEY")
        if bound is not None:
            return None
        return ReplicaKey(replica, public_key, author, store.stamp(), "trusted from a bundle")

    def replace_key(self, old_key_or_fingerprint: str, new_key_or_bundle: str
                    ) -> KeyReplacement:
        """Key rotation, a deliberate act: the new key takes over the old one's name, role,
        partnerships and copy (replica id); the old key is no longer trusted, and bundles it
        signs are refused from now on."""
        public_key, _author, _role, replica = self._key_source(new_key_or_bundle)
        fingerprint = keys.fingerprint(public_key)
        if public_key == self.public_key:
            raise InputError("that is this copy's own key")
        with self.copy.store.transaction() as session:
            old = self._find_trusted(session, old_key_or_fingerprint)
            if public_key == old.public_key:
                raise InputError(f"{old.name} already signs with key {fingerprint}")
            already = store.trusted_key(session, public_key)
            if already is not None:
                raise InputError(f"key {fingerprint} is already trusted, for {already.name}; "
                                 "remove it first ('csa trust remove') to hand it over")
            old_copy = store.replica_of_key(session, old.public_key)
            new_copy = store.replica_of_key(session, public_key)
            target = old_copy.replica_id if old_copy is not None else replica
            if replica is not None and target is not None and replica != target:
                raise InputError(
                    f"that bundle comes from the copy {replica}, but {old.name}'s key signs "
                    f"for the copy {target}; a new copy with a new key is trusted with "
                    "'csa trust add', not by replacing a key")
            if new_copy is not None and new_copy.replica_id != target:
                raise InputError(f"key {fingerprint} already signs for the copy "
                                 f"{new_copy.replica_id} ({new_copy.name})")
            if target is not None and old_copy is None:
                bound = store.replica_key(session, target)
                if bound is not None and bound.public_key != public_key:
                    raise InputError(f"the copy {target} signs with key "
                                     f"{keys.fingerprint(bound.public_key)} ({bound.name})")
            at = store.stamp()
            new = TrustedKey(public_key, fingerprint, old.name, old.role, old.partnership_uids,
                             at, f"replaced {old.fingerprint}"[:40])
            store.remove_trusted_key(session, old.public_key)
            store.save_trusted_key(session, new)
            if target is not None:
                store.bind_replica(session, ReplicaKey(
                    target, public_key, old_copy.name if old_copy is not None else old.name,
                    at, f"replaced key {old.fingerprint}"))
        return KeyReplacement(old, new, target)

    def replica_keys(self) -> list[ReplicaKey]:
        with self.copy.store.reader() as session:
            return store.replica_keys(session)

    def signer(self, path: Path) -> SignerInfo:
        """Who signed the bundle at `path` (its container and signature are checked first)."""
        opened = open_bundle(read_file(path), path.name)
        data = opened.manifest_data
        raw = data.get("scope")
        scope = tuple(s for s in raw if isinstance(s, str))[:50] if isinstance(raw, list) else ()
        return SignerInfo(path.name, opened.signer_key, keys.fingerprint(opened.signer_key),
                          manifest_text(data, "author"), manifest_text(data, "role"),
                          manifest_text(data, "replica_id"), scope,
                          self.partnership_names(scope))

    def partnerships(self) -> list[tuple[str, str]]:
        """Every partnership (uid, name), for choosing what a key may change."""
        with self.copy.store.reader() as session:
            return [(r.uid, r.title) for r in record_store.list_rows(session, "partnership")]

    def untrust(self, key_or_fingerprint: str) -> TrustedKey:
        """Stop trusting a key. Its copy stays bound to it: another key cannot take the copy
        over without `replace_key`."""
        with self.copy.store.transaction() as session:
            found = self._find_trusted(session, key_or_fingerprint)
            store.remove_trusted_key(session, found.public_key)
        return found

    @staticmethod
    def _find_trusted(session: Session, key_or_fingerprint: str) -> TrustedKey:
        wanted = key_or_fingerprint.strip()
        matches = [k for k in store.trusted_keys(session)
                   if wanted in (k.public_key, k.fingerprint)
                   or k.fingerprint.replace(" ", "") == wanted.replace(" ", "")]
        if not matches:
            raise InputError(f"no trusted key has the key or fingerprint '{wanted}' "
                             "('csa trust list' shows them)")
        return matches[0]

    def partnership_names(self, uids: Sequence[str]) -> tuple[str, ...]:
        with self.copy.store.reader() as session:
            names = record_store.titles(session, "partnership", uids)
        return tuple(names.get(uid, uid) for uid in uids)

    def _partnership(self, session: Session, name_or_uid: str) -> str:
        for record in record_store.list_rows(session, "partnership", include_deleted=True):
            if name_or_uid == record.uid or record.title.casefold() == name_or_uid.casefold():
                return record.uid
        raise InputError(f"unknown partnership '{name_or_uid}'")

    # --- export ---------------------------------------------------------------------------

    def export(self, out: Path) -> ExportResult:
        """A lead copy exports a baseline (the whole master); a district or editor copy its
        contribution (everything changed since its last baseline, cumulative)."""
        with collector_paused():
            return self._export(out)

    def _export(self, out: Path) -> ExportResult:
        if out.is_dir():
            raise InputError(f"{out} is a folder; give a file name ending in .csabundle")
        if out.suffix != ".csabundle":
            out = out.with_name(out.name + ".csabundle")
        if not out.parent.is_dir():
            raise InputError(f"the folder {out.parent} does not exist")
        key = self.signing_key()
        me = self.copy.identity
        bundle_id = new_uid()
        states: tuple[RecordState, ...] = ()
        changes: list[dict[str, object]] = []
        with self.copy.store.transaction() as session:
            if me.role is Role.LEAD:
                kind = BASELINE
                states = self._baseline_records(session)
                payload = _payload(kind, states)
                count = len(states)
                baseline_id: str | None = bundle_id
                summary: dict[str, object] = {"records": count,
                                              "history_mark": store.history_mark(session)}
                seq = store.max_seq(session, direction="exported", kind=BASELINE) + 1
                self._after_baseline(session)
            else:
                kind = CONTRIBUTION
                baseline_id = identity_store.baseline_id(session)
                if baseline_id is None:
                    raise InputError("this copy has not taken a baseline from the lead yet: "
                                     "import the lead's baseline bundle first")
                self._before_contribution(session)
                changes = self.contribution_changes(session)
                payload = _payload(kind, changes)
                count = len(changes)
                summary = {"changes": count}
                seq = store.max_seq(session, direction="exported") + 1
            manifest = Manifest(
                format_version=FORMAT_VERSION, bundle_id=bundle_id, kind=kind,
                replica_id=me.replica_id, author=me.name, role=me.role.value,
                scope=me.partnership_uids, baseline_id=baseline_id, seq=seq,
                created_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                app_version=__version__, signer_key=key.public_key,
            )
            blobs = self._attachment_blobs(session, states, changes)
            built = built_bundle(manifest, payload, key, blobs)
            data = built.data
            self._check_export(built, out.name, kind, states if kind == BASELINE else changes)
            store.log_bundle(session, LoggedBundle(
                bundle_id, "exported", kind, me.replica_id, me.name, key.public_key,
                baseline_id, seq, manifest.created_at, store.stamp(), out.name,
                _sha256(data), "exported", summary))
            write_atomically(data, out)  # inside the transaction: no log entry without a file
        return ExportResult(out, bundle_id, kind, count, len(data))

    def _check_export(self, built: BuiltBundle, name: str, kind: str,
                      items: Sequence[RecordState] | Sequence[dict[str, object]]) -> None:
        """The import gate's own checks (container, JSON, schema, field rules, attachments)
        on the bundle before it is written, on its members as they are in memory (the hashes
        and signature were made from them): a value the receiver would refuse is named here,
        to the sender, and nothing is exported."""
        try:
            check_members(built.data, name, built.manifest, built.payload_member,
                          built.payload, built.attachments)
        except BundleError as exc:
            raise _not_exported(kind, items, str(exc).split(": ", 1)[-1]) from None

    @staticmethod
    def _attachment_blobs(session: Session, states: Sequence[RecordState],
                          changes: Sequence[dict[str, object]]) -> dict[str, bytes]:
        """The bytes of the attachments the bundle brings: a baseline's live ones, a
        contribution's new ones (the receiver has the others already)."""
        wanted = {str(r.fields["sha256"]): r.uid for r in states
                  if r.kind == "attachment" and not r.deleted}
        for change in changes:
            fields = change["fields"]
            if change["kind"] == "attachment" and change["op"] == "create" and \
                    isinstance(fields, dict):
                wanted[str(fields["sha256"]["new"])] = str(change["uid"])
        found = attachment_store.blobs(session, wanted)
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise InputError(f"nothing was exported: this copy has lost the image of "
                             f"attachment {wanted[missing[0]]}; delete the attachment or "
                             "attach its image again")
        return found

    def _before_contribution(self, session: Session) -> None:
        """A district settles its conflicts with the last baseline before it sends again."""
        waiting = sync_store.conflicts(session, side="district")
        if waiting:
            raise InputError(f"{len(waiting)} conflict{'s' if len(waiting) != 1 else ''} with "
                             "the lead's baseline wait for a decision ('csa conflicts list'); "
                             "resolve them, then export again")

    def _after_baseline(self, session: Session) -> None:
        """Publishing a baseline commits the merge: proposals are forgotten, except those of
        fields still in conflict (they wait for the lead's decision)."""
        waiting = {(c.record_uid, c.field) for c in sync_store.conflicts(session, side="lead")}
        states = sync_store.all_merge_states(session)
        sync_store.save_merge_states(session, {
            uid: (kind, {n: fs for n, fs in data.items() if (uid, n) in waiting} or None)
            for uid, (kind, data) in states.items()})

    def _baseline_records(self, session: Session) -> tuple[RecordState, ...]:
        states: list[RecordState] = []
        for kind in KINDS:
            states.extend(RecordState(r.kind, r.uid, r.rev, r.updated_at, r.updated_by,
                                      r.deleted, dict(r.fields))
                          for r in store.read_records(session, kind))
        return tuple(states)

    def contribution_changes(self, session: Session) -> list[dict[str, object]]:
        """Every record that differs from the last baseline, as the payload carries it: base
        and new values of each changed field, tombstones included; new records with all
        their fields. Only the records written since the baseline are read."""
        changes: list[dict[str, object]] = []
        listed = store.changed_kinds(session)
        for kind in KINDS:
            if kind not in listed:
                continue
            for record in store.changed_records(session, kind):
                change = change_from_baseline(kind, record)
                if change is not None:
                    changes.append(change)
        return changes

    # --- the import gate (services.gate) ------------------------------------------------

    def check(self, path: Path, *, data: bytes | None = None) -> CheckedBundle:
        """Run one file through the whole gate; raises BundleError naming the file."""
        return BundleGate(self.copy).check(path, data=data)


def suggested_file_name(copy: Copy, today: dt.date | None = None) -> str:
    """The name a new bundle is offered under, which tells the lead's folder of bundles apart:
    a contribution names its partnership and the day (west-lancashire-csp-2026-12-06), a
    baseline the agreement."""
    day = f"{today or dt.date.today():%Y-%m-%d}"
    me = copy.identity
    if me.role is Role.LEAD:
        with copy.store.reader() as session:
            agreements = record_store.list_rows(session, "agreement")
        what = f"{agreements[0].title if agreements else 'agreement'} baseline"
    else:
        names = copy.records.titles("partnership", me.partnership_uids)
        what = " ".join(names.get(uid, "") for uid in me.partnership_uids) or me.name
    return f"{paths.slug(what, 80, 'bundle')}-{day}{BUNDLE_SUFFIX}"


BUNDLE_SUFFIX = ".csabundle"


def after_export_advice(result: ExportResult) -> str:
    """What to do with the file just written, in plain words."""
    if result.kind == BASELINE:
        return ("Send this file to every district and editorial group member. Someone new "
                "joins with it (Join my partnership, or csa init --baseline); a copy that "
                "already follows this agreement takes it with File ▸ Import bundles….")
    return ("Send this file to the county team, by email or your shared drive; they merge it "
            "into the county master. Keep working here as usual: the next export again holds "
            "everything changed since the last baseline, so a lost or repeated file does no "
            "harm.")


def _payload(kind: str, items: Sequence[RecordState] | Sequence[dict[str, object]]) -> bytes:
    """The payload member of a baseline (`items`: its records) or a contribution (its changes);
    a value JSON cannot carry (a whole number beyond 64 bits left in the file by another tool)
    is refused as a value the receiver would refuse."""
    try:
        if kind == BASELINE:
            return payload_bytes(records=tuple(cast("Sequence[RecordState]", items)))
        return changes_payload(cast("Sequence[dict[str, object]]", items))
    except TypeError as exc:  # orjson.JSONEncodeError
        raise _not_exported(kind, items, str(exc)) from None


def _not_exported(kind: str, items: Sequence[RecordState] | Sequence[dict[str, object]],
                  problem: str) -> InputError:
    """Why nothing was exported: the record and field whose value the receiver would refuse
    when one can be named, else the problem found in the bundle."""
    culprit = _bad_value(kind, items)
    if culprit is not None:
        return InputError(f"nothing was exported: {culprit}; the "
                          f"{'districts' if kind == BASELINE else 'lead'} would refuse the "
                          "bundle. Correct it in this copy, then export again")
    return InputError(f"nothing was exported: the bundle would be refused ({problem})")


def _bad_value(kind: str, items: Sequence[RecordState] | Sequence[dict[str, object]]
               ) -> str | None:
    """The first record and field whose value the field rules refuse, in words ("action
    UID 'Title': Order: 'ab0' is not a valid position key"), or None."""
    for item in items:
        if isinstance(item, RecordState):
            record_kind, uid = item.kind, item.uid
            values: dict[str, object] = {n: to_json(v) for n, v in item.fields.items()}
        else:
            record_kind, uid = str(item["kind"]), str(item["uid"])
            pairs = item["fields"]
            assert isinstance(pairs, dict)
            values = {n: pair["new"] for n, pair in pairs.items() if n != DELETED}
        spec = KINDS[record_kind]
        title = str(values.get(spec.title_field) or "")[:60]
        for field_name, raw in values.items():
            if not spec.has_field(field_name):
                continue
            field_spec = spec.field(field_name)
            if raw is None or raw == []:
                continue
            try:
                from_json(field_spec, raw)
            except InputError as exc:
                problem = str(exc)
                if not problem.startswith(field_spec.label):
                    problem = f"{field_spec.label}: {problem}"
                return f"{spec.label.lower()} {uid} '{title}': {problem}"
    return None


def change_from_baseline(kind: str, record: store.ChangedRecord) -> dict[str, object] | None:
    """The change (in its payload form) that turns the baseline's record into `record`; None
    when they are alike."""
    base = record.base_fields
    if base is None:
        fields = {name: {"base": None, "new": value} for name, value in record.fields.items()}
        if record.deleted:
            fields[DELETED] = {"base": None, "new": True}
        return {"kind": kind, "uid": record.uid, "op": "create", "base_rev": None,
                "fields": fields}
    get = base.get
    fields = {name: {"base": get(name), "new": value}
              for name, value in record.fields.items() if get(name) != value}
    if record.deleted != record.base_deleted:
        fields[DELETED] = {"base": record.base_deleted, "new": record.deleted}
    if not fields:
        return None
    op = "delete" if record.deleted and not record.base_deleted else "update"
    return {"kind": kind, "uid": record.uid, "op": op, "base_rev": record.base_rev,
            "fields": fields}


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
