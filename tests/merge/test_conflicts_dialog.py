"""The conflicts dialog as a lead uses it, shown on screen: one readable panel at a time that
is replaced the moment a decision is made, labels instead of codes, a chooser for a field with
fixed values, and Ctrl+Z taking a decision back (through the window's undo stack)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS
from csa_desktop.services.conflicts import ConflictService
from csa_desktop.services.copy import Copy
from csa_desktop.ui.dialogs.conflicts import ConflictsDialog
from tests.merge.conftest import Lab, import_files, open_conflicts
from tests.merge.test_gui import two_conflicts
from tests.ui.showing import settle

pytestmark = pytest.mark.gui

CODES = {c for c in (*ACTION_STATUSES, *RAGS) if "-" in c}  # codes no label spells so


def status_conflict(lab: Lab) -> None:
    """Two districts set one action's status to two new values: "On hold" and another."""
    west, skem, _ = lab.districts
    action = lab.actions[2]
    base = lab.baseline[action].fields["status"]
    other = next(s for s in ("in-progress", "completed") if s != base)
    first = "on-hold" if base != "on-hold" else "cancelled"
    import_files(lab.lead, lab.bundle(west, [lab.update(action, status=first)]),
                 lab.bundle(skem, [lab.update(action, status=other)]))


def visible(root: QWidget, kind: type, name: str) -> list[QWidget]:
    return [w for w in root.findChildren(kind, name) if w.isVisible()]


def shown_texts(root: QWidget) -> list[str]:
    texts = [w.text() for w in root.findChildren(QLabel) if w.isVisible()]
    for combo in root.findChildren(QComboBox):
        if combo.isVisible():
            texts += [combo.itemText(i) for i in range(combo.count())]
    model = root.findChild(QWidget, "conflictsTable").model()
    texts += [str(model.index(r, c).data()) for r in range(model.rowCount())
              for c in range(model.columnCount())]
    return texts


def test_each_decision_replaces_the_panel_at_once_and_the_last_leaves_no_dead_box(qtbot, lab):
    import_files(lab.lead, *two_conflicts(lab))
    with Copy.open(lab.lead) as copy:
        dialog = ConflictsDialog(copy)
        qtbot.addWidget(dialog)
        settling = settle(qtbot, dialog, (900, 600))
        assert not settling.runaway and settling.overlaps == []
        qtbot.mouseClick(dialog.findChild(QPushButton, "takeIncoming0"),
                         Qt.MouseButton.LeftButton)
        # at once, before the event loop has had a chance to delete anything
        assert len(visible(dialog, QLabel, "conflictTitle")) == 1
        assert len(visible(dialog, QPushButton, "useValue")) == 1
        settling = settle(qtbot, dialog)
        assert settling.overlaps == [] and not settling.runaway
        qtbot.mouseClick(dialog.findChild(QPushButton, "takeIncoming0"),
                         Qt.MouseButton.LeftButton)
        assert visible(dialog, QLabel, "conflictTitle") == []
        assert visible(dialog, QPushButton, "useValue") == []
        assert dialog.placeholder.isVisible()
        assert "No conflicts wait" in dialog.placeholder.text()


@pytest.mark.parametrize("size", [(800, 600), (1100, 720), (1920, 1080)])
def test_the_dialog_settles_without_overlapping_widgets_at_any_size(qtbot, lab, size):
    import_files(lab.lead, *two_conflicts(lab))
    status_conflict(lab)
    with Copy.open(lab.lead) as copy:
        dialog = ConflictsDialog(copy)
        qtbot.addWidget(dialog)
        settling = settle(qtbot, dialog, size)
        assert not settling.runaway, settling
        assert settling.overlaps == []
        for row in range(dialog.model.rowCount()):
            dialog.table.selectRow(row)
            assert settle(qtbot, dialog).overlaps == []


def test_values_show_as_labels_and_a_choice_field_is_chosen_from_its_choices(qtbot, lab):
    status_conflict(lab)
    with Copy.open(lab.lead) as copy:
        dialog = ConflictsDialog(copy)
        qtbot.addWidget(dialog)
        settle(qtbot, dialog)
        texts = shown_texts(dialog)
        assert "On hold" in texts and "In progress" in texts
        assert not CODES & {t.strip() for t in texts}
        assert dialog.result_edit is None  # no free text for a field with fixed values
        chooser = dialog.result_choice
        assert [chooser.itemText(i) for i in range(chooser.count())] == [
            "Not started", "In progress", "Completed", "On hold", "Cancelled"]
        chooser.setCurrentIndex(chooser.findText("Completed"))
        qtbot.mouseClick(dialog.findChild(QPushButton, "useValue"), Qt.MouseButton.LeftButton)
        assert copy.records.get(lab.actions[2]).fields["status"] == "completed"
        assert open_conflicts(lab.lead) == set()


def test_ctrl_z_takes_a_decision_back_and_ctrl_shift_z_makes_it_again(qtbot, lab, window):
    import_files(lab.lead, *two_conflicts(lab))
    action = lab.actions[0]
    master = window.copy.records.get(action).fields["rag"]
    dialog = ConflictsDialog(window.copy, window, edits=window.edits)
    qtbot.addWidget(dialog)
    settle(qtbot, dialog)
    rows = {dialog.model.view(r).field_label: r for r in range(dialog.model.rowCount())}
    dialog.table.selectRow(rows["RAG"])
    taken = dialog.current.conflict.incoming[1].value
    qtbot.mouseClick(dialog.findChild(QPushButton, "takeIncoming1"), Qt.MouseButton.LeftButton)
    assert window.copy.records.get(action).fields["rag"] == taken
    assert dialog.model.rowCount() == 1

    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.copy.records.get(action).fields["rag"] == master
    assert dialog.model.rowCount() == 2  # the conflict waits again
    assert len(ConflictService(window.copy).list()) == 2
    assert window.bundle_actions.conflicts_action.text() == "&Conflicts (2)…"

    qtbot.keyClick(dialog.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.copy.records.get(action).fields["rag"] == taken
    assert dialog.model.rowCount() == 1
    dialog.reject()


def test_undoing_a_decision_restores_the_field_the_merge_state_and_the_open_conflict(lab):
    import_files(lab.lead, *two_conflicts(lab))
    with Copy.open(lab.lead) as copy:
        service = ConflictService(copy)
        view = next(v for v in service.list() if v.conflict.field == "rag")
        before = copy.records.get(view.conflict.record_uid)
        opened = open_conflicts(lab.lead)
        decision = service.decide_undoably(view.id, view.conflict.incoming[0].value,
                                           source=view.conflict.incoming[0])
        service.undo(decision)
        after = copy.records.get(view.conflict.record_uid)
        assert after.fields == before.fields
        assert open_conflicts(lab.lead) == opened
        service.decide(view.id, view.conflict.incoming[1].value,
                       source=view.conflict.incoming[1])
        assert copy.records.get(view.conflict.record_uid).fields["rag"] == \
            view.conflict.incoming[1].value


def test_the_resolved_history_row_names_the_lead_who_decided(lab):
    import_files(lab.lead, *two_conflicts(lab))
    with Copy.open(lab.lead) as copy:
        service = ConflictService(copy)
        view = next(v for v in service.list() if v.conflict.field == "rag")
        incoming = view.conflict.incoming[0]
        service.decide(view.id, incoming.value, source=incoming)
        resolved = [e for e in copy.records.history(view.conflict.record_uid)
                    if e.outcome == "resolved"]
        assert [e.who for e in resolved] == [copy.identity.name]
        assert resolved[0].bundle_id == incoming.bundle_id  # whose value won, all the same
