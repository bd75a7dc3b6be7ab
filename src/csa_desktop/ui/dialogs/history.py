"""A record's history: every value it has had — edits made here, values accepted from bundles,
and the values that did not win a conflict — with who, when and from which bundle."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.services.history import HistoryLine
from csa_desktop.ui.models.tables import HeaderedTableModel

Index = QModelIndex | QPersistentModelIndex

LOST = QColor("#8a5a00")


class HistoryTableModel(HeaderedTableModel[HistoryLine]):
    HEADERS = ("When", "Who", "How", "Field", "Old value", "New value", "Bundle")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        line = self.row_at(index)
        if line is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            texts = (f"{line.at:%d %b %Y %H:%M}", line.who, line.how, line.field,
                     line.old, line.new, line.bundle_id[:8])
            text = texts[index.column()]
            if role == Qt.ItemDataRole.DisplayRole and len(text) > 120:
                return text[:119].replace("\n", " ") + "…"
            return text if role == Qt.ItemDataRole.ToolTipRole else text.replace("\n", "; ")
        if role == Qt.ItemDataRole.ForegroundRole and line.lost:
            return LOST
        return None


class HistoryDialog(QDialog):
    def __init__(self, title: str, entries: list[HistoryLine],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"History — {title}")
        layout = QVBoxLayout(self)
        lost = sum(1 for e in entries if e.lost)
        intro = QLabel(f"<b>{title}</b>: {len(entries)} value{'s' if len(entries) != 1 else ''}"
                       + (f", {lost} of them did not win (shown in brown)" if lost else ""))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = HistoryTableModel(list(reversed(entries)), self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((130, 150, 130, 120, 200, 200, 70)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1040, 460)
