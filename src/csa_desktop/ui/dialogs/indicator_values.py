"""One period's values for many indicators at once (a quarter's police and council figures):
a grid of the indicators of one frequency, with the value held and a cell for the new one.
Every cell is checked before anything is saved; saving is one undoable step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.indicators import value_uid
from csa_desktop.domain.kinds import KINDS, check_value, choice_label, parse_value
from csa_desktop.domain.periods import period_span
from csa_desktop.errors import CsaError, InputError
from csa_desktop.services.indicators import IndicatorView, periods_to_enter
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.widgets import ErrorLabel

VALUE = KINDS["indicator-value"].field("value")
NOTE = KINDS["indicator-value"].field("note")
NAME, UNIT, HELD, NEW, NOTE_COLUMN = range(5)


class PeriodValuesDialog(QDialog):
    """`views`: the indicators to offer (the page's); those this copy may change are listed."""

    def __init__(self, parent: QWidget | None, context: EditorContext,
                 views: Sequence[IndicatorView]) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Enter values for a period")
        self.setObjectName("indicator-values-dialog")
        self.views = [v for v in views if context.records.can_change(v.indicator)]
        frequencies = list(dict.fromkeys(str(v.indicator.fields["frequency"])
                                         for v in self.views))
        self.frequency = QComboBox()
        self.frequency.setAccessibleName("Frequency")
        for frequency in frequencies:
            self.frequency.addItem(choice_label(frequency), frequency)
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        self.grid = QTableWidget(0, 5)
        self.grid.setAccessibleName("Values for the period")
        self.grid.setHorizontalHeaderLabels(["Indicator", "Unit", "Held now", "New value",
                                             "Note"])
        self.grid.verticalHeader().setVisible(False)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column, chars in ((UNIT, 10), (HELD, 10), (NEW, 12), (NOTE_COLUMN, 24)):
            self.grid.setColumnWidth(column, self.fontMetrics().averageCharWidth() * chars + 24)
        self.hint = QLabel("Type the figures in the “New value” column (12.5, 1,204); leave a "
                           "cell empty to keep what is held. Nothing is saved until every "
                           "figure reads as a number.")
        self.hint.setWordWrap(True)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Frequency", self.frequency)
        form.addRow("&Period", self.period)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.frequency.currentIndexChanged.connect(lambda _i: self._fill_periods())
        self.period.currentIndexChanged.connect(lambda _i: self._fill_grid())
        self._fill_periods()
        if not self.views:
            self.error.show_message("This copy may change none of these indicators.")
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self.resize(820, 520)

    def chosen_frequency(self) -> str:
        return str(self.frequency.currentData() or "")

    def chosen_period(self) -> str:
        return str(self.period.currentData() or "")

    def shown(self) -> list[IndicatorView]:
        return [v for v in self.views
                if v.indicator.fields["frequency"] == self.chosen_frequency()]

    def _fill_periods(self) -> None:
        self.period.blockSignals(True)
        self.period.clear()
        if self.chosen_frequency():
            for period in periods_to_enter(self.context.copy, self.chosen_frequency()):
                self.period.addItem(period, period)
        # figures arrive after a period ends: start at the latest that has ended
        today = dt.date.today()
        ended = next((i for i in range(self.period.count())
                      if period_span(str(self.period.itemData(i)))[1] < today), 0)
        self.period.setCurrentIndex(ended)
        self.period.blockSignals(False)
        self._fill_grid()

    def _fill_grid(self) -> None:
        period = self.chosen_period()
        rows = self.shown()
        self.grid.setRowCount(len(rows))
        for row, view in enumerate(rows):
            held = next((v for v in view.values if v.fields["period"] == period), None)
            cells = [view.indicator.title, str(view.indicator.fields.get("unit") or ""),
                     str(held.fields["value"] or "") if held else "", "",
                     str(held.fields["note"] or "") if held else ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column not in (NEW, NOTE_COLUMN):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column in (HELD, NEW):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.grid.setItem(row, column, item)
        self.error.show_message("")

    def entries(self) -> list[tuple[IndicatorView, str, str | None]]:
        """(indicator, value, note) for every row with a new value or a changed note; an
        InputError names every row that cannot be read."""
        self._commit_typing()
        found: list[tuple[IndicatorView, str, str | None]] = []
        problems: list[str] = []
        period = self.chosen_period()
        for row, view in enumerate(self.shown()):
            typed = self._text(row, NEW)
            note_text = self._text(row, NOTE_COLUMN)
            held = next((v for v in view.values if v.fields["period"] == period), None)
            held_note = str(held.fields["note"] or "") if held else ""
            if not typed and (held is None or note_text == held_note):
                continue
            try:
                value = (str(check_value(VALUE, parse_value(VALUE, typed))) if typed
                         else str(held.fields["value"]) if held else "")
                note = check_value(NOTE, parse_value(NOTE, note_text))
            except InputError as exc:
                problems.append(f"{view.indicator.title}: {exc}")
                continue
            if not value:
                problems.append(f"{view.indicator.title}: a note needs a value")
                continue
            found.append((view, value, note if isinstance(note, str) else None))
        if problems:
            raise InputError("Nothing was saved: " + "; ".join(problems))
        return found

    def _commit_typing(self) -> None:
        """The figure still being typed in a cell counts, as if Enter had been pressed."""
        if self.grid.state() != QAbstractItemView.State.EditingState:
            return
        index = self.grid.currentIndex()
        editor = self.grid.indexWidget(index) if index.isValid() else None
        if editor is not None:
            delegate = self.grid.itemDelegateForIndex(index)
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor)

    def _text(self, row: int, column: int) -> str:
        item = self.grid.item(row, column)
        return item.text().strip() if item is not None else ""

    def save(self) -> None:
        period = self.chosen_period()
        try:
            entries = self.entries()
        except InputError as exc:
            self.error.show_message(str(exc))
            return
        if not entries:
            self.accept()
            return
        stack = self.context.edits.stack
        stack.beginMacro(f"Enter {len(entries)} value(s) for {period}")
        try:
            for view, value, note in entries:
                uid = value_uid(view.indicator.uid, period)
                held = next((v for v in view.values if v.uid == uid), None)
                if held is not None:
                    self.context.edits.edit(uid, {"value": value, "note": note})
                else:
                    self.context.edits.create("indicator-value", {
                        "indicator_uid": view.indicator.uid, "period": period,
                        "value": value, "note": note})
        except CsaError as exc:
            self.error.show_message(f"Stopped at a refused value: {exc}; the values before it "
                                    "were saved (Undo takes them back)")
            return
        finally:
            stack.endMacro()
        self.context.show_message(f"Saved {len(entries)} value(s) for {period}. Undo with "
                                  "Ctrl+Z.")
        self.accept()
