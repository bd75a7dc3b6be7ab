"""Bundles in the main window: File ▸ Export bundle…, File ▸ Import bundles… (and .csabundle
files dropped on the window), File ▸ Trusted keys…, Edit ▸ Conflicts…, Edit ▸ Undo last
import, View ▸ Record history….

An import is checked and previewed first (in a worker thread, with progress and Cancel), then
applied after the lead agrees; cancelling at any point applies nothing."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.services import restore_points
from csa_desktop.services.conflicts import ConflictService
from csa_desktop.ui.commands import DecideConflictCommand
from csa_desktop.ui.settings import WindowSettings

# Installed in every main window before it is first painted: what only a menu item needs
# (the bundle services, the signing library behind them, the progress dialog) is imported
# when the item is used.
if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy
    from csa_desktop.services.sync import ImportReport, SyncService

EXTENSION = ".csabundle"
FILTER = "CSA bundles (*.csabundle)"

def _menu(window: QMainWindow, name: str, title: str) -> QMenu:
    menu = getattr(window, name, None)
    return menu if isinstance(menu, QMenu) else window.menuBar().addMenu(title)


def _before_last(menu: QMenu, actions: list[QAction]) -> None:
    """Insert before the menu's Quit item (or at its end)."""
    quit_action = next((a for a in menu.actions()
                        if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)), None)
    if quit_action is None:
        menu.addSeparator()
        menu.addActions(actions)
    else:
        menu.insertActions(quit_action, actions)
        menu.insertSeparator(quit_action)


def current_record_uid(window: QMainWindow) -> str | None:
    """The record the user is looking at: the selection of the current page, else the
    navigator's node."""
    stack = getattr(window, "stack", None)
    page = stack.currentWidget() if stack is not None else None
    if page is not None:
        for candidate in [page, *page.findChildren(QObject)]:
            finder = getattr(candidate, "current_uid", None)
            if callable(finder):
                try:
                    uid = finder()
                except Exception:  # a page mid-reload: fall back to the navigator
                    uid = ""
                if isinstance(uid, str) and uid:
                    return uid
    node_of = getattr(window, "current_node", None)
    node = node_of() if callable(node_of) else None
    uid = getattr(node, "uid", None)
    return uid if isinstance(uid, str) and uid else None


class _DropFilter(QObject):
    """Accepts .csabundle files dropped anywhere on the window."""

    def __init__(self, actions: BundleActions) -> None:
        super().__init__(actions.window)
        self.actions = actions

    @staticmethod
    def _bundles(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls()
                if url.isLocalFile() and url.toLocalFile().lower().endswith(EXTENSION)]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if self._bundles(event):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = self._bundles(event)
            if paths:
                event.acceptProposedAction()
                # after the drop has returned: the program that dragged them is not kept waiting
                QTimer.singleShot(0, lambda: self.actions.import_bundles(paths))
                return True
        return False


class BundleActions:
    """The bundle menu items of one main window (which has `copy`, `refresh`, `show_message`,
    `file_menu`, `edit_menu`, `view_menu` and `undo_stack`)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.copy: Copy = window.copy  # type: ignore[attr-defined]
        edits = getattr(window, "edits", None)
        if edits is not None:  # an undo of a decision reopens a conflict: recount them
            edits.changed.connect(self._recount_after_decisions)
        lead = self.copy.identity.role.value == "lead"
        self.export_action = self._action(
            "&Publish baseline…" if lead else "&Export my changes…", self.export_bundle,
            "exportBundleAction",
            "Write a signed baseline: the whole master, for the districts" if lead else
            "Write a signed contribution for the county team: everything changed here since "
            "the last baseline")
        self.import_action = self._action(
            "&Import bundles…", self.import_bundles, "importBundlesAction",
            "Check, preview and merge bundles (you can also drop .csabundle files on the "
            "window)", QKeySequence("Ctrl+Shift+I"))
        self.trust_action = self._action("&Trusted keys…", self.manage_trust,
                                         "trustedKeysAction",
                                         "Whose bundles this copy accepts")
        _before_last(_menu(window, "file_menu", "&File"),
                     [self.import_action, self.export_action, self.trust_action])

        self.conflicts_action = self._action("&Conflicts…", self.show_conflicts,
                                             "conflictsAction",
                                             "Fields changed differently on two sides, "
                                             "waiting for a decision")
        self.undo_import_action = self._action("Undo last i&mport", self.undo_last_import,
                                               "undoImportAction",
                                               "Go back to the copy as it was just before "
                                               "the last import")
        edit = _menu(window, "edit_menu", "&Edit")
        edit.addSeparator()
        edit.addActions([self.conflicts_action, self.undo_import_action])
        edit.aboutToShow.connect(self.update_actions)

        self.history_action = self._action("&Record history…", self.show_history,
                                           "recordHistoryAction",
                                           "Every value the selected record has had, and "
                                           "the values that did not win",
                                           QKeySequence("Ctrl+Shift+H"))
        view = _menu(window, "view_menu", "&View")
        view.addSeparator()
        view.addAction(self.history_action)

        window.setAcceptDrops(True)
        self.drop_filter = _DropFilter(self)
        window.installEventFilter(self.drop_filter)
        self.update_actions()

    def _action(self, text: str, slot: Callable[[], object], name: str, tip: str,
                shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # --- helpers ----------------------------------------------------------------------------

    def _message(self, text: str) -> None:
        show = getattr(self.window, "show_message", None)
        if callable(show):
            show(text)
        else:
            self.window.statusBar().showMessage(text, 8000)

    def _flush(self) -> None:
        flush = getattr(self.window, "flush", None)
        if callable(flush):
            flush()  # typing still waiting to be saved is saved before anything else

    def _after_bulk_change(self, changes: Any) -> None:
        undo_stack = getattr(self.window, "undo_stack", None)
        if undo_stack is not None:
            undo_stack.clear()  # earlier edits may no longer apply to what the import left
        self.window.refresh(changes)  # type: ignore[attr-defined]
        self.update_actions()

    def _recount_after_decisions(self, changes: Changes) -> None:
        if not changes.empty and self.undoable_decisions():
            self.update_actions()

    def undoable_decisions(self) -> bool:
        stack = getattr(self.window, "undo_stack", None)
        return stack is not None and any(
            isinstance(stack.command(i), DecideConflictCommand) for i in range(stack.count()))

    def update_actions(self) -> None:
        try:
            waiting = ConflictService(self.copy).count()
            undoable = restore_points.last_import(self.copy) is not None
        except CsaError:
            waiting, undoable = 0, False
        self.conflicts_action.setText(f"&Conflicts ({waiting})…" if waiting else "&Conflicts…")
        self.undo_import_action.setEnabled(undoable)

    # --- export -----------------------------------------------------------------------------

    def _folder(self) -> Path:
        settings = getattr(self.window, "settings", None)
        return settings.last_folder("bundles") if isinstance(settings, WindowSettings) \
            else Path.home()

    def _remember(self, chosen: str) -> None:
        settings = getattr(self.window, "settings", None)
        if isinstance(settings, WindowSettings):
            settings.remember_folder("bundles", chosen)

    def export_bundle(self) -> Path | None:
        from csa_desktop.services.bundles import (
            BundleService,
            ExportResult,
            after_export_advice,
            suggested_file_name,
        )
        from csa_desktop.ui.busy import run_with_progress

        self._flush()
        lead = self.copy.identity.role.value == "lead"
        stem = "baseline" if lead else "contribution"
        title = "Publish baseline" if lead else "Export my changes"
        suggested = self._folder() / suggested_file_name(self.copy)
        chosen, _ = QFileDialog.getSaveFileName(self.window, title, str(suggested), FILTER)
        if not chosen:
            return None
        self._remember(chosen)
        service = BundleService(self.copy)
        try:
            result = run_with_progress(self.window, f"Writing the {stem}",
                                       lambda _p, _c: service.export(Path(chosen)),
                                       cancellable=False)
        except CsaError as exc:
            QMessageBox.warning(self.window, "Nothing was exported", str(exc))
            return None
        assert isinstance(result, ExportResult)
        what = "records" if lead else "changed records"
        self._message(f"Saved the {stem} ({result.count:,} {what}) to {result.path}.")
        done = QMessageBox(QMessageBox.Icon.Information, title,
                           f"<b>Saved {escape(result.path.name)}</b> ({result.count:,} {what})"
                           f"<br>in {escape(str(result.path.parent))}",
                           QMessageBox.StandardButton.Ok, self.window)
        done.setObjectName("afterExportMessage")
        done.setInformativeText(after_export_advice(result))
        self.after_export = done
        done.open()
        return result.path

    # --- import -----------------------------------------------------------------------------

    def import_bundles(self, paths: list[Path] | None = None) -> ImportReport | None:
        """Choose (or take dropped) bundles, preview them, apply after the user agrees."""
        from csa_desktop.services.sync import ImportCancelledError, ImportReport, SyncService
        from csa_desktop.ui.busy import run_with_progress
        from csa_desktop.ui.dialogs.import_preview import conflicts_waiting

        if paths is None:
            chosen, _ = QFileDialog.getOpenFileNames(self.window, "Import bundles",
                                                     str(self._folder()), FILTER)
            if not chosen:
                return None
            self._remember(chosen[0])
            paths = [Path(p) for p in chosen]
        self._flush()
        sync = SyncService(self.copy)
        try:
            preview = self._preview(sync, paths)
        except ImportCancelledError:
            self._message("Import cancelled: nothing was changed.")
            return None
        except CsaError as exc:
            QMessageBox.warning(self.window, "Nothing was imported", str(exc))
            return None
        from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog

        dialog = ImportPreviewDialog(preview, self.window)
        if not dialog.exec():
            self._message("Import cancelled: nothing was changed.")
            return None
        try:
            report = run_with_progress(
                self.window, "Importing bundles",
                lambda progress, cancelled: sync.import_files(
                    paths, apply_despite_refusals=True, progress=progress,
                    cancelled=cancelled))
        except ImportCancelledError:
            self._message("Import cancelled: nothing was changed.")
            return None
        except CsaError as exc:
            QMessageBox.warning(self.window, "Nothing was imported", str(exc))
            return None
        assert isinstance(report, ImportReport)
        self._after_bulk_change(report.changes)
        imported = len(report.imported)
        self._message(f"Imported {imported} bundle{'s' if imported != 1 else ''}"
                      + (f"; {conflicts_waiting(report.conflicts)}" if report.conflicts
                         else "")
                      + ". Edit ▸ Undo last import goes back.")
        if report.conflicts:
            answer = QMessageBox.question(
                self.window, "Conflicts to decide",
                f"{report.conflicts} field{'s were' if report.conflicts != 1 else ' was'} "
                "changed differently on two sides. Decide now?")
            if answer == QMessageBox.StandardButton.Yes:
                self.show_conflicts()
        return report

    def _preview(self, sync: SyncService, paths: list[Path]) -> ImportReport:
        """The dry run; an unknown sender's key is offered for trust (then checked again)."""
        from csa_desktop.services.sync import ImportReport
        from csa_desktop.ui.busy import run_with_progress

        asked: set[str] = set()
        while True:
            report = run_with_progress(
                self.window, "Checking bundles",
                lambda progress, cancelled: sync.import_files(
                    paths, dry_run=True, progress=progress, cancelled=cancelled))
            assert isinstance(report, ImportReport)
            strangers = [o for o in report.refused
                         if o.code == "untrusted" and o.fingerprint not in asked]
            if not strangers or self.copy.identity.role.value != "lead":
                return report
            trusted_any = False
            for outcome in strangers:
                asked.add(outcome.fingerprint)
                path = next(p for p in paths if p.name == outcome.name)
                trusted_any |= self.ask_trust(path)
            if not trusted_any:
                return report

    def ask_trust(self, path: Path) -> bool:
        from csa_desktop.services.bundles import BundleService
        from csa_desktop.ui.dialogs.trust import TrustPromptDialog

        service = BundleService(self.copy)
        try:
            signer = service.signer(path)
        except CsaError:
            return False
        dialog = TrustPromptDialog(signer, service.partnerships(), self.window)
        if not dialog.exec():
            return False
        try:
            role = signer.role if signer.role in ("district", "editor") else "district"
            service.trust(signer.public_key, partnerships=dialog.chosen(),
                          name=signer.author or "District officer", role=role,
                          replica_id=signer.replica_id)
        except CsaError as exc:
            QMessageBox.warning(self.window, "Not trusted", str(exc))
            return False
        self._message(f"Trusted {signer.author} ({signer.fingerprint}).")
        return True

    def manage_trust(self) -> None:
        from csa_desktop.services.bundles import BundleService
        from csa_desktop.ui.dialogs.trust import TrustedKeysDialog

        TrustedKeysDialog(BundleService(self.copy), self.window).exec()

    # --- conflicts, undo, history -----------------------------------------------------------

    def show_conflicts(self) -> None:
        from csa_desktop.ui.dialogs.conflicts import ConflictsDialog

        self._flush()
        edits = getattr(self.window, "edits", None)
        dialog = ConflictsDialog(self.copy, self.window, edits=edits)
        dialog.resolved.connect(lambda changes: self.window.refresh(changes))  # type: ignore[attr-defined]
        dialog.exec()
        self.update_actions()

    def undo_last_import(self) -> bool:
        self._flush()
        point = restore_points.last_import(self.copy)
        if point is None:
            QMessageBox.information(self.window, "Undo last import", "There is no import to "
                                    "undo.")
            return False
        files = ", ".join(str(b.get("file", "?")) for b in point.bundles) or "the last import"
        answer = QMessageBox.question(
            self.window, "Undo last import",
            f"Go back to the copy as it was at {point.created_at:%H:%M on %d %b %Y}, just "
            f"before importing {files}?\n\nEverything changed since then is undone too; the "
            "copy as it is now is kept as a backup.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            restore_points.restore(self.copy.data_dir, point.id, copy=self.copy)
        except CsaError as exc:
            QMessageBox.warning(self.window, "Not undone", str(exc))
            return False
        self._after_bulk_change(None)
        self._message(f"Undid the import of {files}.")
        return True

    def show_history(self) -> None:
        from csa_desktop.services.history import history_lines
        from csa_desktop.ui.dialogs.history import HistoryDialog

        uid = current_record_uid(self.window)
        if uid is None:
            QMessageBox.information(self.window, "Record history",
                                    "Select a record first: its history is shown.")
            return
        try:
            record = self.copy.records.get(uid)
            entries = history_lines(self.copy, uid)
        except CsaError as exc:
            QMessageBox.warning(self.window, "Record history", str(exc))
            return
        HistoryDialog(record.title or uid, entries, self.window).exec()


def install(window: QMainWindow) -> BundleActions:
    actions = BundleActions(window)
    window.bundle_actions = actions  # type: ignore[attr-defined]
    return actions
