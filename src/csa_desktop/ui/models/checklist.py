"""A list of records to tick (a key issue's linked evidence), in a fixed order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from csa_desktop.ui.models.roles import NO_INDEX, UID_ROLE

Index = QModelIndex | QPersistentModelIndex


class ChecklistModel(QAbstractListModel):
    """Options (title, uid) with a tick each; `checked_uids` keeps the order they were given."""

    toggled = Signal()  # the user ticked or unticked an item

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._options: list[tuple[str, str]] = []
        self._checked: list[str] = []
        self._editable = True

    def set_options(self, options: Sequence[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._options = list(options)
        self.endResetModel()

    def set_checked(self, uids: Sequence[str]) -> None:
        self._checked = list(uids)
        if self._options:
            self.dataChanged.emit(self.index(0), self.index(len(self._options) - 1),
                                  [Qt.ItemDataRole.CheckStateRole])

    def set_editable(self, editable: bool) -> None:
        self.beginResetModel()
        self._editable = editable
        self.endResetModel()

    def checked_uids(self) -> list[str]:
        return list(self._checked)

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._options)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._options):
            return None
        title, uid = self._options[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return title
        if role == Qt.ItemDataRole.CheckStateRole:
            return (Qt.CheckState.Checked if uid in self._checked
                    else Qt.CheckState.Unchecked)
        if role == UID_ROLE:
            return uid
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.CheckStateRole or not index.isValid()
                or not self._editable):
            return False
        uid = self._options[index.row()][1]
        state = Qt.CheckState(value) if isinstance(value, int) else value
        if state == Qt.CheckState.Checked and uid not in self._checked:
            self._checked.append(uid)
        elif state != Qt.CheckState.Checked and uid in self._checked:
            self._checked.remove(uid)
        else:
            return True
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.toggled.emit()
        return True
