"""Backups of the SQLite file with the online backup API (safe while the copy is open)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def make_backup(database: Path, reason: str) -> Path:
    """Copy `database` to backups/<timestamp>-<reason>.sqlite3 and return the new file."""
    folder = backups_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    safe_reason = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason)[:60]
    target = folder / f"{stamp}-{safe_reason}.sqlite3"
    copy_database(database, target)
    return target


def copy_database(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
