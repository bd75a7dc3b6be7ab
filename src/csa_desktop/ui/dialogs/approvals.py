"""Agreement ▸ Approvals…: where the refresh in progress stands, and its next step."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.cycle import stage
from csa_desktop.domain.records import Changes
from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.services.approvals import Workflow, advance, long_date, step_back, workflow
from csa_desktop.services.copy import Copy

Index = QModelIndex | QPersistentModelIndex


class StagesModel(QAbstractTableModel):
    """The six stages of a refresh: reached or not, date, minute, who decided."""

    HEADERS = ("", "Stage", "Date", "Minute", "Decided by")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow: Workflow | None = None

    def set_workflow(self, flow: Workflow) -> None:
        self.beginResetModel()
        self.flow = flow
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.flow is None else len(self.flow.stages)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.flow is None:
            return None
        s = self.flow.stages[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return "Now" if s.current else ("Done" if s.reached else "")
            if column == 1:
                return s.label
            if column == 2:
                return long_date(s.decided_on) if s.decided_on else ""
            if column == 3:
                return s.minute_ref
            return s.body if (s.reached or s.approval_uid) else ""
        if role == Qt.ItemDataRole.FontRole and s.current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return "The stage the refresh is at" if s.current else None
        return None


class ApprovalsDialog(QDialog):
    """Shows the workflow; the lead records the next step (or undoes the last one).
    `changes` collects what was written, for the window to refresh from."""

    def __init__(self, copy: Copy, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.today = today or dt.date.today()
        self.changes = Changes()
        self.setWindowTitle("Approvals")
        self.resize(720, 460)
        self.lead = copy.identity.role is Role.LEAD

        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        self.status_label.setWordWrap(True)
        self.model = StagesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Approval stages")
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.next_box = QGroupBox("Record the next step")
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.date_edit = QDateEdit(QDate(self.today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setMaximumDate(QDate(self.today))
        self.date_edit.setAccessibleName("Date of the decision")
        self.minute_edit = QLineEdit()
        self.minute_edit.setMaxLength(100)
        self.minute_edit.setAccessibleName("Minute reference")
        self.minute_edit.setPlaceholderText("e.g. CSPB 24/07 (optional)")
        self.record_button = QPushButton("&Record step")
        self.record_button.setAccessibleName("Record step")
        self.record_button.clicked.connect(self._record)
        self.undo_button = QPushButton("&Undo last step")
        self.undo_button.setAccessibleName("Undo last step")
        self.undo_button.clicked.connect(self._undo)
        self.date_label = QLabel("&Date:")
        self.date_label.setBuddy(self.date_edit)
        self.minute_label = QLabel("&Minute:")
        self.minute_label.setBuddy(self.minute_edit)
        form = QFormLayout(self.next_box)
        form.addRow(self.next_label)
        form.addRow(self.date_label, self.date_edit)
        form.addRow(self.minute_label, self.minute_edit)
        form.addRow(self.record_button)
        self.next_box.setEnabled(self.lead)
        self.undo_button.setEnabled(self.lead)

        note = QLabel("" if self.lead else
                      "Approvals are recorded in the lead's master copy; they reach this copy "
                      "with the next baseline.")
        note.setWordWrap(True)
        note.setVisible(not self.lead)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(self.next_box)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        flow = workflow(self.copy)
        self.model.set_workflow(flow)
        self.status_label.setText(f"<b>{escape(flow.refresh_label)} refresh:</b> "
                                  f"{escape(flow.print_status)}")
        following = flow.next_stage
        if following is None:
            self.next_label.setText("Every step is done: the agreement has been sent to the "
                                    "Police and Crime Commissioner.")
            for widget in (self.date_edit, self.minute_edit, self.record_button,
                           self.date_label, self.minute_label):
                widget.setEnabled(False)
            return
        spec = stage(following.status)
        self.next_label.setText(f"Next: <b>{escape(following.label)}</b>"
                                + ("" if spec.needs_date else " (no date needed)"))
        self.record_button.setText(f"&Record: {following.label}")
        for widget in (self.date_edit, self.date_label):
            widget.setEnabled(spec.needs_date)
        for widget in (self.minute_edit, self.minute_label):
            widget.setEnabled(spec.takes_minute)
        self.record_button.setEnabled(True)
        self.undo_button.setEnabled(self.lead and flow.status != "draft")

    def _record(self) -> None:
        flow = workflow(self.copy)
        following = flow.next_stage
        if following is None:
            return
        spec = stage(following.status)
        on: dt.date | None = self.date_edit.date().toPython() if spec.needs_date else None  # type: ignore[assignment]
        minute = self.minute_edit.text() if spec.takes_minute else None
        try:
            self.changes += advance(self.copy, following.status, on=on, minute_ref=minute,
                                    today=self.today)
        except CsaError as exc:
            QMessageBox.warning(self, "Approvals", str(exc))
            return
        self.minute_edit.clear()
        self.reload()

    def _undo(self) -> None:
        flow = workflow(self.copy)
        answer = QMessageBox.question(
            self, "Undo last step",
            f"Take the {flow.refresh_label} refresh back from "
            f"'{flow.current_stage.label}'? Its decision record is deleted (it stays in the "
            "history).")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.changes += step_back(self.copy)
        except CsaError as exc:
            QMessageBox.warning(self, "Approvals", str(exc))
            return
        self.reload()
