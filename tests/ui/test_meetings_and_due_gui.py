"""Meetings and what is due, in the window (#21 item 5): a board's meeting added on the Meetings
page reaches the copy and the dashboard's "What is due"; choosing its line there shows it on
the Meetings page; the panel prints the due list; a district records its own board's."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPushButton, QTableWidget

from csa_desktop.services.meetings import COUNTY
from csa_desktop.ui.dialogs.print_preview import PrintPreviewDialog
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.models import navigator as nav
from tests.ui.conftest import control, open_dialog
from tests.ui.test_agreement_pages import click, click_ok, reread

pytestmark = pytest.mark.gui

BOARD = "Community Safety Partnership Board"


def add_meeting(qtbot, window: MainWindow, body: str, day: dt.date,
                partnership: str | None = None) -> None:
    window.show_place("meetings")
    assert window.stack.currentWidget() is window.meetings_page
    click(qtbot, control(window, QPushButton, "Add meeting"))
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(control(dialog, QLineEdit, "Body"), body)
    control(dialog, QDateEdit, "Date").setDate(QDate(day.year, day.month, day.day))
    if partnership is not None:
        whose = control(dialog, QComboBox, "Partnership (empty: the county's)")
        whose.setCurrentIndex(whose.findText(partnership))
    click_ok(qtbot, dialog)


def due_lines(qtbot, window: MainWindow, wanted: str = "Next refresh: ") -> list[str]:
    """The dashboard's "What is due" lines, once one of them holds `wanted`."""
    window.show_place("dashboard")
    panel = window.dashboard_page.due

    def lines() -> list[str]:  # each row as "Due: What · Detail"
        table = panel.table
        return [f"{table.item(row, 0).text()}: {table.item(row, 1).text()} · "
                f"{table.item(row, 2).text()}" for row in range(table.rowCount())]

    qtbot.waitUntil(lambda: any(wanted in line for line in lines()), timeout=5000)
    return lines()


def test_a_meeting_added_on_its_page_is_due_on_the_dashboard_and_leads_back(qtbot,
                                                                            window):
    index = window.navigator.find(nav.MEETINGS)
    assert index.isValid() and window.navigator.node(index).parent is window.navigator.root
    soon = dt.date.today() + dt.timedelta(days=10)
    add_meeting(qtbot, window, BOARD, soon)
    (meeting,) = reread(window, "meeting")
    assert (meeting["body"], meeting["held_on"], meeting["partnership_uid"]) == (
        BOARD, soon, None)
    row = window.meetings_page.model.rows[0]
    assert (row.uid, row.partnership, row.when) == (meeting.uid, COUNTY, "in 10 days")

    lines = due_lines(qtbot, window, BOARD)
    assert any(line.startswith(f"Next meeting: {BOARD} · ") and "in 10 days" in line
               for line in lines)
    assert any(line.startswith("Next refresh: The ") for line in lines)
    panel = window.dashboard_page.due
    row_of_meeting = next(i for i, item in enumerate(panel.items) if item.uid == meeting.uid)
    table = control(window, QTableWidget, "What is due")
    rect = table.visualItemRect(table.item(row_of_meeting, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is window.meetings_page
    assert window.meetings_page.panel.current_uid() == meeting.uid


def test_the_due_panel_prints_the_due_list(qtbot, window, monkeypatch):
    opened: list[PrintPreviewDialog] = []
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: opened.append(self) or 0)
    due_lines(qtbot, window)
    click(qtbot, control(window, QPushButton, "Print the due list"))
    assert len(opened) == 1
    assert opened[0].document == "due-list" and opened[0].pdf.pageCount() >= 1
    opened[0].close()


def test_print_preview_on_the_meetings_page_offers_the_due_list(qtbot, window, monkeypatch):
    opened: list[PrintPreviewDialog] = []
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: opened.append(self) or 0)
    window.show_place("meetings")
    window.findChild(QAction, "print_preview_action").trigger()
    assert [d.document for d in opened] == ["due-list"]
    opened[0].close()


def test_a_district_records_its_own_boards_meeting(qtbot, district_window):
    day = dt.date.today() + dt.timedelta(days=3)
    add_meeting(qtbot, district_window, "West Lancashire CSP Board", day)
    (meeting,) = reread(district_window, "meeting")
    west = next(p.uid for p in district_window.copy.records.list_kind("partnership")
                if p.title == "West Lancashire CSP")
    assert meeting["partnership_uid"] == west  # its own board, chosen for it
    lines = due_lines(qtbot, district_window, "West Lancashire CSP Board")
    assert any(line.startswith("Next meeting: West Lancashire CSP Board — West Lancashire CSP")
               for line in lines)
