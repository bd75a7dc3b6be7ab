"""The actions of a local plan: add, edit and delete an action and a progress update through
the window, and filter the table; what reached the copy is read back through the services."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
)

from csa_desktop.services.copy import Copy
from tests.ui.conftest import control, open_dialog

pytestmark = pytest.mark.gui


def live_actions(window, **where):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.list_kind("action", where=where or None)


def record(window, uid):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.get(uid)


def west_lancs_plan(window):
    plans = window.copy.records.list_kind("local-plan", partnership="West Lancashire CSP")
    return plans[0]


def click_ok(qtbot, dialog):
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_new_action_is_added_to_the_plan_shown(qtbot, window):
    plan = west_lancs_plan(window)
    before = len(live_actions(window, plan_uid=plan.uid))
    window.show_place("local-plan:West Lancashire CSP")
    qtbot.mouseClick(control(window, QPushButton, "New action"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "What we will do"), "Run a cycle marking day")
    qtbot.keyClicks(control(dialog, QLineEdit, "Lead (post)"), "Community Safety Officer")
    click_ok(qtbot, dialog)

    actions = live_actions(window, plan_uid=plan.uid)
    assert len(actions) == before + 1
    added = next(a for a in actions if a.title == "Run a cycle marking day")
    assert added["lead_role"] == "Community Safety Officer"
    assert added["status"] == "not-started"
    assert window.local_plans_page.actions_panel.current_uid() == added.uid


def test_a_new_action_without_a_title_keeps_the_dialog_open_with_a_message(qtbot, window):
    before = len(live_actions(window))
    window.show_place("local-plan:West Lancashire CSP")
    qtbot.mouseClick(control(window, QPushButton, "New action"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    click_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert "required" in dialog.form.errors["title"].text()
    assert len(live_actions(window)) == before
    dialog.reject()


def test_editing_an_action_in_the_detail_pane_saves_each_field(qtbot, window):
    window.show_place("local-plan:West Lancashire CSP")
    panel = window.local_plans_page.actions_panel
    uid = panel.current_uid()
    assert uid
    partners = control(window, QLineEdit, "Who else is involved")
    partners.setFocus()
    partners.selectAll()
    qtbot.keyClicks(partners, "Schools; Youth service")
    qtbot.keyClick(partners, Qt.Key.Key_Return)
    status = control(window, QComboBox, "Status")
    status.setFocus()
    qtbot.keyClick(status, Qt.Key.Key_End)  # the last status: cancelled

    stored = record(window, uid)
    assert stored["partners"] == "Schools; Youth service"
    assert stored["status"] == "cancelled"


def test_clearing_an_optional_date_stores_no_date(qtbot, window):
    window.show_place("local-plan:West Lancashire CSP")
    uid = window.local_plans_page.actions_panel.current_uid()
    assert record(window, uid)["start_on"] is not None
    qtbot.mouseClick(control(window, QToolButton, "Clear start"), Qt.MouseButton.LeftButton)
    assert record(window, uid)["start_on"] is None


def test_deleting_an_action_with_the_delete_key_and_undoing_it(qtbot, window):
    window.show_place("local-plan:West Lancashire CSP")
    panel = window.local_plans_page.actions_panel
    uid = panel.current_uid()
    updates = window.copy.records.list_kind("progress-update", where={"action_uid": uid})
    assert updates
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)

    assert record(window, uid).deleted
    assert all(record(window, u.uid).deleted for u in updates)
    assert uid not in [r.uid for r in panel.model.rows]

    window.undo_action.trigger()
    assert not record(window, uid).deleted
    assert not any(record(window, u.uid).deleted for u in updates)
    assert uid in [r.uid for r in panel.model.rows]


def test_adding_editing_and_deleting_a_progress_update(qtbot, window):
    window.show_place("local-plan:West Lancashire CSP")
    uid = window.local_plans_page.actions_panel.current_uid()
    before = {u.uid for u in window.copy.records.list_kind("progress-update",
                                                             where={"action_uid": uid})}
    qtbot.mouseClick(control(window, QPushButton, "Add progress update"),
                     Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    period = control(dialog, QComboBox, "Period")  # picked from the reporting periods
    period.setCurrentIndex(period.findText("2022/23 Q3"))
    rag = control(dialog, QComboBox, "RAG")
    rag.setCurrentIndex(rag.findData("red"))
    qtbot.keyClicks(control(dialog, QPlainTextEdit, "Narrative"), "Venue fell through.")
    click_ok(qtbot, dialog)

    updates = window.copy.records.list_kind("progress-update", where={"action_uid": uid})
    (added,) = [u for u in updates if u.uid not in before]
    assert (added["period"], added["rag"], added["narrative"]) == (
        "2022/23 Q3", "red", "Venue fell through.")

    panel = window.local_plans_page.actions_panel.detail.updates_panel
    assert panel.current_uid() == added.uid
    qtbot.mouseClick(panel.buttons["edit"], Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    narrative = control(dialog, QPlainTextEdit, "Narrative")
    narrative.selectAll()
    qtbot.keyClicks(narrative, "New venue found.")
    click_ok(qtbot, dialog)
    assert record(window, added.uid)["narrative"] == "New venue found."

    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert record(window, added.uid).deleted


def test_the_filter_bar_narrows_the_table_to_matching_actions(qtbot, window):
    window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    everything = live_actions(window)
    assert panel.proxy.rowCount() == len(everything)

    text = control(window, QLineEdit, "Filter text")
    qtbot.keyClicks(text, "knife")
    expected = [a for a in everything if "knife" in a.title.casefold()
                or "knife" in str(a["partners"] or "").casefold()
                or "knife" in str(a["measure"] or "").casefold()]
    assert expected
    assert panel.proxy.rowCount() >= len(expected)
    shown = {panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())}
    assert {a.title for a in expected} <= shown

    text.clear()
    rag = control(window, QComboBox, "RAG filter")
    rag.setCurrentIndex(rag.findData("red"))
    reds = [a for a in everything if a["rag"] == "red"]
    assert panel.proxy.rowCount() == len(reds)

    overdue = control(window, QCheckBox, "Overdue only")
    qtbot.mouseClick(overdue, Qt.MouseButton.LeftButton)
    assert panel.proxy.rowCount() <= len(reds)

    qtbot.mouseClick(control(window, QPushButton, "Clear"), Qt.MouseButton.LeftButton)
    assert panel.proxy.rowCount() == len(everything)


def test_choosing_a_partnership_in_the_navigator_filters_to_its_plan(qtbot, window):
    plan = west_lancs_plan(window)
    window.show_place("local-plan:West Lancashire CSP")
    panel = window.local_plans_page.actions_panel
    assert panel.proxy.rowCount() == len(live_actions(window, plan_uid=plan.uid))
    assert "West Lancashire CSP" in control(window, QComboBox,
                                            "Partnership filter").currentText()


def test_a_new_local_plan_is_started_and_shown_in_the_navigator(qtbot, window):
    have_plan = {p["partnership_uid"] for p in window.copy.records.list_kind("local-plan")}
    window.show_place("local-plans")
    qtbot.mouseClick(control(window, QPushButton, "New local plan"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    partnership = control(dialog, QComboBox, "Partnership")
    assert partnership.currentData() not in have_plan
    qtbot.keyClicks(control(dialog, QLineEdit, "Title"), "Pennine Lancashire plan 2023/24")
    click_ok(qtbot, dialog)

    plans = window.copy.records.list_kind("local-plan")
    (added,) = [p for p in plans if p.title == "Pennine Lancashire plan 2023/24"]
    assert added["partnership_uid"] == partnership.currentData()
    assert window.navigator.find(f"partnership:{added['partnership_uid']}").isValid()


def test_a_priority_is_added_with_its_county_key_issue_and_edited(qtbot, window):
    plan = west_lancs_plan(window)
    window.show_place("local-plan:West Lancashire CSP")
    qtbot.mouseClick(control(window, QPushButton, "Add priority"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Title"), "Cyber crime")
    key_issue = control(dialog, QComboBox, "County key issue adopted")
    key_issue.setCurrentIndex(key_issue.findText("Cyber crime"))
    click_ok(qtbot, dialog)
    priorities = window.copy.records.list_kind("local-priority", where={"plan_uid": plan.uid})
    added = priorities[-1]
    assert added.title == "Cyber crime" and added["key_issue_uid"] == key_issue.currentData()

    qtbot.mouseClick(control(window, QPushButton, "Edit priority"), Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot)
    description = control(dialog, QPlainTextEdit, "Description")
    qtbot.keyClicks(description, "Scams against older residents.")
    click_ok(qtbot, dialog)
    assert record(window, added.uid)["description"] == "Scams against older residents."


def test_with_no_plan_shown_the_actions_table_takes_the_space_under_the_heading(qtbot, window):
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    page = window.local_plans_page
    window.show_place("local-plans")  # every plan: no plan details above the table

    def gap() -> int:  # between the heading and the filter bar above the table
        heading_bottom = page.heading.mapTo(page, page.heading.rect().bottomLeft()).y()
        return page.actions_panel.mapTo(page, page.actions_panel.rect().topLeft()).y() - (
            heading_bottom)

    qtbot.waitUntil(lambda: page.actions_panel.isVisible() and gap() < 40)  # was ~210 px
    assert page.actions_panel.height() > page.height() * 0.85

    window.show_place("local-plan:West Lancashire CSP")  # a plan: its details come back
    qtbot.waitUntil(lambda: page.plan_box.isVisible() and page.plan_form.height() > 100)
