"""Backups: a daily one at the first start of each day (the last 14 kept, other kinds kept
apart), made by hand, listed, restored (the current state saved first, the result checked)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.errors import InputError, StoreError
from csa_desktop.services import backups, safety
from csa_desktop.services.copy import Copy
from csa_desktop.storage import backups as stored_backups
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def listed(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert csa(folder, "backup", "list", "--json") == 0
    result: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return result


def old_backup(folder: Path, day: dt.date, reason: str) -> Path:
    """A backup file as if it had been made on `day`."""
    target = folder / "backups" / f"{day:%Y%m%d}-090000-000000-{reason}.sqlite3"
    target.parent.mkdir(exist_ok=True)
    stored_backups.copy_database(folder / "csa.sqlite3", target)
    return target


def test_the_first_start_of_the_day_makes_a_daily_backup_and_later_starts_do_not(demo_dir):
    safety.open_for_gui(demo_dir).close()
    safety.open_for_gui(demo_dir).close()
    daily = [b for b in backups.list_backups(demo_dir) if b.kind == "daily"]
    assert len(daily) == 1
    assert daily[0].created_at.date() == dt.date.today()
    assert stored_backups.file_problems(daily[0].path) == []


def test_the_first_change_of_the_day_from_the_command_line_is_preceded_by_a_daily_backup(
        demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("section")[0].uid
    before = dump(demo_dir)
    assert csa(demo_dir, "set", uid, "title=Changed today") == 0
    (daily,) = [b for b in listed(demo_dir, capsys) if b["kind"] == "daily"]
    conn = sqlite3.connect(str(daily["path"]))
    try:
        assert "\n".join(conn.iterdump()) == before  # taken before the change
    finally:
        conn.close()


def test_reading_alone_makes_no_backup(demo_dir, capsys):
    assert csa(demo_dir, "list", "section") == 0
    assert listed(demo_dir, capsys) == []


def test_only_the_last_14_daily_backups_are_kept_and_other_kinds_are_left_alone(demo_dir):
    today = dt.date.today()
    for age in range(1, 21):
        old_backup(demo_dir, today - dt.timedelta(days=age), "daily")
    others = [old_backup(demo_dir, today - dt.timedelta(days=30), reason)
              for reason in ("before-upgrade-from-none", "manual", "before-import-abc")]
    safety.open_for_gui(demo_dir).close()
    daily = [b for b in backups.list_backups(demo_dir) if b.kind == "daily"]
    assert len(daily) == 14
    assert daily[0].created_at.date() == today
    assert daily[-1].created_at.date() == today - dt.timedelta(days=13)
    assert all(path.exists() for path in others)


def test_a_backup_is_one_self_contained_file_that_passes_the_full_check(demo_dir, capsys):
    assert csa(demo_dir, "backup", "create") == 0
    assert capsys.readouterr().out.startswith("made the backup ")
    (made,) = backups.list_backups(demo_dir)
    assert made.kind == "manual"
    assert sorted(p.name for p in made.path.parent.iterdir()) == [made.path.name]
    conn = sqlite3.connect(made.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert stored_backups.file_problems(made.path) == []


def test_backup_list_shows_every_backup_newest_first(demo_dir, capsys):
    old_backup(demo_dir, dt.date(2024, 6, 3), "daily")
    old_backup(demo_dir, dt.date(2024, 6, 4), "before-import-7f3a")
    assert csa(demo_dir, "backup", "create") == 0
    found = listed(demo_dir, capsys)
    assert [b["kind"] for b in found] == ["manual", "before-import", "daily"]
    assert found[2]["id"] == "20240603-090000-000000-daily"
    assert found[1]["label"] == "before an import"
    assert csa(demo_dir, "backup", "list") == 0
    text = capsys.readouterr().out
    assert "2024-06-03 09:00  daily backup" in text


def test_restore_brings_back_the_backed_up_state_and_keeps_the_current_one(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("section")[0].uid
        copy.records.update(uid, {"title": "As backed up"})
    backup = backups.create_backup(demo_dir)
    backed_up = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        copy.records.update(uid, {"title": "Changed after the backup"})
    changed = dump(demo_dir)
    capsys.readouterr()
    assert csa(demo_dir, "backup", "restore", backup.id) == 0
    out = capsys.readouterr().out
    assert "restored the copy as it was on" in out
    assert dump(demo_dir) == backed_up
    assert csa(demo_dir, "check") == 0
    (before_restore,) = [b for b in backups.list_backups(demo_dir) if b.kind == "before-restore"]
    assert before_restore.id in out
    conn = sqlite3.connect(before_restore.path)
    try:
        assert "\n".join(conn.iterdump()) == changed
    finally:
        conn.close()


def test_restore_accepts_the_unique_beginning_of_an_id(demo_dir, capsys):
    old_backup(demo_dir, dt.date(2024, 6, 3), "daily")
    old_backup(demo_dir, dt.date(2024, 6, 4), "daily")
    assert csa(demo_dir, "backup", "restore", "20240603") == 0
    assert csa(demo_dir, "backup", "restore", "202406") == 2
    assert "names 2 backups" in capsys.readouterr().err


def test_restoring_an_unknown_backup_is_refused_in_one_line_and_changes_nothing(demo_dir,
                                                                                capsys):
    before = dump(demo_dir)
    assert csa(demo_dir, "backup", "restore", "19990101") == 2
    err = capsys.readouterr().err
    assert err == "csa: there is no backup '19990101'; 'csa backup list' shows them\n"
    assert dump(demo_dir) == before


def test_a_damaged_backup_is_not_restored(demo_dir, capsys):
    bad = demo_dir / "backups" / "20240603-090000-000000-daily.sqlite3"
    bad.parent.mkdir()
    bad.write_bytes(b"not a database at all" * 500)
    before = dump(demo_dir)
    assert csa(demo_dir, "backup", "restore", "20240603") == 1
    assert "cannot be restored" in capsys.readouterr().err
    assert dump(demo_dir) == before


def test_restoring_into_the_open_copy_of_the_gui_shows_the_restored_records(demo_dir):
    copy = safety.open_for_gui(demo_dir)
    try:
        uid = copy.records.list_kind("section")[0].uid
        original = copy.records.get(uid).title
        backup = backups.create_backup(demo_dir)
        copy.records.update(uid, {"title": "Regretted"})
        result = backups.restore_backup(demo_dir, backup.id, copy=copy)
        assert copy.records.get(uid).title == original
        assert result.previous is not None and result.previous.kind == "before-restore"
        copy.records.update(uid, {"title": "Edited after the restore"})  # still writable
    finally:
        copy.close()
    with Copy.open(demo_dir) as again:
        assert again.records.get(uid).title == "Edited after the restore"
        assert again.check() == []


def test_a_backup_of_a_damaged_copy_is_refused(demo_dir):
    from tests.robustness.conftest import damage

    damage(demo_dir / "csa.sqlite3")
    with pytest.raises(StoreError, match="no backup was made: the copy fails its check"):
        backups.create_backup(demo_dir)


def test_an_ambiguous_id_is_an_input_error(demo_dir):
    old_backup(demo_dir, dt.date(2024, 6, 3), "daily")
    old_backup(demo_dir, dt.date(2024, 6, 3), "manual")
    with pytest.raises(InputError):
        backups.restore_backup(demo_dir, "20240603-090000")
