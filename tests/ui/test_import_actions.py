"""File ▸ Import actions…: a council's workbook through the column-mapping dialog, into the
copy, and back out with Edit ▸ Undo last import; the dialog words its own messages."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QLabel, QMessageBox

from csa_desktop.ui.dialogs.import_actions import ImportActionsDialog
from tests.adoption.builders import BAD_ROW, council_workbook
from tests.merge.test_gui import answer, when_shown
from tests.ui.conftest import control

pytestmark = pytest.mark.gui
PENDLE = "Pendle CSP"
TITLES = {"Run awareness weeks in every ward", "Train GP receptionists to spot the signs",
          "Off-road bike operations on the moors", "Alley-gating in Brierfield"}


def _pendle_actions(copy) -> dict[str, dict]:
    return {a.title: a.fields for a in copy.records.list_kind("action", partnership=PENDLE)}


def _narratives(copy) -> set[str]:
    return {u["narrative"] for u in copy.records.list_kind("progress-update")}


def test_the_whole_journey_choose_map_import_then_undo(qtbot, window, tmp_path, monkeypatch):
    copy = window.copy
    path = council_workbook(tmp_path / "pendle-action-plan.xlsx")
    before = set(_pendle_actions(copy))
    assert not TITLES & before
    assert window.show_place(f"local-plan:{PENDLE}")  # the dialog offers the plan shown
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a, **_k: (str(path), "Spreadsheets"))
    seen: dict[str, object] = {}

    def map_and_import(dialog: ImportActionsDialog) -> None:
        try:
            choose(dialog)
        except BaseException as exc:  # the dialog's own loop would swallow it: close, report
            seen["error"] = exc
            dialog.reject()

    def choose(dialog: ImportActionsDialog) -> None:
        seen["partnership"] = control(dialog, QComboBox, "Partnership").currentText()
        seen["preview"] = {dialog.preview.item(r, 2).text(): dialog.preview.item(r, 1).text()
                           for r in range(dialog.preview.rowCount())}
        seen["bad"] = [dialog.bad.item(r).text() for r in range(dialog.bad.count())]
        seen["enabled before skipping"] = dialog.import_button.isEnabled()
        summary = control(dialog, QLabel, "What the import would do")
        seen["summary"] = summary.text()
        notes = control(dialog, QComboBox, "Column I: Notes")  # guessed as a progress update
        notes.setCurrentIndex(notes.findData("ignore"))
        qtbot.waitUntil(lambda: summary.text() != seen["summary"], timeout=3000)
        seen["summary after"] = summary.text()
        control(dialog, QCheckBox, "Leave these rows out and import the others").click()
        dialog.import_button.click()

    timer = when_shown(ImportActionsDialog, map_and_import)
    window.adopt_actions.import_actions_action.trigger()
    timer.stop()

    assert "error" not in seen, seen.get("error")
    assert seen["partnership"] == PENDLE
    assert seen["preview"]["Run awareness weeks in every ward"] == "Domestic abuse"
    assert seen["preview"]["Alley-gating in Brierfield"] == "Anti-social behaviour"
    assert seen["bad"] == [f"Row {BAD_ROW}: column 'Target date': 'next spring' is not a date "
                           "(write it day first, as 31/03/2025, or as March 2025)"]
    assert seen["enabled before skipping"] is False
    assert "4 progress updates" in str(seen["summary"])
    assert "3 progress updates" in str(seen["summary after"])

    actions = _pendle_actions(copy)
    assert set(actions) >= TITLES
    assert "Youth diversion sessions in the school holidays" not in actions
    assert actions["Alley-gating in Brierfield"]["status"] == "completed"
    assert "Three bikes seized" in _narratives(copy)
    assert "Funded by the PCC" not in _narratives(copy)  # its column was set to not imported
    assert "Edit ▸ Undo last import" in window.statusBar().currentMessage()
    assert window.bundle_actions.undo_import_action.isEnabled()

    timer = when_shown(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    window.bundle_actions.undo_import_action.trigger()
    timer.stop()
    assert set(_pendle_actions(copy)) == before
    assert "Three bikes seized" not in _narratives(copy)


def test_a_mapping_without_the_actions_text_is_said_in_the_dialogs_words(qtbot, demo_copy,
                                                                         tmp_path):
    dialog = ImportActionsDialog(demo_copy, council_workbook(tmp_path / "plan.xlsx"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.set_column("Action", "ignore")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=3000)
    text = dialog.error.text()
    assert "What we will do" in text and "Becomes" in text and "--" not in text
    assert not dialog.import_button.isEnabled() and dialog.preview.rowCount() == 0
    dialog.set_column("Notes", "title")
    qtbot.waitUntil(lambda: not dialog.error.isVisible(), timeout=3000)
    assert dialog.preview.item(0, 2).text() == "Funded by the PCC"


def test_nothing_is_written_while_a_row_cannot_be_read(qtbot, demo_copy, tmp_path):
    count = len(demo_copy.records.list_kind("action"))
    dialog = ImportActionsDialog(demo_copy, council_workbook(tmp_path / "plan.xlsx"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.import_button.click()  # disabled: the bad row waits for a choice
    dialog.accept()  # even when asked directly
    assert dialog.result_ is None and dialog.isVisible()
    assert len(demo_copy.records.list_kind("action")) == count


def test_a_district_copy_offers_only_its_own_partnership(qtbot, district_window, tmp_path):
    dialog = ImportActionsDialog(district_window.copy, council_workbook(tmp_path / "p.xlsx"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    combo = control(dialog, QComboBox, "Partnership")
    assert [combo.itemText(i) for i in range(combo.count())] == ["West Lancashire CSP"]
