"""What an import says about conflicts: grammar, and no "would wait" when a bundle imported
before changes nothing (the conflicts it mentions are the ones already waiting)."""

from __future__ import annotations

import pytest

from csa_desktop.services.copy import Copy
from csa_desktop.services.sync import SyncService
from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog, conflicts_waiting
from tests.bundle.builders import csa
from tests.merge.conftest import Lab, import_files


def one_conflict(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[2]
    base = lab.baseline[action].fields["status"]
    one, two = [s for s in ("on-hold", "in-progress", "completed") if s != base][:2]
    first = lab.bundle(west, [lab.update(action, status=one)])
    second = lab.bundle(skem, [lab.update(action, status=two)])
    import_files(lab.lead, first, second)
    return first


@pytest.mark.parametrize(("count", "would", "text"), [
    (1, False, "1 conflict waits for a decision"),
    (2, False, "2 conflicts wait for a decision"),
    (1, True, "1 conflict would wait for a decision"),
])
def test_conflicts_waiting_reads_as_english(count, would, text):
    assert conflicts_waiting(count, would=would) == text


def test_re_importing_a_bundle_says_the_conflict_waits_not_would_wait(lab, capsys):
    first = one_conflict(lab)
    capsys.readouterr()
    assert csa(lab.lead, "import", str(first)) == 0
    out = capsys.readouterr().out
    assert "1 conflict waits for a decision" in out
    assert "would" not in out


@pytest.mark.gui
def test_the_preview_of_a_bundle_imported_before_says_nothing_new(qtbot, lab):
    first = one_conflict(lab)
    with Copy.open(lab.lead) as copy:
        report = SyncService(copy).import_files([first], dry_run=True)
    dialog = ImportPreviewDialog(report)
    qtbot.addWidget(dialog)
    text = dialog.summary.text()
    assert text.startswith("Nothing new to import")
    assert "1 conflict still waits for a decision" in text and "would" not in text
    assert not dialog.apply_button.isEnabled()
