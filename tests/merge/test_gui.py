"""The import preview, the conflicts dialog, trust on first sight, drag and drop, the record
history and Edit ▸ Undo last import, driven through their widgets (pytest-qt)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from csa_desktop.bundle import keys
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.history import history_lines
from csa_desktop.services.sync import SyncService
from csa_desktop.ui.dialogs.conflicts import ConflictsDialog
from csa_desktop.ui.dialogs.history import HistoryDialog
from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog
from tests.helpers import dump
from tests.merge.conftest import District, Lab, import_files, open_conflicts

pytestmark = pytest.mark.gui


def rag_other_than(lab: Lab, uid: str, *avoid: str) -> str:
    return next(r for r in ("red", "amber", "green", "not-rated")
                if r != lab.baseline[uid].fields["rag"] and r not in avoid)


def two_conflicts(lab: Lab) -> tuple[Path, Path]:
    west, skem, _ = lab.districts
    one, two = lab.actions[0], lab.actions[1]
    first_rag = rag_other_than(lab, one)
    second_rag = rag_other_than(lab, one, first_rag)
    return (lab.bundle(west, [lab.update(one, rag=first_rag),
                              lab.update(two, title="Walks in Ormskirk")]),
            lab.bundle(skem, [lab.update(one, rag=second_rag),
                              lab.update(two, title="Walks in Skelmersdale")]))


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None]) -> QTimer:
    """Act on the first visible top-level widget of `kind` once it appears (modal dialogs
    run their own event loop, so the test acts from a timer)."""
    timer = QTimer()
    timer.setInterval(30)

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                timer.stop()
                act(widget)
                return

    timer.timeout.connect(poll)
    timer.start()
    return timer


def click(name: str) -> Callable[[QWidget], None]:
    def act(widget: QWidget) -> None:
        button = widget.findChild(QPushButton, name)
        assert button is not None, name
        button.click()
    return act


def answer(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    def act(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        widget.button(button).click()
    return act


def test_preview_dialog_lists_each_bundle_its_counts_records_conflicts_and_refusals(qtbot,
                                                                                    lab):
    first, second = two_conflicts(lab)
    broken = lab.tmp / "broken.csabundle"
    broken.write_bytes(b"not a zip")
    with Copy.open(lab.lead) as copy:
        report = SyncService(copy).import_files([first, second, broken], dry_run=True)
    dialog = ImportPreviewDialog(report)
    qtbot.addWidget(dialog)
    model = dialog.model
    rows = {model.item(r, 0).text(): (model.item(r, 1).text(), model.item(r, 0).child(0).text())
            for r in range(model.rowCount())}
    assert rows[first.name][0] == "Ready to import"
    assert "2 conflicts" in rows[first.name][1]
    assert rows[broken.name][0] == "Refused"
    assert "not a CSA bundle" in rows[broken.name][1]
    first_row = next(r for r in range(model.rowCount()) if model.item(r, 0).text() == first.name)
    lines = [model.item(first_row).child(r, 1).text()
             for r in range(1, model.item(first_row).rowCount())]
    assert lines == ["Conflict", "Conflict"]
    assert "2 bundles ready to import, 1 refused" in dialog.summary.text()
    assert dialog.apply_button.isEnabled()


def test_import_through_the_window_previews_then_applies_and_undo_goes_back(qtbot, window,
                                                                            lab):
    first, second = two_conflicts(lab)
    before = dump(lab.lead)
    timers = [when_shown(ImportPreviewDialog, click("applyImportButton")),
              when_shown(QMessageBox, answer(QMessageBox.StandardButton.No))]
    report = window.bundle_actions.import_bundles([first, second])
    assert report is not None and len(report.imported) == 2
    assert len(open_conflicts(lab.lead)) == 2
    assert window.bundle_actions.undo_import_action.isEnabled()
    timers.append(when_shown(QMessageBox, answer(QMessageBox.StandardButton.Yes)))
    window.bundle_actions.undo_import_action.trigger()
    assert dump(lab.lead) == before
    assert not window.bundle_actions.undo_import_action.isEnabled()


def test_cancelling_the_preview_imports_nothing(qtbot, window, lab):
    first, _ = two_conflicts(lab)
    before = dump(lab.lead)
    timer = when_shown(ImportPreviewDialog, click("cancelImportButton"))
    assert window.bundle_actions.import_bundles([first]) is None
    assert dump(lab.lead) == before
    assert not timer.isActive()


def test_conflicts_dialog_resolves_by_choosing_and_by_editing(qtbot, qtmodeltester, lab):
    import_files(lab.lead, *two_conflicts(lab))
    with Copy.open(lab.lead) as copy:
        dialog = ConflictsDialog(copy)
        qtbot.addWidget(dialog)
        dialog.show()
        qtmodeltester.check(dialog.model)
        assert dialog.model.rowCount() == 2
        rows = {dialog.model.view(r).field_label: r for r in range(2)}
        dialog.table.selectRow(rows["RAG"])
        rag_view = dialog.current
        skem_value = rag_view.conflict.incoming[1].value
        skem_button = dialog.findChild(QPushButton, "takeIncoming1")
        qtbot.mouseClick(skem_button, Qt.MouseButton.LeftButton)
        assert dialog.model.rowCount() == 1
        assert dialog.current.field_label == "What we will do"
        qtbot.keyClicks(dialog.result_edit, " (joint)")
        qtbot.mouseClick(dialog.findChild(QPushButton, "useValue"),
                         Qt.MouseButton.LeftButton)
        assert dialog.model.rowCount() == 0
        assert "No conflicts wait" in dialog.intro.text()
        assert {u for _k, u in dialog.changes.updated} == {lab.actions[0], lab.actions[1]}
        one = copy.records.get(lab.actions[0])
        two = copy.records.get(lab.actions[1])
    assert one.fields["rag"] == skem_value
    assert two.fields["title"] == f"{lab.baseline[lab.actions[1]].fields['title']} (joint)"


def test_preview_names_district_values_kept_out_by_the_leads_own_edit(qtbot, lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    import_files(lab.lead, lab.bundle(west, [lab.update(action, partners="West value")]),
                 lab.bundle(skem, [lab.update(action, partners="Skem value")]))
    with Copy.open(lab.lead) as copy:
        copy.records.update(action, {"partners": "Lead value"})
    later = lab.bundle(west, [lab.update(action, rag=rag_other_than(lab, action))])
    with Copy.open(lab.lead) as copy:
        report = SyncService(copy).import_files([later], dry_run=True)
    dialog = ImportPreviewDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    bundle = dialog.model.item(0, 0)
    assert "1 value kept as you edited" in bundle.child(0).text()
    lines = {bundle.child(r, 1).text(): bundle.child(r, 2).text()
             for r in range(1, bundle.rowCount())}
    assert lines["Kept your value"] == (
        "Action — Who else is involved: kept the lead's value; Ormskirk officer's and "
        "Skelmersdale officer's are in the history")


def test_unknown_sender_is_offered_for_trust_with_its_fingerprint(qtbot, window, lab):
    stranger = District("Chorley officer", keys.SigningKey.generate(), "0" * 8 + "-0000-4000"
                        "-8000-000000000000")
    path = lab.bundle(stranger, [lab.update(lab.actions[0], partners="Chorley team")])
    seen: dict[str, str] = {}

    def trust(dialog: QWidget) -> None:
        from csa_desktop.ui.dialogs.trust import TrustPromptDialog

        assert isinstance(dialog, TrustPromptDialog)
        seen["fingerprint"] = dialog.findChild(QWidget, "fingerprintLabel").text()
        assert dialog.chosen() == [lab.partnership]  # the scope it claims is ticked
        dialog.trust_button.click()

    from csa_desktop.ui.dialogs.trust import TrustPromptDialog

    timers = [when_shown(TrustPromptDialog, trust),
              when_shown(ImportPreviewDialog, click("applyImportButton"))]
    report = window.bundle_actions.import_bundles([path])
    assert stranger.key.fingerprint in seen["fingerprint"]
    assert report is not None and len(report.imported) == 1
    with Copy.open(lab.lead) as copy:
        assert copy.records.get(lab.actions[0]).fields["partners"] == "Chorley team"
        assert stranger.key.fingerprint in {k.fingerprint
                                            for k in BundleService(copy).trusted_keys()}
    del timers


def test_trusted_keys_dialog_replaces_a_key_naming_old_and_new_fingerprints(qtbot, lab):
    from csa_desktop.ui.dialogs.trust import TrustedKeysDialog

    ormskirk = lab.districts[0]
    import_files(lab.lead, lab.bundle(ormskirk, [lab.update(lab.actions[0], partners="A")]))
    rotated = District(ormskirk.name, keys.SigningKey.generate(), ormskirk.replica, ormskirk.seq)
    path = lab.bundle(rotated, [lab.update(lab.actions[0], partners="B")])
    asked: dict[str, str] = {}

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked[box.windowTitle()] = box.text()
        box.button(QMessageBox.StandardButton.Yes if box.windowTitle() == "Replace the key?"
                   else QMessageBox.StandardButton.Ok).click()

    with Copy.open(lab.lead) as copy:
        dialog = TrustedKeysDialog(BundleService(copy))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        row = next(r for r in range(dialog.model.rowCount())
                   if dialog.model.key(r).name == ormskirk.name)
        dialog.table.selectRow(row)
        timer = QTimer()
        timer.setInterval(30)

        def poll() -> None:  # the question, then the confirmation: each answered once
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QMessageBox) and widget.isVisible() and \
                        widget.windowTitle() not in asked:
                    confirm(widget)
                    return

        timer.timeout.connect(poll)
        timer.start()
        assert dialog.replace_selected(path)
        timer.stop()
        fingerprints = {k.fingerprint for k in BundleService(copy).trusted_keys()}
    text = asked["Replace the key?"]
    assert ormskirk.key.fingerprint in text and rotated.key.fingerprint in text
    assert rotated.key.fingerprint in fingerprints
    assert ormskirk.key.fingerprint not in fingerprints
    assert import_files(lab.lead, path).imported


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Qt's QPoint constructor
def test_bundles_dropped_on_the_window_are_imported(qtbot, window, lab):
    first, _ = two_conflicts(lab)
    timer = when_shown(ImportPreviewDialog, click("applyImportButton"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(first)), QUrl.fromLocalFile(str(lab.tmp / "x.txt"))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()  # the window takes .csabundle files
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: not timer.isActive(), timeout=10_000)
    qtbot.waitUntil(lambda: window.bundle_actions.undo_import_action.isEnabled(),
                    timeout=10_000)
    with Copy.open(lab.lead) as copy:
        assert copy.records.get(lab.actions[1]).fields["title"] == "Walks in Ormskirk"


def test_history_dialog_shows_accepted_values_then_both_held_for_a_decision(
        qtbot, qtmodeltester, lab):
    first, second = two_conflicts(lab)
    import_files(lab.lead, first)
    with Copy.open(lab.lead) as copy:
        assert "from a bundle" in {line.how for line in history_lines(copy, lab.actions[1])}
    import_files(lab.lead, second)
    with Copy.open(lab.lead) as copy:
        entries = history_lines(copy, lab.actions[1])
    dialog = HistoryDialog("Walks", entries)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtmodeltester.check(dialog.model)
    rows = [(dialog.model.index(r, 1).data(), dialog.model.index(r, 2).data())
            for r in range(dialog.model.rowCount())]
    # the first value, accepted alone, waits with the second now: one line each, as if both
    # bundles had come in together
    held = [who for who, how in rows if how == "held for a decision"]
    assert sorted(held) == ["Ormskirk officer", "Skelmersdale officer"], rows


def test_record_history_shows_the_history_of_the_section_on_screen(qtbot, window, lab):
    with Copy.open(lab.lead) as copy:
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"title": "Context, as the county now puts it"})
    window.refresh(None)
    assert window.show_place(f"section:{section.uid}")
    seen: dict[str, object] = {}

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, HistoryDialog)
        model = dialog.model
        seen["title"] = dialog.windowTitle()
        seen["values"] = {model.index(r, 5).data() for r in range(model.rowCount())}
        dialog.reject()

    timer = when_shown(HistoryDialog, look)
    window.bundle_actions.history_action.trigger()
    assert "Context, as the county now puts it" in str(seen["title"])
    assert "Context, as the county now puts it" in seen["values"]
    del timer


def test_cancel_in_the_progress_dialog_stops_the_worker_and_changes_nothing(qtbot, window, lab):
    import time

    from PySide6.QtWidgets import QProgressDialog

    from csa_desktop.services.sync import ImportCancelledError
    from csa_desktop.ui.busy import run_with_progress

    first, second = two_conflicts(lab)
    before = dump(lab.lead)
    sync = SyncService(window.copy)

    def slow_import(progress, cancelled):
        def waiting() -> bool:  # the import asks often; hold it until Cancel is pressed
            deadline = time.monotonic() + 10
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.02)
            return cancelled()
        return sync.import_files([first, second], progress=progress, cancelled=waiting)

    def press_cancel(dialog: QWidget) -> None:
        [button] = [b for b in dialog.findChildren(QPushButton) if "Cancel" in b.text()]
        button.click()

    timer = when_shown(QProgressDialog, press_cancel)
    with pytest.raises(ImportCancelledError):
        run_with_progress(window, "Importing bundles", slow_import)
    assert dump(lab.lead) == before
    del timer
