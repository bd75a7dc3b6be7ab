"""What the lead's import preview lists: never a record the district added and then undid
(it travels as a tombstone) as new, and each change with its old and new value, as labels
and titles."""

from __future__ import annotations

import datetime as dt

import pytest

from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.sync import SyncService
from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog
from tests.bundle.conftest import Exchange


def contribution(exchange: Exchange) -> tuple[str, str]:
    """The district adds a progress update and undoes it, adds one it keeps, and changes an
    action's status and lead organisation; returns (kept update uid, action uid)."""
    with Copy.open(exchange.district) as district:
        action = district.records.get(exchange.action)
        values = {"action_uid": action.uid, "period": "2025/26 Q1",
                  "reported_on": dt.date(2025, 7, 1), "rag": "amber"}
        undone = district.records.create("progress-update", {**values, "narrative": "Oops"})
        district.records.delete(undone.created[0][1])
        kept = district.records.create("progress-update", {**values, "narrative": "Kept"})
        police = next(r.uid for r in district.records.list_kind("organisation")
                      if r.title == "Lancashire Constabulary")
        district.records.update(action.uid, {"status": "on-hold",
                                             "lead_organisation_uid": police})
        BundleService(district).export(exchange.tmp / "undo.csabundle")
    return kept.created[0][1], action.uid


def preview(exchange: Exchange):
    with Copy.open(exchange.lead) as lead:
        return SyncService(lead).import_files([exchange.tmp / "undo.csabundle"], dry_run=True)


def test_a_record_added_then_undone_in_the_district_is_not_previewed_as_new(exchange):
    kept, _action = contribution(exchange)
    [outcome] = preview(exchange).outcomes
    new = [line for line in outcome.records if line.op == "create"]
    assert [line.uid for line in new] == [kept]
    assert outcome.counts["create"] == {"progress-update": 1}


def test_the_preview_shows_each_change_old_and_new_as_people_read_them(exchange):
    _kept, action = contribution(exchange)
    report = preview(exchange)
    [line] = [line for line in report.outcomes[0].records
              if line.uid == action and line.op == "update"]
    assert {"status", "lead_organisation_uid"} <= {name for name, _old, _new in line.values}


@pytest.mark.gui
def test_the_preview_dialog_lists_old_and_new_values_with_labels(qtbot, exchange):
    _kept, action = contribution(exchange)
    with Copy.open(exchange.lead) as lead:
        before = lead.records.get(action)
        old_lead = lead.records.titles(
            "organisation", [before["lead_organisation_uid"]])[before["lead_organisation_uid"]]
    dialog = ImportPreviewDialog(preview(exchange))
    qtbot.addWidget(dialog)
    bundle = dialog.model.item(0)
    rows = {bundle.child(r, 1).text(): bundle.child(r, 2).text()
            for r in range(1, bundle.rowCount())}
    assert "New" in rows  # the kept update
    details = rows["Changed"]
    status_from = before["status"].replace("-", " ").capitalize()
    assert f"Status: {status_from} → On hold" in details
    assert f"Lead organisation: {old_lead} → Lancashire Constabulary" in details
    assert "on-hold" not in details
    texts = [bundle.child(r, 1).text() + bundle.child(r, 2).text()
             for r in range(1, bundle.rowCount())]
    assert sum("Progress update" in t and t.startswith("New") for t in texts) == 1
