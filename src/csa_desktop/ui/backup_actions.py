"""File ▸ Back up now and File ▸ Restore backup…, and the read-only state shown when the copy
cannot be written (a read-only folder, or a full disk or a refused write while working): a
warning when it happens, "Read-only" in the status bar and the title; the editor pages show
the reason in their own read-only banners."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox

from csa_desktop.errors import CsaError
from csa_desktop.services import backups, safety
from csa_desktop.services.copy import Copy


def _file_menu(window: QMainWindow) -> QMenu:
    menu = getattr(window, "file_menu", None)
    return menu if isinstance(menu, QMenu) else window.menuBar().addMenu("&File")


def _insert_before_quit(menu: QMenu, actions: list[QAction]) -> None:
    quit_action = next((a for a in menu.actions()
                        if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)), None)
    if quit_action is None:
        menu.addSeparator()
        menu.addActions(actions)
        return
    menu.insertActions(quit_action, actions)
    menu.insertSeparator(quit_action)


class BackupActions:
    """The backup menu items of one main window (which has `copy`, `refresh`,
    `show_message` and, optionally, `undo_stack`)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.copy: Copy = window.copy  # type: ignore[attr-defined]
        self.backup_action = QAction("&Back up now", window)
        self.backup_action.setObjectName("backup_now_action")
        self.backup_action.setStatusTip("Save a copy of everything as it is now in the "
                                        "backups folder")
        self.backup_action.triggered.connect(lambda _checked=False: self.back_up_now())
        self.restore_action = QAction("Restore &backup…", window)
        self.restore_action.setObjectName("restore_backup_action")
        self.restore_action.setStatusTip("Go back to the copy as it was when a backup was made")
        self.restore_action.triggered.connect(lambda _checked=False: self.choose_and_restore())
        _insert_before_quit(_file_menu(window), [self.backup_action, self.restore_action])

        self.status_label = QLabel("<b>Read-only</b>")
        self.status_label.setObjectName("readOnlyStatus")
        self.status_label.setAccessibleName("Read-only notice")
        self.status_label.hide()
        window.statusBar().addPermanentWidget(self.status_label)
        self.title = window.windowTitle()
        self.copy.store.on_read_only(self._became_read_only)
        reason = safety.read_only_reason(self.copy)
        if reason:
            self._show_read_only(reason)

    def _message(self, text: str) -> None:
        show = getattr(self.window, "show_message", None)
        if callable(show):
            show(text)
        else:
            self.window.statusBar().showMessage(text, 8000)

    def back_up_now(self) -> None:
        try:
            made = backups.create_backup(self.copy.data_dir)
        except CsaError as exc:
            QMessageBox.warning(self.window, "No backup was made", str(exc))
            return
        self._message(f"Backup made: {made.describe()}.")

    def choose_and_restore(self) -> None:
        from csa_desktop.ui.dialogs.restore_backup import RestoreBackupDialog

        flush = getattr(self.window, "flush", None)
        if callable(flush):
            flush()  # typing still waiting to be saved goes into the backup made first
        dialog = RestoreBackupDialog(self.copy.data_dir, self.copy, self.window)
        if not dialog.exec() or dialog.restored is None:
            return
        undo_stack = getattr(self.window, "undo_stack", None)
        if undo_stack is not None:
            undo_stack.clear()  # the edits of this session belong to the state left behind
        self._hide_read_only()
        self.window.refresh(None)  # type: ignore[attr-defined]
        self._message(f"Restored the copy as it was on {dialog.restored.restored.describe()}.")

    def _became_read_only(self, reason: str) -> None:
        # Called from inside the failed write: let it finish and show its own message first.
        QTimer.singleShot(0, lambda: self._warn_read_only(reason))

    def _warn_read_only(self, reason: str) -> None:
        self._show_read_only(reason)
        self.window.refresh(None)  # type: ignore[attr-defined]  # editors turn read-only
        QMessageBox.warning(
            self.window, "Changes can no longer be saved",
            f"{_sentence(reason)}\n\nEverything saved before is safe. You can still read, "
            "print and export the copy.")

    def _show_read_only(self, reason: str) -> None:
        self.status_label.setToolTip(_sentence(reason))
        self.status_label.show()
        self.window.setWindowTitle(f"{self.title} [read-only]")

    def _hide_read_only(self) -> None:
        if safety.read_only_reason(self.copy):
            return
        self.status_label.hide()
        self.window.setWindowTitle(self.title)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def install(window: QMainWindow) -> BackupActions:
    """Add File ▸ Back up now and File ▸ Restore backup… to `window` (which has a `copy`)."""
    actions = BackupActions(window)
    window.backup_actions = actions  # type: ignore[attr-defined]
    return actions
