"""Bringing existing work in, in the main window: File ▸ Import actions… (an action plan from
an Excel workbook or a CSV file, through the column-mapping dialog). Undone with Edit ▸ Undo
last import, as a bundle import is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from csa_desktop.errors import CsaError
from csa_desktop.services.adoption import AdoptionResult
from csa_desktop.services.copy import Copy
from csa_desktop.services.sheets import read_table
from csa_desktop.ui.busy import run_busy
from csa_desktop.ui.settings import WindowSettings

SHEET_FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"


class AdoptActions:
    """The import items of one main window (which has `copy`, `refresh`, `show_message`,
    `file_menu`, `undo_stack` and, usually, `bundle_actions`)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.copy: Copy = window.copy  # type: ignore[attr-defined]
        self.import_actions_action = QAction("Import &actions…", window)
        self.import_actions_action.setObjectName("importActionsAction")
        tip = ("Bring an existing action plan in from an Excel workbook or a CSV file: "
               "choose what each column becomes, see the actions first")
        self.import_actions_action.setStatusTip(tip)
        self.import_actions_action.setToolTip(tip)
        self.import_actions_action.triggered.connect(lambda _c=False: self.import_actions())
        self.import_actions_action.setEnabled(not self.copy.store.read_only)
        menu = getattr(window, "file_menu", None)
        if not isinstance(menu, QMenu):
            menu = window.menuBar().addMenu("&File")
        bundles = getattr(window, "bundle_actions", None)
        before = getattr(bundles, "export_action", None)
        if isinstance(before, QAction) and before in menu.actions():
            menu.insertAction(before, self.import_actions_action)
        else:
            menu.addAction(self.import_actions_action)

    def _settings(self) -> WindowSettings | None:
        settings = getattr(self.window, "settings", None)
        return settings if isinstance(settings, WindowSettings) else None

    def _partnership_shown(self) -> str | None:
        node_of = getattr(self.window, "current_node", None)
        node = node_of() if callable(node_of) else None
        uid = getattr(node, "partnership_uid", None)
        return uid if isinstance(uid, str) and uid else None

    def import_actions(self, path: Path | None = None) -> AdoptionResult | None:
        """Choose a spreadsheet, map and preview it, import after the user agrees."""
        if path is None:
            settings = self._settings()
            folder = settings.last_folder("imports") if settings else Path.home()
            chosen, _ = QFileDialog.getOpenFileName(self.window, "Import actions",
                                                    str(folder), SHEET_FILTER)
            if not chosen:
                return None
            if settings:
                settings.remember_folder("imports", chosen)
            path = Path(chosen)
        flush = getattr(self.window, "flush", None)
        if callable(flush):
            flush()
        chosen_path = path
        try:
            table = run_busy(self.window, "Reading the spreadsheet…",
                             lambda: read_table(chosen_path))
        except CsaError as exc:
            QMessageBox.warning(self.window, "Nothing was imported", str(exc))
            return None
        from csa_desktop.ui.dialogs.import_actions import ImportActionsDialog

        dialog = ImportActionsDialog(self.copy, path, self.window, table=table,
                                     partnership_uid=self._partnership_shown())
        self.dialog = dialog
        if not dialog.exec() or dialog.result_ is None:
            self.window.statusBar().showMessage("Import cancelled: nothing was changed.", 8000)
            return None
        result = dialog.result_
        undo_stack = getattr(self.window, "undo_stack", None)
        if undo_stack is not None:
            undo_stack.clear()  # earlier edits may no longer apply to what the import left
        self.window.refresh(result.changes)  # type: ignore[attr-defined]
        bundles = getattr(self.window, "bundle_actions", None)
        if bundles is not None:
            bundles.update_actions()
        skipped = (f"; {len(result.skipped)} row{'s' if len(result.skipped) != 1 else ''} "
                   "left out") if result.skipped else ""
        text = (f"Imported {result.created:,} action{'s' if result.created != 1 else ''}"
                + (f" and changed {result.updated:,}" if result.updated else "")
                + f" from {path.name} into '{result.plan.plan_title}'{skipped}. "
                "Edit ▸ Undo last import takes it back.")
        show = getattr(self.window, "show_message", None)
        if callable(show):
            show(text)
        return result


def install(window: QMainWindow) -> AdoptActions:
    actions = AdoptActions(window)
    window.adopt_actions = actions  # type: ignore[attr-defined]
    return actions
