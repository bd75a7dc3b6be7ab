"""The Indicators pages, an indicator's dialog and the period grid, driven as a user would:
what reaches the copy is checked through the services."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from csa_desktop.domain.indicators import value_uid
from csa_desktop.services.indicators import indicator_view
from csa_desktop.ui.dialogs.indicator_editor import IndicatorDialog
from csa_desktop.ui.dialogs.indicator_values import NEW, NOTE_COLUMN, PeriodValuesDialog
from tests.ui.showing import settle

pytestmark = pytest.mark.gui


def rows_of(page) -> list[tuple[str, ...]]:
    model = page.model
    return [tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
            for r in range(model.rowCount())]


def show_west(window, qtbot):
    index = window.navigator.find(f"indicators:{west_uid(window)}")
    assert index.isValid()
    window.tree.setCurrentIndex(index)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.indicators_page)
    return window.indicators_page


def west_uid(window) -> str:
    return next(p.uid for p in window.copy.records.list_kind("partnership")
                if p.title == "West Lancashire CSP")


def test_the_county_page_lists_indicators_with_latest_value_target_rag_and_direction(
        qtbot, window):
    assert window.show_place("indicators")
    page = window.indicators_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    shown = {row[0]: row for row in rows_of(page)}
    repeat = shown["Repeat victims of domestic abuse [illustrative]"]
    assert repeat[1:] == ("Domestic abuse", "percent", "2024/25 Q2", "30.1", "28", "Amber",
                          "", "▲ worsening")  # the trend column is drawn, not written
    assert shown["Reports of cyber-enabled fraud [illustrative]"][5:] == ("no target", "—",
                                                                        "", "▼ lower")
    trend = page.model.index(0, 7)
    assert trend.data(Qt.ItemDataRole.ToolTipRole).startswith("2023/24 Q1: 31.5, ")
    page.key_issue.setCurrentIndex(page.key_issue.findText("Road safety"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert rows_of(page)[0][6] == "Red"
    settling = settle(qtbot, window)
    assert settling.overlaps == []


def test_a_partnership_page_shows_only_its_own_indicators(qtbot, window):
    page = show_west(window, qtbot)
    assert page.heading.text() == "West Lancashire CSP — indicators"
    assert sorted(row[0] for row in rows_of(page)) == [
        "Anti-social behaviour incidents, West Lancashire [illustrative]",
        "Hate crime reports, West Lancashire [illustrative]"]


def test_the_period_grid_saves_a_quarter_as_one_undo_and_refuses_a_bad_figure(qtbot, window):
    page = show_west(window, qtbot)
    dialog = PeriodValuesDialog(window, window.context, page.model.rows)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.period.setCurrentIndex(dialog.period.findData("2024/25 Q3"))
    assert dialog.grid.rowCount() == 1  # the quarterly one (the annual is another frequency)
    indicator = dialog.shown()[0].indicator
    dialog.grid.item(0, NEW).setText("NaN")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "Nothing was saved" in dialog.error.text() and "is not a number" in dialog.error.text()
    assert dialog.isVisible()
    uid = value_uid(indicator.uid, "2024/25 Q3")
    assert window.copy.records.list_kind("indicator-value", where={
        "indicator_uid": indicator.uid, "period": "2024/25 Q3"}) == []
    dialog.grid.item(0, NEW).setText("1,005")
    dialog.grid.item(0, NOTE_COLUMN).setText("Police figures")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    saved = window.copy.records.get(uid)
    assert (saved["value"], saved["note"]) == ("1005", "Police figures")
    row = next(r for r in rows_of(page) if r[0] == indicator.title)
    assert row[3:5] == ("2024/25 Q3", "1005")
    window.undo_stack.undo()
    assert window.copy.records.get(uid).deleted
    assert indicator_view(window.copy, indicator.uid).judgement.latest_period == "2024/25 Q2"


def test_the_indicator_dialog_edits_fields_and_values_and_draws_the_chart(qtbot, window):
    page = show_west(window, qtbot)
    asb = next(v for v in page.model.rows if v.indicator.title.startswith("Anti-social"))
    dialog = IndicatorDialog(window, window.context, asb.indicator.uid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert [p for p, _ in dialog.chart.points][-1] == "2024/25 Q2"
    assert dialog.chart.target is not None and str(dialog.chart.target) == "1050"
    assert "RAG green" in dialog.summary.text()
    target = dialog.form.editors["target_value"].widget
    assert isinstance(target, QLineEdit)
    target.setFocus()
    target.selectAll()
    qtbot.keyClicks(target, "1,000")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.copy.records.get(asb.indicator.uid)["target_value"]
                    == "1000")
    qtbot.waitUntil(lambda: "RAG amber" in dialog.summary.text())
    target.setFocus()
    target.selectAll()
    qtbot.keyClicks(target, "1e3")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert window.copy.records.get(asb.indicator.uid)["target_value"] == "1000"
    assert "exponent" in dialog.form.errors["target_value"].text()
    settling = settle(qtbot, dialog)
    assert settling.overlaps == []
    dialog.close()


def test_a_district_sees_the_county_indicators_read_only_but_may_open_them(
        qtbot, district_window):
    window = district_window
    assert window.show_place("indicators")
    page = window.indicators_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert not page.panel.buttons["add"].isEnabled()
    assert not page.enter.isEnabled()
    assert page.open_button.isEnabled()
    page.open_button.click()
    dialog = next(w for w in window.findChildren(IndicatorDialog))
    qtbot.waitExposed(dialog)
    assert not dialog.editable
    assert not dialog.values_panel.buttons["add"].isEnabled()
    dialog.close()


def test_adding_a_value_in_the_dialog_is_one_undo_and_redo_brings_the_same_record_back(
        qtbot, window):
    from csa_desktop.ui.dialogs.record_dialog import RecordDialog

    page = show_west(window, qtbot)
    asb = next(v for v in page.model.rows if v.indicator.title.startswith("Anti-social"))
    dialog = IndicatorDialog(window, window.context, asb.indicator.uid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.values_panel.buttons["add"].click()
    add = next(w for w in dialog.findChildren(RecordDialog) if w.isVisible())
    period = add.form.editors["period"].widget
    period.setCurrentIndex(period.findText("2024/25 Q3"))
    value = add.form.editors["value"].widget
    qtbot.keyClicks(value, "1,010.5")
    add.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    uid = value_uid(asb.indicator.uid, "2024/25 Q3")
    qtbot.waitUntil(lambda: not add.isVisible())
    assert window.copy.records.get(uid)["value"] == "1010.5"
    assert dialog.values_panel.current_uid() == uid
    assert dialog.chart.points[-1][0] == "2024/25 Q3"
    window.undo_stack.undo()
    assert window.copy.records.get(uid).deleted
    qtbot.waitUntil(lambda: dialog.chart.points[-1][0] == "2024/25 Q2")
    window.undo_stack.redo()
    assert not window.copy.records.get(uid).deleted
    dialog.close()
