"""Helpers for the robustness tests: other processes holding the lock, damaged files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HOLD_LOCK = """
import sys, time
from pathlib import Path
from csa_desktop.storage.lock import FolderLock, set_program_name
set_program_name("Lock holder")
lock = FolderLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def python_process(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def hold_lock(folder: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the folder's writer lock (returns once it holds it)."""
    process = python_process(HOLD_LOCK, str(folder), str(seconds))
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked", process.stderr.read()  # type: ignore[union-attr]
    return process


@pytest.fixture
def lock_holder() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def damage(database: Path, page: int = 5, pages: int = 3) -> None:
    """Overwrite some pages in the middle of the file with a fixed pattern (a disk fault)."""
    with database.open("r+b") as handle:
        handle.seek(4096 * page)
        handle.write(bytes(range(256)) * 16 * pages)


def file_bytes(database: Path) -> bytes:
    return database.read_bytes() + b"|" + (Path(f"{database}-wal").read_bytes()
                                           if Path(f"{database}-wal").exists() else b"")


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
