"""Undo commands: each redo() and each undo() makes exactly one RecordService call.

EditHistory runs a command once (so a refused edit raises CsaError to the view that asked,
and never reaches the stack), then pushes it; later redo/undo calls replay it, and one that
fails (the record changed scope, or was deleted by an import) is reported and dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from csa_desktop.domain.indicators import DERIVED_UID_KINDS
from csa_desktop.domain.kinds import KINDS, Value, new_uid
from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.services.conflicts import ConflictService, Decision
from csa_desktop.services.records import RecordService

MERGEABLE_EDIT_ID = 1


class RecordCommand(QUndoCommand):
    def __init__(self, records: RecordService, text: str) -> None:
        super().__init__(text)
        self.records = records
        self._history: EditHistory | None = None
        self._skip_next_redo = False

    def apply(self) -> Changes:
        raise NotImplementedError

    def revert(self) -> Changes:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_next_redo:  # already applied by EditHistory.run
            self._skip_next_redo = False
            return
        if self._history is not None:
            self._history.replay(self, undo=False)

    def undo(self) -> None:
        if self._history is not None:
            self._history.replay(self, undo=True)


class EditFieldsCommand(RecordCommand):
    """Set some fields of one record; undo sets their old values back."""

    def __init__(self, records: RecordService, uid: str, old: Mapping[str, Value],
                 new: Mapping[str, Value], text: str, merge_key: object = None) -> None:
        super().__init__(records, text)
        self.uid = uid
        self.old = dict(old)
        self.new = dict(new)
        self.merge_key = merge_key

    def apply(self) -> Changes:
        return self.records.update(self.uid, self.new)

    def revert(self) -> Changes:
        return self.records.update(self.uid, self.old)

    def id(self) -> int:
        return MERGEABLE_EDIT_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Successive saves of one text while it is being typed become one undo step."""
        if not (isinstance(other, EditFieldsCommand) and other.uid == self.uid
                and other.merge_key == self.merge_key and other.new.keys() == self.new.keys()):
            return False
        self.new = dict(other.new)
        self.setObsolete(self.new == self.old)
        return True


class CreateRecordCommand(RecordCommand):
    """Create a record with a uid chosen up front; undo deletes it, redo restores it."""

    def __init__(self, records: RecordService, kind: str, values: Mapping[str, Value],
                 text: str) -> None:
        super().__init__(records, text)
        self.kind = kind
        self.values = dict(values)
        # an indicator value's uid derives from its indicator and period: the service gives it
        self.uid = "" if kind in DERIVED_UID_KINDS else new_uid()
        self._deleted: list[str] = []

    def apply(self) -> Changes:
        if self._deleted:
            return self.records.restore(self._deleted)
        changes = self.records.create(self.kind, self.values, uid=self.uid or None)
        self.uid = changes.created[0][1]
        return changes

    def revert(self) -> Changes:
        changes = self.records.delete(self.uid)
        self._deleted = [uid for _, uid in changes.deleted]
        return changes


class DeleteRecordCommand(RecordCommand):
    """Delete a record and what sits under it; undo restores exactly those records."""

    def __init__(self, records: RecordService, uid: str, text: str) -> None:
        super().__init__(records, text)
        self.uid = uid
        self._deleted: list[str] = []

    def apply(self) -> Changes:
        changes = self.records.delete(self.uid)
        self._deleted = [uid for _, uid in changes.deleted]
        return changes

    def revert(self) -> Changes:
        return self.records.restore(self._deleted)


class MoveRecordCommand(RecordCommand):
    """Place an ordered record between two neighbours; undo puts its old position back."""

    def __init__(self, records: RecordService, uid: str, old_position: Value,
                 after: str | None, before: str | None, text: str) -> None:
        super().__init__(records, text)
        self.uid = uid
        self.old_position = old_position
        self.after = after
        self.before = before

    def apply(self) -> Changes:
        return self.records.move(self.uid, after=self.after, before=self.before)

    def revert(self) -> Changes:
        return self.records.update(self.uid, {"position": self.old_position})


class EditHistory(QObject):
    """The session's edits: every change the editor makes goes through here, onto one stack."""

    changed = Signal(object)  # Changes, after every apply, undo and redo
    applied = Signal(str)  # "Edit section title", after a new edit is saved
    failed = Signal(str)  # an undo or redo that could not be replayed
    replayed = Signal(str)  # "Undone: …" / "Redone: …"

    def __init__(self, records: RecordService, stack: QUndoStack,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.stack = stack

    def run(self, command: RecordCommand) -> Changes:
        """Apply `command` now (CsaError propagates, nothing is pushed), then push it."""
        changes = command.apply()
        command._history = self
        command._skip_next_redo = True
        self.stack.push(command)
        self.changed.emit(changes)
        self.applied.emit(command.text())
        return changes

    def replay(self, command: RecordCommand, *, undo: bool) -> None:
        verb = "Undone" if undo else "Redone"
        try:
            changes = command.revert() if undo else command.apply()
        except CsaError as exc:
            command.setObsolete(True)
            self.failed.emit(f"Could not {'undo' if undo else 'redo'} “{command.text()}”: {exc}")
            self.changed.emit(Changes())
            return
        self.changed.emit(changes)
        self.replayed.emit(f"{verb}: {command.text()}")

    # --- the edits views ask for -----------------------------------------------------------

    def edit(self, uid: str, values: Mapping[str, Value], *,
             merge_key: object = None) -> Changes:
        """Change fields of a record; nothing happens (and nothing is pushed) if none differ."""
        record = self.records.get(uid)
        spec = KINDS[record.kind]
        changed = {name: value for name, value in values.items()
                   if record.fields.get(name) != value or not spec.has_field(name)}
        if not changed:
            return Changes()
        old = {name: record.fields.get(name) for name in changed}
        labels = ", ".join(spec.field(name).label.lower() for name in changed
                           if spec.has_field(name))
        text = f"Edit {spec.label.lower()} {labels}".strip()
        return self.run(EditFieldsCommand(self.records, uid, old, changed, text, merge_key))

    def create(self, kind_name: str, values: Mapping[str, Value]) -> str:
        """Create a record; returns its uid."""
        command = CreateRecordCommand(self.records, kind_name, values,
                                      f"Add {KINDS[kind_name].label.lower()}")
        self.run(command)
        return command.uid

    def delete(self, uid: str) -> Changes:
        record = self.records.get(uid)
        label = KINDS[record.kind].label.lower()
        title = record.title
        text = f"Delete {label} “{_short(title)}”" if title else f"Delete {label}"
        return self.run(DeleteRecordCommand(self.records, uid, text))

    def move(self, uid: str, *, after: str | None, before: str | None) -> Changes:
        record = self.records.get(uid)
        text = f"Move {KINDS[record.kind].label.lower()} “{_short(record.title)}”"
        return self.run(MoveRecordCommand(self.records, uid, record.fields.get("position"),
                                          after, before, text))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DecideConflictCommand(RecordCommand):
    """Decide a conflict (one ConflictService call); undo takes the decision back and the
    conflict waits again; redo decides it the same way."""

    def __init__(self, records: RecordService, conflicts: ConflictService,
                 decide: Callable[[], Decision], text: str) -> None:
        super().__init__(records, text)
        self.conflicts = conflicts
        self.decide = decide
        self.decision: Decision | None = None

    def apply(self) -> Changes:
        self.decision = self.decide()
        return self.decision.changes

    def revert(self) -> Changes:
        assert self.decision is not None
        return self.conflicts.undo(self.decision)


def decide_conflict(history: EditHistory, conflicts: ConflictService,
                    decide: Callable[[], Decision], text: str) -> Changes:
    """Decide through the undo stack (Ctrl+Z takes the decision back)."""
    return history.run(DecideConflictCommand(history.records, conflicts, decide, text))
