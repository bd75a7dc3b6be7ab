"""Where a copy lives: --data-dir, then CSA_DESKTOP_HOME, then the copy last opened or made
(the list of copies in the platformdirs user data folder), then that folder itself.

Each new copy gets its own folder under `copies/` of the user data folder unless the user
chooses one; `copies.json` there lists the copies this user has opened, newest first."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from csa_desktop import APP_NAME

ENV_VAR = "CSA_DESKTOP_HOME"
DATABASE_NAME = "csa.sqlite3"


REGISTRY_NAME = "copies.json"
RECENT_LIMIT = 10


def explicit_dir(override: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder the user named (--data-dir, else CSA_DESKTOP_HOME), if any."""
    if override:
        return Path(override).expanduser().resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    return None


def library_dir() -> Path:
    """The platformdirs user data folder: new copies and the list of copies live here."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    chosen = explicit_dir(override)
    if chosen is not None:
        return chosen
    root = library_dir()
    return current_copy(root) or root


@dataclass(frozen=True)
class RecentCopy:
    folder: Path
    title: str
    opened_at: str  # ISO date and time, for people


def _read_registry(root: Path) -> list[RecentCopy]:
    try:
        data = json.loads((root / REGISTRY_NAME).read_text("utf-8"))
        items = data["recent"] if isinstance(data, dict) else []
        return [RecentCopy(Path(i["folder"]), str(i.get("title", "")), str(i.get("opened_at", "")))
                for i in items if isinstance(i, dict) and isinstance(i.get("folder"), str)]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # a missing or damaged list is an empty one; the copies themselves are safe


def recent_copies(root: Path | None = None) -> list[RecentCopy]:
    """The copies this user opened, newest first, those still on disk only; a copy in the
    data folder itself (from before copies had folders of their own) is listed too."""
    root = root or library_dir()
    found = [c for c in _read_registry(root) if database_path(c.folder).is_file()]
    if database_path(root).is_file() and all(c.folder != root for c in found):
        found.append(RecentCopy(root, "", ""))
    return found


def current_copy(root: Path | None = None) -> Path | None:
    copies = recent_copies(root)
    return copies[0].folder if copies else None


def remember_copy(folder: Path, title: str, root: Path | None = None) -> None:
    """Put `folder` first in the list of recent copies (the copy opened when none is named)."""
    root = root or library_dir()
    folder = folder.resolve()
    entries = [c for c in _read_registry(root) if c.folder != folder]
    entries.insert(0, RecentCopy(folder, title, dt.datetime.now().isoformat(timespec="seconds")))
    data = {"recent": [{"folder": str(c.folder), "title": c.title, "opened_at": c.opened_at}
                       for c in entries[:RECENT_LIMIT]]}
    from csa_desktop.files import write_atomically

    root.mkdir(parents=True, exist_ok=True)
    write_atomically(json.dumps(data, indent=1).encode("utf-8"), root / REGISTRY_NAME)


def slug(text: str, limit: int, fallback: str) -> str:
    """`text` as a file name people can read: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:limit] or fallback


def new_copy_folder(name: str, root: Path | None = None) -> Path:
    """A folder that does not exist yet for a new copy called `name`, under copies/."""
    base = (root or library_dir()) / "copies"
    slug_ = slug(name, 60, "copy")
    candidate, number = base / slug_, 2
    while candidate.exists():
        candidate, number = base / f"{slug_}-{number}", number + 1
    return candidate


def log_dir(folder: Path) -> Path:
    """Logs sit beside an explicitly chosen copy, else in the platformdirs log folder."""
    if folder != library_dir() or os.environ.get(ENV_VAR):
        return folder / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def database_path(folder: Path) -> Path:
    return folder / DATABASE_NAME


def backups_dir(folder: Path) -> Path:
    return folder / "backups"
