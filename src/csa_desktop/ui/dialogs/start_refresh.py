"""Agreement ▸ Start annual refresh…: choose the year, see what will happen, start it."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import (
    RefreshStarted,
    current_refresh,
    plan_refresh,
    start_refresh,
    suggested_label,
)
from csa_desktop.ui.busy import run_busy


class StartRefreshDialog(QDialog):
    """After `exec()` returns Accepted, `started` says what the new refresh did."""

    def __init__(self, copy: Copy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.started: RefreshStarted | None = None
        self.setWindowTitle("Start annual refresh")
        self.setMinimumWidth(520)
        current = current_refresh(copy)

        intro = QLabel(
            f"The {escape(current.label)} refresh is in progress. Starting the next one "
            "keeps it exactly as it stands (it stays readable and can be compared), and "
            "carries every record forward into the new year.")
        intro.setWordWrap(True)
        self.year_edit = QLineEdit(suggested_label(copy))
        self.year_edit.setAccessibleName("Refresh year")
        self.year_edit.setPlaceholderText("e.g. 2023/24")
        self.year_edit.setMaxLength(20)
        year_label = QLabel("&Year of the new refresh:")
        year_label.setBuddy(self.year_edit)
        form = QFormLayout()
        form.addRow(year_label, self.year_edit)

        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setAccessibleName("What will happen")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("&Start refresh",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName("Start refresh")
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.plan_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.year_edit.textChanged.connect(self._update_plan)
        self._update_plan()

    def _update_plan(self) -> None:
        try:
            plan = plan_refresh(self.copy, self.year_edit.text())
        except CsaError as exc:
            self.plan_label.setText(f"<span style='color:#b00020'>{escape(str(exc))}</span>")
            self.start_button.setEnabled(False)
            return
        self.plan_label.setText(
            f"<b>Starting the {escape(plan.label)} refresh will:</b><ul>"
            f"<li>keep the {escape(plan.previous.label)} refresh as it stands "
            f"({plan.records:,} records), readable and comparable;</li>"
            f"<li>carry every record forward into {escape(plan.label)};</li>"
            f"<li>archive {len(plan.archive):,} completed or cancelled actions, with their "
            "history and progress updates;</li>"
            f"<li>carry on {plan.carry_on:,} open actions as they are;</li>"
            f"<li>put the agreement back to Draft for its approvals "
            f"({plan.approvals} decisions stay with {escape(plan.previous.label)}).</li></ul>"
            "A restore point is made first.")
        self.start_button.setEnabled(True)

    def _start(self) -> None:
        label = self.year_edit.text()
        try:
            self.started = run_busy(self, "Starting the refresh…",
                                    lambda: start_refresh(self.copy, label))
        except CsaError as exc:
            QMessageBox.warning(self, "Start annual refresh", str(exc))
            self._update_plan()
            return
        self.accept()
