"""The window shows what only the yearly cycle writes as read-only, saying why: the refresh
in progress (named when it starts) and the Board, Cabinet and Full Council decisions (Edit,
Delete and Move disabled on them; Approvals… corrects or withdraws them). Other decisions stay
editable, and a typo in a decision is mended with Approvals… ▸ Correct…."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from csa_desktop.domain.roles import Role
from csa_desktop.services.approvals import current_approvals, workflow
from csa_desktop.services.copy import Copy
from csa_desktop.ui.dialogs.approvals import ApprovalsDialog, CorrectStepDialog
from csa_desktop.ui.views.agreement_page import AgreementPage
from tests.helpers import dump
from tests.ui.conftest import control, open_dialog

pytestmark = pytest.mark.gui

TODAY = dt.date(2024, 12, 1)


def page_of(window) -> AgreementPage:
    window.show_place("agreement")
    return window.agreement_page


def uid_of(copy: Copy, stage: str | None) -> str:
    return next(a.uid for a in current_approvals(copy) if a["stage"] == stage)


def buttons(window) -> dict[str, QPushButton]:
    return {name: control(window, QPushButton, f"{name} approval")
            for name in ("Add", "Edit", "Delete", "Move up", "Move down")}


def test_the_refresh_is_shown_read_only_with_the_reason(qtbot, window):
    page = page_of(window)
    assert "refresh_label" not in page.form.editors
    assert not [w for w in page.findChildren(QLineEdit) if w.accessibleName() == "Refresh"]
    shown = control(window, QLabel, "Refresh")
    assert "2022/23" in shown.text() and "Start annual refresh" in shown.text()
    assert "Start annual refresh" in shown.toolTip()


def test_the_refresh_row_follows_a_new_refresh(qtbot, window):
    from csa_desktop.services.refresh import start_refresh

    page = page_of(window)
    window.refresh(start_refresh(window.copy, "2023/24").changes)
    assert "2023/24" in control(window, QLabel, "Refresh").text()
    assert page.approvals.rowCount() == 0


def test_a_workflow_decision_is_read_only_and_says_why(qtbot, qtmodeltester, window):
    page = page_of(window)
    qtmodeltester.check(page.approvals)
    page.panel.select(uid_of(window.copy, "approved-by-board"))
    shown = buttons(window)
    assert shown["Add"].isEnabled()
    assert not any(shown[n].isEnabled() for n in ("Edit", "Delete", "Move up", "Move down"))
    assert "recorded with Approvals" in shown["Delete"].toolTip()
    assert "Correct…" in shown["Edit"].toolTip()
    note = control(window, QLabel, "Selected decision")
    assert "Read-only" in note.text() and "Approved by the Board" in note.text()

    row = page.approvals.row_of(uid_of(window.copy, "approved-by-board"))
    step = page.approvals.index(row, page.approvals.columnCount() - 1)
    assert step.data() == "Approved by the Board"
    assert "recorded with Approvals" in page.approvals.index(row, 3).data(
        Qt.ItemDataRole.ToolTipRole)


def test_another_decision_stays_editable(qtbot, window):
    page = page_of(window)
    page.panel.select(uid_of(window.copy, None))
    shown = buttons(window)
    assert shown["Edit"].isEnabled() and shown["Delete"].isEnabled()
    assert "recorded with Approvals" not in shown["Delete"].toolTip()
    assert not control(window, QLabel, "Selected decision", visible=False).isVisible()
    row = page.approvals.row_of(uid_of(window.copy, None))
    assert page.approvals.index(row, page.approvals.columnCount() - 1).data() == ""

    qtbot.mouseClick(shown["Delete"], Qt.MouseButton.LeftButton)
    with Copy.open(window.copy.data_dir) as copy:
        assert [a["stage"] for a in current_approvals(copy)] == [
            "approved-by-board", "noted-by-cabinet"]


def test_the_delete_key_on_a_workflow_decision_deletes_nothing(qtbot, window):
    page = page_of(window)
    before = dump(window.copy.data_dir)
    page.panel.select(uid_of(window.copy, "noted-by-cabinet"))
    page.approvals_view.setFocus()
    qtbot.keyClick(page.approvals_view, Qt.Key.Key_Delete)
    qtbot.keyClick(page.approvals_view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert dump(window.copy.data_dir) == before
    assert "Not deleted" in window.statusBar().currentMessage()


def test_activating_a_workflow_decision_opens_approvals(qtbot, window):
    page = page_of(window)
    page.panel.select(uid_of(window.copy, "noted-by-cabinet"))
    seen: list[bool] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalsDialog):
            QTimer.singleShot(20, look)
            return
        seen.append(True)
        dialog.reject()

    QTimer.singleShot(20, look)
    page.approvals_view.activated.emit(page.approvals_view.currentIndex())
    assert seen == [True]


def test_adding_a_cabinet_decision_by_hand_is_refused_in_the_dialog(qtbot, window):
    page_of(window)
    before = dump(window.copy.data_dir)
    qtbot.mouseClick(control(window, QPushButton, "Add approval"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Body"), "Cabinet")
    qtbot.keyClicks(control(dialog, QLineEdit, "Decision"), "Noted the agreement.")
    qtbot.keyClick(control(dialog, QLineEdit, "Decision"), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "Approvals" in dialog.error.text() and "csa approve cabinet" in dialog.error.text()
    dialog.reject()
    assert dump(window.copy.data_dir) == before


def test_a_district_sees_no_read_only_note_and_no_enabled_button(qtbot, district_window):
    page_of(district_window)
    page = district_window.agreement_page
    page.panel.select(uid_of(district_window.copy, "approved-by-board"))
    assert not any(b.isEnabled() for b in buttons(district_window).values())
    assert not page.row_note.isVisible()
    assert "2022/23" in control(district_window, QLabel, "Refresh").text()


# --- Approvals ▸ Correct… ---------------------------------------------------------------------


def correct_in_dialog(qtbot, dialog: ApprovalsDialog, act) -> list[CorrectStepDialog]:
    """Press Correct… and let `act` fill in the correction dialog that opens."""
    seen: list[CorrectStepDialog] = []

    def fill() -> None:
        inner = QApplication.activeModalWidget()
        if not isinstance(inner, CorrectStepDialog):
            QTimer.singleShot(20, fill)
            return
        seen.append(inner)
        act(inner)

    QTimer.singleShot(20, fill)
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    return seen


def test_correcting_a_minute_typo_from_the_approvals_dialog(qtbot, demo_copy):
    dialog = ApprovalsDialog(demo_copy, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.correct_button.isEnabled()  # nothing selected
    dialog.select_step("approved-by-board")
    assert dialog.correct_button.isEnabled()

    def fix(inner: CorrectStepDialog) -> None:
        inner.minute_edit.setText("CSPB 22/07")
        qtbot.keyClick(inner.minute_edit, Qt.Key.Key_Return)

    assert correct_in_dialog(qtbot, dialog, fix)
    now = workflow(demo_copy)
    assert now.status == "noted-by-cabinet"
    assert (now.stages[2].decided_on, now.stages[2].minute_ref) == (dt.date(2022, 7, 4),
                                                                    "CSPB 22/07")
    assert ("approval", uid_of(demo_copy, "approved-by-board")) in dialog.changes.updated
    assert "minute CSPB 22/07" in dialog.status_label.text()


def test_a_refused_correction_stays_open_with_the_reason_and_changes_nothing(qtbot, demo_copy):
    before = dump(demo_copy.data_dir)
    dialog = ApprovalsDialog(demo_copy, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select_step("approved-by-board")
    messages: list[str] = []

    def wrong(inner: CorrectStepDialog) -> None:
        inner.date_edit.setDate(QDate(2022, 9, 9))  # after the Cabinet's 8 September
        qtbot.keyClick(inner.minute_edit, Qt.Key.Key_Return)
        messages.append(inner.error.text() if inner.isVisible() else "closed")
        inner.reject()

    assert correct_in_dialog(qtbot, dialog, wrong)
    assert messages and "after 'Noted by Cabinet'" in messages[0]
    assert dialog.changes.empty
    assert dump(demo_copy.data_dir) == before


@pytest.mark.parametrize("status", ["draft", "editorial-review", "approved-by-council",
                                    "sent-to-pcc"])
def test_correct_is_only_for_a_step_recorded_with_a_date(qtbot, demo_copy, status):
    dialog = ApprovalsDialog(demo_copy, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.select_step(status)
    assert not dialog.correct_button.isEnabled()


def test_a_district_cannot_correct_a_step(qtbot, district_dir):
    with Copy.open(district_dir) as copy:
        assert copy.identity.role is Role.DISTRICT
        dialog = ApprovalsDialog(copy, today=TODAY)
        qtbot.addWidget(dialog)
        dialog.select_step("approved-by-board")
        assert not dialog.correct_button.isEnabled()
        dialog.close()
