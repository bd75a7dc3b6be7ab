"""A district copy edits its own partnership's plan; other plans and the county text are
visibly read-only, and nothing a user does there reaches the copy."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton

from csa_desktop.services.copy import Copy
from tests.helpers import dump
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def banner_text(page) -> str:
    banner = control(page, type(page.banner), "Read-only note")
    return banner.label.text()


def test_another_partnerships_plan_is_read_only_and_says_why(qtbot, district_window):
    window = district_window
    before = dump(window.copy.data_dir)
    assert window.show_place("local-plan:Lancaster District CSP")
    page = window.local_plans_page
    assert "Read-only" in banner_text(page)
    assert "West Lancashire CSP" in banner_text(page)
    assert not control(window, QPushButton, "New action").isEnabled()
    assert not control(window, QPushButton, "Delete action").isEnabled()

    title = control(window, QLineEdit, "What we will do")
    assert title.isReadOnly()
    title.setFocus()
    qtbot.keyClicks(title, "changed by the wrong district")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    page.actions_panel.view.setFocus()
    qtbot.keyClick(page.actions_panel.view, Qt.Key.Key_Delete)

    assert dump(window.copy.data_dir) == before


def test_the_districts_own_plan_can_be_edited(qtbot, district_window):
    window = district_window
    assert window.show_place("local-plan:West Lancashire CSP")
    page = window.local_plans_page
    assert not page.banner.isVisible()
    uid = page.actions_panel.current_uid()
    lead = control(window, QLineEdit, "Lead (post)")
    assert lead.isEnabled()
    lead.setFocus()
    lead.selectAll()
    qtbot.keyClicks(lead, "Partnership Officer")
    qtbot.keyClick(lead, Qt.Key.Key_Return)
    with Copy.open(window.copy.data_dir) as copy:
        assert copy.records.get(uid)["lead_role"] == "Partnership Officer"


def test_the_county_text_is_read_only_in_a_district_copy(qtbot, district_window):
    window = district_window
    window.show_place("sections")
    page = window.sections_page
    assert "Read-only" in banner_text(page)
    assert control(window, QLineEdit, "Title").isReadOnly()
    assert control(window, QPlainTextEdit, "Text").isReadOnly()
    window.show_place("agreement")
    assert "Read-only" in banner_text(window.agreement_page)


def test_other_partnerships_are_marked_read_only_in_the_navigator(qtbot, district_window):
    window = district_window
    west = window.navigator.find(window._partnership_key("West Lancashire CSP"))
    lancaster = window.navigator.find(window._partnership_key("Lancaster District CSP"))
    assert "read-only" not in west.data(Qt.ItemDataRole.ToolTipRole)
    assert "read-only" in lancaster.data(Qt.ItemDataRole.ToolTipRole)
