"""Agreement ▸ Version-control table…: what changed in each refresh, derived from the
history; the lead edits the one-line summaries in place."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.cycle import Refresh
from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import (
    VersionChange,
    VersionTable,
    list_refreshes,
    set_change_summary,
    version_table,
)

Index = QModelIndex | QPersistentModelIndex
SUMMARY = 3


class VersionTableModel(QAbstractTableModel):
    """One row per change; the summary column is editable when `editable` (the lead)."""

    HEADERS = ("Area", "Item", "Change", "Summary of change", "Changed on")
    refused = Signal(str)  # an edited summary was not accepted: the reason

    def __init__(self, copy: Copy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.editable = copy.identity.role is Role.LEAD
        self.table: VersionTable | None = None
        self.rows: tuple[VersionChange, ...] = ()

    def load(self, refresh: Refresh) -> None:
        self.beginResetModel()
        self.table = version_table(self.copy, refresh)
        self.rows = self.table.changes
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return (line.area, line.item, line.change.capitalize(), line.summary,
                    line.changed_on.strftime("%d %b %Y") if line.changed_on else "")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SUMMARY:
                return (f"Edited by the lead. Derived from the history: "
                        f"{line.derived_summary}" if line.edited
                        else "Derived from the history" + ("; double-click to edit"
                                                           if self.editable else ""))
            if column == 2 and line.fields:
                return "Changed: " + ", ".join(line.fields)
        if role == Qt.ItemDataRole.FontRole and column == SUMMARY and line.edited:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and index.column() == SUMMARY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or index.column() != SUMMARY or self.table is None):
            return False
        line = self.rows[index.row()]
        try:
            set_change_summary(self.copy, self.table.refresh, line.record_uid, str(value))
        except CsaError as exc:
            self.refused.emit(str(exc))
            return False
        fresh = version_table(self.copy, self.table.refresh)
        self.table = fresh
        self.rows = fresh.changes
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                           len(self.HEADERS) - 1))
        return True


class VersionTableDialog(QDialog):
    def __init__(self, copy: Copy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.setWindowTitle("Version-control table")
        self.resize(980, 560)
        self.refreshes = list_refreshes(copy)
        self.refresh_box = QComboBox()
        self.refresh_box.setAccessibleName("Refresh")
        for refresh in reversed(self.refreshes):
            suffix = " (in progress)" if refresh.current else ""
            self.refresh_box.addItem(f"{refresh.label}{suffix}", refresh.label)
        refresh_label = QLabel("&Refresh:")
        refresh_label.setBuddy(self.refresh_box)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.model = VersionTableModel(copy, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Changes")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for column, width in enumerate((130, 260, 90, 380, 100)):
            self.view.setColumnWidth(column, width)
        header.setSectionResizeMode(SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.reset_button = QPushButton("Use the &derived summary")
        self.reset_button.setAccessibleName("Use the derived summary")
        self.reset_button.setToolTip("Forget the edited summary of the selected change")
        self.reset_button.clicked.connect(self._reset_summary)
        self.reset_button.setVisible(self.model.editable)
        self.model.dataChanged.connect(lambda *_: self._update_buttons())

        top = QHBoxLayout()
        top.addWidget(refresh_label)
        top.addWidget(self.refresh_box)
        top.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.refresh_box.currentIndexChanged.connect(lambda _i: self.show_refresh())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.refused.connect(
            lambda message: QMessageBox.warning(self, "Version-control table", message))
        self.show_refresh()

    def current(self) -> Refresh:
        label = self.refresh_box.currentData()
        return next(r for r in self.refreshes if r.label == label)

    def show_refresh(self) -> None:
        refresh = self.current()
        self.model.load(refresh)
        table = self.model.table
        assert table is not None
        if table.based_on is None:
            text = (f"No refresh before {refresh.label} is recorded in this copy: there is "
                    "nothing to compare it with.")
        elif not table.changes:
            text = (f"No section, key issue or delivery framework row has changed in "
                    f"{refresh.label} since {table.based_on.label}.")
        else:
            text = (f"{len(table.changes)} changes in {escape(refresh.label)} since "
                    f"{escape(table.based_on.label)}, found by comparing the two refreshes. "
                    + ("Double-click a summary to edit it." if self.model.editable else ""))
        self.summary_label.setText(text)
        self.view.resizeRowsToContents()
        self._update_buttons()

    def _selected(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self) -> None:
        row = self._selected()
        self.reset_button.setEnabled(row is not None and self.model.rows[row].edited)

    def _reset_summary(self) -> None:
        row = self._selected()
        if row is not None:
            self.model.setData(self.model.index(row, SUMMARY), "")
            self._update_buttons()
