"""Integrity checks of a copy: SQLite's own, foreign keys, and the schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from csa_desktop.storage.backups import read_only_uri
from csa_desktop.storage.database import schema_revision
from csa_desktop.storage.migrations import HEAD_REVISION


def problems(path: Path) -> list[str]:
    """Every problem found, as a sentence; an empty list means the copy is sound."""
    found: list[str] = []
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open {path}: {exc}"]
    try:
        for (message,) in conn.execute("PRAGMA integrity_check"):
            if message != "ok":
                found.append(f"integrity check: {message}")
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            found.append(f"foreign key: {table} row {rowid} points to a missing {parent} record")
    except sqlite3.DatabaseError as exc:
        found.append(f"the file is damaged: {exc}")
    finally:
        conn.close()
    try:
        revision = schema_revision(path)
    except Exception as exc:
        found.append(str(exc))
    else:
        if revision != HEAD_REVISION:
            found.append(f"schema version is {revision}, expected {HEAD_REVISION}")
    return found
