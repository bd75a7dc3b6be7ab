"""Agreement ▸ Approvals…: where the refresh in progress stands, its next step, and the
correction of a step already recorded (a wrong date, a minute reference with a typo)."""

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

from csa_desktop.domain.records import Changes
from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.printing.model import long_date
from csa_desktop.services.approvals import (
    StageState,
    Workflow,
    advance,
    correct,
    step_back,
    workflow,
)
from csa_desktop.services.copy import Copy
from csa_desktop.ui.widgets import ErrorLabel

Index = QModelIndex | QPersistentModelIndex



def decision_fields(today: dt.date) -> tuple[QDateEdit, QLineEdit]:
    """The date (no later than today) and minute reference of a decision being recorded."""
    date_edit = QDateEdit(QDate(today))
    date_edit.setCalendarPopup(True)
    date_edit.setDisplayFormat("d MMM yyyy")
    date_edit.setMaximumDate(QDate(today))
    date_edit.setAccessibleName("Date of the decision")
    minute_edit = QLineEdit()
    minute_edit.setMaxLength(100)
    minute_edit.setAccessibleName("Minute reference")
    return date_edit, minute_edit

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
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and s.current:
            return "The stage the refresh is at"
        if role == Qt.ItemDataRole.ToolTipRole and correctable(s):
            return "Select the step and press Correct… to mend its date or minute reference"
        return None

    def stage_at(self, row: int) -> StageState | None:
        if self.flow is None or not 0 <= row < len(self.flow.stages):
            return None
        return self.flow.stages[row]


def correctable(s: StageState) -> bool:
    """A step already recorded with a date (Board, Cabinet, Full Council, the PCC)."""
    return s.reached and s.needs_date


class CorrectStepDialog(QDialog):
    """Correct the date or minute reference of one recorded step, with the workflow's checks
    (a refused correction is shown here and nothing is saved)."""

    def __init__(self, copy: Copy, step: StageState, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.step = step
        self.today = today
        self.changes = Changes()
        spec = step
        self.setWindowTitle(f"Correct: {step.label}")
        self.setMinimumWidth(460)
        intro = QLabel(f"Correct what was recorded for <b>{escape(step.label)}</b>. The steps "
                       "after it stand; the old values stay in the record's history.")
        intro.setWordWrap(True)
        self.date_edit = QDateEdit(QDate(step.decided_on or today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setMaximumDate(QDate(today))
        self.date_edit.setAccessibleName("Corrected date")
        self.minute_edit = QLineEdit(step.minute_ref)
        self.minute_edit.setMaxLength(100)
        self.minute_edit.setAccessibleName("Corrected minute reference")
        self.minute_edit.setEnabled(spec.takes_minute)
        self.minute_edit.setPlaceholderText("e.g. CSPB 24/07 (empty: none)" if spec.takes_minute
                                            else "no minute reference for this step")
        self.error = ErrorLabel()
        date_label = QLabel("&Date:")
        date_label.setBuddy(self.date_edit)
        minute_label = QLabel("&Minute:")
        minute_label.setBuddy(self.minute_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(date_label, self.date_edit)
        form.addRow(minute_label, self.minute_edit)
        form.addRow(self.error)
        form.addRow(buttons)

    def _save(self) -> None:
        on: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        minute = self.minute_edit.text() if self.minute_edit.isEnabled() else None
        try:
            self.changes = correct(self.copy, self.step.status, on=on, minute_ref=minute,
                                   today=self.today)
        except CsaError as exc:
            self.error.show_message(str(exc))
            return
        self.accept()


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
        self.resize(720, 500)
        self.lead = copy.identity.role is Role.LEAD

        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        self.status_label.setWordWrap(True)
        self.model = StagesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Approval stages")
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.activated.connect(lambda _index: self._correct())
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.next_box = QGroupBox("Record the next step")
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.date_edit, self.minute_edit = decision_fields(self.today)
        self.minute_edit.setPlaceholderText("e.g. CSPB 24/07 (optional)")
        self.record_button = QPushButton("&Record step")
        self.record_button.setAccessibleName("Record step")
        self.record_button.clicked.connect(self._record)
        self.undo_button = QPushButton("&Undo last step")
        self.undo_button.setAccessibleName("Undo last step")
        self.undo_button.setToolTip("Take the refresh back one stage; that step's decision is "
                                    "withdrawn (it stays in the history)")
        self.undo_button.clicked.connect(self._undo)
        self.correct_button = QPushButton("C&orrect…")
        self.correct_button.setAccessibleName("Correct")
        self.correct_button.setToolTip("Mend the date or minute reference of the selected step "
                                       "already recorded; the steps after it stand")
        self.correct_button.clicked.connect(self._correct)
        self.chain_button = QPushButton("C&hain…")
        self.chain_button.setAccessibleName("Chain")
        self.chain_button.setToolTip("The steps of the county's approval chain: a preset "
                                     "(two-tier, unitary, board only) or its own")
        self.chain_button.clicked.connect(self.edit_chain)
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

        note = QLabel("To mend the date or minute reference of a step already recorded, "
                      "select it and press Correct…; Undo last step withdraws the last one."
                      if self.lead else
                      "Approvals are recorded in the lead's master copy; they reach this copy "
                      "with the next baseline.")
        note.setWordWrap(True)
        note.setAccessibleName("Note")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.correct_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.chain_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.chain_button.setEnabled(self.lead)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(self.next_box)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._update_correct())
        self.reload()

    def selected_step(self) -> StageState | None:
        index = self.table.currentIndex()
        return self.model.stage_at(index.row()) if index.isValid() else None

    def select_step(self, status: str) -> None:
        """Make the step with `status` the selected one (to correct it)."""
        for row in range(self.model.rowCount()):
            found = self.model.stage_at(row)
            if found is not None and found.status == status:
                self.table.selectRow(row)
                return

    def _update_correct(self) -> None:
        step = self.selected_step()
        self.correct_button.setEnabled(self.lead and step is not None and correctable(step))

    def reload(self) -> None:
        flow = workflow(self.copy)
        selected = self.selected_step()
        self.model.set_workflow(flow)
        if selected is not None:
            self.select_step(selected.status)
        self._update_correct()
        self._show_next(flow)

    def _show_next(self, flow: Workflow) -> None:
        self.status_label.setText(f"<b>{escape(flow.refresh_label)} refresh:</b> "
                                  f"{escape(flow.print_status)}")
        self.undo_button.setEnabled(self.lead and flow.status != "draft")
        following = flow.next_stage
        if following is None:
            self.next_label.setText(
                "Every step is done: the agreement has been sent to the Police and Crime "
                "Commissioner." if any(s.sends_to_pcc for s in flow.chain) else
                "Every step of the approval chain is done.")
            for widget in (self.date_edit, self.minute_edit, self.record_button,
                           self.date_label, self.minute_label):
                widget.setEnabled(False)
            return
        spec = following
        self.next_label.setText(f"Next: <b>{escape(following.label)}</b>"
                                + ("" if spec.needs_date else " (no date needed)"))
        self.record_button.setText(f"&Record: {following.label}")
        for widget in (self.date_edit, self.date_label):
            widget.setEnabled(spec.needs_date)
        for widget in (self.minute_edit, self.minute_label):
            widget.setEnabled(spec.takes_minute)
        self.minute_edit.setPlaceholderText("e.g. CSPB 24/07 (required for this step)"
                                            if spec.minute_required else
                                            "e.g. CSPB 24/07 (optional)")
        self.record_button.setEnabled(True)

    def _record(self) -> None:
        flow = workflow(self.copy)
        following = flow.next_stage
        if following is None:
            return
        spec = following
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

    def _correct(self) -> None:
        step = self.selected_step()
        if not self.lead or step is None or not correctable(step):
            return
        dialog = CorrectStepDialog(self.copy, step, self.today, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.changes += dialog.changes
        self.reload()

    def edit_chain(self) -> None:
        from csa_desktop.ui.dialogs.approval_chain import ApprovalChainDialog

        if not self.lead:
            return
        dialog = ApprovalChainDialog(self.copy, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_change is None:
            return
        self.changes += dialog.result_change.changes
        self.reload()

    def _undo(self) -> None:
        flow = workflow(self.copy)
        answer = QMessageBox.question(
            self, "Undo last step",
            f"Take the {flow.refresh_label} refresh back from "
            f"'{flow.current_stage.label}'? Its decision record is deleted (it stays in the "
            "history). To mend a wrong date or minute reference, use Correct… instead.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.changes += step_back(self.copy)
        except CsaError as exc:
            QMessageBox.warning(self, "Approvals", str(exc))
            return
        self.reload()
