"""Bundles between copies: this copy's signing identity, the trust list, export, and the import
gate every file passes before anything is merged (docs/bundle-format.md lists its order).

The gate only reads the database: a refused bundle leaves the copy byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from csa_desktop import __version__, paths
from csa_desktop.bundle import keys
from csa_desktop.bundle.format import (
    BASELINE,
    CONTRIBUTION,
    DELETED,
    FORMAT_VERSION,
    Bundle,
    Manifest,
    RecordChange,
    RecordState,
)
from csa_desktop.bundle.reader import OpenedBundle, open_bundle, parse_bundle, read_file
from csa_desktop.bundle.writer import build_bundle, changes_payload, payload_bytes
from csa_desktop.domain.kinds import (
    KINDS,
    FieldType,
    KindSpec,
    Value,
    from_json,
    is_uid,
    new_uid,
    to_json,
)
from csa_desktop.domain.roles import Identity, Owner, Role, may_change
from csa_desktop.errors import BundleError, InputError
from csa_desktop.files import write_atomically
from csa_desktop.services.copy import Copy
from csa_desktop.services.records import RecordService
from csa_desktop.storage import bundles as store
from csa_desktop.storage import identity as identity_store
from csa_desktop.storage import records as record_store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.bundles import LoggedBundle, ReplicaKey, TrustedKey
from csa_desktop.storage.database import Session

__all__ = ["BundleService", "CheckedBundle", "ExportResult", "KeyReplacement", "ReplicaKey",
           "SignerInfo", "TrustedKey", "UntrustedSignerError"]


class UntrustedSignerError(BundleError):
    """The bundle is sound but signed by a key this copy does not trust (yet)."""

    def __init__(self, message: str, *, public_key: str, author: str, role: str,
                 replica_id: str, scope: tuple[str, ...], scope_names: tuple[str, ...]) -> None:
        super().__init__("untrusted", message)
        self.public_key = public_key
        self.fingerprint = keys.fingerprint(public_key)
        self.author = author
        self.role = role
        self.replica_id = replica_id
        self.scope = scope
        self.scope_names = scope_names


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


@dataclass(frozen=True)
class CheckedBundle:
    """A bundle through the whole gate, ready to merge (or known to be a repeat)."""

    path: Path
    bundle: Bundle
    signer: TrustedKey
    first_use: bool  # the signer becomes trusted when this bundle is imported
    already_imported: LoggedBundle | None = None
    binding: ReplicaKey | None = None  # the replica id is bound to the signer on import

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def manifest(self) -> Manifest:
        return self.bundle.manifest


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


def _manifest_text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


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
            replica = _manifest_text(opened.manifest_data, "replica_id")
            return (opened.signer_key, _manifest_text(opened.manifest_data, "author"),
                    _manifest_text(opened.manifest_data, "role"),
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
                          _manifest_text(data, "author"), _manifest_text(data, "role"),
                          _manifest_text(data, "replica_id"), scope,
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
                payload = payload_bytes(records=states)
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
                payload = changes_payload(changes)
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
            data = build_bundle(manifest, payload, key)
            self._check_export(data, out.name, kind, states if kind == BASELINE else changes)
            store.log_bundle(session, LoggedBundle(
                bundle_id, "exported", kind, me.replica_id, me.name, key.public_key,
                baseline_id, seq, manifest.created_at, store.stamp(), out.name,
                _sha256(data), "exported", summary))
            write_atomically(data, out)  # inside the transaction: no log entry without a file
        return ExportResult(out, bundle_id, kind, count, len(data))

    def _check_export(self, data: bytes, name: str, kind: str,
                      items: Sequence[RecordState] | Sequence[dict[str, object]]) -> None:
        """Read the signed bundle back through the import gate's own checks (container,
        hashes, signature, schema, field rules) before it is written: a value the receiver
        would refuse is named here, to the sender, and nothing is exported."""
        try:
            parse_bundle(open_bundle(data, name))
        except BundleError as exc:
            culprit = _bad_value(kind, items)
            if culprit is not None:
                raise InputError(f"nothing was exported: {culprit}; the "
                                 f"{'districts' if kind == BASELINE else 'lead'} would refuse "
                                 "the bundle. Correct it in this copy, then export again") \
                    from None
            problem = str(exc).split(": ", 1)[-1]
            raise InputError(f"nothing was exported: the bundle would be refused ({problem})") \
                from None

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
        for kind in KINDS:
            for record in store.changed_records(session, kind):
                change = change_from_baseline(kind, record)
                if change is not None:
                    changes.append(change)
        return changes

    # --- the import gate ------------------------------------------------------------------

    def check(self, path: Path, *, data: bytes | None = None) -> CheckedBundle:
        """Run one file through the whole gate; raises BundleError naming the file."""
        opened = open_bundle(read_file(path) if data is None else data, path.name)
        with self.copy.store.reader() as session:
            signer, first_use = self._check_signer(session, opened)
            bundle = parse_bundle(opened)
            binding = self._check_replica(session, bundle, signer)
            if bundle.manifest.kind == CONTRIBUTION:
                self._check_changes(session, bundle, signer)
            else:
                self._check_records(session, bundle)
            self._check_baseline(session, bundle, signer)
            repeat = store.logged_bundle(session, bundle.manifest.bundle_id)
        return CheckedBundle(path, bundle, signer, first_use, repeat, binding)

    def _check_replica(self, session: Session, bundle: Bundle,
                       signer: TrustedKey) -> ReplicaKey | None:
        """A copy speaks only for itself: the bundle's replica id must be bound to the key
        that signed it, and that key to no other replica id. Returns the binding to record
        when neither is bound yet (the key's first bundle)."""
        m = bundle.manifest
        name = bundle.name
        fingerprint = keys.fingerprint(m.signer_key)
        if m.replica_id == self.copy.identity.replica_id:
            raise BundleError("replica-key", f"{name}: claims to come from this copy (replica "
                                             f"{m.replica_id}) but is signed by key "
                                             f"{fingerprint} of {signer.name}; a copy speaks "
                                             "only for itself")
        bound = store.replica_key(session, m.replica_id)
        if bound is not None and bound.public_key != m.signer_key:
            raise BundleError(
                "replica-key",
                f"{name}: claims to come from the copy {m.replica_id} ({bound.name}), which "
                f"signs with key {keys.fingerprint(bound.public_key)}, but is signed by key "
                f"{fingerprint} of {signer.name}; a copy speaks only for itself. If "
                f"{bound.name} really has a new key, replace the old one deliberately "
                "(csa trust replace)")
        if bound is not None:
            return None
        speaks_for = store.replica_of_key(session, m.signer_key)
        if speaks_for is not None:
            raise BundleError(
                "replica-key",
                f"{name}: claims to come from the copy {m.replica_id} ({m.author}), but is "
                f"signed by key {fingerprint} of {signer.name}, which signs for the copy "
                f"{speaks_for.replica_id} ({speaks_for.name}); a key signs for one copy only")
        how = "first baseline" if m.kind == BASELINE else "first bundle"
        return ReplicaKey(m.replica_id, m.signer_key, m.author, store.stamp(), how)

    def _check_signer(self, session: Session, opened: OpenedBundle) -> tuple[TrustedKey, bool]:
        name = opened.name
        data = opened.manifest_data
        kind = opened.declared_kind
        author = _manifest_text(data, "author")
        declared_role = _manifest_text(data, "role")
        if opened.signer_key == self.public_key:
            raise BundleError("own-bundle", f"{name}: was made by this copy itself")
        trusted = store.trusted_key(session, opened.signer_key)
        me = self.copy.identity
        if trusted is None:
            first = self._first_use(session, kind)
            if first is not None:
                return TrustedKey(opened.signer_key, keys.fingerprint(opened.signer_key),
                                  author[:200] or "the lead", "lead", (), store.stamp(),
                                  first), True
            raw_scope = data.get("scope")
            scope = tuple(s for s in raw_scope if isinstance(s, str))[:20] \
                if isinstance(raw_scope, list) else ()
            names = tuple(record_store.titles(session, "partnership", scope).get(u, u)
                          for u in scope)
            lead_key = next((k for k in store.trusted_keys(session) if k.role == "lead"), None)
            why = (f"not the key of the lead ({lead_key.name}) that this copy takes baselines "
                   "from" if lead_key and kind == BASELINE else "not a key this copy trusts")
            raise UntrustedSignerError(
                f"{name}: is signed by '{author or 'someone'}' with key "
                f"{keys.fingerprint(opened.signer_key)}, {why}",
                public_key=opened.signer_key, author=author, role=declared_role,
                replica_id=_manifest_text(data, "replica_id"), scope=scope, scope_names=names)
        if kind == BASELINE and trusted.role != "lead":
            raise BundleError("role", f"{name}: is a baseline signed by {trusted.name}, a "
                                      f"{trusted.role} key; only the lead publishes baselines")
        if kind == CONTRIBUTION and me.role is not Role.LEAD:
            raise BundleError("role", f"{name}: is a contribution; only the lead's copy takes "
                                      f"contributions (this is a {me.role.value} copy)")
        if kind == CONTRIBUTION and trusted.role == "lead":
            raise BundleError("role", f"{name}: is a contribution signed by a lead key")
        if kind == BASELINE and me.role is Role.LEAD and store.record_count(session):
            raise BundleError("role", f"{name}: is a baseline; this lead copy is the master "
                                      "and does not take baselines")
        if declared_role and declared_role != trusted.role:
            raise BundleError("role", f"{name}: says it comes from a {declared_role} but the "
                                      f"key of {trusted.name} is trusted as a {trusted.role}")
        raw_scope = data.get("scope")
        if trusted.role != "lead" and isinstance(raw_scope, list):
            outside = [s for s in raw_scope if s not in trusted.partnership_uids]
            if outside:
                raise BundleError("scope", f"{name}: claims partnerships that the key of "
                                           f"{trusted.name} is not trusted for")
        return trusted, False

    def _first_use(self, session: Session, kind: str) -> str | None:
        """Whether an unknown key may sign this bundle because it is the copy's first baseline
        (a district trusts the lead from its first baseline; an empty lead copy likewise)."""
        if kind != BASELINE:
            return None
        if any(k.role == "lead" for k in store.trusted_keys(session)):
            return None
        if self.copy.identity.role is Role.LEAD:
            return "first baseline" if store.record_count(session) == 0 else None
        return "first baseline"

    def _check_records(self, session: Session, bundle: Bundle) -> None:
        """A baseline must be whole: every reference points to a record it carries."""
        uids = {r.uid for r in bundle.records}
        if sum(1 for r in bundle.records if r.kind == "agreement" and not r.deleted) > 1:
            raise BundleError("schema", f"{bundle.name}: holds more than one agreement; a "
                                        "master holds one agreement, refreshed every year")
        for record in bundle.records:
            for target in _references(KINDS[record.kind], record.fields):
                if target not in uids:
                    raise BundleError("schema", f"{bundle.name}: {record.kind} {record.uid} "
                                                f"refers to {target}, which the baseline "
                                                "does not carry")

    def _check_changes(self, session: Session, bundle: Bundle, signer: TrustedKey) -> None:
        """Every change within the signer's role and scope, on records that exist, with
        references that resolve."""
        name = bundle.name
        identity = Identity(bundle.manifest.replica_id, signer.name, Role(signer.role),
                            signer.partnership_uids)
        service = RecordService(self.copy.store, identity)
        areas = service.scope_area_uids(session)
        created = {c.uid: c for c in bundle.changes if c.created}
        existing, current = store.read_existing(
            session, [c.uid for c in bundle.changes],
            expected={c.uid: c.kind for c in bundle.changes})
        parents: dict[str, set[str]] = {}
        for change in bundle.changes:
            spec = KINDS[change.kind]
            pair = change.fields.get(spec.parent_field or "")
            parent = pair.new if pair is not None else (
                current[change.uid].fields.get(spec.parent_field or "")
                if change.uid in current else None)
            if spec.parent_field and spec.name != "local-plan" and isinstance(parent, str):
                parent_kind = spec.field(spec.parent_field).ref_kind
                assert parent_kind is not None
                parents.setdefault(parent_kind, set()).add(parent)
        held = store.load_with_parents(session, parents)  # owner_of then needs no queries
        references: dict[str, str] = {}  # uid -> the kind the field refers to
        owners: dict[tuple[str, object, object], Owner] = {}
        for change in bundle.changes:
            spec = KINDS[change.kind]
            where = _Where(spec, change.uid)
            found = existing.get(change.uid)
            if found is not None and found != change.kind:
                raise BundleError("schema", f"{name}: {where} is a {KINDS[found].label.lower()} "
                                            "in this copy")
            if found is None and not change.created:
                raise BundleError("unknown-record", f"{name}: changes {where}, which this copy "
                                                    "does not have")
            new_values = {n: c.new for n, c in change.fields.items() if n != DELETED}
            before = current[change.uid].fields if change.uid in current else None
            for values in ([before] if before is not None else []) + [
                {**(before or {}), **new_values}
            ]:
                # owner_of follows the parent link (an area for evidence): ask once per parent
                key = (spec.name, values.get(spec.parent_field) if spec.parent_field else None,
                       values.get("area_uid"))
                owner = owners.get(key)
                if owner is None:
                    owner = owners[key] = self._owner(service, session, spec, values, created)
                if not may_change(identity, spec, owner, areas):
                    title = str(values.get(spec.title_field) or "")[:60]
                    raise BundleError("scope", f"{name}: {signer.name} ({signer.role}) may not "
                                               f"change {where} '{title}': it is outside the "
                                               "partnerships and areas that key is trusted for")
            reference_fields = _reference_fields(spec.name)
            for field_name, value in new_values.items():
                if field_name not in reference_fields:
                    continue
                target_kind, is_list = reference_fields[field_name]
                if not is_list and isinstance(value, str):
                    references.setdefault(value, target_kind)
                elif is_list and isinstance(value, list):
                    for target in value:
                        references.setdefault(target, target_kind)
        del held
        missing = set(references) - set(created) - set(store.existing_uids(
            session, references, expected={u: k for u, k in references.items() if k}))
        if missing:
            raise BundleError("unknown-record", f"{name}: refers to {sorted(missing)[0]}, which "
                                                "neither this copy nor the bundle has")
        self._check_retractions(session, bundle, signer, identity, service, areas)

    def _check_retractions(self, session: Session, bundle: Bundle, signer: TrustedKey,
                           identity: Identity, service: RecordService,
                           areas: frozenset[str]) -> None:
        """A later bundle takes back the district's earlier proposals it no longer carries:
        each record whose proposal it would take back must be within the signer's scope too."""
        m = bundle.manifest
        earlier = [e for e in store.logged_bundles(session, direction="imported",
                                                   kind=CONTRIBUTION, replica_id=m.replica_id)
                   if e.status == "imported"]
        if m.seq <= max((e.seq for e in earlier), default=0):
            return  # superseded on arrival: it takes nothing back
        prior: set[str] = set()
        for entry in earlier:
            prior.update(u for u in entry.summary.get("uids", []) if isinstance(u, str))
        prior -= {c.uid for c in bundle.changes}
        states = sync_store.merge_states(session, prior)
        held = sorted(uid for uid, data in states.items()
                      if any(m.replica_id in (fs.get("proposals") or {})
                             for fs in data.values()))
        if not held:
            return
        _, records = store.read_existing(session, held, expected={})
        for uid in held:
            record = records.get(uid)
            if record is None:
                continue
            spec = KINDS[record.kind]
            owner = service.owner_of(session, spec, record.fields)
            if not may_change(identity, spec, owner, areas):
                title = str(record.fields.get(spec.title_field) or "")[:60]
                raise BundleError("scope", f"{bundle.name}: would take back {m.author}'s earlier "
                                           f"change to {_Where(spec, uid)} '{title}', which is "
                                           f"outside the partnerships and areas the key of "
                                           f"{signer.name} is trusted for now")

    @staticmethod
    def _owner(service: RecordService, session: Session, spec: KindSpec,
               values: Mapping[str, Value], created: Mapping[str, RecordChange]) -> Owner:
        """owner_of, following parents that are new in the same bundle first."""
        for _ in range(6):
            parent = values.get(spec.parent_field) if spec.parent_field else None
            if spec.name == "local-plan" or not isinstance(parent, str) or parent not in created:
                break
            change = created[parent]
            spec = KINDS[change.kind]
            values = {n: c.new for n, c in change.fields.items() if n != DELETED}
        return service.owner_of(session, spec, values)

    def _check_baseline(self, session: Session, bundle: Bundle, signer: TrustedKey) -> None:
        manifest = bundle.manifest
        if manifest.kind == CONTRIBUTION:
            known = store.logged_bundle(session, manifest.baseline_id or "")
            if known is None or known.kind != BASELINE:
                raise BundleError("unknown-baseline",
                                  f"{bundle.name}: is based on baseline {manifest.baseline_id}, "
                                  f"which this copy did not publish; {manifest.author} should "
                                  "take the current baseline and export again")
            return
        if manifest.baseline_id != manifest.bundle_id:
            raise BundleError("schema", f"{bundle.name}: a baseline must name itself as the "
                                        "baseline")
        self._check_lineage(session, bundle)
        taken = [b for b in store.logged_bundles(session, direction="imported", kind=BASELINE)
                 if b.signer_key == signer.public_key and b.bundle_id != manifest.bundle_id]
        newest = max((b.seq for b in taken), default=0)
        if manifest.seq <= newest:
            raise BundleError("older-baseline",
                              f"{bundle.name}: is baseline number {manifest.seq}, older than "
                              f"number {newest} which this copy already took")


    def _check_lineage(self, session: Session, bundle: Bundle) -> None:
        """A baseline starts an empty copy, or updates a copy that came from the same master
        (its lineage: the replica id of the master that publishes it)."""
        manifest = bundle.manifest
        taken = [b for b in store.logged_bundles(session, direction="imported", kind=BASELINE)
                 if b.bundle_id != manifest.bundle_id]
        if taken:
            ours = taken[-1]
            if ours.replica_id != manifest.replica_id:
                raise BundleError(
                    "lineage", f"{bundle.name}: is a baseline of another master "
                               f"('{_agreement_title(bundle)}', published by "
                               f"{manifest.author}); this copy follows the master of "
                               f"{ours.author}. Join that agreement with a new copy "
                               "(File ▸ New copy…, or csa init --baseline)")
            return
        if self.copy.identity.role is Role.LEAD or not store.record_count(session):
            return  # a lead copy with records refuses baselines in _check_signer
        held = record_store.list_rows(session, "agreement")
        title = held[0].title if held else "its own records"
        raise BundleError(
            "lineage", f"{bundle.name}: is a baseline of '{_agreement_title(bundle)}' "
                       f"published by {manifest.author}, but this copy already holds "
                       f"'{title}', made in this copy, not taken from that master. Join it "
                       "with a new copy (File ▸ New copy…, or csa init --baseline)")


def _agreement_title(bundle: Bundle) -> str:
    titles = [str(r.fields.get("title") or "") for r in bundle.records
              if r.kind == "agreement" and not r.deleted]
    return titles[0] if titles else "no agreement"


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


@cache
def _reference_fields(kind_name: str) -> dict[str, tuple[str, bool]]:
    """The fields of a kind that refer to records: the kind they refer to, and whether they
    hold a list of uids (REF_LIST) or one (REF)."""
    return {f.name: (f.ref_kind or "", f.type is FieldType.REF_LIST)
            for f in KINDS[kind_name].fields if f.type in (FieldType.REF, FieldType.REF_LIST)}


class _Where:
    """"action UID" for a refusal, spelt out only when there is one."""

    def __init__(self, spec: KindSpec, uid: str) -> None:
        self.spec = spec
        self.uid = uid

    def __str__(self) -> str:
        return f"{self.spec.label.lower()} {self.uid}"


def _references(spec: KindSpec, values: Mapping[str, Value]) -> set[str]:
    found: set[str] = set()
    for f in spec.fields:
        value = values.get(f.name)
        if f.type is FieldType.REF and isinstance(value, str):
            found.add(value)
        elif f.type is FieldType.REF_LIST and isinstance(value, list):
            found.update(value)
    return found


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
