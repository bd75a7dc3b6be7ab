"""Backups of the SQLite file with the online backup API (safe while the copy is open).

A backup is one self-contained file, backups/<YYYYmmdd-HHMMSS-ffffff>-<reason>.sqlite3 (local
time), written under a temporary name and renamed when complete, so a crash never leaves half a
backup that looks whole. The reason names its kind: `daily` (the last KEEP_DAILY are kept),
`manual`, `before-upgrade-…`, `before-restore`, `damaged` (a damaged copy set aside as it was),
or another engineer's own kinds (e.g. restore points before imports), which are never pruned here.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from csa_desktop.errors import InputError, StoreError
from csa_desktop.storage.migrations import KNOWN_REVISIONS

log = logging.getLogger(__name__)

KEEP_DAILY = 14
SUFFIX = ".sqlite3"
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})-(.+)$")

KIND_LABELS = {
    "daily": "daily backup",
    "manual": "backup made by hand",
    "before-upgrade": "before an upgrade",
    "before-restore": "before a restore",
    "damaged": "damaged copy, set aside",
    "before-import": "before an import",
}


@dataclass(frozen=True)
class BackupInfo:
    id: str
    path: Path
    created_at: dt.datetime
    kind: str
    reason: str
    size: int

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.reason.replace("-", " "))

    def describe(self) -> str:
        return f"{self.created_at:%d %b %Y %H:%M} ({self.label})"


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def _kind(reason: str) -> str:
    for known in KIND_LABELS:
        if reason == known or reason.startswith(known + "-"):
            return known
    return reason


def _info(path: Path) -> BackupInfo | None:
    match = _NAME.match(path.stem)
    if path.suffix != SUFFIX or match is None:
        return None
    try:
        created = dt.datetime.strptime(match[1], _STAMP)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path.stem, path, created, _kind(match[2]), match[2], size)


def list_backups(database: Path) -> list[BackupInfo]:
    """Every backup of the copy at `database`, newest first."""
    folder = backups_dir(database)
    if not folder.is_dir():
        return []
    found = [info for p in folder.iterdir() if (info := _info(p)) is not None]
    return sorted(found, key=lambda b: (b.created_at, b.id), reverse=True)


def find_backup(database: Path, backup_id: str) -> BackupInfo:
    """The backup named by its id or by the start of it (when only one matches)."""
    wanted = backup_id.strip().removesuffix(SUFFIX)
    every = list_backups(database)
    exact = [b for b in every if b.id == wanted]
    matches = exact or [b for b in every if wanted and b.id.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"there is no backup '{backup_id}'; 'csa backup list' shows them")
    raise InputError(f"'{backup_id}' names {len(matches)} backups; give more of the id")


def _new_path(database: Path, reason: str) -> Path:
    folder = backups_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime(_STAMP)
    safe_reason = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason)[:60]
    return folder / f"{stamp}-{safe_reason}{SUFFIX}"


def make_backup(database: Path, reason: str, *, same_as: Path | None = None) -> Path:
    """Copy `database` to backups/<timestamp>-<reason>.sqlite3 and return the new file;
    StoreError (and no file) when it cannot be written. `same_as`: a backup already holding
    exactly what `database` holds now (the caller vouches for it), linked under the new name
    instead of copying the whole file again (copied where the file system cannot link).
    Backups are never written once made, so the two names can share one file."""
    try:
        target = _new_path(database, reason)
        if not os.access(target.parent, os.W_OK):
            raise StoreError(f"no backup was made: CSA Desktop may not write in the folder "
                             f"{target.parent}")
        if same_as is None or not _linked(same_as, target):
            copy_database(database, target)
    except (OSError, sqlite3.Error) as exc:
        text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"no backup was made in {backups_dir(database)}: {text}") from None
    return target


def _linked(existing: Path, target: Path) -> bool:
    """A second name for the backup `existing` at `target`; False where that cannot be."""
    try:
        os.link(existing, target)
    except OSError:
        return False
    fsync_folder(target.parent)
    return True


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of `source` (even while it is being written) as one file at `target`:
    written beside it under a temporary name, synced, then renamed into place."""
    partial = target.with_name(target.name + ".partial")
    try:
        src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        fsync(partial)
        os.replace(partial, target)
        fsync_folder(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def make_daily_backup(database: Path, *, today: dt.date | None = None) -> Path | None:
    """The first backup of the day (None when today's exists); prunes older daily ones."""
    day = today or dt.date.today()
    if any(b.kind == "daily" and b.created_at.date() == day for b in list_backups(database)):
        return None
    made = make_backup(database, "daily")
    log.info("daily backup of %s: %s", database, made.name)
    prune(database)
    return made


def prune(database: Path, *, keep_daily: int = KEEP_DAILY) -> list[Path]:
    """Delete daily backups beyond the newest `keep_daily`, and stale partial files."""
    removed: list[Path] = []
    daily = [b for b in list_backups(database) if b.kind == "daily"]
    for old in daily[keep_daily:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    folder = backups_dir(database)
    for partial in folder.glob(f"*{SUFFIX}.partial") if folder.is_dir() else ():
        try:
            if partial.stat().st_mtime < dt.datetime.now().timestamp() - 3600:
                partial.unlink(missing_ok=True)
        except OSError:
            pass
    return removed


def file_problems(path: Path, *, full: bool = True) -> list[str]:
    """What is wrong with the copy or backup at `path`: SQLite's integrity_check (quick_check
    unless `full`), foreign keys, and whether this CSA Desktop knows its schema version."""
    found: list[str] = []
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open it: {exc}"]
    try:
        check = "integrity_check" if full else "quick_check"
        found += [f"integrity check: {m}" for (m,) in conn.execute(f"PRAGMA {check}")
                  if m != "ok"]
        if found:
            return found
        found += [f"foreign key: {table} row {rowid} points to a missing {parent} record"
                  for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
        has_version = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                                   "AND name='alembic_version'").fetchone()
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone() \
            if has_version else None
        if row is None:
            found.append("it is not a CSA Desktop copy (no schema version)")
        elif row[0] not in KNOWN_REVISIONS:
            found.append(f"it was written by a newer CSA Desktop (schema {row[0]})")
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            found.append(f"the file is not a readable database: {exc}")
        else:
            found.append(f"it cannot be read: {exc}")
    finally:
        conn.close()
    return found


def newest_good_backup(database: Path) -> BackupInfo | None:
    """The newest backup that passes the quick check and that this CSA Desktop can open."""
    for backup in list_backups(database):
        if backup.kind != "damaged" and not file_problems(backup.path, full=False):
            return backup
    return None


def set_aside(database: Path, reason: str = "damaged") -> Path:
    """Copy the file (and its write-ahead log) byte for byte into the backups folder, for a
    copy the backup API cannot read."""
    target = _new_path(database, reason)
    wal = Path(f"{database}-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, Path(f"{target}-wal"))
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(database, partial)
    fsync(partial)
    os.replace(partial, target)
    return target


def restore(database: Path, backup: BackupInfo) -> Path | None:
    """Make the copy at `database` what `backup` holds; returns the backup of what it was
    (None when there was no copy).

    The caller holds the folder's writer lock and has no connection open in a transaction.
    A sound copy is saved with the backup API and overwritten in one SQLite transaction
    (other readers see the old or the new copy, a crash leaves one or the other); a damaged
    one is set aside byte for byte and replaced by an atomic rename.
    """
    problems = file_problems(backup.path)
    if problems:
        raise StoreError(f"the backup {backup.describe()} cannot be restored: {problems[0]}")
    try:
        return _restore(database, backup)
    except (OSError, sqlite3.Error) as exc:
        log.warning("restore of %s from %s failed: %s", database, backup.id, exc)
        text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"nothing was restored ({text}); the copy is as it was") from None


def _restore(database: Path, backup: BackupInfo) -> Path | None:
    healthy = database.exists() and not file_problems(database, full=False)
    saved: Path | None
    if healthy:
        saved = make_backup(database, "before-restore")
        _load_into(backup.path, database)
    else:
        saved = set_aside(database) if database.exists() else None
        _swap_in(backup.path, database)
    after = file_problems(database)
    if after:
        kept = f"; what it was before is kept as the backup {saved.stem}" if saved else ""
        raise StoreError(f"the restored copy fails its check ({after[0]}){kept}")
    log.info("restored %s from %s; the previous state is %s", database, backup.id,
             saved.name if saved else "none")
    return saved


def _load_into(source: Path, database: Path) -> None:
    src = sqlite3.connect(read_only_uri(source), uri=True)
    try:
        dst = sqlite3.connect(database, isolation_level=None)
        try:
            dst.execute("PRAGMA busy_timeout=5000")
            dst.execute("PRAGMA synchronous=FULL")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()


def _swap_in(source: Path, database: Path) -> None:
    incoming = database.with_name(database.name + ".restoring")
    try:
        src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            dst = sqlite3.connect(incoming)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
        fsync(incoming)
        # A stale write-ahead log would be replayed onto the new file: remove it first.
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(incoming, database)
        fsync_folder(database.parent)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise


def read_only_uri(path: Path) -> str:
    """A sqlite3 URI that can never write to `path` (any characters in the path are safe).
    A WAL copy in a folder nobody may write can only be read as immutable (no -shm file)."""
    folder_writable = os.access(path.parent, os.W_OK)
    has_shm = Path(f"{path}-shm").exists() and Path(f"{path}-wal").exists()
    immutable = not folder_writable and not has_shm
    return path.absolute().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder for fsync; its rename is already durable enough
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
