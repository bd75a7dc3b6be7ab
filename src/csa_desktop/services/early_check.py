"""What the GUI begins before it imports the database layer (nothing here imports it)."""

from __future__ import annotations

from pathlib import Path

from csa_desktop import paths
from csa_desktop.storage.probe import start_probe


def begin_check(data_dir: Path) -> None:
    """Start the copy's quick check (storage.probe) in a thread: opening the copy a moment
    later, after the imports, uses its result if the file has not changed meanwhile."""
    start_probe(paths.database_path(data_dir))
