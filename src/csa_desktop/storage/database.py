"""Open a local copy: check it is sound and its schema version cheaply, back up and migrate when
older, refuse when newer or damaged, and hand out sessions (foreign keys on, WAL journal,
synchronous=FULL). Writes take the folder's writer lock; a disk that fills or a folder that
cannot be written turns the copy read-only with a plain message, and nothing saved is lost."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from csa_desktop.errors import StoreError
from csa_desktop.storage import backups, restore_points
from csa_desktop.storage import lock as folder_lock
from csa_desktop.storage.lock import FolderLock
from csa_desktop.storage.migrations import HEAD_REVISION, KNOWN_REVISIONS
from csa_desktop.storage.probe import Signature, file_signature, probe, probed
from csa_desktop.storage.restore_points import RestorePoint

log = logging.getLogger(__name__)


class DamagedCopyError(StoreError):
    """The file fails SQLite's check; it is not opened, and the newest good backup is named."""

    def __init__(self, path: Path, problems: list[str], backup: backups.BackupInfo | None) -> None:
        offer = (f"The newest good backup is from {backup.describe()}: restore it with "
                 f"'csa backup restore {backup.id}'" if backup else
                 "There is no good backup of it in its backups folder")
        super().__init__(
            f"the copy {path} is damaged ({problems[0]}), so it was not opened; it has not "
            f"been changed. {offer}"
        )
        self.path = path
        self.problems = problems
        self.backup = backup


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file."""
    revision, problems = probe(path)
    if problems:
        raise StoreError(f"{path} is not a CSA Desktop copy or is damaged ({problems[0]})")
    return revision


def unwritable_reason(path: Path) -> str | None:
    """Why CSA Desktop may not write the copy at `path`, or None when it may."""
    if not os.access(path.parent, os.W_OK):
        return f"CSA Desktop may not write in the folder {path.parent}"
    if path.exists() and not os.access(path, os.W_OK):
        return f"CSA Desktop may not write the file {path}"
    return None


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy own transactions (pysqlite's implicit BEGIN is switched off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# A new copy being filled before anyone else can see it (services.new_copy: built in a folder
# of its own and moved into place only when whole) needs no crash safety while it is filled: a
# crash leaves that folder, never a copy. The rollback journal in memory (a cancel or refusal
# still rolls back), no fsync per commit (the file is fsynced once, after the load) and a page
# cache large enough for the indexes of 125,000 records halve the time of writing them.
BULK_LOAD_CACHE_KIB = 256 * 1024


def _on_connect_bulk_load(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=MEMORY")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute(f"PRAGMA cache_size=-{BULK_LOAD_CACHE_KIB}")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_connect_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA query_only=ON")


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(path: Path, *, read_only: bool = False, bulk_load: bool = False) -> Engine:
    if read_only:
        uri = backups.read_only_uri(path)
        engine = create_engine(
            f"sqlite:///{path}",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        )
        event.listen(engine, "connect", _on_connect_read_only)
        return engine
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect_bulk_load if bulk_load else _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def migrate(engine: Engine, path: Path) -> None:
    """Upgrade the file to HEAD_REVISION with the Alembic scripts shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    # One transaction for the whole upgrade (Alembic would commit after each step on SQLite):
    # a crash leaves the copy as it was, and the next start upgrades it again.
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("migrated %s to %s", path, HEAD_REVISION)


_WRITE_PROBLEMS: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str], ...] = (
    # (SQLite error names, words of the message, the cause, the copy's state afterwards)
    (("SQLITE_FULL",), ("disk is full",), "the disk is full",
     "the copy is read-only until you free some space and open it again"),
    (("SQLITE_READONLY",), ("readonly database",),
     "CSA Desktop may not write to this copy's file or folder", "the copy is read-only"),
    (("SQLITE_IOERR",), ("disk i/o error",), "the disk reported an error",
     "the copy is read-only until it is opened again"),
    (("SQLITE_CORRUPT", "SQLITE_NOTADB"), ("malformed",), "the copy's file is damaged",
     "the copy is read-only; open it again to be offered a good backup"),
    (("SQLITE_CANTOPEN",), ("unable to open",), "the copy's file cannot be opened for writing",
     "the copy is read-only"),
)


def write_problem(exc: BaseException) -> tuple[str, str | None] | None:
    """A failed write in plain words: (message, reason the copy is now read-only or None);
    None when the error is not the disk's or the file's (then it is our bug)."""
    orig = getattr(exc, "orig", exc)
    if not isinstance(orig, sqlite3.Error):
        return None
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    text = str(orig).lower()
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in text:
        return ("this change was not saved because another program kept the copy busy. "
                "Try again in a moment", None)
    for names, words, cause, state in _WRITE_PROBLEMS:
        if name.startswith(names) or any(w in text for w in words):
            return (f"this change was not saved because {cause}. Everything saved before it "
                    f"is safe; {state}", f"{cause}, so {state}")
    return None


class Store:
    """One open SQLite copy. Every `transaction()` is all or nothing and holds the writer lock.

    `read_only_reason` is set when the copy cannot be written (opened read-only, a read-only
    folder, or a write that failed for want of space or permission); then every
    `transaction()` raises StoreError with that reason and reading still works.
    """

    def __init__(self, path: Path, *, read_only_reason: str | None = None) -> None:
        self.path = path
        self.read_only_reason = read_only_reason
        self.engine = make_engine(path, read_only=read_only_reason is not None)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.lock = FolderLock(path.parent)
        self.opened_read_only = read_only_reason is not None
        self.created = False
        self._final_path: Path | None = None
        self._read_only_listeners: list[Callable[[str], None]] = []
        # the daily backup this store made on claiming the lock, with the files' signature
        # then (until a transaction may have written): see save_restore_point
        self._daily: tuple[Path, Signature] | None = None

    @classmethod
    def open(cls, path: Path, *, create: bool = False, read_only: bool = False) -> Store:
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"there is no copy at {path}; run 'csa init' first")
        reason = "this copy was opened read-only" if read_only else None
        if exists:
            reason = reason or unwritable_reason(path)
            revision = cls._checked_revision(path, early=True)
        else:
            revision = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot make the folder {path.parent}: "
                                 f"{exc.strerror or exc}") from None
        store = cls(path, read_only_reason=reason)
        store.created = not exists
        if revision == HEAD_REVISION:
            return store
        if reason is not None:
            store.close()
            raise StoreError(f"this copy needs an upgrade to open in this CSA Desktop, but "
                             f"{reason}")
        try:
            store.claim_writer(daily_backup=False)
            revision = cls._checked_revision(path) if exists else None  # as of holding the lock
            if revision != HEAD_REVISION:
                if exists:
                    backups.make_backup(path, reason=f"before-upgrade-from-{revision or 'none'}")
                store._guarded(lambda: migrate(store.engine, path))
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def create(cls, path: Path) -> Store:
        """A new copy, built beside `path` and moved there by `finish_creation` (so a crash
        while it is built never leaves a half-made copy at `path`); `discard` drops it."""
        lock = FolderLock(path.parent)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot make the folder {path.parent}: "
                             f"{exc.strerror or exc}") from None
        lock.acquire(folder_lock.DEFAULT_WAIT)
        try:
            building = path.with_name(path.name + ".new")
            _remove_database_files(building)  # left by a creation that was interrupted
            store = cls.open(building, create=True)
        finally:
            lock.release()  # the new store holds it from here on
        store._final_path = path
        return store

    def finish_creation(self) -> None:
        """Move the complete new copy into place in one step and go on using it there."""
        target = self._final_path
        assert target is not None, "only for a store made by Store.create"
        if target.exists() and target.stat().st_size:
            raise StoreError(f"a copy already exists in {target.parent}")
        self.engine.dispose()
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")  # the one file is now the whole copy
        finally:
            conn.close()
        backups.fsync(self.path)
        os.replace(self.path, target)
        backups.fsync_folder(target.parent)
        self.path = target
        self._final_path = None
        self.engine = make_engine(target)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Fill a copy this process has just created and nobody else has opened (a join's
        baseline) without crash safety while it is filled: see _on_connect_bulk_load. The
        file is fsynced and the usual settings (WAL, synchronous=FULL) are back afterwards,
        also after a failure; the caller throws away a copy whose load failed."""
        if not self.created or self.read_only_reason is not None:
            raise StoreError("only a copy just created here can be bulk-loaded")
        self.engine.dispose()
        self._use_engine(make_engine(self.path, bulk_load=True))
        try:
            yield
        finally:
            self.engine.dispose()
            backups.fsync(self.path)
            self._use_engine(make_engine(self.path))

    def _use_engine(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def discard(self) -> None:
        """Close a store made by Store.create and remove what was built."""
        self.close()
        if self._final_path is not None:
            _remove_database_files(self.path)

    @staticmethod
    def _checked_revision(path: Path, *, early: bool = False) -> str | None:
        """The schema revision; `early`: the check begun by probe.start_probe may be used."""
        revision, problems = probed(path) if early else probe(path)
        if problems:
            log.error("damaged copy %s: %s", path, "; ".join(problems))
            raise DamagedCopyError(path, problems, backups.newest_good_backup(path))
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise StoreError(
                f"{path} was written by a newer CSA Desktop (schema {revision}); "
                "please update CSA Desktop to open it"
            )
        return revision

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def on_read_only(self, listener: Callable[[str], None]) -> None:
        """Call `listener(reason)` when a failed write turns this copy read-only."""
        self._read_only_listeners.append(listener)

    def claim_writer(self, wait: float | None = None, *, daily_backup: bool = True) -> None:
        """Take the folder's writer lock (once; kept until `close`), waiting `wait` seconds
        (default: lock.DEFAULT_WAIT). The first writer of a day makes the daily backup before
        it changes anything."""
        if self.read_only_reason is not None:
            raise StoreError(f"nothing was changed: {self.read_only_reason}")
        if self.lock.held:
            return
        self.lock.acquire(folder_lock.DEFAULT_WAIT if wait is None else wait)
        if daily_backup and not self.created:
            try:
                made = backups.make_daily_backup(self.path)
            except StoreError as exc:
                log.warning("no daily backup of %s: %s", self.path, exc)
            else:
                if made is not None:
                    self._daily = (made, file_signature(self.path))

    def save_restore_point(self, bundles: list[dict[str, Any]]) -> RestorePoint:
        """A restore point of the copy as it is now, before the import of `bundles`; taken
        holding the writer lock, so no other program can write between it and the import.
        When this claim has just made the day's backup and nothing has been written since,
        the point is that same file under its own name (not a second copy of the whole copy)."""
        self.claim_writer()
        same = None
        if self._daily is not None and self.lock.held:
            backup, signature = self._daily
            if file_signature(self.path) == signature and backup.is_file():
                same = backup
        self._daily = None
        return restore_points.create(self.path, bundles, same_as=same)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        self.claim_writer()
        self._daily = None  # what follows may write
        try:
            with self._sessions() as session, session.begin():
                yield session
        except (DBAPIError, sqlite3.Error) as exc:
            self._raise_store_error(exc)
            raise

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def _guarded(self, write: Callable[[], None]) -> None:
        try:
            write()
        except (DBAPIError, sqlite3.Error) as exc:
            self._raise_store_error(exc)
            raise

    def _raise_store_error(self, exc: BaseException) -> None:
        problem = write_problem(exc)
        if problem is None:
            return
        message, reason = problem
        log.warning("write to %s failed: %s", self.path, exc)
        if reason is not None and self.read_only_reason is None:
            self.become_read_only(reason)
        raise StoreError(message) from exc

    def become_read_only(self, reason: str) -> None:
        """Refuse further writes (reads go on) and tell the listeners why."""
        self.read_only_reason = reason
        self.lock.release()
        for listener in list(self._read_only_listeners):
            listener(reason)

    def restore_backup(self, backup: backups.BackupInfo) -> Path | None:
        """Make this open copy what `backup` holds (also after a failed write turned it
        read-only); the current state is backed up first. Returns that backup (None if none).
        No session of this store may be open."""
        if self.opened_read_only:
            raise StoreError(f"nothing was restored: {self.read_only_reason}")
        self.lock.acquire(folder_lock.DEFAULT_WAIT)
        self.engine.dispose()
        saved = backups.restore(self.path, backup)
        self.read_only_reason = None
        revision = self._checked_revision(self.path)
        if revision != HEAD_REVISION:
            self._guarded(lambda: migrate(self.engine, self.path))
        return saved

    def close(self) -> None:
        self.engine.dispose()
        self.lock.release()


def _remove_database_files(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        name.unlink(missing_ok=True)


__all__ = ["DamagedCopyError", "Session", "Store", "make_engine", "migrate", "probe",
           "schema_revision"]
