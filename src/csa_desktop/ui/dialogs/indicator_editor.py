"""One indicator: its fields (saved as they are edited, each an undoable step), its values
over time as a chart with the target line, and the table of values to add, change or
delete."""

from __future__ import annotations

import contextlib

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import KINDS, Value, value_text
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import CsaError
from csa_desktop.services.indicators import indicator_view, periods_to_enter
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm
from csa_desktop.ui.indicator_chart import TrendChart
from csa_desktop.ui.models.roles import UID_ROLE
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.widgets import ErrorLabel, ReadOnlyBanner, heading, labelled, make_button

INDICATOR_FIELDS = ("name", "definition", "unit", "polarity", "frequency", "baseline_value",
                    "baseline_period", "target_value", "target_period", "tolerance_percent",
                    "source", "key_issue_uid", "partnership_uid")
VALUE_FIELDS = ("period", "value", "note", "source_date")
SOURCE_DATE = KINDS["indicator-value"].field("source_date")


def judgement_line(rag: str | None, direction: str | None, latest: str | None) -> str:
    if latest is None:
        return "No values yet."
    rag_text = f"RAG {rag}" if rag else "no RAG (no target)"
    return f"Latest {latest}: {rag_text}; {direction or 'no value for the period before'}."


class ValuesPanel(QWidget):
    """An indicator's values, newest first, with Add…, Edit… and Delete."""

    def __init__(self, model: ColumnsTableModel[Record]) -> None:
        super().__init__()
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setAccessibleName("Values")
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        for number, column in enumerate(model.columns):
            self.view.setColumnWidth(
                number, self.view.fontMetrics().averageCharWidth() * column.width + 24)
        self.error = ErrorLabel()
        self.buttons = {
            "add": make_button("A&dd…", "add", lambda: None, "Add a value for a period"),
            "edit": make_button("Ed&it…", "edit", lambda: None, "Change the selected value"),
            "delete": make_button("Dele&te", "delete", lambda: None,
                                  "Delete the selected value"),
        }
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.setFocusProxy(self.view)

    def current_uid(self) -> str:
        index = self.view.currentIndex()
        return str(index.siblingAtColumn(0).data(UID_ROLE) or "") if index.isValid() else ""

    def select(self, uid: str | None) -> bool:
        model = self.view.model()
        for number in range(model.rowCount()):
            index = model.index(number, 0)
            if index.data(UID_ROLE) == uid:
                self.view.setCurrentIndex(index)
                return True
        return False

    def set_editable(self, editable: bool) -> None:
        chosen = bool(self.current_uid())
        self.buttons["add"].setEnabled(editable)
        self.buttons["edit"].setEnabled(editable and chosen)
        self.buttons["delete"].setEnabled(editable and chosen)


class IndicatorDialog(QDialog):
    def __init__(self, parent: QWidget | None, context: EditorContext, uid: str) -> None:
        super().__init__(parent)
        self.context = context
        self.uid = uid
        self.setWindowTitle("Indicator")
        self.setObjectName("indicator-dialog")
        records = context.records
        self.record = records.get(uid)
        self.editable = records.can_change(self.record)
        self.heading = heading(self.record.title, 2)
        self.heading.setWordWrap(True)
        self.banner = ReadOnlyBanner()
        self.banner.show_for(self.editable, context.scope_reason("indicator"))
        self.form = RecordForm("indicator", INDICATOR_FIELDS, context=context,
                               text_lines={"definition": 2})
        self.form.set_options("key_issue_uid", [(k.title, k.uid)
                                                for k in records.list_kind("key-issue")])
        self.form.set_options("partnership_uid", [(p.title, p.uid)
                                                  for p in records.list_kind("partnership")])
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.chart = TrendChart()
        self.values: ColumnsTableModel[Record] = ColumnsTableModel([
            Column("Period", lambda r: str(r.fields["period"]), width=12),
            Column("Value", lambda r: str(r.fields["value"] or "(waiting for a decision)"),
                   width=12),
            Column("Note", lambda r: str(r.fields["note"] or ""), width=30),
            Column("Source date", lambda r: value_text(SOURCE_DATE, r.fields["source_date"]),
                   width=12),
        ], lambda r: r.uid, self)
        self.values_panel = ValuesPanel(self.values)
        self.values_panel.buttons["add"].clicked.connect(self.add_value)
        self.values_panel.buttons["edit"].clicked.connect(self._edit_current)
        self.values_panel.buttons["delete"].clicked.connect(self.delete_value)
        self.values_panel.view.selectionModel().currentRowChanged.connect(
            lambda *_: self.values_panel.set_editable(self.editable))
        self.values_panel.view.activated.connect(lambda _index: self._edit_current())
        fields = QScrollArea()
        fields.setWidgetResizable(True)
        fields.setFrameShape(QScrollArea.Shape.NoFrame)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        fields.setWidget(holder)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(labelled("Values over time (dashed: the target)", self.chart))
        right_layout.addWidget(labelled("&Values", self.values_panel), 1)
        body = QHBoxLayout()
        body.addWidget(fields, 1)
        body.addWidget(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        context.edits.changed.connect(self._changed)
        self.reload()
        self.resize(1000, 640)

    def _changed(self, changes: Changes) -> None:
        if changes is None or changes.kinds & {"indicator", "indicator-value"}:
            self.reload()

    def reload(self) -> None:
        records = self.context.records
        self.record = records.get(self.uid)
        if self.record.deleted:
            self.reject()
            return
        view = indicator_view(self.context.copy, self.uid)
        self.heading.setText(self.record.title)
        self.form.load(self.record, self.editable)
        found = view.judgement
        direction = None
        if found.against_previous:
            direction = f"{found.against_previous.replace('-', ' ')} since {found.previous_period}"
        if found.against_baseline:
            direction = (f"{direction}; " if direction else "") + (
                f"{found.against_baseline.replace('-', ' ')} against the baseline")
        self.summary.setText(judgement_line(
            found.rag, direction,
            f"{found.latest_value} for {found.latest_period}" if found.latest_period else None))
        self.chart.set_series([(str(v.fields["period"]), str(v.fields["value"] or ""))
                               for v in view.values],
                              self.record.fields.get("target_value")  # type: ignore[arg-type]
                              if self.record.fields.get("polarity") != "no-target" else None,
                              str(self.record.fields.get("unit") or ""))
        current = self.values_panel.current_uid()
        self.values.set_rows(list(reversed(view.values)))
        if not self.values_panel.select(current) and self.values.rowCount():
            self.values_panel.view.setCurrentIndex(self.values.index(0, 0))
        self.values_panel.set_editable(self.editable)

    def _periods(self) -> list[tuple[str, str]]:
        frequency = str(self.record.fields.get("frequency") or "quarterly")
        held = {str(v.fields["period"]) for v in self.values.rows}
        return [(p, p) for p in periods_to_enter(self.context.copy, frequency) if p not in held]

    def add_value(self) -> None:
        uid = self.uid

        def submit(values: dict[str, Value]) -> None:
            made = self.context.edits.create("indicator-value", {**values, "indicator_uid": uid})
            self.values_panel.select(made)

        periods = self._periods()
        RecordDialog(self, "Add value", "indicator-value", VALUE_FIELDS, submit,
                     values={"period": periods[0][1] if periods else None},
                     pick_from={"period": periods}, ok_text="&Add").open()

    def _edit_current(self) -> None:
        uid = self.values_panel.current_uid()
        if uid and self.editable:
            self.edit_value(uid)

    def delete_value(self) -> None:
        uid = self.values_panel.current_uid()
        if not uid or not self.editable:
            return
        try:
            self.context.edits.delete(uid)
        except CsaError as exc:
            self.values_panel.error.show_message(str(exc))
            return
        self.context.show_message("Deleted the value. Undo (Ctrl+Z) brings it back.")

    def edit_value(self, value_uid: str) -> None:
        record = self.context.records.get(value_uid)
        RecordDialog(self, f"Value for {record.fields['period']}", "indicator-value",
                     ("value", "note", "source_date"),
                     lambda values: self.context.edits.edit(value_uid, values),
                     values=record.fields, ok_text="&Save").open()

    def done(self, result: int) -> None:
        self.form.flush()
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self.context.edits.changed.disconnect(self._changed)
        super().done(result)

