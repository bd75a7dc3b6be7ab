"""The agreement's pages: details and approvals, plan on a page, key issues with their
delivery framework row, and evidence."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
)

from csa_desktop.domain.kinds import RESTRICTED_LABEL
from csa_desktop.services.copy import Copy
from tests.ui.conftest import control, open_dialog

pytestmark = pytest.mark.gui


def reread(window, kind, **where):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.list_kind(kind, where=where or None)


def get(window, uid):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.get(uid)


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_ok(qtbot, dialog):
    click(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))


def test_agreement_details_are_saved(qtbot, window):
    agreement = window.copy.records.list_kind("agreement")[0]
    window.show_place("agreement")
    footprint = control(window, QLineEdit, "Footprint")
    footprint.setFocus()
    footprint.selectAll()
    qtbot.keyClicks(footprint, "Lancashire-12 and the two unitaries")
    qtbot.keyClick(footprint, Qt.Key.Key_Tab)

    stored = get(window, agreement.uid)
    assert stored["footprint"] == "Lancashire-12 and the two unitaries"


def test_an_approval_is_added_through_its_dialog(qtbot, window):
    window.show_place("agreement")
    before = len(reread(window, "approval"))
    click(qtbot, control(window, QPushButton, "Add approval"))
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Body"), "Overview and Scrutiny Committee")
    qtbot.keyClicks(control(dialog, QLineEdit, "Decision"), "Commented on the draft.")
    click_ok(qtbot, dialog)
    approvals = reread(window, "approval")
    assert len(approvals) == before + 1
    assert any(a["body"] == "Overview and Scrutiny Committee" for a in approvals)


def test_plan_on_a_page_items_are_added_edited_and_moved(qtbot, window):
    window.show_place("plan-on-a-page")
    new_item = control(window, QLineEdit, "New our approach item")
    qtbot.keyClicks(new_item, "Listen to victims")
    qtbot.keyClick(new_item, Qt.Key.Key_Return)
    approach = reread(window, "plan-item", column="approach")
    assert approach[-1]["text"] == "Listen to victims"

    items = control(window, QListView, "Our approach items")
    items.setFocus()
    qtbot.keyClick(items, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    approach = reread(window, "plan-item", column="approach")
    assert approach[-2]["text"] == "Listen to victims"

    items.edit(items.currentIndex())
    editor = items.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Listen to victims and survivors")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits on its next event loop turn
    qtbot.waitUntil(lambda: items.state() != QListView.State.EditingState, timeout=2000)
    approach = reread(window, "plan-item", column="approach")
    assert approach[-2]["text"] == "Listen to victims and survivors"


def test_a_key_issue_moves_down_and_its_framework_row_is_edited(qtbot, window):
    issues = window.copy.records.list_kind("key-issue")
    window.show_place(f"key-issue:{issues[0].uid}")
    click(qtbot, control(window, QPushButton, "Move down key issue"))
    assert [k.uid for k in reread(window, "key-issue")][:2] == [issues[1].uid, issues[0].uid]

    reports_to = control(window, QLineEdit, "Reports to")
    reports_to.setFocus()
    reports_to.selectAll()
    qtbot.keyClicks(reports_to, "Community Safety Partnership Board")
    qtbot.keyClick(reports_to, Qt.Key.Key_Return)
    themes = control(window, QListView, "Themes").model()
    duty = next(r for r in range(themes.rowCount())
                if themes.index(r, 0).data() == "Serious Violence Duty")
    themes.setData(themes.index(duty, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    (row,) = reread(window, "delivery-framework-row", key_issue_uid=issues[0].uid)
    assert row["reports_to"] == "Community Safety Partnership Board"
    svd = next(t.uid for t in reread(window, "theme") if t.title == "Serious Violence Duty")
    assert svd in get(window, issues[0].uid)["theme_uids"]


def test_linking_evidence_to_a_key_issue(qtbot, window):
    issue = window.copy.records.list_kind("key-issue")[1]
    window.show_place(f"key-issue:{issue.uid}")
    evidence = control(window, QListView, "Linked evidence")
    model = evidence.model()
    unticked = next(r for r in range(model.rowCount())
                    if model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole)
                    == Qt.CheckState.Unchecked)
    model.setData(model.index(unticked, 0), Qt.CheckState.Checked,
                  Qt.ItemDataRole.CheckStateRole)
    linked = get(window, issue.uid)["evidence_uids"]
    assert linked[-1] == model.index(unticked, 0).data(Qt.ItemDataRole.UserRole + 1)


def test_evidence_is_added_edited_and_deleted(qtbot, window):
    window.show_place("evidence")
    click(qtbot, control(window, QPushButton, "Add evidence item"))
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Topic"), "Shoplifting")
    qtbot.keyClicks(control(dialog, QPlainTextEdit, "Statement"), "Rising in town centres.")
    area = control(dialog, QComboBox, "Area (empty: county-wide)")
    area.setCurrentIndex(area.findText("Preston"))
    click_ok(qtbot, dialog)
    (added,) = [e for e in reread(window, "evidence-item") if e["topic"] == "Shoplifting"]
    assert added["area_uid"] is not None

    page = window.evidence_page
    assert page.panel.current_uid() == added.uid
    click(qtbot, control(window, QPushButton, "Edit evidence item"))
    dialog = open_dialog(qtbot)
    figure = control(dialog, QLineEdit, "Figure")
    qtbot.keyClicks(figure, "+12% [illustrative]")
    restricted = control(dialog, QCheckBox, RESTRICTED_LABEL)  # kept out of the public print
    restricted.setChecked(True)
    click_ok(qtbot, dialog)
    assert get(window, added.uid)["figure"] == "+12% [illustrative]"
    assert get(window, added.uid)["restricted"] is True

    click(qtbot, control(window, QPushButton, "Delete evidence item"))
    assert get(window, added.uid).deleted
