"""The plan on a page: four ordered lists (evidence, key issues, our approach, our activity).

Type in the box under a column and press Enter to add an item; F2 or a double click edits an
item in place; Delete removes it; Ctrl+Up / Ctrl+Down move it.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import PLAN_COLUMN_LABELS, PLAN_COLUMNS
from csa_desktop.errors import CsaError
from csa_desktop.services import printing
from csa_desktop.ui.busy import read_in_background
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, list_view, position_after
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, labelled

MNEMONICS = {"evidence": "Evide&nce", "key-issues": "&Key issues",
             "approach": "Our a&pproach", "activity": "Our activit&y"}


class PlanColumnEditor(QWidget):
    """One column: its items in order, a box to add one, and the panel buttons."""

    def __init__(self, context: EditorContext, column: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.column = column
        self.agreement_uid: str | None = None
        label = PLAN_COLUMN_LABELS[column]
        self.model = RecordListModel(lambda r: f"• {r.title}", editable_field="text",
                                     parent=self)
        self.model.edit_requested.connect(self._edit_text)
        self.list = list_view()
        self.list.setSpacing(2)
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setAccessibleName(f"{label} items")
        self.panel = RecordsPanel(context, self.list, f"{label.lower()} item", can_add=False,
                                  can_edit=False, embed_view=False, compact=True)
        self.new_item = QLineEdit()
        self.new_item.setPlaceholderText("Add an item: type, then Enter")
        self.new_item.setAccessibleName(f"New {label.lower()} item")
        self.new_item.setMaxLength(1000)
        self.new_item.returnPressed.connect(self._add)
        self.fill = QLabel()
        self.fill.setObjectName("columnFill")
        self.fill.setWordWrap(True)
        self.fill.setAccessibleName(f"How full the {label.lower()} column is")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(labelled(MNEMONICS[column], self.list), 1)
        layout.addWidget(self.fill)
        layout.addWidget(self.new_item)
        layout.addWidget(self.panel)

    def show_fill(self, share: float | None) -> None:
        """How much of its printed column the text takes at the smallest readable size."""
        if share is None:
            self.fill.setText("")
            return
        percent = round(share * 100)
        if share > 1:
            self.fill.setText(f"Too long to print: {percent}% of the column even at the "
                              "smallest text size. Shorten or remove some items.")
            self.fill.setStyleSheet("color: #b00020; font-weight: 600;")
        else:
            near = " — nearly full" if share > 0.85 else ""
            self.fill.setText(f"Printed: {percent}% of the column at the smallest text "
                              f"size{near}")
            self.fill.setStyleSheet("color: #8a5a00;" if near else "")

    def load(self, agreement_uid: str | None, editable: bool) -> None:
        self.agreement_uid = agreement_uid
        current = self.panel.current_uid()
        row = self.list.currentIndex().row()
        items = (self.context.records.list_kind(
            "plan-item", where={"agreement_uid": agreement_uid, "column": self.column})
            if agreement_uid else [])
        self.model.set_records(items, editable)
        self.panel.set_editable(editable)
        self.new_item.setEnabled(editable)
        if not self.panel.select(current) and row >= 0:
            self.panel.select_row(row)

    def _add(self) -> None:
        text = self.new_item.text().strip()
        if not text or self.agreement_uid is None:
            return
        place = position_after(self.model.records, self.panel.current_uid())
        try:
            uid = self.context.edits.create("plan-item", {
                "agreement_uid": self.agreement_uid, "column": self.column, "text": text,
                **place})
        except CsaError as exc:
            self.panel.error.show_message(str(exc))
            self.context.show_message(f"Not added: {exc}")
            return
        self.panel.error.show_message("")
        self.new_item.clear()
        self.panel.select(uid)
        self.new_item.setFocus()

    def _edit_text(self, uid: str, value: object) -> None:
        text = value.strip() if isinstance(value, str) else ""
        try:
            self.context.edits.edit(uid, {"text": text or None})
        except CsaError as exc:
            self.panel.error.show_message(str(exc))
            self.context.show_message(f"Not saved: {exc}")
            return
        self.panel.error.show_message("")


class PlanOnAPagePage(EditorPage):
    kinds = frozenset({"plan-item", "agreement"})
    fill_measured = Signal(int, object)  # measurement number, {column: share} or an error

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._measure_number = 0
        self._measure_timer = QTimer(self)
        self._measure_timer.setSingleShot(True)
        self._measure_timer.setInterval(400)  # after a pause in editing, not per keystroke
        self._measure_timer.timeout.connect(self._measure)
        self.fill_measured.connect(self._measured)
        self.heading = heading("Plan on a page")
        self.banner = ReadOnlyBanner()
        hint = QLabel("Each column prints as one list of the one-page summary, in this order. "
                      "Double-click an item or press F2 to change it; Ctrl+Up and Ctrl+Down "
                      "move it; Delete removes it.")
        hint.setWordWrap(True)
        self.columns = [PlanColumnEditor(context, column) for column in PLAN_COLUMNS]
        row = QHBoxLayout()
        for editor in self.columns:
            row.addWidget(editor, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(hint)
        layout.addWidget(self.banner)
        layout.addLayout(row, 1)

    def reload(self) -> None:
        records = self.context.records
        agreements = records.list_kind("agreement")
        agreement = agreements[0] if agreements else None
        editable = agreement is not None and records.can_create(
            "plan-item", {"agreement_uid": agreement.uid})
        self.heading.setText(f"Plan on a page — {agreement.title}" if agreement
                             else "Plan on a page")
        self.banner.show_for(editable, self.context.scope_reason("plan-item"))
        for editor in self.columns:
            editor.load(agreement.uid if agreement else None, editable)
        if self.isVisible():
            self._measure_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._measure_timer.start()

    def _measure(self) -> None:
        """Lay the page out in a worker thread (ReportLab takes a few hundred ms)."""
        self._measure_number += 1
        copy = self.context.copy  # a failure shows as no measurement; printing says why
        read_in_background(lambda: printing.plan_fill(copy), self.fill_measured,
                           self._measure_number)

    def _measured(self, number: int, result: object) -> None:
        if number != self._measure_number:
            return  # an edit since: a newer measurement is on its way
        shares = result if isinstance(result, dict) else {}
        for editor in self.columns:
            editor.show_fill(shares.get(editor.column))
