"""File ▸ Restore backup…: choose a backup and make the copy what it holds; the copy as it
is now is backed up first, so a restore can itself be undone by restoring that backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.errors import CsaError
from csa_desktop.services import backups
from csa_desktop.services.backups import BackupInfo, RestoreResult
from csa_desktop.services.copy import Copy
from csa_desktop.ui.models.tables import HeaderedTableModel

Index = QModelIndex | QPersistentModelIndex


def size_text(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"


class BackupsTableModel(HeaderedTableModel[BackupInfo]):
    """The copy's backups, newest first: when made, what kind, how big."""

    HEADERS = ("Made", "Kind", "Size")
    BackupRole = Qt.ItemDataRole.UserRole + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        item = self.row_at(index)
        if item is None:
            return None
        if role == self.BackupRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (f"{item.created_at:%a %d %b %Y %H:%M}", item.label.capitalize(),
                    size_text(item.size))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def backup(self, row: int) -> BackupInfo:
        return self.rows[row]


class RestoreBackupDialog(QDialog):
    """Lists the backups of `data_dir`; Restore makes the copy what the chosen one holds.

    With `copy` (the open copy of the main window) the restore happens in place; without,
    the copy must not be open (start-up, a damaged copy). `restored` holds what was done.
    """

    def __init__(self, data_dir: Path, copy: Copy | None = None,
                 parent: QWidget | None = None, *, intro: str = "") -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.copy = copy
        self.restored: RestoreResult | None = None
        self.setWindowTitle("Restore a backup")
        self.setObjectName("restoreBackupDialog")

        items = [b for b in backups.list_backups(data_dir) if b.kind != "damaged"]
        text = intro or ("Choose the state to go back to. Your copy as it is now is kept as a "
                         "backup first, so you can come back to it.")
        heading = QLabel(text)
        heading.setWordWrap(True)
        self.model = BackupsTableModel(items, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Backups")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.restore_chosen())
        note = QLabel(f"A backup is made at the first start of each day (the last "
                      f"{backups.KEEP_DAILY} are kept), before upgrades and before each "
                      "restore." if items else "There are no backups of this copy yet.")
        note.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_chosen)
        self.buttons.rejected.connect(self.reject)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.restore_button.setEnabled(self.chosen() is not None))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        if items:
            self.table.selectRow(0)

    def chosen(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup(rows[0].row()) if rows else None

    def choose(self, backup_id: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.backup(row).id == backup_id:
                self.table.selectRow(row)
                return True
        return False

    def restore_chosen(self) -> None:
        backup = self.chosen()
        if backup is None:
            return
        answer = QMessageBox.question(
            self, "Restore this backup?",
            f"Make the copy what it was on {backup.describe()}?\n\nChanges made since then "
            "will no longer show; the copy as it is now is kept as a backup, so you can "
            "restore it again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.restored = backups.restore_backup(self.data_dir, backup.id, copy=self.copy)
        except CsaError as exc:
            QMessageBox.warning(self, "Nothing was restored", _sentence(str(exc)))
            return
        self.accept()


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
