"""Progress updates take good input only: a narrative, a period picked from the reporting
periods (quarters of the agreement's years), a warning for a period outside the plan's; an
action cannot start after it is due. The GUI and the CLI refuse alike (one service)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton

from csa_desktop.errors import InputError
from tests.merge.test_gui import when_shown
from tests.ui.conftest import control, open_dialog
from tests.ui.test_actions import click_ok

pytestmark = pytest.mark.gui

VALUES = {"period": "2022/23 Q2", "reported_on": dt.date(2022, 9, 30), "rag": "green",
          "narrative": "Done"}


def updates_of(window, uid):
    return window.copy.records.list_kind("progress-update", where={"action_uid": uid})


def open_add_dialog(qtbot, window):
    window.show_place("local-plan:West Lancashire CSP")
    uid = window.local_plans_page.actions_panel.current_uid()
    qtbot.mouseClick(control(window, QPushButton, "Add progress update"),
                     Qt.MouseButton.LeftButton)
    return uid, open_dialog(qtbot)


def test_the_period_is_picked_from_the_quarters_of_the_agreement(qtbot, window):
    _uid, dialog = open_add_dialog(qtbot, window)
    period = control(dialog, QComboBox, "Period")
    items = [period.itemText(i) for i in range(period.count())]
    assert items[:2] == ["2022/23 Q1", "2022/23 Q2"] and items[-1] == "2024/25 Q4"
    assert not dialog.findChildren(QLineEdit, "Period")
    dialog.reject()


def test_an_update_without_a_narrative_is_refused_and_the_dialog_says_why(qtbot, window):
    uid, dialog = open_add_dialog(qtbot, window)
    before = len(updates_of(window, uid))
    control(dialog, QComboBox, "Period").setCurrentIndex(0)
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "Narrative is required" in dialog.error.text()
    assert len(updates_of(window, uid)) == before
    dialog.reject()


@pytest.mark.parametrize(("answer", "added"), [(QMessageBox.StandardButton.No, 0),
                                               (QMessageBox.StandardButton.Yes, 1)])
def test_a_period_outside_the_plan_asks_first(qtbot, window, answer, added):
    uid, dialog = open_add_dialog(qtbot, window)
    before = len(updates_of(window, uid))
    period = control(dialog, QComboBox, "Period")
    period.setCurrentIndex(period.findText("2024/25 Q1"))  # the plan covers 2022/23
    qtbot.keyClicks(control(dialog, QPlainTextEdit, "Narrative"), "Late report")
    seen: list[str] = []

    def reply(box) -> None:
        seen.append(box.text())
        box.button(answer).click()

    timer = when_shown(QMessageBox, reply)
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not timer.isActive())
    assert "outside the plan's period" in seen[0]
    assert len(updates_of(window, uid)) == before + added
    assert dialog.isVisible() == (not added)
    if not added:
        dialog.reject()


def test_the_service_refuses_free_text_periods_and_empty_narratives(demo_copy):
    action = demo_copy.records.list_kind("action")[0]
    base = {**VALUES, "action_uid": action.uid}
    with pytest.raises(InputError, match="not a reporting period"):
        demo_copy.records.create("progress-update", {**base, "period": "We met in May"})
    with pytest.raises(InputError, match="Narrative is required"):
        demo_copy.records.create("progress-update", {**base, "narrative": "  "})
    made = demo_copy.records.create("progress-update", base).created[0][1]
    with pytest.raises(InputError, match="Narrative is required"):
        demo_copy.records.update(made, {"narrative": None})


def test_an_action_cannot_start_after_it_is_due(demo_copy):
    action = demo_copy.records.list_kind("action")[0]
    demo_copy.records.update(action.uid, {"start_on": dt.date(2023, 1, 1),
                                          "due_on": dt.date(2023, 6, 1)})
    with pytest.raises(InputError, match="is after Due"):
        demo_copy.records.update(action.uid, {"start_on": dt.date(2023, 7, 1)})
    assert demo_copy.records.get(action.uid)["start_on"] == dt.date(2023, 1, 1)
