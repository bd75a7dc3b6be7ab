"""The import gate every bundle passes before anything is merged (docs/bundle-format.md lists
its order): container, hashes, signature and trust, schema and field rules, the copy's identity
bound to its key, scope, references and lineage. It only reads the database: a refused bundle
leaves the copy byte for byte as it was."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import (
    BASELINE,
    CONTRIBUTION,
    DELETED,
    Bundle,
    Manifest,
    RecordChange,
)
from csa_desktop.bundle.reader import OpenedBundle, open_bundle, parse_bundle, read_file
from csa_desktop.domain.indicators import value_uid
from csa_desktop.domain.kinds import (
    KINDS,
    FieldType,
    KindSpec,
    Value,
)
from csa_desktop.domain.periods import parse_period
from csa_desktop.domain.roles import Identity, Owner, Role, may_change
from csa_desktop.errors import BundleError, InputError
from csa_desktop.services.copy import Copy
from csa_desktop.services.records import ParentRows, RecordService
from csa_desktop.storage import bundles as store
from csa_desktop.storage import records as record_store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.bundles import LoggedBundle, ReplicaKey, TrustedKey
from csa_desktop.storage.database import Session


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


def manifest_text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


@cache
def _reference_fields(kind_name: str) -> dict[str, tuple[str, bool]]:
    """The fields of a kind that refer to records: the kind they refer to, and whether they
    hold a list of uids (REF_LIST) or one (REF)."""
    return {f.name: (f.ref_kind or "", f.type is FieldType.REF_LIST)
            for f in KINDS[kind_name].fields if f.type in (FieldType.REF, FieldType.REF_LIST)}


_OWNER_COLUMNS = ("area_uid", "partnership_uid", *dict.fromkeys(
    spec.parent_field for spec in KINDS.values() if spec.parent_field))
"""What owner_of reads of a record (besides the parent it follows)."""
_OWNER_SET = frozenset(_OWNER_COLUMNS)


@cache
def _parent_kind(kind_name: str) -> str | None:
    """The kind a record's parent link points to (None: no link owner_of follows)."""
    spec = KINDS[kind_name]
    if spec.parent_field is None or kind_name == "local-plan":
        return None
    return spec.field(spec.parent_field).ref_kind


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



def _all_held(values: Mapping[str, Value], reference_fields: Mapping[str, tuple[str, bool]],
              uids: Container[str]) -> bool:
    """Whether every record the values refer to (as _references finds them) is in `uids`."""
    for field_name, (_, is_list) in reference_fields.items():
        value = values.get(field_name)
        if is_list:
            if isinstance(value, list) and not all(target in uids for target in value):
                return False
        elif isinstance(value, str) and value not in uids:
            return False
    return True


def value_identity_problem(kind: str, uid: str, fields: Mapping[str, object]) -> str | None:
    """Why an indicator value's uid is not the one its indicator and period derive (so that
    a copy that made it would make a second record for the period); None when it is."""
    if kind != "indicator-value":
        return None
    indicator, period = fields.get("indicator_uid"), fields.get("period")
    if not isinstance(indicator, str) or not isinstance(period, str):
        return None  # the schema names a missing field
    try:
        normal = parse_period(period)
    except InputError:
        return f"indicator value {uid} has the period '{period[:40]}', which is no period"
    if normal != period:
        return (f"indicator value {uid} writes its period '{period}' other than as "
                f"'{normal}'")
    expected = value_uid(indicator, period)
    if uid != expected:
        return (f"indicator value {uid} for {period} should have the uid {expected}: a "
                "value's uid derives from its indicator and period, so that two copies "
                "entering a period make one record")
    return None


class BundleGate:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy

    @property
    def public_key(self) -> str:
        return keys.ensure_key(self.copy.data_dir).public_key


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
        author = manifest_text(data, "author")
        declared_role = manifest_text(data, "role")
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
                replica_id=manifest_text(data, "replica_id"), scope=scope, scope_names=names)
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
            problem = value_identity_problem(record.kind, record.uid, record.fields) if \
                record.kind == "indicator-value" else None
            if problem:
                raise BundleError("schema", f"{bundle.name}: {problem}")
            if _all_held(record.fields, _reference_fields(record.kind), uids):
                continue  # else the missing one found as before (the first of a set)
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
        # what owner_of reads of each changed record, not the whole record
        existing, current = store.read_links(
            session, [c.uid for c in bundle.changes],
            expected={c.uid: c.kind for c in bundle.changes}, new=created)
        references = self._quick_checks(session, bundle, existing, current, created, identity,
                                        service, areas)
        if references is None:  # a change may be refused: the checks in order word it
            parents: dict[str, set[str]] = {}
            for change in bundle.changes:
                spec = KINDS[change.kind]
                pair = change.fields.get(spec.parent_field or "")
                parent = pair.new if pair is not None else (
                    current[change.uid].get(spec.parent_field or "")
                    if change.uid in current else None)
                if spec.parent_field and spec.name != "local-plan" and isinstance(parent, str):
                    parent_kind = spec.field(spec.parent_field).ref_kind
                    assert parent_kind is not None
                    parents.setdefault(parent_kind, set()).add(parent)
            loaded = ParentRows(store.load_with_parents(session, parents))  # no queries after
            references = self._ordered_checks(session, bundle, signer, existing, current,
                                              created, identity, service, areas, loaded)
        missing = set(references) - set(created) - set(store.existing_uids(
            session, references, expected={u: k for u, k in references.items() if k}))
        if missing:
            raise BundleError("unknown-record", f"{name}: refers to {sorted(missing)[0]}, which "
                                                "neither this copy nor the bundle has")
        self._check_retractions(session, bundle, signer, identity, service, areas)

    def _quick_checks(self, session: Session, bundle: Bundle, existing: Mapping[str, str],
                      current: Mapping[str, Mapping[str, Value]],
                      created: Mapping[str, RecordChange], identity: Identity,
                      service: RecordService,
                      areas: frozenset[str]) -> dict[str, str] | None:
        """What _ordered_checks checks, for the whole bundle at once: each changed record's
        kind, then the scope once per owner (the kind, parent link, area or partnership of a
        record before and after its change; their parents read ahead in one go), and the
        references collected; None when any change may be refused, so that _ordered_checks
        finds the first in order and words it."""
        references: dict[str, str] = {}  # uid -> the kind the field refers to
        states: dict[tuple[str, object, object], Mapping[str, Value]] = {}
        for change in bundle.changes:
            kind = change.kind
            found = existing.get(change.uid)
            if found != kind and (found is not None or not change.created):
                return None
            if kind == "indicator-value":
                return None  # its identity rules: _ordered_checks
            spec = KINDS[kind]
            link = spec.parent_field
            fields = change.fields
            before = current.get(change.uid)
            if before is not None:
                states.setdefault((kind, before.get(link) if link else None,
                                   before.get("area_uid") or before.get("partnership_uid")),
                                  before)
            if before is None or not _OWNER_SET.isdisjoint(fields):
                after = {**(before or {}), **{n: fields[n].new for n in _OWNER_COLUMNS
                                              if n in fields}}
                states.setdefault((kind, after.get(link) if link else None,
                                   after.get("area_uid") or after.get("partnership_uid")),
                                  after)
            for field_name, (target_kind, is_list) in _reference_fields(kind).items():
                pair = fields.get(field_name)  # the kind's few reference fields, not all
                if pair is None:
                    continue
                value = pair.new
                if not is_list and isinstance(value, str):
                    references.setdefault(value, target_kind)
                elif is_list and isinstance(value, list):
                    for uid in value:
                        references.setdefault(uid, target_kind)
        parents: dict[str, set[str]] = {}
        for kind, parent, _ in states:
            parent_kind = _parent_kind(kind)
            if parent_kind is not None and isinstance(parent, str):
                parents.setdefault(parent_kind, set()).add(parent)
        loaded = ParentRows(store.load_with_parents(session, parents))  # no queries after
        for (kind, _, _), values in states.items():
            spec = KINDS[kind]
            owner = self._owner(service, session, spec, values, created, loaded)
            if not may_change(identity, spec, owner, areas):
                return None
        return references

    def _ordered_checks(self, session: Session, bundle: Bundle, signer: TrustedKey,
                        existing: Mapping[str, str],
                        current: Mapping[str, Mapping[str, Value]],
                        created: Mapping[str, RecordChange], identity: Identity,
                        service: RecordService, areas: frozenset[str],
                        loaded: ParentRows) -> dict[str, str]:
        """Each change in turn: its record's kind, an indicator value's identity, the scope
        before and after the change; raises the first refusal. Returns the references."""
        name = bundle.name
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
            if change.kind == "indicator-value":
                identity_fields = {"indicator_uid", "period"} & change.fields.keys()
                if identity_fields and not change.created:
                    raise BundleError("schema", f"{name}: changes the "
                                                f"{' and '.join(sorted(identity_fields))} of "
                                                f"{where}; a value's indicator and period "
                                                "make its identity and never change")
                problem = value_identity_problem(change.kind, change.uid, {
                    n: c.new for n, c in change.fields.items()}) if change.created else None
                if problem:
                    raise BundleError("schema", f"{name}: {problem}")
            new_values = {n: c.new for n, c in change.fields.items() if n != DELETED}
            before = current.get(change.uid)
            for values in ([before] if before is not None else []) + [
                {**(before or {}), **new_values}
            ]:
                # owner_of follows the parent link (an area for evidence): ask once per parent
                key = (spec.name, values.get(spec.parent_field) if spec.parent_field else None,
                       values.get("area_uid") or values.get("partnership_uid"))
                owner = owners.get(key)
                if owner is None:
                    owner = owners[key] = self._owner(service, session, spec, values, created,
                                                      loaded)
                if not may_change(identity, spec, owner, areas):
                    whole = _whole(session, change) if before is not None else {}
                    shown = whole if values is before else {**whole, **new_values}
                    title = str(shown.get(spec.title_field) or "")[:60]
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
        return references

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
               values: Mapping[str, Value], created: Mapping[str, RecordChange],
               loaded: ParentRows) -> Owner:
        """owner_of, following parents that are new in the same bundle first."""
        for _ in range(6):
            parent = values.get(spec.parent_field) if spec.parent_field else None
            if spec.name == "local-plan" or not isinstance(parent, str) or parent not in created:
                break
            change = created[parent]
            spec = KINDS[change.kind]
            values = {n: c.new for n, c in change.fields.items() if n != DELETED}
        return service.owner_of(session, spec, values, loaded=loaded)

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


def _whole(session: Session, change: RecordChange) -> dict[str, Value]:
    """The fields of the record a change changes, as this copy holds them (read only to word
    a refusal: the checks read what owner_of needs)."""
    _, records = store.read_existing(session, [change.uid], expected={change.uid: change.kind})
    record = records.get(change.uid)
    return dict(record.fields) if record is not None else {}


def _agreement_title(bundle: Bundle) -> str:
    titles = [str(r.fields.get("title") or "") for r in bundle.records
              if r.kind == "agreement" and not r.deleted]
    return titles[0] if titles else "no agreement"
