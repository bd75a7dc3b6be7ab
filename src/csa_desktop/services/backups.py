"""Backups of a local copy: list them, make one by hand, restore one (the current state is
backed up first, and the restored copy must pass the full check)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csa_desktop import paths
from csa_desktop.errors import StoreError
from csa_desktop.services.copy import Copy
from csa_desktop.storage import backups, identity
from csa_desktop.storage import lock as folder_lock
from csa_desktop.storage.backups import KEEP_DAILY, BackupInfo
from csa_desktop.storage.database import Store, unwritable_reason
from csa_desktop.storage.lock import FolderLock

__all__ = ["KEEP_DAILY", "BackupInfo", "RestoreResult", "create_backup", "list_backups",
           "newest_good_backup", "restore_backup"]


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    previous: BackupInfo | None
    """The backup of the copy as it was just before the restore (None when there was none)."""


def list_backups(data_dir: Path) -> list[BackupInfo]:
    """Every backup of the copy in `data_dir`, newest first."""
    return backups.list_backups(paths.database_path(data_dir))


def newest_good_backup(data_dir: Path) -> BackupInfo | None:
    return backups.newest_good_backup(paths.database_path(data_dir))


def create_backup(data_dir: Path, *, reason: str = "manual") -> BackupInfo:
    """A backup of the copy as it is now (safe while it is open and being edited)."""
    database = paths.database_path(data_dir)
    if not (database.exists() and database.stat().st_size):
        raise StoreError(f"there is no copy at {database}; run 'csa init' first")
    problems = backups.file_problems(database, full=False)
    if problems:
        raise StoreError(f"no backup was made: the copy fails its check ({problems[0]}); "
                         "restore a good backup instead")
    made = backups.make_backup(database, reason)
    return backups.find_backup(database, made.stem)


def restore_backup(data_dir: Path, backup_id: str, *, copy: Copy | None = None) -> RestoreResult:
    """Make the copy what the backup `backup_id` holds. With `copy` (the GUI's open copy) it
    is restored in place and stays open; otherwise the folder must not be open for changes
    in another program (waits a few seconds, like every command that writes)."""
    database = paths.database_path(data_dir)
    chosen = backups.find_backup(database, backup_id)
    reason = unwritable_reason(database)
    if reason:
        raise StoreError(f"nothing was restored: {reason}")
    if copy is not None:
        saved = copy.store.restore_backup(chosen)
        with copy.store.reader() as session:
            copy.identity = identity.load(session)
        copy.records.identity = copy.identity
    else:
        lock = FolderLock(data_dir)
        lock.acquire(folder_lock.DEFAULT_WAIT)
        try:
            saved = backups.restore(database, chosen)
            Store.open(database).close()  # upgrades a backup from an older version
        finally:
            lock.release()
    previous = backups.find_backup(database, saved.stem) if saved else None
    return RestoreResult(chosen, previous)
