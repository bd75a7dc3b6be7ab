"""The agreement editor makes the agreement rolling (no end date) and back."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from csa_desktop.services.copy import Copy
from tests.ui.conftest import control
from tests.ui.showing import settle

pytestmark = pytest.mark.gui


def stored(window):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.list_kind("agreement")[0]


def test_ticking_rolling_in_the_agreement_editor_stores_a_rolling_agreement(qtbot, window):
    assert window.show_place("agreement")
    settle(qtbot, window)
    rolling = control(window, QCheckBox, "Rolling (no end date, refreshed annually)")
    assert not rolling.isChecked()
    rolling.setFocus()
    qtbot.keyClick(rolling, Qt.Key.Key_Space)
    settle(qtbot, window)
    found = stored(window)
    assert found["rolling"] is True and found["period_end"] is None
    page_end = window.pages[[type(p).__name__ for p in window.pages].index("AgreementPage")]
    assert page_end.form.editor("period_end").value() is None  # the form shows it cleared
    window.copy.records.update(found.uid, {"period_end": dt.date(2026, 3, 31)})
    found = stored(window)
    assert found["rolling"] is False
