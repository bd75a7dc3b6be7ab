"""Desktop manners: menus and shortcuts, accessible names on every control, the About box,
window state kept between sessions, the title bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from csa_desktop import __version__
from csa_desktop.services.copy import Copy
from csa_desktop.ui.main_window import MainWindow
from tests.ui.conftest import control

pytestmark = pytest.mark.gui

PLACES = ["agreement", "plan-on-a-page", "sections", "key-issues", "evidence", "local-plans",
          "local-plan:West Lancashire CSP"]
CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractItemView)


def unnamed_controls(window: QWidget) -> list[str]:
    missing = []
    for widget in window.findChildren(QWidget):
        if (isinstance(widget, CONTROLS) and widget.isVisible()
                and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
                and not widget.accessibleName()
                and widget.parent() is not None
                and type(widget.parent()).__name__ not in ("QDateEdit", "QComboBox",
                                                           "QCalendarWidget")):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} "
                           f"{getattr(widget, 'text', lambda: '')()!r}")
    return missing


@pytest.mark.parametrize("place", PLACES)
def test_every_visible_control_has_an_accessible_name(qtbot, window, place):
    assert window.show_place(place)
    assert unnamed_controls(window) == []


def test_menus_toolbar_and_title_bar(window):
    assert [a.text() for a in window.menuBar().actions()][:3] == ["&File", "&Edit", "&View"]
    assert window.help_menu.title() == "&Help"
    assert window.agreement_menu.title() == "&Agreement"
    assert window.undo_action in window.tool_bar.actions()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [k.toString() for k in window.redo_action.shortcuts()]
    assert window.windowTitle().startswith("Test lead (lead)")


def test_view_menu_shortcuts_go_to_each_part(qtbot, window):
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.sections_page
    qtbot.keyClick(window.tree, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.local_plans_page


def test_about_box_names_the_version_and_the_data_folder(qtbot, window):
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()

    QTimer.singleShot(100, read_and_close)
    window.about_action.trigger()
    assert seen and __version__ in seen[0] and str(window.copy.data_dir) in seen[0]


def test_window_state_and_place_are_restored_next_time(qtbot, demo_dir, settings):
    with Copy.open(demo_dir) as copy:
        first = MainWindow(copy, settings)
        qtbot.addWidget(first)
        first.show()
        first.main_splitter.setSizes([1, first.main_splitter.width()])  # narrowest navigator
        navigator_width = first.main_splitter.sizes()[0]
        first.tool_bar.hide()
        first.show_place("evidence")
        first.close()
    with Copy.open(demo_dir) as copy:
        second = MainWindow(copy, settings)
        qtbot.addWidget(second)
        second.show()
        assert second.main_splitter.sizes()[0] == navigator_width
        assert second.tool_bar.isHidden()
        assert second.stack.currentWidget() is second.evidence_page
        second.close()


def test_refresh_shows_changes_made_outside_the_editor(qtbot, window):
    section = window.copy.records.list_kind("section")[0]
    window.show_place(f"section:{section.uid}")
    with Copy.open(window.copy.data_dir) as other:  # e.g. the csa command, an import
        changes = other.records.update(section.uid, {"title": "Changed elsewhere"})
    window.refresh(changes)
    index = window.navigator.find(f"section:{section.uid}")
    assert "Changed elsewhere" in index.data()
    title = control(window.sections_page, QLineEdit, "Title")
    assert title.text() == "Changed elsewhere"


def test_tab_moves_through_a_form_in_reading_order(qtbot, window):
    window.show_place("sections")
    window.sections_page.panel.select_row(0)
    number = control(window, QLineEdit, "Number")
    number.setFocus()
    order = [QApplication.focusWidget().accessibleName()]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().accessibleName())
    assert order == ["Number", "Title", "Kind", "Text"]
