"""Restore points: a backup of the copy (SQLite online backup API) made before every import,
with a small JSON note beside it saying which bundles the import brought. The last KEEP are
kept. The notes live beside the backups, not in the database, so that restoring a point does
not forget the list of points."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csa_desktop.errors import InputError, StoreError
from csa_desktop.storage import backups

KIND = "before-import"
KEEP = 20
NOTE_SUFFIX = ".import.json"


@dataclass(frozen=True)
class RestorePoint:
    id: str
    path: Path
    created_at: dt.datetime
    bundles: tuple[dict[str, Any], ...]  # file, bundle_id, kind, author of each bundle
    status: str  # "ready": the import it preceded may be undone; "undone"; "pending"

    @property
    def description(self) -> str:
        files = ", ".join(str(b.get("file", "?")) for b in self.bundles[:3])
        more = f" and {len(self.bundles) - 3} more" if len(self.bundles) > 3 else ""
        return f"before importing {files}{more}" if files else "before an import"


def _note_path(backup: Path) -> Path:
    return backup.with_name(backup.stem + NOTE_SUFFIX)


def _read_note(backup: Path) -> dict[str, Any]:
    try:
        data = json.loads(_note_path(backup).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_note(backup: Path, note: dict[str, Any]) -> None:
    target = _note_path(backup)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(note, ensure_ascii=False, indent=1), "utf-8")
    os.replace(partial, target)


def create(database: Path, bundles: list[dict[str, Any]], *,
           same_as: Path | None = None) -> RestorePoint:
    """A restore point of the copy as it is now; the import it precedes is `bundles`.
    `same_as`: a backup holding exactly the copy as it is now (backups.make_backup)."""
    try:
        path = backups.make_backup(database, KIND, same_as=same_as)
        _write_note(path, {"bundles": bundles, "status": "pending"})
    except (OSError, sqlite3.Error) as exc:
        text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"nothing was imported: the restore point could not be saved "
                         f"({text})") from None
    return find(database, path.stem)


def confirm(database: Path, point: RestorePoint) -> None:
    """The import it preceded went through: the point can now undo it. Prunes old points."""
    _write_note(point.path, {"bundles": list(point.bundles), "status": "ready"})
    prune(database)


def mark_undone(point: RestorePoint) -> None:
    _write_note(point.path, {"bundles": list(point.bundles), "status": "undone"})


def discard(point: RestorePoint) -> None:
    """Remove a point whose import did not happen (cancelled or failed)."""
    point.path.unlink(missing_ok=True)
    _note_path(point.path).unlink(missing_ok=True)


def list_points(database: Path) -> list[RestorePoint]:
    """Every restore point, newest first; "pending" ones belong to an import that was
    interrupted (the caller knows from the copy whether it went through)."""
    found = []
    for backup in backups.list_backups(database):
        if backup.kind != KIND:
            continue
        note = _read_note(backup.path)
        status = str(note.get("status", "ready"))
        bundles = tuple(b for b in note.get("bundles", []) if isinstance(b, dict))
        found.append(RestorePoint(backup.id, backup.path, backup.created_at, bundles, status))
    return found


def find(database: Path, point_id: str) -> RestorePoint:
    wanted = point_id.strip().removesuffix(backups.SUFFIX)
    for backup in backups.list_backups(database):
        if backup.kind == KIND and (backup.id == wanted):
            note = _read_note(backup.path)
            bundles = tuple(b for b in note.get("bundles", []) if isinstance(b, dict))
            return RestorePoint(backup.id, backup.path, backup.created_at, bundles,
                                str(note.get("status", "ready")))
    matches = [p for p in list_points(database) if wanted and p.id.startswith(wanted)
               and p.status != "pending"]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"there is no restore point '{point_id}'; 'csa restore-points list' "
                         "shows them")
    raise InputError(f"'{point_id}' names {len(matches)} restore points; give more of the id")


def prune(database: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` points."""
    removed: list[Path] = []
    every = [b for b in backups.list_backups(database) if b.kind == KIND]
    for index, backup in enumerate(every):
        if index >= keep:
            backup.path.unlink(missing_ok=True)
            _note_path(backup.path).unlink(missing_ok=True)
            removed.append(backup.path)
    return removed
