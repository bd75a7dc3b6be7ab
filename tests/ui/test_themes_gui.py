"""Themes in the window: the Themes page under the agreement adds, renames and orders the
county's themes; the actions table's theme filter narrows it; an action's form tags it."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListView, QPushButton

from csa_desktop.domain.themes import SERIOUS_VIOLENCE_DUTY_UID
from csa_desktop.services import tables
from tests.ui.conftest import control, open_dialog
from tests.ui.test_agreement_pages import click, click_ok, get, reread

pytestmark = pytest.mark.gui


def test_a_theme_is_added_renamed_and_moved_on_the_themes_page(qtbot, window):
    window.show_place("themes")
    assert window.stack.currentWidget() is window.themes_page
    page = window.themes_page
    assert page.model.rowCount() == 3
    page.panel.select_row(2)
    click(qtbot, control(window, QPushButton, "Add theme"))
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Name"), "Hate crime")
    click_ok(qtbot, dialog)
    assert [t.title for t in reread(window, "theme")][-1] == "Hate crime"
    added = reread(window, "theme")[-1]

    click(qtbot, control(window, QPushButton, "Edit theme"))
    dialog = open_dialog(qtbot)
    name = control(dialog, QLineEdit, "Name")
    name.selectAll()
    qtbot.keyClicks(name, "Hate crime and community cohesion")
    click_ok(qtbot, dialog)
    assert get(window, added.uid).title == "Hate crime and community cohesion"

    click(qtbot, control(window, QPushButton, "Move up theme"))
    assert [t.uid for t in reread(window, "theme")][2] == added.uid
    qtbot.wait(50)


def test_the_theme_filter_narrows_the_actions_table(qtbot, window):
    window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    everything = panel.proxy.rowCount()
    theme = control(window, QComboBox, "Theme filter")
    theme.setCurrentIndex(theme.findData(SERIOUS_VIOLENCE_DUTY_UID))
    rows = tables.action_rows(window.copy)
    wanted = tables.ActionFilter(theme_uid=SERIOUS_VIOLENCE_DUTY_UID).select(
        rows, dt.date.today())
    assert 0 < panel.proxy.rowCount() == len(wanted) < everything
    shown = {panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())}
    assert shown == {r.title for r in wanted}
    click(qtbot, control(window, QPushButton, "Clear"))
    assert panel.proxy.rowCount() == everything


def test_an_action_is_tagged_with_a_theme_in_its_form(qtbot, window):
    window.show_place("local-plan:West Lancashire CSP")
    uid = window.local_plans_page.actions_panel.current_uid()
    assert uid
    themes = control(window, QListView, "Themes").model()
    early = next(r for r in range(themes.rowCount())
                 if themes.index(r, 0).data() == "Early intervention")
    themes.setData(themes.index(early, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    qtbot.wait(50)
    early_uid = next(t.uid for t in reread(window, "theme") if t.title == "Early intervention")
    assert early_uid in get(window, uid)["theme_uids"]
