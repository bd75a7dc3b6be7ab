"""The cheap check made before a copy is opened: its stamped schema revision and SQLite's
quick_check, read with plain sqlite3 (neither SQLAlchemy nor Alembic is imported here).

`start_probe` runs that check in a thread while the GUI imports the database layer: SQLite does
the check with the GIL released, so on two cores it costs the start nothing (~80 ms on the
large copy). `probed` then takes that result, provided the file (and its WAL) has not changed
since the check began; otherwise, or without `start_probe`, it checks there and then.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from csa_desktop.errors import StoreError
from csa_desktop.storage import backups

Result = tuple[str | None, list[str]]
Signature = tuple[tuple[int, int] | None, ...]


def probe(path: Path) -> Result:
    """The stamped Alembic revision and SQLite's quick_check problems, read with plain sqlite3
    (no Alembic import). quick_check (not the full integrity_check: no index contents) keeps
    start-up fast; `csa check` and restores run the full check."""
    try:
        conn = sqlite3.connect(backups.read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        problems = [f"integrity check: {message}"
                    for (message,) in conn.execute("PRAGMA quick_check") if message != "ok"]
        if problems:
            return None, problems
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        query = "SELECT version_num FROM alembic_version"
        row = conn.execute(query).fetchone() if has_table else None
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            return None, [f"the file is not a readable database: {exc}"]
        raise StoreError(f"cannot read {path}: {exc}") from None
    finally:
        conn.close()
    return (str(row[0]) if row else None), []


def file_signature(path: Path) -> Signature:
    """Size and modification time of the file and of its WAL (None for a missing one)."""
    found: list[tuple[int, int] | None] = []
    for name in (str(path), f"{path}-wal"):
        try:
            status = os.stat(name)
        except OSError:
            found.append(None)
        else:
            found.append((status.st_size, status.st_mtime_ns))
    return tuple(found)


class _Early:
    """One probe running (or done) in a thread; its result or its exception."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.signature = file_signature(path)
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="csa-probe", daemon=True)

    def _run(self) -> None:
        try:
            self.result = probe(self.path)
        except BaseException as exc:  # handed to whoever takes the result
            self.error = exc


_lock = threading.Lock()
_early: dict[Path, _Early] = {}


def start_probe(path: Path) -> None:
    """Begin `probe(path)` in a thread; `probed(path)` takes its result. Nothing is written."""
    key = path.absolute()
    if not os.path.isfile(key):
        return
    early = _Early(key)
    with _lock:
        _early[key] = early
    early.thread.start()


def probed(path: Path) -> Result:
    """`probe(path)`: the result of `start_probe(path)` if it was started and the file has not
    changed since (each early result is used at most once), else a check made now."""
    with _lock:
        early = _early.pop(path.absolute(), None)
    if early is not None:
        early.thread.join()
        if file_signature(early.path) == early.signature:
            if early.error is not None:
                raise early.error
            assert early.result is not None
            return early.result
    return probe(path)
