"""A record's history as the History dialog shows it: a new record as one line, choices as
labels, references as titles, and a decision under the name of the lead who made it."""

from __future__ import annotations

import datetime as dt

import pytest

from csa_desktop.services.conflicts import ConflictService
from csa_desktop.services.copy import Copy
from csa_desktop.services.history import history_lines
from csa_desktop.ui.dialogs.history import HistoryDialog
from tests.merge.conftest import import_files
from tests.merge.test_gui import two_conflicts


def test_a_new_record_is_one_created_line_with_labels_and_titles(demo_copy):
    action = demo_copy.records.list_kind("action")[0]
    made = demo_copy.records.create("progress-update", {
        "action_uid": action.uid, "period": "2025/26 Q1", "reported_on": dt.date(2025, 7, 1),
        "rag": "not-rated", "narrative": "Started"})
    uid = made.created[0][1]
    demo_copy.records.update(uid, {"rag": "amber"})
    lines = history_lines(demo_copy, uid)
    assert len(lines) == 2
    created, edited = lines
    assert created.how == "created here" and created.field == ""
    assert f"Action: {action.title}" in created.new  # the action's title, not its uid
    assert "RAG: Not rated" in created.new and "not-rated" not in created.new
    assert action.uid not in created.new
    assert (edited.field, edited.old, edited.new) == ("RAG", "Not rated", "Amber")


def test_a_decision_is_under_the_name_of_the_lead_who_made_it(lab):
    import_files(lab.lead, *two_conflicts(lab))
    with Copy.open(lab.lead) as copy:
        service = ConflictService(copy)
        view = next(v for v in service.list() if v.conflict.field == "rag")
        service.decide(view.id, view.conflict.incoming[0].value,
                       source=view.conflict.incoming[0])
        lines = history_lines(copy, view.conflict.record_uid)
        decided = [line for line in lines if line.how == "decided"]
        assert [line.who for line in decided] == [copy.identity.name]
        assert all(line.new[:1].isupper() for line in decided)  # "Amber", not "amber"


@pytest.mark.gui
def test_the_history_dialog_shows_labels_never_codes_or_uids(qtbot, demo_copy):
    action = demo_copy.records.list_kind("action")[0]
    demo_copy.records.update(action.uid, {"status": "on-hold"})
    lines = history_lines(demo_copy, action.uid)
    dialog = HistoryDialog(action.title, lines)
    qtbot.addWidget(dialog)
    shown = [str(dialog.model.index(r, c).data()) for r in range(dialog.model.rowCount())
             for c in range(dialog.model.columnCount())]
    assert "On hold" in shown
    assert "on-hold" not in shown
