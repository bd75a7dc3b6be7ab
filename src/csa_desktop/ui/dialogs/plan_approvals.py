"""Local plan ▸ Approvals…: a local plan's sign-off along its own chain (default: the
partnership's board, then sent to the PCC), recorded in the copy that holds the plan."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.printing.model import long_date
from csa_desktop.services.copy import Copy
from csa_desktop.services.plan_approvals import (
    PlanWorkflow,
    plan_advance,
    plan_step_back,
    plan_workflow,
)
from csa_desktop.ui.dialogs.approvals import decision_fields


def plan_steps_text(flow: PlanWorkflow) -> str:
    """Each step of the plan's chain with its decision, as rich text."""
    rows = []
    for s in flow.stages:
        mark = "✓" if s.reached else "○"
        text = f"{mark} <b>{escape(s.label)}</b>"
        if s.reached:
            text += f" — {escape(s.body)}" if s.body else ""
            if s.decided_on:
                text += f", {escape(long_date(s.decided_on))}"
            if s.minute_ref:
                text += f", minute {escape(s.minute_ref)}"
        rows.append(text)
    return "<br>".join(rows)


class PlanApprovalsDialog(QDialog):
    """Shows the plan's chain and records its next step (or withdraws the last one);
    `changes` collects what was written, for the window to refresh from."""

    def __init__(self, copy: Copy, partnership_uid: str, parent: QWidget | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.partnership_uid = partnership_uid
        self.today = today or dt.date.today()
        self.changes = Changes()
        flow = plan_workflow(copy, partnership_uid)
        self.editable = copy.records.can_create("plan-approval", {"plan_uid": flow.plan_uid})
        self.setWindowTitle(f"Approvals of {flow.plan_title}")
        self.setMinimumWidth(560)
        self.steps_label = QLabel()
        self.steps_label.setAccessibleName("Approval steps")
        self.steps_label.setWordWrap(True)
        self.next_box = QGroupBox("Record the next step")
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.date_edit, self.minute_edit = decision_fields(self.today)
        self.record_button = QPushButton("&Record step")
        self.record_button.clicked.connect(self.record)
        date_label = QLabel("&Date:")
        date_label.setBuddy(self.date_edit)
        minute_label = QLabel("&Minute:")
        minute_label.setBuddy(self.minute_edit)
        form = QFormLayout(self.next_box)
        form.addRow(self.next_label)
        form.addRow(date_label, self.date_edit)
        form.addRow(minute_label, self.minute_edit)
        form.addRow(self.record_button)
        self.undo_button = QPushButton("&Undo last step")
        self.undo_button.setToolTip("Withdraw the last decision (it stays in the history)")
        self.undo_button.clicked.connect(self.undo)
        self.chain_button = QPushButton("C&hain…")
        self.chain_button.setToolTip("The steps of this plan's approval chain")
        self.chain_button.clicked.connect(self.edit_chain)
        note = QLabel("The plan's approvals travel with this copy's bundle to the county."
                      if self.editable else
                      "This plan's approvals are recorded in its partnership's copy.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.chain_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps_label)
        layout.addWidget(note)
        layout.addWidget(self.next_box)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        flow = plan_workflow(self.copy, self.partnership_uid)
        self.steps_label.setText(plan_steps_text(flow))
        following = flow.next_stage
        self.undo_button.setEnabled(self.editable and flow.reached > 0)
        self.chain_button.setEnabled(self.editable)
        self.next_box.setEnabled(self.editable and following is not None)
        if following is None:
            self.next_label.setText("Every step is done.")
            return
        self.next_label.setText(f"Next: <b>{escape(following.label)}</b>")
        self.record_button.setText(f"&Record: {following.label}")
        self.minute_edit.setEnabled(following.takes_minute)
        self.minute_edit.setPlaceholderText(
            "no minute reference for this step" if not following.takes_minute else
            "required for this step" if following.minute_required else "optional")

    def record(self) -> None:
        flow = plan_workflow(self.copy, self.partnership_uid)
        following = flow.next_stage
        if following is None or not self.editable:
            return
        on: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        try:
            self.changes += plan_advance(
                self.copy, self.partnership_uid, following.name, on=on,
                minute_ref=self.minute_edit.text() if following.takes_minute else None,
                today=self.today)
        except CsaError as exc:
            QMessageBox.warning(self, "Approvals", str(exc))
            return
        self.minute_edit.clear()
        self.reload()

    def undo(self) -> None:
        try:
            self.changes += plan_step_back(self.copy, self.partnership_uid)
        except CsaError as exc:
            QMessageBox.warning(self, "Approvals", str(exc))
            return
        self.reload()

    def edit_chain(self) -> None:
        from csa_desktop.ui.dialogs.approval_chain import ApprovalChainDialog

        dialog = ApprovalChainDialog(self.copy, self, plan=self.partnership_uid)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_change is None:
            return
        self.changes += dialog.result_change.changes
        self.reload()
