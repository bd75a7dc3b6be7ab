"""The three journeys through the real windows, shown on screen, from start to the file each
ends with: the district officer updates an action and exports a contribution; the lead imports
it through the preview; anyone prints the updated local plan to PDF from the print preview."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QPlainTextEdit, QPushButton

from csa_desktop.domain.roles import Role
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog
from csa_desktop.ui.dialogs.print_preview import PrintPreviewDialog
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.settings import WindowSettings
from tests.merge.test_gui import answer, click, when_shown
from tests.printing.pdfcheck import page_texts
from tests.ui.conftest import control, open_dialog
from tests.ui.showing import settle
from tests.ui.test_actions import click_ok

pytestmark = pytest.mark.gui
WEST = "West Lancashire CSP"


def open_window(qtbot, folder: Path, tmp_path: Path, name: str) -> tuple[MainWindow, Copy]:
    settings = WindowSettings(QSettings(str(tmp_path / f"{name}.ini"),
                                        QSettings.Format.IniFormat))
    copy = Copy.open(folder)
    window = MainWindow(copy, settings)
    qtbot.addWidget(window)
    assert not settle(qtbot, window, (1280, 800)).runaway
    window.activateWindow()
    return window, copy


def test_officer_to_lead_to_print(qtbot, demo_dir, tmp_path, monkeypatch):
    # The lead publishes a baseline; the officer's copy takes it (arranged through services).
    with Copy.open(demo_dir) as lead:
        BundleService(lead).export(tmp_path / "baseline.csabundle")
        west = next(r.uid for r in lead.records.list_kind("partnership") if r.title == WEST)
    district_dir = tmp_path / "district"
    with init_copy(district_dir, role=Role.DISTRICT, name="West Lancs officer",
                   partnerships=[west], empty=True) as district:
        assert not SyncService(district).import_files([tmp_path / "baseline.csabundle"]).refused

    # --- the officer: RAG to Red, a progress update, File ▸ Export bundle -------------------
    window, copy = open_window(qtbot, district_dir, tmp_path, "officer")
    assert window.show_place(f"local-plan:{WEST}")
    panel = window.local_plans_page.actions_panel
    qtbot.waitUntil(lambda: bool(panel.current_uid()))
    action = panel.current_uid()
    rag = control(window, QComboBox, "RAG")
    rag.setFocus()
    qtbot.waitUntil(rag.hasFocus)
    while rag.currentData() != "red":
        qtbot.keyClick(rag, Qt.Key.Key_Up if rag.currentIndex() > rag.findData("red")
                       else Qt.Key.Key_Down)
    qtbot.mouseClick(control(window, QPushButton, "Add progress update"),
                     Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    period = control(dialog, QComboBox, "Period")
    period.setCurrentIndex(period.findText("2022/23 Q3"))
    qtbot.keyClicks(control(dialog, QPlainTextEdit, "Narrative"), "Venue fell through.")
    click_ok(qtbot, dialog)
    bundle = tmp_path / "out" / "west.csabundle"
    bundle.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(bundle), "CSA bundles (*.csabundle)"))
    window.bundle_actions.export_action.trigger()
    qtbot.waitUntil(bundle.exists, timeout=10_000)
    advice = window.bundle_actions.after_export  # what to do with the file, then OK
    assert "Send this file to the county team" in advice.informativeText()
    advice.accept()
    window.close()
    copy.close()

    # --- the lead: File ▸ Import bundles…, the preview, Import -----------------------------
    with Copy.open(demo_dir) as lead:
        BundleService(lead).trust(str(bundle), partnerships=[WEST])
    window, copy = open_window(qtbot, demo_dir, tmp_path, "lead")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *_a, **_k: ([str(bundle)], "CSA bundles (*.csabundle)"))
    seen: list[str] = []

    def preview_then_import(widget) -> None:
        seen.append(" ".join(widget.model.item(0).child(r, 2).text()
                             for r in range(1, widget.model.item(0).rowCount())))
        click("applyImportButton")(widget)

    timers = [when_shown(ImportPreviewDialog, preview_then_import),
              when_shown(QMessageBox, answer(QMessageBox.StandardButton.No))]
    window.bundle_actions.import_action.trigger()
    qtbot.waitUntil(lambda: copy.records.get(action)["rag"] == "red", timeout=10_000)
    assert "RAG:" in seen[0] and "→ Red" in seen[0]
    updates = copy.records.list_kind("progress-update", where={"action_uid": action})
    assert "Venue fell through." in [u["narrative"] for u in updates]

    # --- anyone: Ctrl+P on the local plan, Save as PDF ----------------------------------------
    assert window.show_place(f"local-plan:{WEST}")
    pdf = tmp_path / "out" / "west-tracker.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(pdf), "PDF documents (*.pdf)"))

    def save_and_close(widget) -> None:
        assert widget.document == "local-plan"
        widget.save_button.click()
        widget.reject()

    timers.append(when_shown(PrintPreviewDialog, save_and_close))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(pdf.exists, timeout=10_000)
    text = " ".join(page_texts(pdf.read_bytes()))
    assert WEST in text and "Venue fell through." in text
    assert dt.date.today().strftime("%Y") in text
    for timer in timers:
        timer.stop()
    window.close()
    copy.close()

