"""One writer per data folder: other programs wait, then are told plainly; readers never wait;
a lock left by a process that died is taken over at once."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.services import safety
from csa_desktop.services.copy import Copy
from csa_desktop.storage import lock as folder_lock
from csa_desktop.storage.lock import CopyLockedError, FolderLock, read_owner
from tests.helpers import dump
from tests.robustness.conftest import hold_lock


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def a_section(folder: Path) -> str:
    with Copy.open(folder) as copy:
        return copy.records.list_kind("section")[0].uid


def test_a_command_that_writes_waits_then_fails_in_one_line_when_another_program_writes(
        demo_dir, lock_holder, monkeypatch, capsys):
    uid = a_section(demo_dir)
    lock_holder.append(hold_lock(demo_dir, 60))
    monkeypatch.setattr(folder_lock, "DEFAULT_WAIT", 0.6)
    before = dump(demo_dir)
    started = time.monotonic()
    assert csa(demo_dir, "set", uid, "title=Blocked") == 1
    waited = time.monotonic() - started
    err = capsys.readouterr().err
    assert 0.5 <= waited < 5
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "open for changes in Lock holder" in err
    assert f"process {lock_holder[0].pid}" in err
    assert "waited 0.6 seconds" in err
    assert dump(demo_dir) == before


def test_a_command_that_writes_goes_ahead_when_the_other_program_finishes_in_time(
        demo_dir, lock_holder, capsys):
    uid = a_section(demo_dir)
    lock_holder.append(hold_lock(demo_dir, 0.8))
    assert csa(demo_dir, "set", uid, "title=After the wait") == 0
    with Copy.open(demo_dir) as copy:
        assert copy.records.get(uid).title == "After the wait"


def test_commands_that_only_read_work_while_another_program_holds_the_copy(
        demo_dir, lock_holder, monkeypatch, capsys):
    uid = a_section(demo_dir)
    lock_holder.append(hold_lock(demo_dir, 60))
    monkeypatch.setattr(folder_lock, "DEFAULT_WAIT", 0.1)
    started = time.monotonic()
    for args in (["list", "section"], ["show", uid], ["info"], ["check"], ["history", uid],
                 ["backup", "list"]):
        assert csa(demo_dir, *args) == 0, capsys.readouterr().err
    assert time.monotonic() - started < 3


def test_a_second_gui_is_told_who_has_the_copy_open(demo_dir, lock_holder):
    lock_holder.append(hold_lock(demo_dir, 60))
    with pytest.raises(CopyLockedError) as refused:
        safety.open_for_gui(demo_dir)
    assert refused.value.owner is not None
    assert refused.value.owner.pid == lock_holder[0].pid
    assert "Lock holder" in str(refused.value)


def test_the_lock_file_names_the_holder_and_is_cleared_on_release(tmp_path):
    lock = FolderLock(tmp_path)
    lock.acquire()
    owner = read_owner(tmp_path)
    assert owner is not None and owner.pid == os.getpid() and owner.since is not None
    lock.release()
    assert read_owner(tmp_path) is None
    assert (tmp_path / "csa.lock").read_text() == ""


def test_a_lock_left_by_a_killed_process_is_taken_over_at_once(demo_dir, lock_holder):
    holder = hold_lock(demo_dir, 60)
    lock_holder.append(holder)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert read_owner(demo_dir).pid == holder.pid  # the file still names the dead process
    lock = FolderLock(demo_dir)
    lock.acquire(wait=0)
    assert lock.reclaimed_from is not None and lock.reclaimed_from.pid == holder.pid
    lock.release()


def test_a_stale_lock_file_naming_a_dead_process_is_reclaimed(demo_dir, capsys):
    (demo_dir / "csa.lock").write_text(json.dumps(
        {"pid": 999_999_999, "host": "laptop-7", "program": "CSA Desktop",
         "since": "2024-06-04T09:12:00"}))
    uid = a_section(demo_dir)
    assert csa(demo_dir, "set", uid, "title=Reclaimed") == 0
    with Copy.open(demo_dir) as copy:
        assert copy.records.get(uid).title == "Reclaimed"


def test_two_copies_of_one_folder_in_one_program_can_both_write(demo_dir):
    with Copy.open(demo_dir) as first, Copy.open(demo_dir) as second:
        uid = first.records.list_kind("section")[0].uid
        first.records.update(uid, {"title": "First"})
        second.records.update(uid, {"title": "Second"})
        assert first.records.get(uid).title == "Second"
    lock = FolderLock(demo_dir)  # both closed: the lock is free again
    lock.acquire(wait=0)
    lock.release()


def test_restoring_a_backup_waits_for_the_other_program_then_refuses(demo_dir, lock_holder,
                                                                      monkeypatch, capsys):
    assert csa(demo_dir, "backup", "create") == 0
    backup_id = capsys.readouterr().out.split()[3]
    lock_holder.append(hold_lock(demo_dir, 60))
    monkeypatch.setattr(folder_lock, "DEFAULT_WAIT", 0.2)
    before = dump(demo_dir)
    assert csa(demo_dir, "backup", "restore", backup_id) == 1
    assert "open for changes" in capsys.readouterr().err
    assert dump(demo_dir) == before
