"""The conflict queue: list the fields two sides changed differently, show their values side by
side (with a line-level merge of long text as a suggestion), and resolve them — by taking the
base, the master or one bundle's value, or a value the lead writes. Every value that does not
win is kept in the record's history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from csa_desktop.bundle.format import DELETED
from csa_desktop.domain.kinds import (
    KINDS,
    FieldType,
    Value,
    check_value,
    choice_label,
    format_value,
    kind,
)
from csa_desktop.domain.records import Changes
from csa_desktop.errors import InputError, NotFoundError
from csa_desktop.merge.text import TextSuggestion, merge_text
from csa_desktop.services.copy import Copy
from csa_desktop.services.labels import field_value_text, referenced_titles
from csa_desktop.storage import bundles as store
from csa_desktop.storage import records as record_store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.database import Session
from csa_desktop.storage.sync import Conflict, IncomingValue

__all__ = ["Conflict", "ConflictService", "ConflictView", "Decision", "IncomingValue"]

Moved = list[tuple[str, str]]  # (kind, uid) of records a decision deleted or brought back


@dataclass(frozen=True)
class ConflictView:
    """A conflict with what people need to decide it."""

    conflict: Conflict
    record_title: str
    kind_label: str
    field_label: str
    suggestion: TextSuggestion | None  # long text only: a line-level merge to start from
    titles: Mapping[str, str] = field(default_factory=dict)  # records the values refer to

    @property
    def id(self) -> int:
        return self.conflict.id

    @property
    def choices(self) -> list[tuple[str, object]] | None:
        """What may be chosen for a field with a fixed set of values, as (label, JSON value):
        a choice field's choices, yes/no, deleted/kept, or for a reference the records the
        values name. None for text, which is written."""
        c = self.conflict
        if c.field == DELETED:
            return [("Deleted", True), ("Kept", False)]
        spec = KINDS[c.kind].field(c.field)
        if spec.type is FieldType.CHOICE:
            return [(choice_label(code), code) for code in spec.choices]
        if spec.type is FieldType.BOOL:
            return [("Yes", True), ("No", False)]
        if spec.type is FieldType.REF:
            values = [c.base, c.master, *(i.value for i in c.incoming)]
            named = dict.fromkeys(v for v in values if isinstance(v, str) and v)
            return ([] if spec.required else [("(none)", None)]) + [
                (self.titles.get(v) or v, v) for v in named]
        return None

    @property
    def long_text(self) -> bool:
        return self.field_label != "Deleted" and _field_type(self.conflict) is FieldType.LONG_TEXT

    def text(self, value: object) -> str:
        """A value as people read it: labels for choices, titles for references."""
        c = self.conflict
        shown = field_value_text(c.kind, c.field, value, dict(self.titles))
        return shown or "(empty)"

    def typed_text(self, value: object) -> str:
        """A value as the command line takes it back (choice codes, uids, ISO dates)."""
        if self.conflict.field == DELETED:
            return "deleted" if value is True else "kept"
        return format_value(value) if value not in (None, []) else "(empty)"


@dataclass(frozen=True)
class Decision:
    """A decision made, with what undoing it needs (see ConflictService.undo)."""

    conflict_id: int
    changes: Changes
    merge_state: dict[str, Any] | None  # the record's merge state before the decision


def _field_type(conflict: Conflict) -> FieldType | None:
    if conflict.field == DELETED:
        return FieldType.BOOL
    return KINDS[conflict.kind].field(conflict.field).type


def _value_from_json(kind_name: str, field_name: str, data: object) -> Value:
    if field_name == DELETED:
        return bool(data)
    return store.value_fields(kind_name, {field_name: data})[field_name]


class ConflictService:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy

    def list(self, *, include_closed: bool = False) -> list[ConflictView]:
        with self.copy.store.reader() as session:
            found = sync_store.conflicts(session, status=None if include_closed else "open")
            return [self._view(session, c) for c in found]

    def count(self) -> int:
        with self.copy.store.reader() as session:
            return len(sync_store.conflicts(session))

    def get(self, conflict_id: int) -> ConflictView:
        with self.copy.store.reader() as session:
            return self._view(session, self._conflict(session, conflict_id))

    def _conflict(self, session: Session, conflict_id: int) -> Conflict:
        found = sync_store.conflict(session, conflict_id)
        if found is None:
            raise NotFoundError(f"there is no conflict {conflict_id} ('csa conflicts list' "
                                "shows them)")
        return found

    def _view(self, session: Session, conflict: Conflict) -> ConflictView:
        spec = KINDS[conflict.kind]
        title = record_store.titles(session, conflict.kind, [conflict.record_uid]).get(
            conflict.record_uid, conflict.record_uid)
        label = "Deleted" if conflict.field == DELETED else spec.field(conflict.field).label
        suggestion = None
        if _field_type(conflict) is FieldType.LONG_TEXT:
            suggestion = merge_text(
                _text(conflict.base), _text(conflict.master),
                [(i.author, _text(i.value)) for i in conflict.incoming])
        values = [conflict.base, conflict.master, *(i.value for i in conflict.incoming)]
        titles = referenced_titles(session, conflict.kind, [(conflict.field, v) for v in values])
        return ConflictView(conflict, title, spec.label, label, suggestion, titles)

    # --- deciding -------------------------------------------------------------------------

    def choice(self, conflict_id: int, take: str) -> tuple[object, IncomingValue | None]:
        """The JSON value `take` names: "base", "master", or a bundle (its id, the start of it,
        its file name or its author)."""
        view = self.get(conflict_id)
        conflict = view.conflict
        wanted = take.strip()
        if wanted.casefold() == "base":
            return conflict.base, None
        if wanted.casefold() in ("master", "mine", "local"):
            return conflict.master, None
        matches = [i for i in conflict.incoming if wanted and (
            i.bundle_id == wanted or i.bundle_id.startswith(wanted)
            or wanted in (i.file_name, i.author) or i.author.casefold() == wanted.casefold())]
        if len(matches) == 1:
            return matches[0].value, matches[0]
        names = ", ".join(f"{i.author} ({i.bundle_id[:8]})" for i in conflict.incoming)
        if not matches:
            raise InputError(f"'{take}' is not base, master or one of the bundles in conflict "
                             f"{conflict_id}: {names}")
        raise InputError(f"'{take}' names {len(matches)} bundles in conflict {conflict_id}; "
                         "give the bundle id")

    def parse(self, conflict_id: int, text: str) -> object:
        """A value typed by the lead, validated for the field; returns its JSON form."""
        view = self.get(conflict_id)
        conflict = view.conflict
        if conflict.field == DELETED:
            answer = text.strip().casefold()
            if answer in ("deleted", "delete", "yes", "true"):
                return True
            if answer in ("kept", "keep", "no", "false"):
                return False
            raise InputError("for a deletion conflict the value is 'delete' or 'keep'")
        from csa_desktop.domain.kinds import parse_value

        spec = kind(conflict.kind).field(conflict.field)
        value = check_value(spec, parse_value(spec, text))
        return store.json_value(conflict.kind, conflict.field, value)

    def resolve(self, conflict_id: int, *, take: str | None = None,
                value: str | None = None) -> Changes:
        """Decide a conflict with `take` (base, master or a bundle) or a written `value`."""
        if (take is None) == (value is None):
            raise InputError("give either --take base|master|BUNDLE-ID or --value TEXT")
        if take is not None:
            chosen, source = self.choice(conflict_id, take)
            label = source.bundle_id if source else take.strip().casefold()
        else:
            assert value is not None
            chosen, source, label = self.parse(conflict_id, value), None, "value"
        return self.decide(conflict_id, chosen, source=source, label=label)

    def decide(self, conflict_id: int, chosen: object, *, source: IncomingValue | None = None,
               label: str = "value") -> Changes:
        """Give the field the JSON value `chosen`; `source` is the bundle it came from."""
        return self.decide_undoably(conflict_id, chosen, source=source, label=label).changes

    def decide_undoably(self, conflict_id: int, chosen: object, *,
                        source: IncomingValue | None = None, label: str = "value") -> Decision:
        """As `decide`, returning what `undo` needs to take the decision back."""
        me = self.copy.identity.name
        with self.copy.store.transaction() as session:
            conflict = self._conflict(session, conflict_id)
            if not conflict.open:
                raise InputError(f"conflict {conflict_id} is already {conflict.status}")
            record = record_store.get(session, conflict.kind, conflict.record_uid)
            if record is None:
                raise NotFoundError(f"the record of conflict {conflict_id} is gone")
            new = _value_from_json(conflict.kind, conflict.field, chosen)
            before = sync_store.merge_states(session, [conflict.record_uid]).get(
                conflict.record_uid)
            who = me  # the one who decided; bundle_id says whose value won
            bundle_id = source.bundle_id if source else None
            outcome = "resolved"  # the lead's decision (bundle_id says whose value it took)
            changed: tuple[str, ...] = ()
            cascade: Moved = []
            if conflict.field == DELETED:
                if record_store.set_deleted(session, conflict.kind, conflict.record_uid,
                                            bool(new), who=who, bundle_id=bundle_id,
                                            outcome=outcome):
                    changed = (DELETED,)
                cascade = self._cascade(session, conflict, bool(new), who)
            else:
                spec = KINDS[conflict.kind].field(conflict.field)
                checked = check_value(spec, new)
                self._check_references(session, conflict, checked)
                changed = record_store.update(session, conflict.kind, conflict.record_uid,
                                              {conflict.field: checked}, who=who,
                                              bundle_id=bundle_id, outcome=outcome)
            at = store.stamp()
            for losing in conflict.incoming:
                if losing.value != chosen:  # kept in history, with its author and bundle
                    record_store.add_history(
                        session, conflict.kind, conflict.record_uid,
                        [(conflict.field, conflict.base, losing.value)], who=losing.author,
                        at=at, bundle_id=losing.bundle_id, outcome="lost")
            if conflict.side == "lead":
                self._settle_merge_state(session, conflict, chosen)
            sync_store.close_conflict(session, conflict_id, status="resolved", at=at, by=me,
                                      value=chosen, source=label[:60])
        return Decision(conflict_id, _changes(conflict, changed, cascade, bool(new)), before)

    def undo(self, decision: Decision) -> Changes:
        """Take a decision back: the field (or the record and what the decision deleted or
        brought back with it) as it was, and the conflict open again. The values the decision
        set stay in the history."""
        me = self.copy.identity.name
        with self.copy.store.transaction() as session:
            conflict = self._conflict(session, decision.conflict_id)
            if conflict.status != "resolved":
                raise InputError(f"conflict {conflict.id} is {conflict.status}, not decided")
            if record_store.get(session, conflict.kind, conflict.record_uid) is None:
                raise NotFoundError(f"the record of conflict {conflict.id} is gone")
            done = decision.changes
            if conflict.field == DELETED:
                for kind_name, uid in done.deleted:
                    record_store.set_deleted(session, kind_name, uid, False, who=me,
                                             outcome="undone")
                for kind_name, uid in done.created:
                    record_store.set_deleted(session, kind_name, uid, True, who=me,
                                             outcome="undone")
            else:
                before = _value_from_json(conflict.kind, conflict.field, conflict.master)
                record_store.update(session, conflict.kind, conflict.record_uid,
                                    {conflict.field: before}, who=me, outcome="undone")
            if conflict.side == "lead":
                sync_store.save_merge_states(
                    session, {conflict.record_uid: (conflict.kind, decision.merge_state)})
            sync_store.reopen_conflict(session, conflict.id)
        return Changes(updated=done.updated, fields=done.fields, deleted=done.created,
                       created=done.deleted)

    def _cascade(self, session: Session, conflict: Conflict, delete: bool,
                 who: str) -> Moved:
        """A deletion decided carries the records under it along, as a delete does here; a
        record kept brings back what the deleting bundles tombstoned under it."""
        deleting = {i.bundle_id for i in conflict.incoming if i.value is True}
        replicas = {i.replica_id for i in conflict.incoming if i.value is True}
        moved: Moved = []
        below = store.descendants(session, conflict.kind, conflict.record_uid)
        for kind_name, uid, deleted in below:
            if delete and not deleted:
                record_store.set_deleted(session, kind_name, uid, True, who=who,
                                         outcome="resolved")
                moved.append((kind_name, uid))
            elif not delete and deleted and store.deleted_by(session, uid) in deleting:
                record_store.set_deleted(session, kind_name, uid, False, who=who,
                                         outcome="resolved")
                moved.append((kind_name, uid))
        if conflict.side == "lead":
            self._settle_held_deletes(session, below, replicas, delete)
        return moved

    def _settle_held_deletes(self, session: Session, below: Sequence[tuple[str, str, bool]],
                             replicas: set[str], delete: bool) -> None:
        """The deletes of the records under a decided record, held with it (lead_merge.LeadMerge
        .hold), are decided with it: taken along with a delete, lost (kept in history) with a
        keep. Either way they no longer wait in the merge state."""
        uids = [item[1] for item in below]
        states = sync_store.merge_states(session, uids)
        kinds = {item[1]: item[0] for item in below}
        at = store.stamp()
        changed: dict[str, tuple[str, dict[str, Any] | None]] = {}
        for uid, data in states.items():
            entry = data.get(DELETED)
            if not entry:
                continue
            meta = data.get(sync_store.RECORD_META)
            data = sync_store.field_states(data)
            mine = {r: p for r, p in entry["proposals"].items() if r in replicas}
            if not mine:
                continue
            for replica in mine:
                del entry["proposals"][replica]
            if not delete:
                for proposal in mine.values():
                    record_store.add_history(session, kinds[uid], uid, [(DELETED, False, True)],
                                             who=proposal["author"], at=at,
                                             bundle_id=proposal["bundle"], outcome="lost")
            entry["lead"] = entry["merged"] = delete or bool(entry["lead"])
            kept: dict[str, Any] = {n: fs for n, fs in data.items()
                                    if fs["proposals"] or fs["lead"] != fs["merged"]}
            if kept and meta is not None:
                kept[sync_store.RECORD_META] = meta
            changed[uid] = (kinds[uid], kept or None)
        if changed:
            sync_store.save_merge_states(session, changed)

    def _check_references(self, session: Session, conflict: Conflict, value: Value) -> None:
        spec = KINDS[conflict.kind].field(conflict.field)
        targets = [value] if spec.type is FieldType.REF and isinstance(value, str) else (
            value if spec.type is FieldType.REF_LIST and isinstance(value, list) else [])
        for target in targets:
            assert spec.ref_kind is not None
            if not record_store.exists(session, spec.ref_kind, target, live=False):
                raise InputError(f"{spec.label}: no {KINDS[spec.ref_kind].label.lower()} has "
                                 f"the uid {target}")

    def _settle_merge_state(self, session: Session, conflict: Conflict,
                            chosen: object) -> None:
        states = sync_store.merge_states(session, [conflict.record_uid])
        data = states.get(conflict.record_uid, {})
        meta = data.get(sync_store.RECORD_META)
        data = sync_store.field_states(data)
        data[conflict.field] = {"lead": chosen, "merged": chosen, "proposals": {}}
        if conflict.field == DELETED and chosen is True:
            for fs in data.values():
                fs["proposals"] = {}
        kept: dict[str, Any] = {n: fs for n, fs in data.items()
                                if fs["proposals"] or fs["lead"] != fs["merged"]}
        if kept and meta is not None:  # the next merge sees the decision's revision
            kept[sync_store.RECORD_META] = meta
        sync_store.save_merge_states(session, {conflict.record_uid: (conflict.kind,
                                                                      kept or None)})


def _changes(conflict: Conflict, changed: tuple[str, ...], cascade: Moved,
             deleted: bool) -> Changes:
    if not changed and not cascade:
        return Changes()
    if conflict.field == DELETED:
        pairs = ((conflict.kind, conflict.record_uid),) * bool(changed) + tuple(cascade)
        return Changes(deleted=pairs) if deleted else Changes(created=pairs)
    return Changes(updated=((conflict.kind, conflict.record_uid),),
                   fields={conflict.record_uid: changed})


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
