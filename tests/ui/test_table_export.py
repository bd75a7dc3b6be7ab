"""Export… under the actions table writes the actions shown, in the order shown, as the user
chose: an Excel workbook or a CSV file, read back here; nothing shown, nothing written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from csa_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def shown_titles(window: MainWindow) -> list[str]:
    panel = window.local_plans_page.actions_panel
    return [r.title for uid in panel.shown_uids() for r in panel.model.rows if r.uid == uid]


def test_export_writes_the_filtered_actions_as_excel_in_the_order_shown(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch):
    assert window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    panel.finish_loading()
    panel.filter_bar.rag.setCurrentIndex(panel.filter_bar.rag.findData("red"))
    titles = shown_titles(window)
    assert 1 < len(titles) < len(panel.model.rows)
    chosen = tmp_path / "red actions"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(chosen), "Excel workbook (*.xlsx)"))
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "red actions.xlsx"
    sheet = load_workbook(written).active
    header = [c.value for c in sheet[1]]
    title_column = header.index("What we will do")
    exported = [row[title_column].value for row in sheet.iter_rows(min_row=2)]
    assert exported == titles
    assert "Saved" in window.statusBar().currentMessage()


def test_export_as_csv_and_an_empty_table_writes_nothing(qtbot, window: MainWindow,
                                                         tmp_path: Path, monkeypatch):
    assert window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    panel.finish_loading()
    written = panel.export_shown(tmp_path / "all.csv")
    assert written is not None
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[rows[0].index("What we will do")] for r in rows[1:]] == shown_titles(window)
    panel.filter_bar.text.setText("no action is called this")
    assert panel.export_shown(tmp_path / "none.xlsx") is None
    assert not (tmp_path / "none.xlsx").exists()
    assert "no actions" in panel.error.text()
