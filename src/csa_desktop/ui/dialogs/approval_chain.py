"""Approvals ▸ Chain…: the steps of an approval chain (the agreement's, or a local plan's),
from a preset or the county's own, with the checks `csa approvals chain` makes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.cycle import PLAN_CHAIN, PRESETS, ChainStep
from csa_desktop.errors import CsaError
from csa_desktop.services.approvals import ChainChange, preset_of, set_chain, workflow
from csa_desktop.services.copy import Copy
from csa_desktop.services.plan_approvals import plan_workflow, set_plan_chain
from csa_desktop.ui.widgets import ErrorLabel

PRESET_LABELS = {
    "two-tier": "Two-tier county: Board → Cabinet → Full Council → PCC",
    "unitary": "Unitary area: Board → Cabinet → PCC",
    "board-only": "Board only: Board → PCC",
}
OWN = ""  # the combo's data for a chain of the county's own
COLUMNS = ("Short name", "Step", "Deciding body", "Minute required", "Sends to the PCC")
_CHECKS = (3, 4)


class ApprovalChainDialog(QDialog):
    """Edit the chain as a table of steps; Save sets it (decisions already recorded stay).
    `result` is what Save did, for the caller to refresh from."""

    def __init__(self, copy: Copy, parent: QWidget | None = None, *,
                 plan: str | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.plan = plan
        self.result_change: ChainChange | None = None
        self._filling = False
        if plan is None:
            flow = workflow(copy)
            steps = flow.chain
            whose = "the agreement"
        else:
            plan_flow = plan_workflow(copy, plan)
            steps = plan_flow.stages
            whose = f"{plan_flow.partnership_name}'s local plan"
        self.setWindowTitle(f"Approval chain of {whose}")
        self.resize(820, 420)
        intro = QLabel(f"The steps {escape(whose)} goes through after editorial review, in "
                       "order. Decisions already recorded are kept when the chain changes; "
                       "a step taken out stays in the history.")
        intro.setWordWrap(True)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Preset")
        for name, label in PRESET_LABELS.items():
            self.preset.addItem(label, name)
        if plan is not None:
            self.preset.addItem("Local plan: the partnership's board → PCC", "plan")
        self.preset.addItem("The county's own steps", OWN)
        self.preset.activated.connect(self._preset_chosen)
        preset_label = QLabel("&Preset:")
        preset_label.setBuddy(self.preset)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Steps")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self._edited())
        self.table.currentCellChanged.connect(lambda *_cells: self._update_buttons())

        self.add_button = QPushButton("&Add step")
        self.add_button.clicked.connect(self.add_step)
        self.remove_button = QPushButton("&Remove step")
        self.remove_button.clicked.connect(self.remove_step)
        self.up_button = QPushButton("Move &up")
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button = QPushButton("Move &down")
        self.down_button.clicked.connect(lambda: self.move_step(1))
        row_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row_buttons.addWidget(button)
        row_buttons.addStretch(1)

        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(preset_label)
        top.addWidget(self.preset, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.fill([ChainStep(s.name, s.label, s.body, s.minute_required, s.sends_to_pcc)
                   for s in steps])

    # --- the table ---------------------------------------------------------------------

    def fill(self, steps: list[ChainStep] | tuple[ChainStep, ...]) -> None:
        self._filling = True
        self.table.setRowCount(0)
        for step in steps:
            self._append(step)
        self._filling = False
        self._edited()

    def _append(self, step: ChainStep) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((step.name, step.label, step.body)):
            self.table.setItem(row, column, QTableWidgetItem(text))
        for column, checked in zip(_CHECKS, (step.minute_required, step.sends_to_pcc),
                                   strict=True):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.table.setItem(row, column, item)

    def steps(self) -> list[ChainStep]:
        found = []
        for row in range(self.table.rowCount()):
            def text(column: int, row: int = row) -> str:
                item = self.table.item(row, column)
                return item.text().strip() if item is not None else ""

            def checked(column: int, row: int = row) -> bool:
                item = self.table.item(row, column)
                return item is not None and item.checkState() == Qt.CheckState.Checked

            found.append(ChainStep(text(0).lower(), text(1), text(2), checked(3), checked(4)))
        return found

    def _edited(self) -> None:
        if self._filling:
            return
        self.error.show_message("")
        steps = self.steps()
        name = preset_of(steps) or OWN
        if self.plan is not None and [(s.name, s.sends_to_pcc) for s in steps] == [
                (s.name, s.sends_to_pcc) for s in PLAN_CHAIN]:
            name = "plan"
        index = self.preset.findData(name)
        self.preset.setCurrentIndex(index if index >= 0 else self.preset.findData(OWN))
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.table.rowCount() - 1)

    def _preset_chosen(self) -> None:
        name = self.preset.currentData()
        if name == OWN:
            return
        self.fill(PLAN_CHAIN if name == "plan" else PRESETS[name])

    def choose_preset(self, name: str) -> None:
        self.preset.setCurrentIndex(self.preset.findData(name))
        self._preset_chosen()

    def add_step(self) -> None:
        row = self.table.currentRow()
        at = row + 1 if row >= 0 else max(self.table.rowCount() - 1, 0)
        steps = self.steps()
        steps.insert(at, ChainStep("", ""))
        self.fill(steps)
        self.table.setCurrentCell(at, 0)
        item = self.table.item(at, 0)
        if item is not None:
            self.table.editItem(item)

    def remove_step(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        steps = self.steps()
        del steps[row]
        self.fill(steps)

    def move_step(self, by: int) -> None:
        row = self.table.currentRow()
        to = row + by
        if row < 0 or not 0 <= to < self.table.rowCount():
            return
        steps = self.steps()
        steps[row], steps[to] = steps[to], steps[row]
        self.fill(steps)
        self.table.setCurrentCell(to, 0)

    def save(self) -> None:
        try:
            self.result_change = (set_plan_chain(self.copy, self.plan, self.steps())
                                  if self.plan else set_chain(self.copy, self.steps()))
        except CsaError as exc:
            self.error.show_message(str(exc))
            return
        self.accept()
