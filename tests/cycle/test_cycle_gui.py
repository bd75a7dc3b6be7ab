"""The yearly cycle in the GUI: driven through its widgets, checked through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from PySide6.QtCore import QDate, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QMessageBox

from csa_desktop.domain.roles import Role
from csa_desktop.services.approvals import workflow
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.refresh import list_refreshes, start_refresh, version_table
from csa_desktop.ui import cycle_actions
from csa_desktop.ui.dialogs.approvals import ApprovalsDialog
from csa_desktop.ui.dialogs.compare_refreshes import CompareRefreshesDialog
from csa_desktop.ui.dialogs.start_refresh import StartRefreshDialog
from csa_desktop.ui.dialogs.version_table import SUMMARY, VersionTableDialog
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.settings import WindowSettings

pytestmark = pytest.mark.gui
TODAY = dt.date(2024, 12, 1)


@pytest.fixture
def window(qtbot, demo_dir: Path, tmp_path: Path) -> Iterator[MainWindow]:
    settings = WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    copy = Copy.open(demo_dir)
    main = MainWindow(copy, settings)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()
    copy.close()


def action(window: MainWindow, name: str):
    (found,) = [a for a in window.findChildren(type(window.menuBar().actions()[0]))
                if a.objectName() == name]
    return found


def when_dialog_opens(qtbot, act) -> None:
    """Run `act(dialog)` on the next modal dialog that opens."""
    def poke() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            act(dialog)
        else:
            QTimer.singleShot(20, poke)
    QTimer.singleShot(20, poke)


def test_the_agreement_and_file_menus_have_the_cycle_items(window):
    names = [a.objectName() for a in window.agreement_menu.actions()]
    for name in ("start_refresh_action", "approvals_action", "version_table_action",
                 "compare_refreshes_action"):
        assert name in names
    names = [a.objectName() for a in window.file_menu.actions()]
    assert names.index("export_word_action") < len(names) - 1  # before Quit
    assert action(window, "start_refresh_action").isEnabled()


def test_a_district_window_cannot_start_a_refresh(qtbot, tmp_path):
    folder = tmp_path / "district"
    init_copy(folder, role=Role.DISTRICT, partnerships=["Pendle CSP"]).close()
    copy = Copy.open(folder)
    settings = WindowSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    main = MainWindow(copy, settings)
    qtbot.addWidget(main)
    try:
        assert not action(main, "start_refresh_action").isEnabled()
    finally:
        main.close()
        copy.close()


def test_starting_a_refresh_from_the_menu(qtbot, window):
    def start(dialog: QDialog) -> None:
        edit = dialog.findChild(QLineEdit)
        edit.clear()
        qtbot.keyClicks(edit, "2023/24")
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    when_dialog_opens(qtbot, start)
    action(window, "start_refresh_action").trigger()
    assert [r.label for r in list_refreshes(window.copy)] == ["2022/23", "2023/24"]
    assert window.undo_stack.count() == 0
    assert "Started the 2023/24 refresh" in window.statusBar().currentMessage()


def test_the_start_dialog_explains_and_refuses_a_bad_year(qtbot, demo_copy):
    dialog = StartRefreshDialog(demo_copy)
    qtbot.addWidget(dialog)
    assert dialog.year_edit.text() == "2023/24"
    assert "archive 7 completed or cancelled actions" in dialog.plan_label.text()
    dialog.year_edit.setText("2021/22")
    assert not dialog.start_button.isEnabled()
    assert "not after the refresh in progress" in dialog.plan_label.text()
    dialog.year_edit.setText("2023-24")
    assert dialog.start_button.isEnabled()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.started is not None and dialog.started.refresh.label == "2023/24"


def test_recording_approvals_step_by_step(qtbot, qtmodeltester, demo_copy, monkeypatch):
    start_refresh(demo_copy, "2023/24")
    dialog = ApprovalsDialog(demo_copy, today=TODAY)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert not dialog.date_edit.isEnabled()  # editorial review takes no date
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert workflow(demo_copy).status == "editorial-review"
    assert dialog.date_edit.isEnabled() and dialog.minute_edit.isEnabled()
    dialog.date_edit.setDate(QDate(2024, 7, 1))
    qtbot.keyClicks(dialog.minute_edit, "CSPB 24/07")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    now = workflow(demo_copy)
    assert now.status == "approved-by-board" and not now.draft
    board = now.stages[2]
    assert (board.decided_on, board.minute_ref) == (dt.date(2024, 7, 1), "CSPB 24/07")
    assert ("agreement", now.agreement_uid) in dialog.changes.updated
    assert "Approved by the Board 1 July 2024" in dialog.status_label.text()

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert workflow(demo_copy).status == "editorial-review"


def test_a_refused_step_shows_the_reason_and_changes_nothing(qtbot, demo_copy, monkeypatch):
    start_refresh(demo_copy, "2023/24")
    dialog = ApprovalsDialog(demo_copy, today=TODAY)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog.today = dt.date(2024, 6, 1)
    dialog.date_edit.setMaximumDate(QDate(2030, 1, 1))
    dialog.date_edit.setDate(QDate(2024, 7, 1))  # after "today": in the future
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert warnings and "in the future" in warnings[0]
    assert workflow(demo_copy).status == "editorial-review"


def test_the_lead_edits_a_change_summary_in_the_version_table(qtbot, qtmodeltester,
                                                             demo_copy):
    start_refresh(demo_copy, "2023/24")
    section = demo_copy.records.list_kind("section")[0]
    demo_copy.records.update(section.uid, {"body": "Shorter."})
    dialog = VersionTableDialog(demo_copy)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)
    index = dialog.model.index(0, SUMMARY)
    assert index.data() == "Text revised."
    dialog.view.setCurrentIndex(index)
    dialog.view.edit(index)
    editor = dialog.view.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Introduction shortened.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: version_table(demo_copy).changes[0].edited)
    (line,) = version_table(demo_copy).changes
    assert line.summary == "Introduction shortened." and line.edited
    dialog.view.selectRow(0)
    assert dialog.reset_button.isEnabled()
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert not version_table(demo_copy).changes[0].edited


def test_the_version_table_of_the_first_refresh_says_so(qtbot, demo_copy):
    dialog = VersionTableDialog(demo_copy)
    qtbot.addWidget(dialog)
    assert "No refresh before 2022/23 is recorded" in dialog.summary_label.text()
    assert dialog.model.rowCount() == 0


def test_comparing_refreshes_side_by_side(qtbot, qtmodeltester, demo_copy):
    start_refresh(demo_copy, "2023/24")
    section = demo_copy.records.list_kind("section")[0]
    demo_copy.records.update(section.uid, {"body": "Line one.\nLine two."})
    dialog = CompareRefreshesDialog(demo_copy)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)
    qtmodeltester.check(dialog.proxy)
    assert dialog.model.headerData(4, Qt.Orientation.Horizontal) == "In 2022/23"
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("section"))
    assert dialog.proxy.rowCount() == 1
    dialog.view.selectRow(0)
    assert dialog.a_text.toPlainText() == section["body"]
    assert dialog.b_text.toPlainText() == "Line one.\nLine two."
    qtbot.keyClicks(dialog.find_edit, "no such words anywhere")
    assert dialog.proxy.rowCount() == 0
    dialog.find_edit.clear()
    dialog.kind_box.setCurrentIndex(0)
    dialog.change_box.setCurrentIndex(dialog.change_box.findData("changed"))
    assert dialog.proxy.rowCount() == dialog.model.rowCount() > 1


def test_exports_from_the_window_write_word_and_excel(qtbot, window, tmp_path):
    written = cycle_actions.export_word(window, tmp_path / "agreement.docx")
    assert written is not None
    assert docx.Document(str(written)).paragraphs[0].style.name == "Title"
    written = cycle_actions.export_excel(window, tmp_path / "plans.xlsx", partnership="")
    assert written is not None
    assert len(openpyxl.load_workbook(written).sheetnames) == 4
    assert "Saved" in window.statusBar().currentMessage()


def test_an_export_that_fails_says_why(qtbot, window, tmp_path, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    assert cycle_actions.export_word(window, tmp_path / "missing" / "a.docx") is None
    assert warnings and "does not exist" in warnings[0]


def test_the_agreement_page_lists_only_this_refreshs_approvals(qtbot, window):
    from csa_desktop.ui.views.agreement_page import AgreementPage

    page = next(p for p in window.pages if isinstance(p, AgreementPage))
    assert window.show_place("agreement")  # the window opens on the dashboard
    assert page.approvals.rowCount() == 3
    start_refresh(window.copy, "2023/24")
    window.refresh(None)
    assert page.approvals.rowCount() == 0


def _answer_edition(qtbot, window, choice: str | None) -> None:
    """Once the edition question is open: choose `choice` and accept (None: cancel)."""
    def answer() -> None:
        dialog = window.edition_dialog
        assert dialog is not None and dialog.isVisible()
        if choice is None:
            dialog.reject()
            return
        combo = dialog.findChild(QComboBox)
        combo.setCurrentIndex(combo.findText(choice))
        dialog.accept()

    QTimer.singleShot(0, answer)  # runs in the question's own event loop


def test_a_copy_with_restricted_content_asks_which_edition_to_export_to_word(
        qtbot, window, tmp_path):
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"restricted": True})
    _answer_edition(qtbot, window, None)
    assert cycle_actions.export_word(window, tmp_path / "cancelled.docx") is None
    assert not (tmp_path / "cancelled.docx").exists()

    _answer_edition(qtbot, window, cycle_actions.FULL_CHOICE)
    full = cycle_actions.export_word(window, tmp_path / "full.docx")
    header = docx.Document(str(full)).sections[0].header.paragraphs[0].text
    assert "OFFICIAL-SENSITIVE" in header
    assert any(p.text.endswith(section.title) for p in docx.Document(str(full)).paragraphs)

    _answer_edition(qtbot, window, cycle_actions.PUBLIC_CHOICE)
    public = docx.Document(str(cycle_actions.export_word(window, tmp_path / "public.docx")))
    assert not any(p.text.endswith(section.title) for p in public.paragraphs
                   if p.style.name.startswith("Heading"))
