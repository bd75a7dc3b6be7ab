"""The Consultation page under the agreement: a consultation added, edited and deleted through
its dialog, what reached the copy checked; a district sees it read-only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListView, QPlainTextEdit, QPushButton

from tests.ui.conftest import control, open_dialog
from tests.ui.test_agreement_pages import click, click_ok, get, reread

pytestmark = pytest.mark.gui


def test_a_consultation_is_added_edited_and_deleted_on_its_page(qtbot, window):
    window.show_place("consultation")
    assert window.stack.currentWidget() is window.consultation_page
    click(qtbot, control(window, QPushButton, "Add consultation"))
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Consultee"), "Lancashire Youth Council")
    kind = control(dialog, QComboBox, "Consultee is a")
    kind.setCurrentIndex(kind.findText("Group"))
    qtbot.keyClicks(control(dialog, QLineEdit, "Method"), "Workshops")
    qtbot.keyClicks(control(dialog, QPlainTextEdit, "What changed as a result"),
                    "Online harm added.")
    issues = control(dialog, QListView, "Key issues it touched").model()
    issues.setData(issues.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    qtbot.wait(50)
    click_ok(qtbot, dialog)
    (added,) = reread(window, "consultation")
    assert added["consultee"] == "Lancashire Youth Council"
    assert added["consultee_kind"] == "group"
    assert added["outcome"] == "Online harm added."
    assert added["key_issue_uids"] == [window.copy.records.list_kind("key-issue")[0].uid]
    page = window.consultation_page
    assert page.panel.current_uid() == added.uid
    assert page.model.rows[0].touched == window.copy.records.list_kind("key-issue")[0].title

    click(qtbot, control(window, QPushButton, "Edit consultation"))
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QPlainTextEdit, "What they said"), "More on online harm.")
    click_ok(qtbot, dialog)
    assert get(window, added.uid)["summary"] == "More on online harm."

    click(qtbot, control(window, QPushButton, "Delete consultation"))
    assert get(window, added.uid).deleted
    qtbot.wait(50)


def test_the_navigator_has_a_consultation_node_under_the_agreement(qtbot, window):
    index = window.navigator.find("consultation")
    assert index.isValid()
    assert window.navigator.node(index).parent.kind == "agreement"


def test_a_district_sees_the_consultation_page_read_only(qtbot, district_window):
    district_window.show_place("consultation")
    qtbot.wait(50)
    add = control(district_window, QPushButton, "Add consultation")
    assert not add.isEnabled()
