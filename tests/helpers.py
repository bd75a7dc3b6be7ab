"""Small helpers shared by tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(folder: Path) -> str:
    """A canonical text dump of a copy's database, for 'nothing changed' checks."""
    conn = sqlite3.connect(folder / "csa.sqlite3")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()
