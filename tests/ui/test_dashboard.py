"""The dashboard as it is used: a copy opens on it, its numbers are the copy's, and pressing a
number lists exactly those actions in Local plans; "Show all actions" lists every one again."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget

from csa_desktop.domain.reporting import quarter_of
from csa_desktop.services.dashboard import build_dashboard
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.models import navigator as nav
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def counted(qtbot, window: MainWindow) -> None:
    """Wait for the dashboard's count (a worker thread) to be shown."""
    qtbot.waitUntil(lambda: window.dashboard_page.board is not None, timeout=5000)


def listed(window: MainWindow) -> list[object]:
    """The actions the table shows now (as the user sees them: through the filter)."""
    panel = window.local_plans_page.actions_panel
    return [panel.model.rows[panel.proxy.mapToSource(panel.proxy.index(row, 0)).row()]
            for row in range(panel.proxy.rowCount())]


def test_a_copy_opens_on_its_dashboard_with_the_numbers_of_the_copy(qtbot, window: MainWindow):
    assert window.current_node().kind == nav.DASHBOARD
    page = window.dashboard_page
    assert window.stack.currentWidget() is page and page.isVisible()
    counted(qtbot, window)
    board = build_dashboard(window.copy)
    assert control(page, QPushButton, f"Open actions: {board.total.open}")
    assert control(page, QPushButton, f"Overdue: {board.total.overdue}")
    assert control(page, QPushButton, f"Red: {board.total.by_rag['red']}")
    assert control(page, QPushButton, f"Completed: {board.total.by_status['completed']}")
    assert quarter_of(dt.date.today()) in control(page, QLabel, "Reporting period").text()
    table = control(page, QTableWidget, "Actions by partnership")
    names = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert names == [t.name for t in board.partnerships] and "West Lancashire CSP" in names


def test_pressing_a_number_lists_the_actions_it_counts_and_show_all_lists_every_one(
        qtbot, window: MainWindow):
    counted(qtbot, window)
    board = build_dashboard(window.copy)
    red = board.total.by_rag["red"]
    assert red > 1
    qtbot.mouseClick(control(window.dashboard_page, QPushButton, f"Red: {red}"),
                     Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.local_plans_page
    rows = listed(window)
    assert len(rows) == red
    assert all(row.rag == "red" and row.status not in ("completed", "cancelled")
               for row in rows)
    panel = window.local_plans_page.actions_panel
    qtbot.mouseClick(panel.filter_bar.clear, Qt.MouseButton.LeftButton)
    assert len(listed(window)) == board.total.actions


def test_a_partnerships_missing_updates_open_in_its_plan_and_go_when_an_update_is_written(
        qtbot, window: MainWindow):
    counted(qtbot, window)
    board = build_dashboard(window.copy)
    west = next(t for t in board.partnerships if t.name == "West Lancashire CSP")
    assert west.missing_updates > 0
    table = control(window.dashboard_page, QTableWidget, "Actions by partnership")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == west.name)
    column = 7  # Updates missing
    table.scrollToItem(table.item(row, column))
    rect = table.visualItemRect(table.item(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    node = window.current_node()
    assert node.kind == nav.PARTNERSHIP and node.partnership_uid == west.partnership_uid
    rows = listed(window)
    assert len(rows) == west.missing_updates
    assert {r.uid for r in rows} <= board.lists.missing
    among = control(window.local_plans_page, QLabel, "Actions listed from the dashboard")
    assert board.lists.period in among.text()

    first = rows[0]
    window.copy.records.create("progress-update", {
        "action_uid": first.uid, "period": board.lists.period,
        "reported_on": dt.date.today(), "rag": "green", "narrative": "Done this quarter."})
    window.refresh(None)
    assert window.show_place("dashboard")
    qtbot.waitUntil(lambda: window.dashboard_page.isVisible())
    counted(qtbot, window)
    after = next(t for t in window.dashboard_page.board.partnerships if t.name == west.name)
    assert after.missing_updates == west.missing_updates - 1
    assert table.item(row, column).text() == f"{west.missing_updates - 1:,}"

    window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    assert not panel.filter_bar.among_box.isVisible()  # the whole list again


def test_the_county_indicators_off_target_open_the_indicators_page_showing_only_those(
        qtbot, window: MainWindow):
    counted(qtbot, window)
    number = window.dashboard_page.board.county_off_target
    assert number > 0
    qtbot.mouseClick(control(window.dashboard_page, QPushButton,
                             f"County indicators off target: {number}"),
                     Qt.MouseButton.LeftButton)
    page = window.indicators_page
    assert window.stack.currentWidget() is page
    assert page.off_target.isChecked()
    shown = [page.model.rows[r] for r in range(page.model.rowCount())]
    assert len(shown) == number
    assert all(v.judgement.rag in ("red", "amber") for v in shown)
    assert all(not v.indicator.fields.get("partnership_uid") for v in shown)
