"""Export as Excel or CSV: the actions the table shows, in the order it shows them, through
services.lists (the same table `csa list action --csv` writes)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy
from csa_desktop.services.lists import export_records

FILTERS = {"Excel workbook (*.xlsx)": ".xlsx", "CSV file, UTF-8 (*.csv)": ".csv"}


def ask_export_path(parent: QWidget, title: str, name: str) -> Path | None:
    """Where to save (.xlsx or .csv, added when the name has neither); None: cancelled."""
    folder = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
    chosen, picked = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / name),
                                                 ";;".join(FILTERS))
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in FILTERS.values():
        path = path.with_name(path.name + FILTERS.get(picked, ".xlsx"))
    return path


def export_actions(copy: Copy, uids: list[str], path: Path) -> Path:
    """The actions `uids`, in that order, written to `path` (.xlsx or .csv) whole or not at
    all; CsaError when it cannot be written (nothing is)."""
    if not uids:
        raise CsaError("there are no actions in the table to export (clear the filter?)")
    wanted = set(uids)
    found = {r.uid: r for r in copy.records.list_kind("action") if r.uid in wanted}
    return export_records(copy, "action", [found[uid] for uid in uids if uid in found], path)
