"""Create, read, update, delete and reorder records: validated, in scope, one transaction each,
with the revision bumped and history recorded. The GUI and the CLI both call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from csa_desktop.domain import ordering, reporting
from csa_desktop.domain.attachments import attachment_uid, check_image
from csa_desktop.domain.cycle import Stage, decision_stage, stage
from csa_desktop.domain.indicators import indicator_problems, normal_periods, value_uid
from csa_desktop.domain.kinds import (
    DEFAULTS,
    KINDS,
    FieldType,
    KindSpec,
    Value,
    check_uid,
    check_value,
    kind,
    parse_value,
)
from csa_desktop.domain.records import Changes, HistoryEntry, Record
from csa_desktop.domain.roles import Identity, Owner, may_change
from csa_desktop.errors import InputError, NotFoundError, ScopeError
from csa_desktop.storage import attachments as attachment_store
from csa_desktop.storage import records
from csa_desktop.storage.database import Session, Store

SYSTEM_FIELDS = frozenset({"uid", "rev", "updated_at", "updated_by", "deleted"})
# Fields only the yearly cycle sets: the approvals workflow (services.approvals: `csa approve`,
# Agreement ▸ Approvals…), with the checks and decision records that go with each step, and the
# annual refresh (services.refresh: `csa refresh start`), which names the refresh in progress and
# stamps each decision with its year. A direct edit would skip them. Imports, conflict decisions,
# the workflow and the refresh write through storage, not here.
WORKFLOW_FIELDS: dict[str, dict[str, str]] = {
    "agreement": {
        "status": "the agreement's status follows its approvals: record the next step with "
                  "'csa approve STAGE' (Agreement > Approvals… in the window), or step back "
                  "with 'csa approve undo'",
        "sent_to_pcc_on": "the date sent to the PCC is the last step of the approvals: record "
                          "it with 'csa approve sent-to-pcc --date YYYY-MM-DD', correct it with "
                          "'csa approve sent-to-pcc --correct --date YYYY-MM-DD' (Agreement > "
                          "Approvals… in the window)",
        "refresh_label": "the refresh label names the annual refresh in progress and changes "
                         "only when the next one starts: 'csa refresh start --year YYYY/YY' "
                         "(Agreement > Start annual refresh… in the window)",
    },
    "approval": {
        "refresh_label": "a decision belongs to the refresh it was made in: a new one belongs "
                         "to the refresh in progress and keeps that year when the next refresh "
                         "starts ('csa refresh start')",
    },
}
WORKFLOW_START: dict[str, dict[str, Value]] = {
    "agreement": {"status": "draft", "sent_to_pcc_on": None, "refresh_label": None},
    "approval": {"refresh_label": None},
}
# Records only the approvals workflow writes: the approval records it reads as the decision of
# a stage (Board, Cabinet, Full Council: cycle.decision_stage). Checked before and after a
# change, so a direct edit can neither change, delete or restore such a record nor make one.
WORKFLOW_RECORDS = frozenset({"approval"})
# Records only services.approvals writes: a chain is set whole (its checks hold for the whole
# chain), and a local plan's decisions follow its chain.
CHAIN_RECORDS = {
    "approval-step": "an approval chain is set as a whole: 'csa approvals chain --preset NAME' "
                     "or '--set STEP…' (Approvals… ▸ Chain… in the window)",
    "plan-approval": "a local plan's approvals follow its chain: record the next step with "
                     "'csa approve STEP --plan PARTNERSHIP', correct one with --correct, "
                     "withdraw the last with 'csa approve undo --plan PARTNERSHIP'",
}


def _chain_stage(session: Session, code: str) -> Stage:
    """The stage of a decision's code along the agreement's recorded chain (or two-tier)."""
    from csa_desktop.domain.cycle import PRESETS, ChainStep, stages_of

    steps = records.list_rows(session, "approval-step", where={"plan_uid": None})
    chain = tuple(ChainStep(str(r.fields["name"]), str(r.fields["label"])) for r in steps)
    specs = stages_of(chain or PRESETS["two-tier"])
    try:
        return stage(code, specs)
    except InputError:
        return Stage(code, code.replace("-", " ").capitalize(), "", True, True, "", code)


_OWNER_FIELDS = tuple(dict.fromkeys(
    ["partnership_uid", *(spec.parent_field for spec in KINDS.values() if spec.parent_field)]))
"""What owner_of reads of a parent: its parent link and its partnership."""


class ParentRows:
    """Rows read ahead for owner_of (uid -> ORM row), and the owner of each uid once found."""

    def __init__(self, rows: Sequence[object]) -> None:
        self.rows = {str(getattr(row, "uid")): row for row in rows}  # noqa: B009 - rows: object
        self.owners: dict[str, Owner] = {}

    def fields(self, uid: str) -> Mapping[str, Value] | None:
        """The parent links and partnership of a row read ahead (None: not read ahead)."""
        row = self.rows.get(uid)
        if row is None:
            return None
        return {name: getattr(row, name) for name in _OWNER_FIELDS if hasattr(row, name)}


class RecordService:
    def __init__(self, store: Store, identity: Identity) -> None:
        self.store = store
        self.identity = identity

    # --- reading -------------------------------------------------------------------------

    def list_kind(self, kind_name: str, *, partnership: str | None = None,
             where: Mapping[str, object] | None = None,
             include_deleted: bool = False) -> list[Record]:
        spec = kind(kind_name)
        with self.store.reader() as session:
            partnership_uid = self._partnership_uid(session, partnership) if partnership else None
            for name in where or {}:
                spec.field(name)
            return records.list_rows(session, spec.name, where=where,
                                     partnership_uid=partnership_uid,
                                     include_deleted=include_deleted)

    def get(self, uid: str) -> Record:
        check_uid(uid)
        with self.store.reader() as session:
            return self._get(session, uid)

    def history(self, uid: str) -> list[HistoryEntry]:
        record = self.get(uid)
        with self.store.reader() as session:
            return records.history(session, record.uid)

    def titles(self, kind_name: str, uids: Sequence[str]) -> dict[str, str]:
        with self.store.reader() as session:
            return records.titles(session, kind(kind_name).name, uids)

    def can_change(self, record: Record) -> bool:
        """Whether this copy may edit `record` (views show the others read-only): in scope,
        and not a record only the approvals workflow writes (see `workflow_reason`)."""
        if self.store.read_only:
            return False
        with self.store.reader() as session:
            return (self._allowed(session, KINDS[record.kind], record.fields)
                    and _workflow_refusal(session, "update", record.kind, record.fields) is None)

    def workflow_reason(self, record: Record) -> str | None:
        """Why only the approvals workflow changes `record`, naming the command that does
        (None: a direct edit may, scope permitting)."""
        with self.store.reader() as session:
            return _workflow_refusal(session, "update", record.kind, record.fields)

    def can_create(self, kind_name: str, values: Mapping[str, Value]) -> bool:
        if self.store.read_only:
            return False
        with self.store.reader() as session:
            return self._allowed(session, kind(kind_name), values)

    # --- writing -------------------------------------------------------------------------

    def create(self, kind_name: str, values: Mapping[str, Value], *,
               uid: str | None = None, data: bytes | None = None) -> Changes:
        """A new record; `data` is an attachment's bytes (services.attachments), kept in
        the same transaction."""
        spec = kind(kind_name)
        with self.store.transaction() as session:
            new_uid = check_uid(uid) if uid else None
            clean = {**DEFAULTS.get(spec.name, {}), **self._validate(session, spec, values)}
            _refuse_workflow_fields(spec, clean, WORKFLOW_START.get(spec.name, {}))
            for f in spec.fields:
                clean.setdefault(f.name, [] if f.type is FieldType.REF_LIST else None)
                if f.required and clean[f.name] in (None, []):
                    raise InputError(f"{f.label} is required for a new {spec.label.lower()}")
            _refuse_bad_values(spec.name, clean, clean, new=True)
            clean = _indicator_rules(session, spec.name, clean, clean, None)
            if spec.ordered and clean.get("position") is None:
                clean["position"] = self._position_at_end(session, spec, clean)
            self._require_scope(session, spec, clean)
            _refuse_workflow_record(session, "create", spec.name, clean)
            if spec.name == "agreement":
                _refuse_second_agreement(session)
            if spec.name == "attachment":
                new_uid = _attachment_identity(session, clean, new_uid, data)
            if spec.name == "indicator-value":
                new_uid = _value_identity(session, clean, new_uid)
            if spec.name in ("indicator-value", "attachment"):
                assert new_uid is not None
                earlier = records.get(session, spec.name, new_uid)
                if earlier is not None:  # entered before and deleted: the same record again
                    records.set_deleted(session, spec.name, new_uid, False,
                                        who=self.identity.name)
                    records.update(session, spec.name, new_uid, clean, who=self.identity.name)
                    return Changes(created=((spec.name, new_uid),),
                                   fields={new_uid: tuple(clean)})
            from csa_desktop.domain.kinds import new_uid as make_uid

            record = records.insert(session, spec.name, new_uid or make_uid(), clean,
                                    who=self.identity.name)
        return Changes(created=((spec.name, record.uid),),
                       fields={record.uid: tuple(clean)})

    def update(self, uid: str, values: Mapping[str, Value]) -> Changes:
        check_uid(uid)
        with self.store.transaction() as session:
            record = self._get(session, uid)
            if record.deleted:
                raise InputError(f"{record.kind} {uid} is deleted")
            spec = KINDS[record.kind]
            clean = self._validate(session, spec, values)
            _refuse_workflow_fields(spec, clean, record.fields)
            for name, value in clean.items():
                if spec.field(name).required and value in (None, []):
                    raise InputError(f"{spec.field(name).label} is required")
            clean = _one_period_kind(spec.name, clean)
            _refuse_bad_values(spec.name, clean, {**record.fields, **clean}, new=False)
            _refuse_attachment_change(spec.name, clean, record.fields)
            clean = _indicator_rules(session, spec.name, clean, {**record.fields, **clean},
                                     record)
            self._require_scope(session, spec, record.fields)
            self._require_scope(session, spec, {**record.fields, **clean})
            if any(value != record.fields.get(name) for name, value in clean.items()):
                _refuse_workflow_record(session, "update", spec.name, record.fields)
                _refuse_workflow_record(session, "create", spec.name,
                                        {**record.fields, **clean})
            changed = records.update(session, spec.name, uid, clean, who=self.identity.name)
        if not changed:
            return Changes()
        return Changes(updated=((spec.name, uid),), fields={uid: changed})

    def update_from_text(self, uid: str, texts: Mapping[str, str]) -> Changes:
        """`update` with values typed as text (the CLI's FIELD=VALUE, a form's line edit)."""
        record = self.get(uid)
        return self.update(uid, parse_fields(KINDS[record.kind], texts))

    def create_from_text(self, kind_name: str, texts: Mapping[str, str]) -> Changes:
        return self.create(kind_name, parse_fields(kind(kind_name), texts))

    def delete(self, uid: str) -> Changes:
        """Tombstone a record and the records under it; `restore` undoes it."""
        check_uid(uid)
        with self.store.transaction() as session:
            record = self._get(session, uid)
            if record.deleted:
                raise InputError(f"{record.kind} {uid} is already deleted")
            self._require_scope(session, KINDS[record.kind], record.fields)
            _refuse_workflow_record(session, "delete", record.kind, record.fields)
            doomed = [(record.kind, uid), *records.children(session, record.kind, uid)]
            for doomed_kind, doomed_uid in doomed:
                records.set_deleted(session, doomed_kind, doomed_uid, True,
                                    who=self.identity.name)
        return Changes(deleted=tuple(doomed))

    def restore(self, uids: Sequence[str]) -> Changes:
        """Bring tombstoned records back (undo of a delete)."""
        restored: list[tuple[str, str]] = []
        with self.store.transaction() as session:
            for uid in uids:
                record = self._get(session, check_uid(uid))
                self._require_scope(session, KINDS[record.kind], record.fields)
                if (record.fields.get("agreement_uid") not in uids
                        and record.fields.get("plan_uid") not in uids):  # not the undo of a
                    # deleted agreement or plan, which took its decisions with it
                    _refuse_workflow_record(session, "restore", record.kind, record.fields)
                if records.set_deleted(session, record.kind, uid, False, who=self.identity.name):
                    restored.append((record.kind, uid))
        return Changes(created=tuple(restored))

    def move(self, uid: str, *, after: str | None, before: str | None) -> Changes:
        """Place an ordered record between two neighbours (None: at that end)."""
        record = self.get(uid)
        spec = KINDS[record.kind]
        if not spec.ordered:
            raise InputError(f"{spec.plural} have no order")
        low = self.get(after).fields["position"] if after else None
        high = self.get(before).fields["position"] if before else None
        if low is not None and high is not None and low == high:
            # Two concurrent inserts can share a key: fall back to the next free slot.
            high = None
        position = ordering.key_between(low if isinstance(low, str) else None,
                                        high if isinstance(high, str) else None)
        return self.update(uid, {"position": position})

    # --- helpers -------------------------------------------------------------------------

    def _get(self, session: Session, uid: str) -> Record:
        found_kind = records.find_kind(session, uid)
        record = records.get(session, found_kind, uid) if found_kind else None
        if record is None:
            raise NotFoundError(f"no record has the uid {uid}")
        return record

    def _partnership_uid(self, session: Session, name_or_uid: str) -> str:
        for record in records.list_rows(session, "partnership", include_deleted=True):
            if name_or_uid in (record.uid, record.title) or (
                record.title.casefold() == name_or_uid.casefold()
            ):
                return record.uid
        raise InputError(f"unknown partnership '{name_or_uid}'")

    def _validate(self, session: Session, spec: KindSpec,
                  values: Mapping[str, Value]) -> dict[str, Value]:
        clean: dict[str, Value] = {}
        for name, value in values.items():
            if name in SYSTEM_FIELDS:
                raise InputError(f"'{name}' is kept by CSA Desktop and cannot be set")
            f = spec.field(name)
            checked = check_value(f, value)
            if f.type is FieldType.REF and checked is not None:
                assert f.ref_kind and isinstance(checked, str)
                if not records.exists(session, f.ref_kind, checked):
                    raise InputError(f"{f.label}: no {KINDS[f.ref_kind].label.lower()} "
                                     f"has the uid {checked}")
            if f.type is FieldType.REF_LIST and isinstance(checked, list):
                assert f.ref_kind
                for item in checked:
                    if not records.exists(session, f.ref_kind, item):
                        raise InputError(f"{f.label}: no {KINDS[f.ref_kind].label.lower()} "
                                         f"has the uid {item}")
            clean[name] = checked
        return clean

    def _position_at_end(self, session: Session, spec: KindSpec,
                         values: Mapping[str, Value]) -> str:
        where = {spec.parent_field: values[spec.parent_field]} if spec.parent_field else {}
        if spec.name == "plan-item":
            where["column"] = values["column"]
        siblings = records.list_rows(session, spec.name, where=where, include_deleted=True)
        positions = [p for r in siblings if isinstance(p := r.fields["position"], str)]
        return ordering.key_between(max(positions) if positions else None, None)

    def owner_of(self, session: Session, spec: KindSpec, values: Mapping[str, Value], *,
                 loaded: ParentRows | None = None) -> Owner:
        """The partnership or area a record belongs to, following parent links. `loaded`:
        parent rows already read (storage.bundles.load_with_parents) and the owners found
        through them, so a check of thousands of records reads each parent once."""
        if spec.name == "evidence-item":
            area = values.get("area_uid")
            return Owner(area_uid=area if isinstance(area, str) else None)
        current_kind, current = spec.name, values
        visited: list[str] = []
        owner = Owner()
        for _ in range(5):
            if current_kind in ("local-plan", "indicator", "meeting"):  # a county one: no one's
                partnership = current.get("partnership_uid")
                owner = Owner(partnership_uid=partnership if isinstance(partnership, str)
                              else None)
                break
            parent_field = KINDS[current_kind].parent_field
            if parent_field is None:
                break
            parent_uid = current.get(parent_field)
            parent_kind = KINDS[current_kind].field(parent_field).ref_kind
            if not isinstance(parent_uid, str) or parent_kind is None:
                break
            if loaded is not None and parent_uid in loaded.owners:
                owner = loaded.owners[parent_uid]
                break
            fields = loaded.fields(parent_uid) if loaded is not None else None
            if fields is None:
                parent = records.get(session, parent_kind, parent_uid)
                if parent is None:
                    break
                fields = parent.fields
            visited.append(parent_uid)
            current_kind, current = parent_kind, fields
        if loaded is not None:
            loaded.owners.update(dict.fromkeys(visited, owner))
        return owner

    def scope_area_uids(self, session: Session) -> frozenset[str]:
        areas: set[str] = set()
        for uid in self.identity.partnership_uids:
            partnership = records.get(session, "partnership", uid)
            if partnership is not None:
                areas.update(partnership.fields["area_uids"] or [])  # type: ignore[arg-type]
        return frozenset(areas)

    def _allowed(self, session: Session, spec: KindSpec, values: Mapping[str, Value]) -> bool:
        owner = self.owner_of(session, spec, values)
        return may_change(self.identity, spec, owner, self.scope_area_uids(session))

    def _require_scope(self, session: Session, spec: KindSpec,
                       values: Mapping[str, Value]) -> None:
        if not self._allowed(session, spec, values):
            raise ScopeError(
                f"this {self.identity.role.value} copy cannot change "
                f"{spec.plural.lower()} outside its scope"
                + ("" if spec.scope.value != "local" else
                   " (only its own partnership's plans)")
            )


def _workflow_refusal(session: Session, action: str, kind_name: str,
                      fields: Mapping[str, Value]) -> str | None:
    """Why a record with `fields` may not be created, updated, deleted or restored (`action`)
    other than by the approvals workflow; None when it may."""
    if kind_name in CHAIN_RECORDS:
        return CHAIN_RECORDS[kind_name]
    if kind_name not in WORKFLOW_RECORDS:
        return None
    found = decision_stage(fields)
    if found is None:
        return None
    step = _chain_stage(session, found)
    alias = step.name or found
    where = "(Agreement > Approvals… in the window)"
    if action == "create":
        return (f"'{step.label}' is a step of the approvals workflow: record it with "
                f"'csa approve {alias} --date YYYY-MM-DD --minute REF' {where}; add only other "
                "decisions (a scrutiny committee, say) directly")
    agreement_uid = fields.get("agreement_uid")
    agreement = (records.get(session, "agreement", agreement_uid)
                 if isinstance(agreement_uid, str) else None)
    label = fields.get("refresh_label")
    if agreement is not None and label not in (None, agreement.fields.get("refresh_label")):
        return (f"this is the '{step.label}' decision of the {label} refresh, which is closed: "
                "it stays as it was recorded")
    if action == "delete":
        return (f"this is the '{step.label}' decision of the approvals workflow: withdraw it "
                f"with 'csa approve undo', which steps back one stage at a time {where}")
    if action == "restore":
        return (f"this is the '{step.label}' decision of the approvals workflow, withdrawn by "
                f"stepping back: record it again with 'csa approve {alias} --date YYYY-MM-DD' "
                f"{where}")
    return (f"this is the '{step.label}' decision of the approvals workflow: correct its date "
            f"or minute reference with 'csa approve {alias} --correct --date YYYY-MM-DD "
            f"--minute REF' {where}, or withdraw it with 'csa approve undo'")


def _refuse_workflow_record(session: Session, action: str, kind_name: str,
                            fields: Mapping[str, Value]) -> None:
    reason = _workflow_refusal(session, action, kind_name, fields)
    if reason is not None:
        raise InputError(reason)


def _refuse_workflow_fields(spec: KindSpec, values: Mapping[str, Value],
                            current: Mapping[str, Value]) -> None:
    """Refuse a value of a workflow field other than the one it has (`current`)."""
    for name, message in WORKFLOW_FIELDS.get(spec.name, {}).items():
        if name in values and values[name] != current.get(name):
            raise InputError(message)


def parse_fields(spec: KindSpec, texts: Mapping[str, str]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for name, text in texts.items():
        if name in SYSTEM_FIELDS:
            raise InputError(f"'{name}' is kept by CSA Desktop and cannot be set")
        values[name] = parse_value(spec.field(name), text)
    return values


def _refuse_second_agreement(session: Session) -> None:
    """A copy holds one agreement, refreshed every year; every part of the program uses it."""
    held = records.list_rows(session, "agreement")
    if held:
        raise InputError(f"this copy already has its agreement, '{held[0].title}'; a copy "
                         "holds one agreement, refreshed every year: start the next year with "
                         "'csa refresh start' (Agreement ▸ Start annual refresh…), or make "
                         "another copy for another agreement")


def _indicator_rules(session: Session, kind_name: str, values: dict[str, Value],
                     merged: Mapping[str, Value], current: Record | None) -> dict[str, Value]:
    """`values` with periods normalised, or InputError: an indicator belongs to a key issue
    or a partnership and keeps its frequency while it has values; a value's period is one of
    its indicator's frequency, and its indicator and period (its identity) never change."""
    if kind_name == "indicator":
        problems = indicator_problems(merged, values)
        if problems:
            raise InputError("; ".join(problems))
        if (current is not None and "frequency" in values
                and values["frequency"] != current.fields.get("frequency")):
            held = records.list_rows(session, "indicator-value",
                                     where={"indicator_uid": current.uid})
            if held:
                raise InputError(
                    f"Frequency: '{current.title}' has {len(held)} "
                    f"{current.fields.get('frequency')} value{'s' if len(held) > 1 else ''} "
                    f"({held[0].title}, …); delete them before changing its frequency, or make "
                    "a new indicator")
        return normal_periods(values, None)
    if kind_name != "indicator-value":
        return values
    if (current is None or "value" in values) and merged.get("value") in (None, ""):
        raise InputError("Value is required: enter the number for the period (delete the "
                         "value to remove it)")
    indicator_uid = merged.get("indicator_uid")
    indicator = (records.get(session, "indicator", indicator_uid)
                 if isinstance(indicator_uid, str) else None)
    frequency = indicator.fields.get("frequency") if indicator is not None else None
    clean = normal_periods(values, frequency if isinstance(frequency, str) else None)
    if current is not None:
        for name in ("indicator_uid", "period"):
            if name in clean and clean[name] != current.fields.get(name):
                raise InputError(
                    f"{KINDS[kind_name].field(name).label}: a value is the value of one "
                    "indicator for one period, which make its identity; delete it and enter "
                    "the value for the other indicator or period")
    return clean


def _value_identity(session: Session, values: Mapping[str, Value],
                    given: str | None) -> str:
    """The uid of an indicator value (domain.indicators.value_uid); a uid given for it must
    be that one, and a value already held for the period is named."""
    indicator_uid, period = str(values["indicator_uid"]), str(values["period"])
    uid = value_uid(indicator_uid, period)
    if given is not None and given != uid:
        raise InputError(f"an indicator value's uid derives from its indicator and period "
                         f"({uid} for {period}), not {given}")
    held = records.get(session, "indicator-value", uid)
    if held is not None and not held.deleted:
        indicator = records.get(session, "indicator", indicator_uid)
        name = indicator.title if indicator is not None else indicator_uid
        raise InputError(f"'{name}' already has a value for {period} ({held.fields['value']});"
                         f" change it with 'csa set {uid} value=…'")
    return uid


def _attachment_identity(session: Session, values: Mapping[str, Value], given: str | None,
                         data: bytes | None) -> str:
    """The uid of an attachment (domain.attachments.attachment_uid); its bytes, given or
    already in the copy, must be a PNG or JPEG that its sha256, size and type describe."""
    sha256 = str(values["sha256"])
    held = data if data is not None else attachment_store.blob(session, sha256)
    if held is None:
        raise InputError("an attachment is added from its file: csa attach FILE --alt TEXT "
                         "(this copy holds no image with that SHA-256)")
    facts = check_image(held, str(values["name"]))
    if (facts.sha256, facts.size, facts.media_type) != (
            sha256, values["size"], values["media_type"]):
        raise InputError(f"{values['name']}: its SHA-256, size and type are "
                         f"{facts.sha256}, {facts.size} and {facts.media_type}, not what the "
                         "attachment says")
    uid = attachment_uid(sha256)
    if given is not None and given != uid:
        raise InputError(f"an attachment's uid derives from the SHA-256 of its bytes ({uid}), "
                         f"not {given}")
    earlier = records.get(session, "attachment", uid)
    if earlier is not None and not earlier.deleted:
        raise InputError(f"{values['name']} is already attached as {uid} "
                         f"({earlier.title})")
    if data is not None:
        attachment_store.put_blobs(session, {sha256: data})
    return uid


def _refuse_attachment_change(kind_name: str, values: Mapping[str, Value],
                              current: Mapping[str, Value]) -> None:
    if kind_name != "attachment":
        return
    fixed = [name for name in ATTACHMENT_FIXED if name in values
             and values[name] != current.get(name)]
    if fixed:
        raise InputError(f"an attachment's {', '.join(fixed)} never change (they describe its "
                         "bytes); attach the new image instead")


ATTACHMENT_FIXED = ("sha256", "size", "media_type")


def _one_period_kind(kind_name: str, values: dict[str, Value]) -> dict[str, Value]:
    """An agreement made rolling loses its end date; given an end date, it is no longer
    rolling (one edit each, so a form that saves field by field can make either change; the
    old value stays in the history). Both given at once are checked as they are."""
    if kind_name != "agreement" or ("rolling" in values) == ("period_end" in values):
        return values
    if values.get("rolling") is True:
        return {**values, "period_end": None}
    if values.get("period_end") is not None:
        return {**values, "rolling": False}
    return values


def _refuse_bad_values(kind_name: str, values: Mapping[str, Value],
                       merged: Mapping[str, Value], *, new: bool) -> None:
    """The rules of a kind beyond its fields' own (GUI and CLI alike; bundles carry what a
    copy already accepted): a progress update names its quarter and says what was done; an
    action starts before it is due."""
    problems: list[str] = []
    if kind_name == "progress-update":
        problems = reporting.update_problems(values, new=new)
    elif kind_name == "action" and ({"start_on", "due_on"} & values.keys()):
        problems = reporting.action_problems(merged.get("start_on"), merged.get("due_on"))
    elif kind_name == "agreement" and (new or {"period_end", "rolling"} & values.keys()):
        problems = reporting.period_problems(merged.get("period_end"), merged.get("rolling"))
    elif kind_name == "consultation" and ({"opened", "closed"} & values.keys()):
        opened, closed = merged.get("opened"), merged.get("closed")
        if isinstance(opened, dt.date) and isinstance(closed, dt.date) and closed < opened:
            problems = [f"Closed ({closed.isoformat()}) is before Opened "
                        f"({opened.isoformat()})"]
    days = values.get("update_due_days") if kind_name == "agreement" else None
    if isinstance(days, int) and not 0 <= days <= 90:
        problems.append(f"Progress updates due: {days} days is not between 0 and 90 days "
                        "after a quarter ends")
    if problems:
        raise InputError("; ".join(problems))
