"""Logging to a rotating file: tracebacks of our own bugs go here, never to the user."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from csa_desktop import paths


def setup_logging(folder: Path) -> Path:
    directory = paths.log_dir(folder)
    directory.mkdir(parents=True, exist_ok=True)
    log_file = directory / "csa-desktop.log"
    root = logging.getLogger("csa_desktop")
    for old in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        if Path(old.baseFilename) == log_file.resolve():
            return log_file
        root.removeHandler(old)  # another copy was opened in this process: follow it
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return log_file
