"""The reporting calendar in the window: the agreement's details say when progress updates fall
due, and the dashboard then counts the period that is due."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.ui.conftest import control
from tests.ui.test_agreement_pages import get

pytestmark = pytest.mark.gui


def test_the_days_after_a_quarter_that_updates_are_due_are_set_in_the_details(qtbot, window):
    agreement = window.copy.records.list_kind("agreement")[0]
    window.show_place("agreement")
    days = control(window, QLineEdit, "Progress updates due (days after a quarter ends)")
    days.setFocus()
    qtbot.keyClicks(days, "14")
    qtbot.keyClick(days, Qt.Key.Key_Tab)
    assert get(window, agreement.uid)["update_due_days"] == 14
    from csa_desktop.services.dashboard import reporting_lists, shown_actions

    lists = reporting_lists(window.copy, shown_actions(window.copy), dt.date(2023, 7, 5))
    assert (lists.period, lists.due_on) == ("2022/23 Q4", dt.date(2023, 4, 14))
