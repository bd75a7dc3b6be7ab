"""A damaged copy is never opened for changes: the user is told in plain words, offered the
newest good backup, and the file is left exactly as it was; restoring sets it aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.services import backups, safety
from csa_desktop.services.copy import Copy
from csa_desktop.storage import backups as stored_backups
from csa_desktop.storage.database import DamagedCopyError
from tests.robustness.conftest import damage, file_bytes


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def a_backup_made_on(folder: Path, day: dt.date, reason: str = "daily") -> str:
    target = folder / "backups" / f"{day:%Y%m%d}-090000-000000-{reason}.sqlite3"
    target.parent.mkdir(exist_ok=True)
    stored_backups.copy_database(folder / "csa.sqlite3", target)
    return target.stem


@pytest.mark.parametrize("command", [["list", "section"], ["info"], ["check"],
                                     ["add", "area", "name=Nowhere", "kind=district"]])
def test_every_command_on_a_damaged_copy_says_so_in_one_line_and_names_the_good_backup(
        demo_dir, capsys, command):
    good = a_backup_made_on(demo_dir, dt.date(2024, 6, 4))
    database = demo_dir / "csa.sqlite3"
    damage(database)
    before = file_bytes(database)
    assert csa(demo_dir, *command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "is damaged" in err and "it has not been changed" in err
    assert f"csa backup restore {good}" in err
    assert "04 Jun 2024 09:00 (daily backup)" in err
    assert file_bytes(database) == before


def test_a_file_that_is_not_a_database_at_all_is_reported_as_damaged(demo_dir, capsys):
    database = demo_dir / "csa.sqlite3"
    database.write_bytes(b"\0garbage" * 4096)
    assert csa(demo_dir, "info") == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "There is no good backup" in err


def test_the_newest_good_backup_skips_damaged_backups(demo_dir):
    good = a_backup_made_on(demo_dir, dt.date(2024, 6, 3))
    newer = a_backup_made_on(demo_dir, dt.date(2024, 6, 4))
    damage(demo_dir / "backups" / f"{newer}.sqlite3", page=2)
    damage(demo_dir / "csa.sqlite3")
    with pytest.raises(DamagedCopyError) as refused:
        safety.open_for_gui(demo_dir)
    assert refused.value.backup is not None and refused.value.backup.id == good


def test_restoring_a_damaged_copy_sets_it_aside_and_the_restored_copy_passes_check(
        demo_dir, capsys):
    good = a_backup_made_on(demo_dir, dt.date(2024, 6, 4))
    database = demo_dir / "csa.sqlite3"
    damage(database)
    damaged = database.read_bytes()
    assert csa(demo_dir, "backup", "restore", good) == 0
    out = capsys.readouterr().out
    (aside,) = [b for b in backups.list_backups(demo_dir) if b.kind == "damaged"]
    assert aside.id in out
    assert aside.path.read_bytes() == damaged  # nothing is thrown away, even a damaged file
    assert csa(demo_dir, "check") == 0
    with Copy.open(demo_dir) as copy:
        assert len(copy.records.list_kind("area")) == 14
        copy.records.create("area", {"name": "Test", "kind": "district"})


def test_the_gui_start_refuses_a_damaged_copy_without_touching_it(demo_dir):
    database = demo_dir / "csa.sqlite3"
    damage(database)
    before = file_bytes(database)
    with pytest.raises(DamagedCopyError) as refused:
        safety.open_for_gui(demo_dir)
    assert refused.value.backup is None
    assert file_bytes(database) == before
    assert backups.list_backups(demo_dir) == []  # no daily backup of a damaged file
