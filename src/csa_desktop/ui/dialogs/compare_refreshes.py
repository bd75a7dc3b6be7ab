"""Agreement ▸ Compare refreshes…: two refreshes side by side, field by field."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.cycle import Refresh
from csa_desktop.domain.kinds import KINDS
from csa_desktop.errors import CsaError
from csa_desktop.services.compare import Comparison, compare_refreshes
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import list_refreshes
from csa_desktop.ui.busy import run_busy

Index = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 2
CHANGE_COLOURS = {"added": "#e6f4ea", "removed": "#fce8e6", "changed": "#fff8e1"}


@dataclass(frozen=True)
class DiffRow:
    kind: str
    kind_label: str
    item: str
    change: str  # added, changed, removed
    field: str  # the field's label; "" for a whole record added or removed
    a_text: str
    b_text: str


def diff_rows(result: Comparison) -> list[DiffRow]:
    """One row per changed field; one per record added or removed (its fields in the
    detail panes)."""
    rows = []
    for record in result.records:
        if record.change == "changed":
            rows.extend(DiffRow(record.kind, record.kind_label, record.title, record.change,
                                f.label, f.old_text, f.new_text) for f in record.fields)
            continue
        whole = "\n".join(f"{f.label}: {f.new_text or f.old_text}" for f in record.fields)
        rows.append(DiffRow(record.kind, record.kind_label, record.title, record.change, "",
                            whole if record.change == "removed" else "",
                            whole if record.change == "added" else ""))
    return rows


def _one_line(text: str) -> str:
    first, _, rest = text.strip().partition("\n")
    return first + (" …" if rest.strip() else "")


class ComparisonModel(QAbstractTableModel):
    HEADERS = ("Kind", "Item", "Change", "Field", "A", "B")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DiffRow] = []
        self.labels = ("A", "B")

    def set_comparison(self, result: Comparison) -> None:
        self.beginResetModel()
        self.rows = diff_rows(result)
        self.labels = (result.a.label, result.b.label)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 4, 5)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section >= 4:
            return f"In {self.labels[section - 4]}"
        return self.HEADERS[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        values = (row.kind_label, row.item, row.change.capitalize(), row.field or "(record)",
                  row.a_text, row.b_text)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _one_line(values[column]) if column >= 4 else values[column]
        if role == Qt.ItemDataRole.ToolTipRole and column >= 4:
            return values[column][:2000] or None
        if role == Qt.ItemDataRole.BackgroundRole and column == 2:
            return QBrush(QColor(CHANGE_COLOURS[row.change]))
        if role == KIND_ROLE:
            return row.kind
        if role == CHANGE_ROLE:
            return row.change
        return None


class ComparisonFilter(QSortFilterProxyModel):
    """Rows of one kind and one change (or all), containing a text anywhere."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.change = ""
        self.text = ""

    def set_filter(self, kind: str, change: str, text: str) -> None:
        self.beginFilterChange()
        self.kind, self.change, self.text = kind, change, text.casefold().strip()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ComparisonModel)
        row = model.rows[source_row]
        if self.kind and row.kind != self.kind:
            return False
        if self.change and row.change != self.change:
            return False
        if self.text:
            haystack = " ".join((row.item, row.field, row.a_text, row.b_text)).casefold()
            return self.text in haystack
        return True


class CompareRefreshesDialog(QDialog):
    def __init__(self, copy: Copy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.setWindowTitle("Compare refreshes")
        self.resize(1180, 720)
        self.refreshes = list_refreshes(copy)
        self.a_box, self.b_box = QComboBox(), QComboBox()
        for box, name in ((self.a_box, "Refresh A"), (self.b_box, "Refresh B")):
            box.setAccessibleName(name)
            for refresh in self.refreshes:
                box.addItem(refresh.label + (" (in progress)" if refresh.current else ""),
                            refresh.label)
        self.a_box.setCurrentIndex(max(len(self.refreshes) - 2, 0))
        self.b_box.setCurrentIndex(len(self.refreshes) - 1)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind")
        self.kind_box.addItem("All kinds", "")
        for name, spec in KINDS.items():
            self.kind_box.addItem(spec.plural, name)
        self.change_box = QComboBox()
        self.change_box.setAccessibleName("Change")
        for label, value in (("All changes", ""), ("Added", "added"), ("Changed", "changed"),
                             ("Removed", "removed")):
            self.change_box.addItem(label, value)
        self.find_edit = QLineEdit()
        self.find_edit.setAccessibleName("Filter text")
        self.find_edit.setPlaceholderText("Filter: text in the item or its values")
        self.find_edit.setClearButtonEnabled(True)

        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Summary")
        self.model = ComparisonModel(self)
        self.proxy = ComparisonFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Differences")
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        for column, width in enumerate((140, 280, 80, 150, 240)):
            self.view.setColumnWidth(column, width)
        self.view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

        self.a_text, self.b_text = QPlainTextEdit(), QPlainTextEdit()
        self.a_label, self.b_label = QLabel(), QLabel()
        for edit, name in ((self.a_text, "Value in A"), (self.b_text, "Value in B")):
            edit.setReadOnly(True)
            edit.setAccessibleName(name)
        panes = QWidget()
        grid = QGridLayout(panes)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.a_label, 0, 0)
        grid.addWidget(self.b_label, 0, 1)
        grid.addWidget(self.a_text, 1, 0)
        grid.addWidget(self.b_text, 1, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("compare")
        splitter.addWidget(self.view)
        splitter.addWidget(panes)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        choose = QHBoxLayout()
        for text, widget in (("Compare &A:", self.a_box), ("with &B:", self.b_box),
                             ("&Kind:", self.kind_box), ("C&hange:", self.change_box)):
            label = QLabel(text)
            label.setBuddy(widget)
            choose.addWidget(label)
            choose.addWidget(widget)
        choose.addWidget(self.find_edit, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.a_box.currentIndexChanged.connect(lambda _i: self.compare())
        self.b_box.currentIndexChanged.connect(lambda _i: self.compare())
        self.kind_box.currentIndexChanged.connect(lambda _i: self._filter())
        self.change_box.currentIndexChanged.connect(lambda _i: self._filter())
        self.find_edit.textChanged.connect(lambda _t: self._filter())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.result: Comparison | None = None
        self.compare()

    def _refresh(self, box: QComboBox) -> Refresh:
        label = box.currentData()
        return next(r for r in self.refreshes if r.label == label)

    def compare(self) -> None:
        a, b = self._refresh(self.a_box), self._refresh(self.b_box)
        try:
            self.result = run_busy(self, "Comparing the refreshes…",
                                   lambda: compare_refreshes(self.copy, a, b))
        except CsaError as exc:
            QMessageBox.warning(self, "Compare refreshes", str(exc))
            return
        self.model.set_comparison(self.result)
        self.a_label.setText(f"In {a.label}:")
        self.b_label.setText(f"In {b.label}:")
        self._filter()

    def _filter(self) -> None:
        self.proxy.set_filter(self.kind_box.currentData(), self.change_box.currentData(),
                              self.find_edit.text())
        result = self.result
        if result is None:
            return
        counts = result.counts
        if result.empty:
            text = f"No differences between {result.a.label} and {result.b.label}."
        else:
            text = (f"{result.a.label} → {result.b.label}: {counts['added']} added, "
                    f"{counts['changed']} changed, {counts['removed']} removed records; "
                    f"showing {self.proxy.rowCount()} of {self.model.rowCount()} rows.")
        self.summary_label.setText(text)
        self._show_selected()

    def _show_selected(self) -> None:
        index = self.view.selectionModel().currentIndex()
        if not index.isValid():
            self.a_text.clear()
            self.b_text.clear()
            return
        row = self.model.rows[self.proxy.mapToSource(index).row()]
        self.a_text.setPlainText(row.a_text)
        self.b_text.setPlainText(row.b_text)
