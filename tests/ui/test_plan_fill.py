"""The plan-on-a-page editor says how full each printed column is before printing, and warns
when a column is too long to print."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def fills(window) -> dict[str, str]:
    page = window.plan_on_a_page_page
    return {editor.column: editor.fill.text() for editor in page.columns}


def test_each_column_shows_how_full_it_prints_and_warns_when_too_long(qtbot, window):
    assert window.show_place("plan-on-a-page")
    qtbot.waitUntil(lambda: all(fills(window).values()), timeout=5000)
    assert all("% of the column" in text for text in fills(window).values())
    assert not any("Too long" in text for text in fills(window).values())

    agreement = window.copy.records.list_kind("agreement")[0].uid
    for n in range(40):
        window.edits.create("plan-item", {"agreement_uid": agreement, "column": "activity",
                                          "text": f"Activity {n}: " + "detail " * 120})
    qtbot.waitUntil(lambda: "Too long to print" in fills(window)["activity"], timeout=5000)
    assert "Too long" not in fills(window)["evidence"]
    label = window.plan_on_a_page_page.columns[3].fill
    assert isinstance(label, QLabel) and label.isVisible()
