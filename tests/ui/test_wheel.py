"""The mouse wheel scrolls the page under the pointer; a drop-down, date or spin box that
passes under the pointer changes only once it has been clicked or tabbed into."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QScrollArea, QWidget

from csa_desktop.services.copy import Copy
from tests.ui.conftest import control

pytestmark = pytest.mark.gui

DOWN, UP = QPoint(0, -120), QPoint(0, 120)


def roll(window: QWidget, over: QWidget, delta: QPoint, times: int = 1) -> None:
    """Real wheel notches (spontaneous, as from a mouse) with the pointer over `over`."""
    for _ in range(times):
        centre = over.mapTo(window, over.rect().center())
        QTest.wheelEvent(window.windowHandle(), centre, delta)


def scroll_area_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def bring_into_view(qtbot, area: QScrollArea, widget: QWidget) -> QPoint:
    """Scroll so `widget` is under the pointer with room left to scroll; the notch that
    scrolls the pane from there (down if it can, else up)."""
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the pane must be able to scroll"
    area.ensureWidgetVisible(widget, 0, 0)
    qtbot.wait(10)
    return DOWN if bar.value() < bar.maximum() else UP


def stored(window, uid):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.get(uid)


@pytest.fixture
def action_pane(qtbot, district_window):
    """The detail pane of a West Lancashire action, in a window short enough to scroll."""
    window = district_window
    window.resize(1100, 560)
    window.show_place("local-plan:West Lancashire CSP")
    panel = window.local_plans_page.actions_panel
    qtbot.waitUntil(lambda: bool(panel.current_uid()))
    window.tree.setFocus()
    qtbot.wait(50)
    return window, panel.current_uid()


@pytest.mark.parametrize("name", ["RAG", "Status"])
def test_the_wheel_over_an_unfocused_drop_down_scrolls_the_pane_and_changes_nothing(
        qtbot, action_pane, name):
    window, uid = action_pane
    before = stored(window, uid)
    combo = control(window, QComboBox, name)
    area = scroll_area_of(combo)
    notch = bring_into_view(qtbot, area, combo)
    start = area.verticalScrollBar().value()
    combo_index = combo.currentIndex()
    roll(window, combo, notch)
    qtbot.wait(50)

    assert area.verticalScrollBar().value() != start  # the pane scrolled
    assert combo.currentIndex() == combo_index
    assert not combo.hasFocus()
    after = stored(window, uid)
    assert after.rev == before.rev and after[name.lower()] == before[name.lower()]


def test_the_wheel_over_a_focused_drop_down_still_changes_it(qtbot, action_pane):
    window, _uid = action_pane
    combo = control(window, QComboBox, "RAG")
    scroll_area_of(combo).ensureWidgetVisible(combo)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    index = combo.currentIndex()
    roll(window, combo, UP if index > 0 else DOWN)
    qtbot.waitUntil(lambda: combo.currentIndex() != index)


def test_the_wheel_over_an_unfocused_date_scrolls_the_pane_and_changes_nothing(
        qtbot, action_pane):
    window, uid = action_pane
    before = stored(window, uid)
    date = control(window, QAbstractSpinBox, "Due")
    area = scroll_area_of(date)
    notch = bring_into_view(qtbot, area, date)
    start = area.verticalScrollBar().value()
    shown = date.text()
    roll(window, date, notch)
    qtbot.wait(50)
    assert area.verticalScrollBar().value() != start
    assert date.text() == shown and not date.hasFocus()
    assert stored(window, uid).rev == before.rev


def test_no_box_in_the_program_takes_focus_from_the_wheel(window):
    for place in ("agreement", "plan-on-a-page", "local-plans"):
        window.show_place(place)
        for box in window.findChildren(QComboBox) + window.findChildren(QAbstractSpinBox):
            box.ensurePolished()
            assert box.focusPolicy() != Qt.FocusPolicy.WheelFocus, box.accessibleName()


def test_the_wheel_over_a_focused_date_still_changes_it(qtbot, action_pane):
    window, _uid = action_pane
    date = control(window, QAbstractSpinBox, "Due")
    scroll_area_of(date).ensureWidgetVisible(date)
    qtbot.mouseClick(date, Qt.MouseButton.LeftButton)  # the user clicks into it first
    qtbot.waitUntil(date.hasFocus)
    shown = date.text()
    roll(window, date, UP)
    qtbot.waitUntil(lambda: date.text() != shown)


def test_the_wheel_over_the_import_dialogs_column_choices_scrolls_and_changes_no_mapping(
        qtbot, demo_copy, tmp_path):
    from csa_desktop.ui.dialogs.import_actions import ImportActionsDialog
    from csa_desktop.ui.wheel import guard_wheel
    from tests.adoption.builders import council_workbook

    guard_wheel()  # as app.py does before any window (fails without it: tried)
    dialog = ImportActionsDialog(demo_copy, council_workbook(tmp_path / "plan.xlsx"))
    qtbot.addWidget(dialog)
    dialog.resize(900, 380)  # short enough for the column list to scroll
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.sheet.setFocus()
    before = dialog.mapping()
    combo = dialog.combos[len(dialog.combos) // 2]
    area = scroll_area_of(combo)
    notch = bring_into_view(qtbot, area, combo)
    start = area.verticalScrollBar().value()
    roll(dialog, combo, notch, times=2)
    qtbot.wait(20)
    assert area.verticalScrollBar().value() != start  # the list scrolled
    assert dialog.mapping() == before  # and no column changed what it becomes


def test_the_wheel_over_the_word_outline_kinds_scrolls_the_tree_and_changes_no_kind(
        qtbot, demo_copy, tmp_path):
    from csa_desktop.ui.dialogs.import_agreement import ImportAgreementDialog
    from csa_desktop.ui.wheel import guard_wheel
    from tests.adoption.word_builders import kent_agreement

    guard_wheel()
    dialog = ImportAgreementDialog(demo_copy, kent_agreement(tmp_path / "kent.docx"))
    qtbot.addWidget(dialog)
    dialog.resize(900, 420)  # short enough for the outline to scroll
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.import_button.setFocus()
    before = dialog.chosen_kinds()
    bar = dialog.tree.verticalScrollBar()
    assert bar.maximum() > 0
    combo = dialog.kinds[2]
    roll(dialog, combo, DOWN, times=2)
    qtbot.wait(20)
    assert bar.value() > 0  # the outline scrolled
    assert dialog.chosen_kinds() == before  # and no section changed what it becomes


def test_the_wheel_over_the_committee_reports_unfocused_boxes_changes_nothing(qtbot, demo_copy):
    from csa_desktop.services.committee_report import report_bodies
    from csa_desktop.ui.dialogs.committee_report import CommitteeReportDialog
    from csa_desktop.ui.wheel import guard_wheel

    guard_wheel()
    dialog = CommitteeReportDialog(report_bodies(demo_copy))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.findChildren(QWidget)[0].setFocus()
    body, meeting = dialog.body, dialog.meeting
    for box in (dialog.body_box, dialog.meeting_edit):
        box.clearFocus()
        roll(dialog, box, DOWN, times=3)
    qtbot.wait(20)
    assert (dialog.body, dialog.meeting) == (body, meeting)
