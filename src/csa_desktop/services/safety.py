"""Opening a copy safely: one writer per folder, a damaged file is never opened for changes,
a folder that cannot be written opens read-only, and the day's first start makes a backup."""

from __future__ import annotations

from pathlib import Path

from csa_desktop import paths
from csa_desktop.services.copy import Copy, copy_exists, open_or_create_demo
from csa_desktop.storage.database import DamagedCopyError, Store, unwritable_reason
from csa_desktop.storage.lock import CopyLockedError, FolderLock, LockOwner, set_program_name

__all__ = ["CopyLockedError", "DamagedCopyError", "LockOwner", "open_for_gui", "open_read_only",
           "read_only_reason", "set_program_name"]


def open_for_gui(data_dir: Path) -> Copy:
    """The GUI's start: the copy (the demo on first start), held for writing by this program.

    Raises CopyLockedError when another program has it open for changes (nothing waits),
    DamagedCopyError when the file fails SQLite's quick check (it is left untouched). A folder
    CSA Desktop may not write gives a read-only copy (`read_only_reason` says why).
    """
    database = paths.database_path(data_dir)
    if copy_exists(data_dir) and unwritable_reason(database):
        return Copy.open(data_dir)
    lock = FolderLock(data_dir)
    if data_dir.is_dir():
        lock.acquire(wait=0)
    try:
        copy = open_or_create_demo(data_dir)
        try:
            if not copy.store.read_only:
                copy.store.claim_writer(wait=0)  # makes the day's first backup
        except BaseException:
            copy.close()
            raise
    finally:
        lock.release()  # the copy's store holds the lock from here on
    return copy


def open_read_only(data_dir: Path) -> Copy:
    """The copy opened so that nothing can write to it (SQLite mode=ro); no lock is taken."""
    return Copy(data_dir, Store.open(paths.database_path(data_dir), read_only=True))


def read_only_reason(copy: Copy) -> str | None:
    """Why the copy cannot be changed now (a sentence), or None when it can."""
    return copy.store.read_only_reason
