"""A restore point before every import, the last 20 kept; restoring one, undoing the last
import; cancelling applies nothing; progress is reported."""

from __future__ import annotations

import json
import os

import pytest

from csa_desktop import paths
from csa_desktop.services import restore_points
from csa_desktop.services.copy import Copy
from csa_desktop.services.sync import ImportCancelledError, SyncService
from csa_desktop.storage import backups
from csa_desktop.storage import restore_points as point_store
from tests.bundle.builders import csa, database_state
from tests.helpers import dump
from tests.merge.conftest import Lab, import_files


def a_bundle(lab: Lab, rag: str = "red"):
    action = lab.actions[0]
    if lab.baseline[action].fields["rag"] == rag:
        rag = "amber"
    return lab.bundle(lab.districts[0], [lab.update(action, rag=rag)])


def test_every_import_makes_a_restore_point_listed_with_its_bundles(lab: Lab, capsys):
    path = a_bundle(lab)
    report = import_files(lab.lead, path)
    assert report.restore_point
    capsys.readouterr()
    assert csa(lab.lead, "restore-points", "list", "--json") == 0
    [point] = json.loads(capsys.readouterr().out)
    assert point["id"] == report.restore_point
    assert point["status"] == "ready"
    assert [b["file"] for b in point["bundles"]] == [path.name]
    assert point["bundles"][0]["author"] == "Ormskirk officer"


def test_restoring_a_point_gives_back_the_copy_as_it_was_before_that_import(lab: Lab, capsys):
    before = dump(lab.lead)
    report = import_files(lab.lead, a_bundle(lab))
    import_files(lab.lead, lab.bundle(lab.districts[1], [lab.create(title="Later")]))
    assert csa(lab.lead, "restore-points", "restore", report.restore_point) == 0
    assert "restored the copy as it was" in capsys.readouterr().out
    assert dump(lab.lead) == before
    assert csa(lab.lead, "check") == 0


def test_undo_last_import_and_the_bundle_can_be_imported_again(lab: Lab, capsys):
    path = a_bundle(lab)
    before = dump(lab.lead)
    import_files(lab.lead, path)
    assert csa(lab.lead, "restore-points", "undo") == 0
    assert f"undid the import of {path.name}" in capsys.readouterr().out
    assert dump(lab.lead) == before
    assert csa(lab.lead, "restore-points", "undo") == 2
    assert "no import to undo" in capsys.readouterr().err
    report = import_files(lab.lead, path)
    assert [o.status for o in report.outcomes] == ["imported"]


def test_only_the_last_20_restore_points_are_kept(lab: Lab):
    database = lab.lead / "csa.sqlite3"
    for _ in range(22):
        point_store.confirm(database, point_store.create(database, [{"file": "x.csabundle"}]))
    assert len(point_store.list_points(database)) == 20


def test_a_point_left_by_an_interrupted_import_is_settled_by_what_the_copy_holds(lab: Lab):
    database = lab.lead / "csa.sqlite3"
    never = point_store.create(database, [{"file": "a", "bundle_id": "not-imported"}])
    report = import_files(lab.lead, a_bundle(lab))
    done = point_store.find(database, report.restore_point)
    point_store.discard(done)  # as if killed after the commit, before the point was confirmed
    kept = point_store.create(database, [{"file": "b", "bundle_id": report.outcomes[0].bundle_id}])
    with Copy.open(lab.lead) as copy:
        listed = restore_points.list_points(copy)
    assert [p.id for p in listed] == [kept.id]
    assert listed[0].status == "ready"
    assert not never.path.exists()


@pytest.mark.parametrize("cancel_after", [0, 1, 2, 3, 4])
def test_cancel_at_any_moment_applies_nothing_and_leaves_no_restore_point(lab: Lab,
                                                                          cancel_after):
    paths = [a_bundle(lab), lab.bundle(lab.districts[1], [lab.create(title="New")])]
    before = database_state(lab.lead)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > cancel_after

    with Copy.open(lab.lead) as copy, pytest.raises(ImportCancelledError):
        SyncService(copy).import_files(paths, cancelled=cancelled)
    assert database_state(lab.lead) == before
    assert point_store.list_points(lab.lead / "csa.sqlite3") == []


def test_progress_is_reported_from_start_to_end(lab: Lab):
    seen: list[tuple[int, int, str]] = []
    with Copy.open(lab.lead) as copy:
        SyncService(copy).import_files([a_bundle(lab)],
                                       progress=lambda d, t, w: seen.append((d, t, w)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert any("checking" in w for _, _, w in seen)


def test_an_import_that_cannot_save_its_restore_point_imports_nothing(lab: Lab, capsys,
                                                                     monkeypatch):
    import errno

    real = backups.make_backup

    def full_disk(database, reason, **kwargs):  # the day's backup was made before
        if reason == point_store.KIND:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(database, reason, **kwargs)

    monkeypatch.setattr(backups, "make_backup", full_disk)
    before = database_state(lab.lead)
    assert csa(lab.lead, "import", str(a_bundle(lab))) == 1
    err = capsys.readouterr().err
    assert "restore point could not be saved (No space left on device)" in err
    assert database_state(lab.lead) == before


def _daily_backups(folder):
    return [b for b in backups.list_backups(paths.database_path(folder)) if b.kind == "daily"]


def test_the_days_first_import_keeps_its_restore_point_in_the_days_backup_file(lab: Lab,
                                                                               capsys):
    for old in _daily_backups(lab.lead):  # as on the first import of a new day
        old.path.unlink()
    before = dump(lab.lead)
    report = import_files(lab.lead, a_bundle(lab))
    [daily] = _daily_backups(lab.lead)
    point = point_store.find(paths.database_path(lab.lead), report.restore_point)
    assert os.path.samefile(daily.path, point.path)  # one file, two names: not copied twice
    assert csa(lab.lead, "restore-points", "undo") == 0
    assert dump(lab.lead) == before
    point_store.discard(point)  # the day's backup outlives its second name
    assert daily.path.is_file()
    assert csa(lab.lead, "backup", "restore", daily.id) == 0
    assert dump(lab.lead) == before


def test_an_import_after_a_change_in_the_same_session_copies_its_restore_point(lab: Lab):
    for old in _daily_backups(lab.lead):
        old.path.unlink()
    with Copy.open(lab.lead) as copy:
        action = lab.actions[1]
        copy.records.update(action, {"title": "Changed before the import"})
        report = SyncService(copy).import_files([a_bundle(lab)])
    [daily] = _daily_backups(lab.lead)
    point = point_store.find(paths.database_path(lab.lead), report.restore_point)
    assert not os.path.samefile(daily.path, point.path)
    with Copy.open(lab.lead) as copy:  # the point holds the change, the daily backup not
        assert copy.records.get(action).fields["title"] == "Changed before the import"
    assert csa(lab.lead, "restore-points", "undo") == 0
    with Copy.open(lab.lead) as copy:
        assert copy.records.get(action).fields["title"] == "Changed before the import"
