"""A new county chooses its approval chain when it starts its agreement."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from csa_desktop.errors import InputError
from csa_desktop.services.approvals import workflow
from csa_desktop.services.new_copy import CountyFacts, start_county
from tests.ui.showing import settle


def facts(chain: str) -> CountyFacts:
    return CountyFacts("Kent CSA", dt.date(2026, 4, 1), dt.date(2029, 3, 31), ("Dover",),
                       ("Dover CSP",), chain=chain)


def test_a_new_county_records_the_chain_it_chose(tmp_path):
    with start_county(tmp_path / "kent", facts("board-only")) as copy:
        steps = copy.records.list_kind("approval-step")
        flow = workflow(copy)
    assert [s["name"] for s in steps] == ["board", "pcc"]
    assert flow.chain_recorded and flow.status == "draft"
    assert steps[0]["body"] == "Community Safety Partnership Board"


def test_an_unknown_preset_is_refused_and_nothing_is_made(tmp_path):
    with pytest.raises(InputError, match="not a chain preset"):
        start_county(tmp_path / "kent", facts("three-tier"))
    assert not (tmp_path / "kent").exists()


@pytest.mark.gui
def test_the_new_county_dialog_offers_the_presets(qtbot, tmp_path):
    from csa_desktop.ui.dialogs.new_county_dialog import NewCountyDialog

    dialog = NewCountyDialog(lambda name: tmp_path / "kent")
    qtbot.addWidget(dialog)
    settle(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Medway CSA")
    qtbot.keyClicks(dialog.areas_edit, "Medway (unitary)")
    qtbot.keyClicks(dialog.partnerships_edit, "Medway CSP")
    dialog.chain_edit.setCurrentIndex(dialog.chain_edit.findData("unitary"))
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.copy is not None
    try:
        assert [s.name for s in workflow(dialog.copy).chain] == ["board", "cabinet", "pcc"]
    finally:
        dialog.copy.close()
