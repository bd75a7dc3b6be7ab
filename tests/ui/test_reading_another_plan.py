"""A district officer reads another partnership's plan: read-only fields stay readable to their
end, dates offer no Clear button, and progress narratives show in full."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QToolButton

from csa_desktop.services.copy import Copy
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.settings import WindowSettings
from tests.helpers import dump
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def test_read_only_fields_can_be_read_to_their_end_but_not_changed(qtbot, district_window):
    window = district_window
    before = dump(window.copy.data_dir)
    assert window.show_place("local-plan:Pendle")
    measure = control(window, QLineEdit, "How we will know")
    assert measure.isEnabled() and measure.isReadOnly()  # focus, scroll, select, copy
    measure.setFocus()
    qtbot.keyClick(measure, Qt.Key.Key_End)
    assert measure.cursorPosition() == len(measure.text()) > 0
    qtbot.keyClicks(measure, " and more")
    qtbot.keyClick(measure, Qt.Key.Key_Return)
    assert not [b for b in window.local_plans_page.findChildren(QToolButton)
                if b.accessibleName().startswith("Clear") and b.isVisible()]
    assert dump(window.copy.data_dir) == before


def test_the_districts_own_dates_can_still_be_cleared(qtbot, district_window):
    window = district_window
    assert window.show_place("local-plan:West Lancashire CSP")
    assert control(window, QToolButton, "Clear due").isVisible()


def test_progress_narratives_wrap_to_their_full_height_when_the_window_opens_on_a_plan(
        qtbot, district_dir: Path, settings: WindowSettings):
    copy = Copy.open(district_dir)
    window = MainWindow(copy, settings)
    qtbot.addWidget(window)
    try:
        assert window.show_place("local-plan:Pendle")  # chosen before the window shows,
        window.show()  # as at start-up
        qtbot.waitExposed(window)
        view = window.local_plans_page.actions_panel.detail.updates_view
        assert view.model().rowCount() > 0

        def fitted() -> bool:
            return all(view.rowHeight(r) >= view.sizeHintForRow(r)
                       for r in range(view.model().rowCount()))

        qtbot.waitUntil(fitted, timeout=2000)
        splitter = window.local_plans_page.actions_panel.splitter
        splitter.setSizes([splitter.width() - 360, 360])  # a narrower pane: taller rows
        qtbot.waitUntil(fitted, timeout=2000)
    finally:
        window.close()
        copy.close()
