"""Bringing existing work in, in the main window: File ▸ Import actions… (an action plan from
an Excel workbook or a CSV file, through the column-mapping dialog) and File ▸ Import from
Word… (the agreement's text, through its outline). Each is undone with Edit ▸ Undo last import,
as a bundle import is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.ui.settings import WindowSettings

# Installed in every main window before it is first painted: the readers of sheets and Word
# documents and the adoption services are imported when an import is chosen.
if TYPE_CHECKING:
    from csa_desktop.services.adoption import AdoptionResult
    from csa_desktop.services.agreement_adoption import AgreementAdoptionResult
    from csa_desktop.services.copy import Copy

SHEET_FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"
WORD_FILTER = "Word documents (*.docx);;All files (*)"


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
        self.import_word_action = QAction("Import from &Word…", window)
        self.import_word_action.setObjectName("importWordAction")
        tip = ("Bring the agreement's text in from a Word document: see the sections it "
               "would become first (on the lead's copy)")
        self.import_word_action.setStatusTip(tip)
        self.import_word_action.setToolTip(tip)
        self.import_word_action.triggered.connect(lambda _c=False: self.import_word())
        agreements = self.copy.records.list_kind("agreement")
        self.import_word_action.setEnabled(bool(agreements) and self.copy.records.can_create(
            "section", {"agreement_uid": agreements[0].uid}))
        menu = getattr(window, "file_menu", None)
        if not isinstance(menu, QMenu):
            menu = window.menuBar().addMenu("&File")
        bundles = getattr(window, "bundle_actions", None)
        before = getattr(bundles, "export_action", None)
        for action in (self.import_actions_action, self.import_word_action):
            if isinstance(before, QAction) and before in menu.actions():
                menu.insertAction(before, action)
            else:
                menu.addAction(action)

    def _settings(self) -> WindowSettings | None:
        settings = getattr(self.window, "settings", None)
        return settings if isinstance(settings, WindowSettings) else None

    def _partnership_shown(self) -> str | None:
        node_of = getattr(self.window, "current_node", None)
        node = node_of() if callable(node_of) else None
        uid = getattr(node, "partnership_uid", None)
        return uid if isinstance(uid, str) and uid else None

    def _choose(self, title: str, filter_: str) -> Path | None:
        settings = self._settings()
        folder = settings.last_folder("imports") if settings else Path.home()
        chosen, _ = QFileDialog.getOpenFileName(self.window, title, str(folder), filter_)
        if not chosen:
            return None
        if settings:
            settings.remember_folder("imports", chosen)
        return Path(chosen)

    def _flush(self) -> None:
        flush = getattr(self.window, "flush", None)
        if callable(flush):
            flush()

    def _imported(self, changes: Changes, text: str) -> None:
        undo_stack = getattr(self.window, "undo_stack", None)
        if undo_stack is not None:
            undo_stack.clear()  # earlier edits may no longer apply to what the import left
        self.window.refresh(changes)  # type: ignore[attr-defined]
        bundles = getattr(self.window, "bundle_actions", None)
        if bundles is not None:
            bundles.update_actions()
        show = getattr(self.window, "show_message", None)
        if callable(show):
            show(text + " Edit ▸ Undo last import takes it back.")

    def import_actions(self, path: Path | None = None) -> AdoptionResult | None:
        """Choose a spreadsheet, map and preview it, import after the user agrees."""
        from csa_desktop.services.sheets import read_table
        from csa_desktop.ui.busy import run_busy

        path = path or self._choose("Import actions", SHEET_FILTER)
        if path is None:
            return None
        self._flush()
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
        skipped = (f"; {len(result.skipped)} row{'s' if len(result.skipped) != 1 else ''} "
                   "left out") if result.skipped else ""
        self._imported(result.changes,
                       f"Imported {result.created:,} action{'s' if result.created != 1 else ''}"
                       + (f" and changed {result.updated:,}" if result.updated else "")
                       + f" from {path.name} into '{result.plan.plan_title}'{skipped}.")
        return result

    def import_word(self, path: Path | None = None) -> AgreementAdoptionResult | None:
        """Choose a Word document, see its outline, import after the user agrees."""
        from csa_desktop.services.word_outline import read_outline
        from csa_desktop.ui.busy import run_busy

        path = path or self._choose("Import from Word", WORD_FILTER)
        if path is None:
            return None
        self._flush()
        chosen_path = path
        try:
            outline = run_busy(self.window, "Reading the Word document…",
                               lambda: read_outline(chosen_path))
        except CsaError as exc:
            QMessageBox.warning(self.window, "Nothing was imported", str(exc))
            return None
        from csa_desktop.ui.dialogs.import_agreement import ImportAgreementDialog

        dialog = ImportAgreementDialog(self.copy, path, self.window, outline=outline)
        self.word_dialog = dialog
        if not dialog.exec() or dialog.result_ is None:
            self.window.statusBar().showMessage("Import cancelled: nothing was changed.", 8000)
            return None
        result = dialog.result_
        plan = result.plan
        left = len(plan.not_brought)
        self._imported(result.changes,
                       f"Imported {len(plan.sections)} section"
                       f"{'s' if len(plan.sections) != 1 else ''} from {path.name}"
                       + (f"; {left} thing{'s' if left != 1 else ''} in the file not brought "
                          "in (listed in the import window)" if left else "") + ".")
        return result


def install(window: QMainWindow) -> AdoptActions:
    actions = AdoptActions(window)
    window.adopt_actions = actions  # type: ignore[attr-defined]
    return actions
