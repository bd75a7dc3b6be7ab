"""The quick check the GUI begins in a thread before it imports the database layer
(services.early_check, storage.probe.start_probe) gives exactly what the check made when the
copy is opened gives (storage.probe.probe), for sound, damaged, foreign and changed files; a
file changed after the early check began is checked again, and a damaged copy is still refused
and left as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from csa_desktop.errors import StoreError
from csa_desktop.services import safety
from csa_desktop.services.copy import Copy
from csa_desktop.services.early_check import begin_check
from csa_desktop.storage import probe as probing
from csa_desktop.storage.database import DamagedCopyError
from tests.robustness.conftest import damage, file_bytes


def early_and_reference(database: Path) -> tuple[object, object]:
    """(what probed() gives after start_probe(), what probe() gives), each result or the
    type and text of the error it raised."""
    def outcome(check) -> object:
        try:
            return check(database)
        except StoreError as exc:
            return type(exc), str(exc)

    probing.start_probe(database)
    early = outcome(probing.probed)
    return early, outcome(probing.probe)


def not_a_database(database: Path) -> None:
    database.write_bytes(b"\0garbage" * 4096)


def zero_bytes(database: Path) -> None:
    database.write_bytes(b"")


def another_program_s_database(database: Path) -> None:
    database.unlink()
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def an_sql_header_and_junk(database: Path) -> None:
    database.write_bytes(b"SQLite format 3\0" + b"\xff" * 8192)


@pytest.mark.parametrize("spoil", [None, damage, not_a_database, zero_bytes,
                                   another_program_s_database, an_sql_header_and_junk],
                         ids=lambda spoil: getattr(spoil, "__name__", "sound"))
def test_the_early_check_gives_what_the_check_at_opening_gives(demo_dir, spoil):
    database = demo_dir / "csa.sqlite3"
    if spoil is not None:
        spoil(database)
    early, reference = early_and_reference(database)
    assert early == reference
    if spoil is None:
        assert isinstance(early, tuple) and early[1] == [] and early[0]


def test_a_file_changed_after_the_early_check_began_is_checked_again(demo_dir):
    database = demo_dir / "csa.sqlite3"
    probing.start_probe(database)
    probing._early[database.absolute()].thread.join()  # the early check saw a sound file
    damage(database)
    assert probing.probed(database) == probing.probe(database)
    assert probing.probed(database)[1], "the damage is found"


def test_each_early_result_is_used_once(demo_dir, monkeypatch):
    database = demo_dir / "csa.sqlite3"
    probing.start_probe(database)
    probing.probed(database)
    checked: list[Path] = []
    monkeypatch.setattr(probing, "probe", lambda path: checked.append(path) or (None, []))
    probing.probed(database)
    assert checked == [database]


def test_no_early_check_for_a_folder_without_a_copy(tmp_path):
    begin_check(tmp_path / "nothing here")
    assert not probing._early


def test_a_damaged_copy_is_refused_by_the_gui_start_with_the_early_check(demo_dir):
    database = demo_dir / "csa.sqlite3"
    damage(database)
    before = file_bytes(database)
    begin_check(demo_dir)
    with pytest.raises(DamagedCopyError):
        safety.open_for_gui(demo_dir)
    assert file_bytes(database) == before
    assert not probing._early


def test_a_sound_copy_opens_with_the_early_check_and_keeps_its_records(demo_dir):
    with Copy.open(demo_dir) as copy:
        titles = sorted(r.title for r in copy.records.list_kind("section"))
    begin_check(demo_dir)
    copy = safety.open_for_gui(demo_dir)
    try:
        assert not probing._early  # the early result was taken
        assert sorted(r.title for r in copy.records.list_kind("section")) == titles
    finally:
        copy.close()
