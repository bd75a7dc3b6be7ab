"""The dashboard's "What is due" panel: approvals waiting on their next step, plans and the
agreement not yet sent to the PCC, the next meeting of each board and the next refresh (the
actions past due and the updates owed are the dashboard's numbers). Choosing a row shows
where it is settled; the button prints the due list for a meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from csa_desktop.services.due import DueItem

SHOWN_ROWS = 5
"""Rows the table shows before it scrolls."""
COLUMNS = ("Due", "What", "Detail")
LABELS = {"overdue-action": "Action overdue", "missing-update": "Update owed",
          "approval": "Approval waiting", "not-sent-to-pcc": "To send to the PCC",
          "next-meeting": "Next meeting", "next-refresh": "Next refresh"}
"""A row's kind of due, said in a few words (services.due.HEADINGS says it at length)."""


def due_cells(item: DueItem) -> tuple[str, str, str]:
    """The row of `item`: what kind of due, what (and whose), the detail."""
    whose = f" \u2014 {item.partnership}" if item.partnership else ""
    return LABELS[item.kind], f"{item.title}{whose}", item.detail


class DuePanel(QGroupBox):
    chosen = Signal(object)  # the DueItem of the row chosen
    print_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("What is due", parent)
        self.items: list[DueItem] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("What is due")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._chosen)
        self.table.cellActivated.connect(self._chosen)
        self.empty = QLabel()
        self.print_button = QPushButton("&Print the due list\u2026")
        self.print_button.setAccessibleName("Print the due list")
        self.print_button.setToolTip("Preview and print what is due, for a partnership meeting")
        self.print_button.clicked.connect(lambda _on=False: self.print_requested.emit())
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.show_counting()

    def show_counting(self) -> None:
        self.items = []
        self.table.setRowCount(0)
        self.table.setVisible(False)
        self.empty.setText("Reading what is due\u2026")

    def show_items(self, items: list[DueItem]) -> None:
        self.items = list(items)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            for column, text in enumerate(due_cells(item)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(item.detail)
                self.table.setItem(row, column, cell)
        self.empty.setText("" if self.items else
                           "Nothing is waiting: no approval, no meeting booked.")
        self.table.setVisible(bool(self.items))
        rows = min(len(self.items), SHOWN_ROWS)
        if rows:
            height = (self.table.horizontalHeader().sizeHint().height()
                      + sum(self.table.rowHeight(r) for r in range(rows))
                      + 2 * self.table.frameWidth())
            self.table.setFixedHeight(height)

    def _chosen(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.items):
            self.chosen.emit(self.items[row])
