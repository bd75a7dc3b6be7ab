"""The dashboard a copy opens on: how the actions stand (by RAG and status, overdue, updates
missing for the reporting period), for the county or for my partnership; every number opens
the actions it counts in Local plans."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
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

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS, choice_label
from csa_desktop.domain.reporting import quarter_span
from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy
from csa_desktop.services.dashboard import Dashboard, Lists, Tally, build_dashboard
from csa_desktop.services.tables import OPEN, ActionFilter
from csa_desktop.ui.busy import read_in_background
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.icons import rag_icon
from csa_desktop.ui.views.common import EditorPage
from csa_desktop.ui.views.due_panel import DuePanel
from csa_desktop.ui.widgets import heading

if TYPE_CHECKING:
    from csa_desktop.services.due import DueItem

TABLE_COLUMNS = ("Partnership", "Actions", "Open", "Red", "Amber", "Green", "Overdue",
                 "Updates missing", "Indicators off target")
INDICATORS_COLUMN = len(TABLE_COLUMNS) - 1
"""The columns of the table by partnership; every column after the first is a number."""


def _due(copy: Copy) -> list[DueItem]:
    """What the panel lists: all but the actions, which the numbers above count (read after
    the first paint: services.due is imported then)."""
    from csa_desktop.services.due import due_items

    return due_items(copy, actions=False)


class NumberButton(QPushButton):
    """A number and what it counts; pressing it lists those actions."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = caption
        self.link: ActionFilter | None = None
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.setMinimumWidth(130)
        self.setText(f"…\n{caption}")  # until the count arrives

    def show_number(self, number: int, link: ActionFilter | None, what: str) -> None:
        """`number` of `what`; `link`: the actions it lists (None: it lists something else)."""
        self.link = link
        self.setText(f"{number:,}\n{self.caption}")
        self.setAccessibleName(f"{self.caption}: {number:,}")
        self.setToolTip(f"List the {number:,} {what}" if number else f"No {what}")


class DashboardPage(EditorPage):
    kinds = frozenset({"action", "progress-update", "local-plan", "partnership", "agreement",
                       "indicator", "indicator-value", "approval", "approval-step",
                       "plan-approval", "meeting"})

    open_actions = Signal(object)  # an ActionFilter: the actions behind a number
    open_indicators = Signal(object)  # a partnership uid, or None for the county's: off target
    open_due = Signal(object)  # a DueItem: show where it is settled
    print_due = Signal()  # the due list in the print preview
    _counted = Signal(int, object)  # (reading number, Dashboard or the exception)
    _due_read = Signal(int, object)  # (reading number, list of DueItem or the exception)

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.board: Dashboard | None = None  # the numbers shown (None: being counted)
        self._reading = 0  # a later reading makes an earlier one stale
        self._counted.connect(self._arrived)
        self._due_read.connect(self._due_arrived)
        self.due = DuePanel()
        self.due.chosen.connect(self.open_due)
        self.due.print_requested.connect(self.print_due)
        self.scope = heading("", level=2)
        self.scope.setWordWrap(True)
        self.period = QLabel()
        self.period.setAccessibleName("Reporting period")
        self.period.setWordWrap(True)
        self.approvals = QLabel()
        self.approvals.setAccessibleName("Approvals")
        self.approvals.setWordWrap(True)
        self.open = NumberButton("Open actions")
        self.overdue = NumberButton("Overdue")
        self.missing = NumberButton("Updates missing")
        self.county_indicators = NumberButton("County indicators off target")
        self.county_indicators.clicked.connect(lambda _on=False: self.open_indicators.emit(None))
        self.own_indicators = NumberButton("Our indicators off target")
        self.own_indicators.clicked.connect(lambda _on=False: self._open_own_indicators())
        self.by_rag = {rag: NumberButton(choice_label(rag)) for rag in RAGS}
        for rag, button in self.by_rag.items():
            button.setIcon(rag_icon(rag))
        self.by_status = {status: NumberButton(choice_label(status))
                          for status in ACTION_STATUSES}
        for button in (self.open, self.overdue, self.missing, *self.by_rag.values(),
                       *self.by_status.values()):
            button.clicked.connect(lambda _on=False, b=button: self._open(b.link))
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(TABLE_COLUMNS))
        self.table.setAccessibleName("Actions by partnership")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(False)
        self.table.cellClicked.connect(self._cell_chosen)
        self.table.cellActivated.connect(self._cell_chosen)

        headline = QHBoxLayout()
        for button in (self.open, self.overdue, self.missing, self.county_indicators,
                       self.own_indicators):
            headline.addWidget(button)
        headline.addStretch(1)
        rag_box = QGroupBox("Open actions by RAG")
        rag_row = QHBoxLayout(rag_box)
        for button in self.by_rag.values():
            rag_row.addWidget(button)
        rag_row.addStretch(1)
        status_box = QGroupBox("Actions by status")
        status_row = QGridLayout(status_box)
        for column, button in enumerate(self.by_status.values()):
            status_row.addWidget(button, 0, column)
        status_row.setColumnStretch(len(self.by_status), 1)
        self.table_box = QGroupBox("By partnership (click a number to list its actions)")
        table_layout = QVBoxLayout(self.table_box)
        table_layout.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Dashboard"))
        layout.addWidget(self.scope)
        layout.addWidget(self.period)
        layout.addWidget(self.approvals)
        layout.addLayout(headline)
        layout.addWidget(rag_box)
        layout.addWidget(status_box)
        layout.addWidget(self.due)
        layout.addWidget(self.table_box, 1)
        layout.addStretch(0)  # takes the room when there is no table (one partnership)
        self._layout = layout

    def reload(self) -> None:
        """Count again, in a worker thread (its own database connection): a copy of 30,000
        actions opens on this page, and its first paint must not wait for the count."""
        self._reading += 1
        self.board = None
        self.period.setText("Counting the actions…")
        copy = self.context.copy  # a failure: the GUI thread counts again itself
        read_in_background(lambda: build_dashboard(copy), self._counted, self._reading)
        self.due.show_counting()
        read_in_background(lambda: _due(copy), self._due_read, self._reading)

    def _due_arrived(self, number: int, items: object) -> None:
        if number != self._reading:
            return
        if not isinstance(items, list):  # the worker failed: read here (errors as ever)
            items = _due(self.context.copy)
        self.due.show_items(items)

    def show_approvals(self) -> None:
        """The county's own approval chain, the steps done ticked (a few small reads)."""
        from csa_desktop.services.approvals import workflow

        try:
            flow = workflow(self.context.copy)
        except CsaError:
            self.approvals.setText("")
            return
        self.approvals.setText(f"<b>{escape(flow.refresh_label)} approvals:</b> "
                               f"{escape(flow.chain_line)}")

    def _arrived(self, number: int, board: object) -> None:
        if number != self._reading:
            return
        if not isinstance(board, Dashboard):  # the worker failed: count here (errors as ever)
            board = build_dashboard(self.context.copy)
        self.show_board(board)

    def show_board(self, board: Dashboard) -> None:
        self.board = board
        lists, total = board.lists, board.total
        first, last = quarter_span(lists.period)
        self.scope.setText(board.heading)
        self.period.setText(
            f"Reporting period {lists.period} ({first:%B} to {last:%B %Y}) · "
            f"today {lists.today.day} {lists.today:%B %Y} · actions archived by an annual "
            "refresh are not counted")
        self.show_approvals()
        self.open.show_number(total.open, lists.link(status=OPEN),
                              "actions neither completed nor cancelled")
        self.overdue.show_number(total.overdue, lists.link(overdue=True),
                                 "actions past their due date and still open")
        self.missing.caption = f"Updates missing for {lists.period}"
        self.missing.show_number(total.missing_updates, lists.link(missing=True),
                                 f"open actions with no progress update for {lists.period}")
        for rag, button in self.by_rag.items():
            button.show_number(total.by_rag[rag], lists.link(rag=rag),
                               f"open actions rated {choice_label(rag).lower()}")
        for status, button in self.by_status.items():
            button.show_number(total.by_status[status], lists.link(status=status),
                               f"actions {choice_label(status).lower()}")
        self.county_indicators.show_number(board.county_off_target, None,
                                           "county indicators rated red or amber")
        own = board.partnerships[0] if len(board.partnerships) == 1 else None
        self.own_indicators.setVisible(own is not None)
        if own is not None:
            self.own_indicators.show_number(own.indicators_off_target, None,
                                            f"indicators of {own.name} rated red or amber")
        self._fill_table(lists, board.partnerships)

    def _fill_table(self, lists: Lists, tallies: tuple[Tally, ...]) -> None:
        self.table_box.setVisible(len(tallies) > 1)
        self._layout.setStretch(self._layout.count() - 1, 0 if len(tallies) > 1 else 1)
        self.table.setRowCount(len(tallies))
        for row, tally in enumerate(tallies):
            uid = tally.partnership_uid
            cells: list[tuple[int, ActionFilter]] = [
                (tally.actions, lists.link(uid)), (tally.open, lists.link(uid, status=OPEN)),
                (tally.by_rag["red"], lists.link(uid, rag="red")),
                (tally.by_rag["amber"], lists.link(uid, rag="amber")),
                (tally.by_rag["green"], lists.link(uid, rag="green")),
                (tally.overdue, lists.link(uid, overdue=True)),
                (tally.missing_updates, lists.link(uid, missing=True)),
            ]
            name = QTableWidgetItem(tally.name)
            name.setData(Qt.ItemDataRole.UserRole, lists.link(uid))
            self.table.setItem(row, 0, name)
            for column, (number, link) in enumerate(cells, start=1):
                item = QTableWidgetItem(f"{number:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, link)
                item.setToolTip(f"List these {number:,} actions of {tally.name}")
                if column in (3, 4, 5):
                    item.setIcon(rag_icon(TABLE_COLUMNS[column].lower()))
                self.table.setItem(row, column, item)
            item = QTableWidgetItem(f"{tally.indicators_off_target:,}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(f"List {tally.name}'s indicators rated red or amber")
            self.table.setItem(row, INDICATORS_COLUMN, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _open_own_indicators(self) -> None:
        if self.board is not None and len(self.board.partnerships) == 1:
            self.open_indicators.emit(self.board.partnerships[0].partnership_uid)

    def _cell_chosen(self, row: int, column: int) -> None:
        item = self.table.item(row, column)
        if item is None:
            return
        if column == INDICATORS_COLUMN and self.board is not None:
            self.open_indicators.emit(self.board.partnerships[row].partnership_uid)
            return
        link = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(link, ActionFilter) and (column == 0 or item.text() != "0"):
            self._open(link)

    def _open(self, link: ActionFilter | None) -> None:
        if link is not None:
            self.open_actions.emit(link)
