"""Agreement ▸ Draft the committee report…: the dialog, the body and the meeting chosen, the
Word draft saved where the user says."""

from __future__ import annotations

import docx
import pytest

pytestmark = pytest.mark.gui


def test_the_agreement_menu_drafts_the_report_for_the_body_and_meeting_chosen(
        qtbot, window, tmp_path, monkeypatch) -> None:
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    from csa_desktop.ui.dialogs.committee_report import CommitteeReportDialog
    from tests.merge.test_gui import when_shown

    target = tmp_path / "council report"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), "Word document (*.docx)"))
    seen: list[str] = []

    def choose(dialog: CommitteeReportDialog) -> None:
        seen.append(dialog.body_box.currentText())
        dialog.body_box.setCurrentIndex(dialog.body_box.findData("council"))
        dialog.meeting_edit.setDate(QDate(2026, 11, 25))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0]))
                  if a.objectName() == "committee_report_action")
    assert action.isEnabled()
    timer = when_shown(CommitteeReportDialog, choose)
    action.trigger()
    timer.stop()
    assert seen == ["Cabinet"]
    document = docx.Document(str(tmp_path / "council report.docx"))
    assert document.paragraphs[0].text == "Report to Full Council"
    assert document.tables[0].rows[0].cells[1].text == "25 November 2026"
    assert "Saved" in window.statusBar().currentMessage()
