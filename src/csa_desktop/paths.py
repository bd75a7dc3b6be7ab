"""Where a copy lives: --data-dir, then CSA_DESKTOP_HOME, then the platformdirs user data folder."""

from __future__ import annotations

import os
from pathlib import Path

from csa_desktop import APP_NAME

ENV_VAR = "CSA_DESKTOP_HOME"
DATABASE_NAME = "csa.sqlite3"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser().resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir(folder: Path) -> Path:
    """Logs sit beside an explicitly chosen copy, else in the platformdirs log folder."""
    if folder != data_dir(None) or os.environ.get(ENV_VAR):
        return folder / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def database_path(folder: Path) -> Path:
    return folder / DATABASE_NAME


def backups_dir(folder: Path) -> Path:
    return folder / "backups"
