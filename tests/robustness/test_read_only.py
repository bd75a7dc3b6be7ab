"""A copy CSA Desktop may not write is shown read-only: reading works, every change is refused
in plain words, and nothing in the folder changes.

The tests run as root here, where chmod alone does not stop writes: the programs under test
then run without the capability that overrides file permissions (CAP_DAC_OVERRIDE), so the
folder's permissions really apply to them."""

from __future__ import annotations

import ctypes
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from csa_desktop.errors import StoreError
from csa_desktop.services import safety
from csa_desktop.services.copy import Copy
from tests.helpers import dump
from tests.robustness.conftest import running_as_root

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _drop_permission_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_drop_permission_override() -> bool:
    result = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_drop_permission_override,
                            check=False)
    return result.returncode == 0


def run_limited(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python args` as a program whose file permissions apply (see the module docstring)."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False,
                          preexec_fn=_drop_permission_override if running_as_root() else None)


@pytest.fixture
def read_only_folder(demo_dir: Path) -> Iterator[Path]:
    if sys.platform == "win32":
        pytest.skip("folder permissions are tested on POSIX")
    if running_as_root() and not _can_drop_permission_override():
        pytest.skip("running as root without CAP_SETPCAP: cannot make permissions apply")
    from csa_desktop.services import backups

    backups.create_backup(demo_dir)
    database = demo_dir / "csa.sqlite3"
    database.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    for folder in (demo_dir / "backups", demo_dir):
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    yield demo_dir
    for folder in (demo_dir, demo_dir / "backups"):
        folder.chmod(0o755)
    database.chmod(0o644)


def csa(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_limited("-c", "import sys; from csa_desktop.cli import main; sys.exit(main())",
                       "--data-dir", str(folder), *args)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_read_only_folder_can_be_read_from_the_command_line(read_only_folder):
    listed = csa(read_only_folder, "list", "area")
    assert listed.returncode == 0, listed.stderr
    assert "Burnley" in listed.stdout
    assert csa(read_only_folder, "check").returncode == 0


@pytest.mark.parametrize("command", [
    ["add", "area", "name=Nowhere", "kind=district"],
    ["backup", "create"],
    ["backup", "restore", "20"],
])
def test_changes_to_a_read_only_folder_are_refused_in_one_line_and_nothing_changes(
        read_only_folder, command):
    before = snapshot(read_only_folder)
    result = csa(read_only_folder, *command)
    assert result.returncode in (1, 2), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "may not write" in result.stderr or "Permission denied" in result.stderr, \
        result.stderr
    assert snapshot(read_only_folder) == before


def test_the_gui_opens_a_read_only_folder_read_only_and_says_why(read_only_folder):
    code = ("import sys; from pathlib import Path; from csa_desktop.services import safety\n"
            "copy = safety.open_for_gui(Path(sys.argv[1]))\n"
            "print(len(copy.records.list_kind('area')))\n"
            "print(safety.read_only_reason(copy))\n"
            "try:\n"
            "    copy.records.create('area', {'name': 'Nowhere', 'kind': 'district'})\n"
            "except Exception as exc:\n"
            "    print(type(exc).__name__, exc)\n")
    before = snapshot(read_only_folder)
    result = run_limited("-c", code, str(read_only_folder))
    assert result.returncode == 0, result.stderr
    count, reason, refusal = result.stdout.splitlines()
    assert count == "14"
    assert reason == f"CSA Desktop may not write in the folder {read_only_folder}"
    assert refusal.startswith("StoreError nothing was changed: CSA Desktop may not write")
    assert snapshot(read_only_folder) == before


def test_a_copy_opened_read_only_reads_and_refuses_every_change(demo_dir):
    before = dump(demo_dir)
    with safety.open_read_only(demo_dir) as copy:
        assert safety.read_only_reason(copy) == "this copy was opened read-only"
        uid = copy.records.list_kind("section")[0].uid
        assert copy.records.get(uid).title
        with pytest.raises(StoreError, match="nothing was changed: this copy was opened read-only"):
            copy.records.update(uid, {"title": "Refused"})
        with copy.store.reader() as session, pytest.raises(OperationalError, match="readonly"):
            session.execute(text("DELETE FROM areas"))  # the connection itself cannot write
    assert dump(demo_dir) == before
    assert not (demo_dir / "csa.lock").exists()


def test_a_copy_opened_read_only_does_not_wait_for_the_writer(demo_dir, lock_holder):
    from tests.robustness.conftest import hold_lock

    lock_holder.append(hold_lock(demo_dir, 60))
    with safety.open_read_only(demo_dir) as copy:
        assert len(copy.records.list_kind("area")) == 14


def test_a_write_refused_by_the_file_system_turns_the_copy_read_only(demo_dir):
    import sqlite3

    from tests.robustness.faults import WriteCounter, injected

    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("section")[0].uid
        error = WriteCounter(fail_at=1, error=lambda: sqlite3.OperationalError(
            "attempt to write a readonly database"))
        with injected(copy.store.engine, error), pytest.raises(StoreError) as failed:
            copy.records.update(uid, {"title": "Refused"})
        assert "may not write to this copy" in str(failed.value)
        assert safety.read_only_reason(copy) is not None
    assert os.access(demo_dir, os.W_OK)
