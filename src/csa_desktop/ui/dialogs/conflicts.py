"""The conflict queue: every field two sides changed differently, its values side by side, and
a decision — take the base, the master (or this copy's) value or one bundle's, or write a value
(for long text, a line-by-line merge is the starting point)."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.services.conflicts import ConflictService, ConflictView, IncomingValue
from csa_desktop.services.copy import Copy
from csa_desktop.ui.models.tables import HeaderedTableModel

Index = QModelIndex | QPersistentModelIndex


class ConflictsTableModel(HeaderedTableModel[ConflictView]):
    """Open conflicts: the record, the field, and who sent the competing values."""

    HEADERS = ("Record", "Field", "Values from")
    IdRole = Qt.ItemDataRole.UserRole + 1

    def set_views(self, views: list[ConflictView]) -> None:
        self.set_rows(views)

    def view(self, row: int) -> ConflictView:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        view = self.row_at(index)
        if view is None:
            return None
        if role == self.IdRole:
            return view.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            authors = ", ".join(i.author for i in view.conflict.incoming)
            return (f"{view.kind_label}: {view.record_title}", view.field_label,
                    authors)[index.column()]
        return None


def _value_box(title: str, text: str, button: QPushButton | None) -> QGroupBox:
    """A value to compare, as selectable wrapped text (it grows with the text)."""
    box = QGroupBox(title)
    layout = QHBoxLayout(box)
    shown = QLabel(text)
    shown.setTextFormat(Qt.TextFormat.PlainText)
    shown.setWordWrap(True)
    shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    shown.setFrameShape(QFrame.Shape.StyledPanel)
    shown.setAutoFillBackground(True)
    shown.setBackgroundRole(QPalette.ColorRole.Base)
    shown.setMargin(4)
    shown.setAccessibleName(title)
    layout.addWidget(shown, 1)
    if button is not None:
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    return box


class ConflictsDialog(QDialog):
    """Decide conflicts one by one; `resolved` tells the window what changed."""

    resolved = Signal(object)  # Changes

    def __init__(self, copy: Copy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Conflicts")
        self.service = ConflictService(copy)
        self.district = copy.identity.role.value != "lead"
        self.changes = Changes()
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.model = ConflictsTableModel([], self)
        self.table = QTableView()
        self.table.setObjectName("conflictsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)

        self.detail = QWidget()
        self.detail_layout = QVBoxLayout(self.detail)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([340, 560])
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show(current.row()))
        self.result_edit: QPlainTextEdit | None = None
        self.current: ConflictView | None = None
        self.reload()
        self.resize(1100, 720)

    # --- the list ---------------------------------------------------------------------------

    def reload(self, keep_row: int = 0) -> None:
        views = self.service.list()
        self.model.set_views(views)
        count = len(views)
        self.intro.setText(
            "No conflicts wait for a decision." if not count else
            f"{count} field{'s were' if count != 1 else ' was'} changed differently on two "
            "sides. Choose a value for each, or write one; the values that do not win are "
            "kept in the record's history.")
        if count:
            self.table.selectRow(min(keep_row, count - 1))
            self._show(min(keep_row, count - 1))
        else:
            self._show(-1)

    # --- one conflict -----------------------------------------------------------------------

    def _clear_detail(self) -> None:
        while self.detail_layout.count():
            item = self.detail_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show(self, row: int) -> None:
        self._clear_detail()
        self.result_edit = None
        if row < 0 or row >= self.model.rowCount():
            self.current = None
            self.detail_layout.addStretch(1)
            return
        view = self.model.view(row)
        self.current = view
        c = view.conflict
        title = QLabel(f"<b>{view.kind_label}: {view.record_title}</b><br>"
                       f"Field: {view.field_label}")
        title.setObjectName("conflictTitle")
        title.setWordWrap(True)
        self.detail_layout.addWidget(title)
        base_button = QPushButton("Take the &base")
        base_button.setMinimumWidth(150)
        base_button.setObjectName("takeBase")
        base_button.clicked.connect(lambda: self._take("base"))
        self.detail_layout.addWidget(_value_box("Base: the value in the baseline",
                                                view.text(c.base), base_button))
        mine = "This copy (your edit)" if self.district else "Master (this copy)"
        master_button = QPushButton("Keep this &copy's" if self.district
                                    else "Keep the &master's")
        master_button.setMinimumWidth(150)
        master_button.setObjectName("takeMaster")
        master_button.clicked.connect(lambda: self._take("master"))
        self.detail_layout.addWidget(_value_box(mine, view.text(c.master), master_button))
        for number, incoming in enumerate(c.incoming):
            button = QPushButton("&Take this" if len(c.incoming) == 1 else f"Take &{number + 1}")
            button.setToolTip(f"Take {incoming.author}'s value")
            button.setMinimumWidth(150)
            button.setObjectName(f"takeIncoming{number}")
            button.clicked.connect(lambda _checked=False, i=incoming: self._take_incoming(i))
            source = f" ({incoming.file_name})" if incoming.file_name else ""
            self.detail_layout.addWidget(_value_box(f"From {incoming.author}{source}",
                                                    view.text(incoming.value), button))
        box = QGroupBox("Or write the value to keep")
        box_layout = QVBoxLayout(box)
        if view.suggestion is not None:
            note = ("A line-by-line merge of the texts, to start from"
                    + ("." if view.suggestion.clean else
                       ": settle the lines between <<<<<<< and >>>>>>> by hand."))
            hint = QLabel(note)
            hint.setWordWrap(True)
            box_layout.addWidget(hint)
        start = view.suggestion.text if view.suggestion is not None else view.text(c.master)
        if start == "(empty)":
            start = ""
        self.result_edit = QPlainTextEdit(start)
        self.result_edit.setObjectName("resultEdit")
        self.result_edit.setAccessibleName("The value to keep")
        self.result_edit.setMinimumHeight(90 if view.long_text else 60)
        self.result_edit.moveCursor(QTextCursor.MoveOperation.End)
        box_layout.addWidget(self.result_edit)
        use = QPushButton("&Use this value")
        use.setObjectName("useValue")
        use.clicked.connect(self._use_written)
        row_layout = QHBoxLayout()
        row_layout.addStretch(1)
        row_layout.addWidget(use)
        box_layout.addLayout(row_layout)
        self.detail_layout.addWidget(box)
        self.detail_layout.addStretch(1)

    def _take(self, which: str) -> None:
        if self.current is not None:
            self._decide(lambda: self.service.resolve(self.current.id, take=which))

    def _take_incoming(self, incoming: IncomingValue) -> None:
        if self.current is not None:
            current = self.current
            self._decide(lambda: self.service.decide(current.id, incoming.value,
                                                     source=incoming,
                                                     label=incoming.bundle_id))

    def _use_written(self) -> None:
        if self.current is None or self.result_edit is None:
            return
        text = self.result_edit.toPlainText()
        if "<<<<<<<" in text or ">>>>>>>" in text:
            QMessageBox.warning(self, "Lines still to settle",
                                "The text still has <<<<<<< … >>>>>>> blocks: keep the lines "
                                "you want and remove the markers first.")
            return
        current = self.current
        self._decide(lambda: self.service.resolve(current.id, value=text))

    def _decide(self, action: object) -> None:
        row = self.table.currentIndex().row()
        try:
            changes = action()  # type: ignore[operator]
        except CsaError as exc:
            QMessageBox.warning(self, "Not resolved", str(exc))
            return
        self.changes = self.changes + changes
        self.resolved.emit(changes)
        self.reload(keep_row=max(row, 0))
