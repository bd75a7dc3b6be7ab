"""The small table models of the dialogs pass Qt's model tester and show their rows."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_the_history_model_lists_every_value_a_record_had(qapp, qtmodeltester, demo_copy):
    from csa_desktop.services.history import history_lines
    from csa_desktop.ui.dialogs.history import HistoryTableModel

    action = demo_copy.records.list_kind("action")[0]
    demo_copy.records.update(action.uid, {"rag": "red"})
    model = HistoryTableModel(history_lines(demo_copy, action.uid))
    qtmodeltester.check(model)
    assert model.rowCount() == len(history_lines(demo_copy, action.uid))
    from PySide6.QtCore import Qt

    assert model.headerData(0, Qt.Orientation.Horizontal) == "When"
    model.set_rows([])
    assert model.rowCount() == 0
