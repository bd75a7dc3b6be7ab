"""File ▸ Import actions…: an action plan from a spreadsheet, its columns mapped to the action's
fields (guessed from the headings; each can be changed), a preview of the actions the first
rows would become, and the rows that cannot be read. Nothing is written until Import; then it
is one change, taken back with Edit ▸ Undo last import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import choice_label
from csa_desktop.domain.sheet_values import TARGETS, cell_text, one_line
from csa_desktop.errors import CsaError
from csa_desktop.services.adoption import (
    ActionSheetAdoption,
    ActionSheetPlan,
    AdoptionResult,
    BadRowsError,
    MappingError,
    guess_mapping,
)
from csa_desktop.services.copy import Copy
from csa_desktop.services.import_plan import ImportCancelledError
from csa_desktop.services.sheets import SheetTable, column_letter, read_table
from csa_desktop.ui.busy import run_busy, run_with_progress
from csa_desktop.ui.widgets import ErrorLabel, plain_label

PREVIEW_ROWS = 20
PREVIEW_COLUMNS = ("Row", "Priority", "What we will do", "Lead", "Due", "Status", "RAG",
                   "Updates")
BUSY_ROWS = 1500  # a sheet longer than this is read again behind a busy indicator


def partnerships_to_adopt_into(copy: Copy) -> list[tuple[str, str]]:
    """(uid, name) of the partnerships whose local plans this copy may add actions to."""
    return [(p.uid, p.title) for p in copy.records.list_kind("partnership")
            if copy.records.can_create("local-plan", {"partnership_uid": p.uid})]


def _example(table: SheetTable, index: int) -> str:
    """The first filled value of a column below its heading, shortened."""
    for row in table.rows[:50]:
        if index < len(row.cells):
            text = one_line(cell_text(row.cells[index]))
            if text and len(row.filled) > 1:
                return text if len(text) <= 40 else text[:39] + "…"
    return ""


class ImportActionsDialog(QDialog):
    def __init__(self, copy: Copy, path: Path, parent: QWidget | None = None, *,
                 table: SheetTable | None = None, partnership_uid: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importActionsDialog")
        self.setWindowTitle(f"Import actions — {path.name}")
        self.copy, self.path = copy, path
        self.adoption = ActionSheetAdoption(copy)
        self.table: SheetTable = table or read_table(path)  # the caller says if it cannot
        self.plan: ActionSheetPlan | None = None
        self.result_: AdoptionResult | None = None
        self._building = False

        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Sheet")
        self.sheet.addItems(list(self.table.sheets))
        self.sheet.setCurrentText(self.table.sheet)
        self.sheet.setEnabled(len(self.table.sheets) > 1)
        self.partnership = QComboBox()
        self.partnership.setAccessibleName("Partnership")
        for uid, name in partnerships_to_adopt_into(copy):
            self.partnership.addItem(name, uid)
        if partnership_uid is not None and self.partnership.findData(partnership_uid) >= 0:
            self.partnership.setCurrentIndex(self.partnership.findData(partnership_uid))
        self.heading_note = plain_label()
        top = QFormLayout()
        top.addRow("Sheet:", self.sheet)
        top.addRow("Into the local plan of:", self.partnership)
        top.addRow("", self.heading_note)

        self.mapping_box = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_box)
        self.mapping_grid.setColumnStretch(1, 1)
        self.combos: list[QComboBox] = []
        mapping_area = QScrollArea()
        mapping_area.setWidgetResizable(True)
        mapping_area.setWidget(self.mapping_box)
        mapping_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.mapping_area = mapping_area
        mapping_group = QGroupBox("Columns: what each becomes")
        group_layout = QVBoxLayout(mapping_group)
        group_layout.addWidget(mapping_area)

        self.preview = QTableWidget(0, len(PREVIEW_COLUMNS))
        self.preview.setObjectName("importActionsPreview")
        self.preview.setAccessibleName("The first actions as they would be imported")
        self.preview.setHorizontalHeaderLabels(list(PREVIEW_COLUMNS))
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().hide()
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the import would do")
        self.bad_heading = plain_label()
        self.bad = QListWidget()
        self.bad.setAccessibleName("Rows that cannot be read")
        self.bad.setWordWrap(True)
        self.bad.setResizeMode(QListView.ResizeMode.Adjust)
        self.bad.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.skip = QCheckBox("Leave these rows out and import the others")
        self.update_existing = QCheckBox("Change the existing actions this file names by uid")
        for box in (self.skip, self.update_existing):
            box.setAccessibleName(box.text())
        self.update_existing.setToolTip("A list exported from CSA Desktop has a uid column: "
                                        "its rows change those actions")
        self.error = ErrorLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)

        preview_box = QWidget()
        right = QVBoxLayout(preview_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(QLabel("<b>Preview</b>: the first rows as they would become actions"))
        right.addWidget(self.preview, 3)
        right.addWidget(self.summary)
        right.addWidget(self.bad_heading)
        right.addWidget(self.bad, 1)
        right.addWidget(self.skip)
        right.addWidget(self.update_existing)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(mapping_group)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 700])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("importActionsButton")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(1180, 660)

        self.replan_timer = QTimer(self)  # one replan after a burst of changes
        self.replan_timer.setSingleShot(True)
        self.replan_timer.setInterval(60)
        self.replan_timer.timeout.connect(self.replan)
        self.sheet.currentTextChanged.connect(self.choose_sheet)
        self.partnership.currentIndexChanged.connect(lambda _i: self.replan())
        self.skip.toggled.connect(lambda _on: self.update_button())
        self.update_existing.toggled.connect(lambda _on: self.replan())
        self.build_mapping(guess_mapping(self.table.headings))
        self.replan()

    # --- the mapping ----------------------------------------------------------------------

    def build_mapping(self, mapping: dict[int, str]) -> None:
        self._building = True
        while self.mapping_grid.count():
            item = self.mapping_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = []
        for column, title in enumerate(("Column", "For example", "Becomes")):
            self.mapping_grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for index, heading in enumerate(self.table.headings):
            name = f"{column_letter(index)}  {heading or '(no heading)'}"
            label = plain_label(name)
            example = plain_label(_example(self.table, index))
            example.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            combo = QComboBox()
            combo.setAccessibleName(f"Column {column_letter(index)}: {heading}")
            for target, text in TARGETS.items():
                combo.addItem(text, target)
            combo.setCurrentIndex(max(combo.findData(mapping.get(index, "ignore")), 0))
            combo.currentIndexChanged.connect(lambda _i: self.replan_timer.start())
            label.setBuddy(combo)
            self.combos.append(combo)
            self.mapping_grid.addWidget(label, index + 1, 0)
            self.mapping_grid.addWidget(example, index + 1, 1)
            self.mapping_grid.addWidget(combo, index + 1, 2)
        self.mapping_grid.setRowStretch(len(self.table.headings) + 1, 1)
        scroll_bar = self.mapping_area.verticalScrollBar().sizeHint().width()
        self.mapping_area.setMinimumWidth(min(self.mapping_box.sizeHint().width() + scroll_bar
                                              + 4, 560))
        self.heading_note.setText(
            f"Headings read from row {self.table.heading_row}; "
            f"{len(self.table.rows):,} row{'s' if len(self.table.rows) != 1 else ''} below them.")
        self._building = False

    def mapping(self) -> dict[int, str]:
        return {index: str(combo.currentData()) for index, combo in enumerate(self.combos)}

    def set_column(self, heading: str, target: str) -> None:
        """Map the column with this heading to `target`, as a user picks it in its box."""
        index = self.table.headings.index(heading)
        self.combos[index].setCurrentIndex(self.combos[index].findData(target))

    def choose_sheet(self, name: str) -> None:
        try:
            self.table = run_busy(self, "Reading the sheet…", lambda: read_table(self.path, name))
        except CsaError as exc:
            self.error.show_message(str(exc))
            return
        self.build_mapping(guess_mapping(self.table.headings))
        self.replan()

    # --- the preview ----------------------------------------------------------------------

    def replan(self) -> None:
        if self._building:
            return
        self.replan_timer.stop()
        self.error.show_message("")
        self.plan = None
        uid = self.partnership.currentData()
        try:
            if uid is None:
                raise CsaError("This copy may not add actions to any partnership's plan.")
            mapping, table = self.mapping(), self.table
            update = self.update_existing.isChecked()

            def plan() -> ActionSheetPlan:
                return self.adoption.plan(self.path, str(uid), mapping=mapping, table=table,
                                          update=update)
            self.plan = run_busy(self, "Reading the rows…", plan) \
                if len(table.rows) > BUSY_ROWS else plan()
        except MappingError as exc:
            self.error.show_message(f"{str(exc)[:1].upper()}{str(exc)[1:]}: choose it in the "
                                    "Becomes list.")
        except CsaError as exc:
            self.error.show_message(str(exc))
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.plan
        actions = plan.actions if plan else ()
        titles = dict(self.copy.records.titles("organisation", [
            str(a.values["lead_organisation_uid"]) for a in actions[:PREVIEW_ROWS]
            if a.values.get("lead_organisation_uid")]))
        self.preview.setRowCount(min(len(actions), PREVIEW_ROWS))
        for row, action in enumerate(actions[:PREVIEW_ROWS]):
            due = action.values.get("due_on")
            lead = titles.get(str(action.values.get("lead_organisation_uid")), "") or str(
                action.values.get("lead_role") or "")
            cells = (str(action.row), action.priority, action.title, lead,
                     f"{due:%d %b %Y}" if isinstance(due, dt.date) else "",
                     choice_label(str(action.values.get("status") or "")),
                     choice_label(str(action.values.get("rag") or "")),
                     str(len(action.updates)) if action.updates else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.preview.setItem(row, column, item)
        self.preview.resizeColumnsToContents()
        for column in range(self.preview.columnCount()):
            self.preview.setColumnWidth(column, min(self.preview.columnWidth(column), 320))
        self.bad.clear()
        bad = plan.bad if plan else ()
        self.bad.addItems([f"Row {b.row}: {b.reason}" for b in bad])
        self.bad_heading.setText(
            f"{len(bad)} row{'s' if len(bad) != 1 else ''} cannot be read; nothing is "
            "imported unless you leave them out:" if bad else "")
        for widget in (self.bad_heading, self.bad, self.skip):
            widget.setVisible(bool(bad))
        self.update_existing.setVisible(
            "uid" in self.mapping().values() or any(b.needs_update for b in bad))
        if plan is None:
            self.summary.setText("")
        else:
            fresh = sum(1 for a in actions if a.uid is None)
            parts = [f"{fresh:,} new action{'s' if fresh != 1 else ''}"
                     + (f" and {len(actions) - fresh:,} changed" if len(actions) > fresh else "")
                     + f" into '{plan.plan_title}'"
                     + (" (a new local plan)" if plan.new_plan else "")]
            if plan.new_priorities:
                parts.append(f"new priorities: {', '.join(plan.new_priorities)}")
            if plan.updates:
                parts.append(f"{plan.updates:,} progress update"
                             f"{'s' if plan.updates != 1 else ''}")
            self.summary.setText("Importing adds " + "; ".join(parts) + ".")
        self.update_button()

    def update_button(self) -> None:
        plan = self.plan
        self.import_button.setEnabled(plan is not None and bool(plan.actions) and (
            not plan.bad or self.skip.isChecked()))

    # --- importing ------------------------------------------------------------------------

    def accept(self) -> None:
        plan = self.plan
        if plan is None or not self.import_button.isEnabled():
            return
        skip = self.skip.isChecked()
        try:
            done = run_with_progress(self, "Importing actions", lambda progress, stop: (
                self.adoption.adopt(plan, skip_bad=skip, progress=progress, cancelled=stop)))
        except BadRowsError as exc:  # not expected: the button waits for the choice
            self.error.show_message(f"{len(exc.bad)} rows cannot be read: nothing was imported.")
            return
        except ImportCancelledError:
            self.error.show_message("Cancelled: nothing was imported.")
            return
        except CsaError as exc:
            self.error.show_message(f"Nothing was imported: {exc}")
            return
        assert isinstance(done, AdoptionResult)
        self.result_ = done
        super().accept()


__all__ = ["ImportActionsDialog", "partnerships_to_adopt_into"]
