"""Restore points made before every import: list them, restore one, undo the last import."""

from __future__ import annotations

from pathlib import Path

from csa_desktop import paths
from csa_desktop.errors import InputError
from csa_desktop.services.backups import RestoreResult, restore_backup
from csa_desktop.services.copy import Copy
from csa_desktop.storage import bundles as store
from csa_desktop.storage import restore_points
from csa_desktop.storage.restore_points import KEEP, RestorePoint

__all__ = ["KEEP", "RestorePoint", "last_import", "list_points", "restore", "undo_last_import"]


def list_points(copy: Copy) -> list[RestorePoint]:
    """Every restore point, newest first. A point left by an interrupted import is kept when the
    import went through (the copy has its bundles) and removed when it did not."""
    database = copy.store.path
    points = restore_points.list_points(database)
    settled: list[RestorePoint] = []
    for point in points:
        if point.status == "pending":
            with copy.store.reader() as session:
                done = any(store.logged_bundle(session, str(b.get("bundle_id", "")))
                           for b in point.bundles)
            if not done:
                if not copy.store.read_only:
                    restore_points.discard(point)
                continue
            if not copy.store.read_only:
                restore_points.confirm(database, point)
            point = restore_points.find(database, point.id)
        settled.append(point)
    return settled


def last_import(copy: Copy) -> RestorePoint | None:
    """The restore point of the newest import that can still be undone."""
    return next((p for p in list_points(copy) if p.status == "ready"), None)


def restore(data_dir: Path, point_id: str, *, copy: Copy | None = None) -> RestoreResult:
    """Make the copy what it was before that import (the current state is backed up first)."""
    database = paths.database_path(data_dir)
    point = restore_points.find(database, point_id)
    result = restore_backup(data_dir, point.id, copy=copy)
    restore_points.mark_undone(point)
    return result


def undo_last_import(copy: Copy) -> RestorePoint:
    point = last_import(copy)
    if point is None:
        raise InputError("there is no import to undo")
    restore(copy.data_dir, point.id, copy=copy)
    return point
