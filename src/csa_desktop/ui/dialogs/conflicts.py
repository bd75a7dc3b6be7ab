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
from PySide6.QtGui import QFont, QKeySequence, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.services.conflicts import ConflictService, ConflictView, Decision, IncomingValue
from csa_desktop.services.copy import Copy
from csa_desktop.ui.commands import EditHistory, decide_conflict
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


def _caption(text: str) -> QLabel:
    caption = QLabel(text)
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setWordWrap(True)
    font = caption.font()
    font.setWeight(QFont.Weight.DemiBold)
    caption.setFont(font)
    return caption


def _value_row(title: str, text: str, button: QPushButton | None) -> QFrame:
    """A value to compare: its caption, the value as selectable wrapped text, and the button
    that takes it, laid out in one grid so nothing can be drawn over anything else."""
    row = QFrame()
    row.setObjectName("conflictValue")
    row.setFrameShape(QFrame.Shape.StyledPanel)
    grid = QGridLayout(row)
    grid.setColumnStretch(0, 1)
    grid.addWidget(_caption(title), 0, 0)
    shown = QLabel(text)
    shown.setTextFormat(Qt.TextFormat.PlainText)
    shown.setWordWrap(True)
    shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    shown.setAutoFillBackground(True)
    shown.setBackgroundRole(QPalette.ColorRole.Base)
    shown.setMargin(4)
    shown.setAccessibleName(title)
    grid.addWidget(shown, 1, 0)
    if button is not None:
        button.setMinimumWidth(150)
        grid.addWidget(button, 1, 1, Qt.AlignmentFlag.AlignTop)
    return row


class ConflictsDialog(QDialog):
    """Decide conflicts one by one; `resolved` tells the window what changed. With the
    window's EditHistory each decision is one undo step (Ctrl+Z here or in the window)."""

    resolved = Signal(object)  # Changes

    def __init__(self, copy: Copy, parent: QWidget | None = None, *,
                 edits: EditHistory | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Conflicts")
        self.service = ConflictService(copy)
        self.edits = edits
        self.district = copy.identity.role.value != "lead"
        self.changes = Changes()
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.model = ConflictsTableModel([], self)
        self.table = QTableView()
        self.table.setObjectName("conflictsTable")
        self.table.setAccessibleName("Conflicts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)

        self.placeholder = QLabel()
        self.placeholder.setObjectName("conflictPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.placeholder)
        self.detail_stack.addWidget(self.detail_scroll)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 620])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if edits is not None:
            undo = edits.stack.createUndoAction(self, "&Undo")
            undo.setShortcut(QKeySequence.StandardKey.Undo)
            redo = edits.stack.createRedoAction(self, "&Redo")
            redo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo),
                               QKeySequence("Ctrl+Shift+Z")])
            self.addAction(undo)
            self.addAction(redo)
            edits.changed.connect(self._changed_elsewhere)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show(current.row()))
        self.result_edit: QPlainTextEdit | None = None
        self.result_choice: QComboBox | None = None
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
            "kept in the record's history." + (" Ctrl+Z takes a decision back."
                                                if self.edits is not None else ""))
        if count:
            self.table.selectRow(min(keep_row, count - 1))
            self._show(min(keep_row, count - 1))
        else:
            self._show(-1)

    def _changed_elsewhere(self, _changes: Changes) -> None:
        """An undo or redo (here or in the window) may reopen or settle a conflict."""
        if not self._deciding:
            self.reload(keep_row=max(self.table.currentIndex().row(), 0))

    _deciding = False

    # --- one conflict -----------------------------------------------------------------------

    def _show(self, row: int) -> None:
        """Show one conflict in a freshly built panel that replaces the old one at once (the
        old one never shows through), or the placeholder when there is none."""
        self.result_edit = None
        self.result_choice = None
        old = self.detail_scroll.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        if row < 0 or row >= self.model.rowCount():
            self.current = None
            self.placeholder.setText("No conflicts wait for a decision." if not
                                     self.model.rowCount() else "Choose a conflict on the left.")
            self.detail_stack.setCurrentWidget(self.placeholder)
            return
        view = self.model.view(row)
        self.current = view
        detail = QWidget()
        detail.setObjectName("conflictDetail")
        layout = QVBoxLayout(detail)
        self._fill(layout, view)
        self.detail_scroll.setWidget(detail)
        self.detail_stack.setCurrentWidget(self.detail_scroll)

    def _fill(self, layout: QVBoxLayout, view: ConflictView) -> None:
        c = view.conflict
        title = QLabel(f"{view.kind_label}: {view.record_title}")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setObjectName("conflictTitle")
        title.setWordWrap(True)
        font = title.font()
        font.setWeight(QFont.Weight.Bold)
        title.setFont(font)
        layout.addWidget(title)
        field = QLabel(f"Field: {view.field_label}")
        field.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(field)
        base_button = QPushButton("Take the &base")
        base_button.setObjectName("takeBase")
        base_button.clicked.connect(lambda: self._take("base"))
        layout.addWidget(_value_row("Base: the value in the baseline", view.text(c.base),
                                    base_button))
        mine = "This copy (your edit)" if self.district else "Master (this copy)"
        master_button = QPushButton("Keep this &copy's" if self.district
                                    else "Keep the &master's")
        master_button.setObjectName("takeMaster")
        master_button.clicked.connect(lambda: self._take("master"))
        layout.addWidget(_value_row(mine, view.text(c.master), master_button))
        for number, incoming in enumerate(c.incoming):
            button = QPushButton("&Take this" if len(c.incoming) == 1 else f"Take &{number + 1}")
            button.setToolTip(f"Take {incoming.author}'s value")
            button.setObjectName(f"takeIncoming{number}")
            button.clicked.connect(lambda _checked=False, i=incoming: self._take_incoming(i))
            source = f" ({incoming.file_name})" if incoming.file_name else ""
            layout.addWidget(_value_row(f"From {incoming.author}{source}",
                                        view.text(incoming.value), button))
        layout.addWidget(self._own_value(view))
        layout.addStretch(1)

    def _own_value(self, view: ConflictView) -> QFrame:
        """Where the lead chooses (a field with fixed values) or writes the value to keep."""
        c = view.conflict
        box = QFrame()
        box.setObjectName("conflictValue")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box_layout = QVBoxLayout(box)
        choices = view.choices
        use = QPushButton("&Use this value")
        use.setObjectName("useValue")
        if choices is not None:
            box_layout.addWidget(_caption("Or choose the value to keep"))
            self.result_choice = QComboBox()
            self.result_choice.setObjectName("resultChoice")
            self.result_choice.setAccessibleName("The value to keep")
            for label, value in choices:
                self.result_choice.addItem(label, value)
            index = next((i for i, (_l, v) in enumerate(choices) if v == c.master), 0)
            self.result_choice.setCurrentIndex(index)
            row = QHBoxLayout()
            row.addWidget(self.result_choice, 1)
            row.addWidget(use)
            box_layout.addLayout(row)
            use.clicked.connect(self._use_chosen)
            return box
        box_layout.addWidget(_caption("Or write the value to keep"))
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
        use.clicked.connect(self._use_written)
        row_layout = QHBoxLayout()
        row_layout.addStretch(1)
        row_layout.addWidget(use)
        box_layout.addLayout(row_layout)
        return box

    def _take(self, which: str) -> None:
        if self.current is not None:
            current = self.current
            chosen, _source = self.service.choice(current.id, which)
            self._decide(current, chosen, None, which,
                         "the base" if which == "base" else "this copy's value")

    def _take_incoming(self, incoming: IncomingValue) -> None:
        if self.current is not None:
            self._decide(self.current, incoming.value, incoming, incoming.bundle_id,
                         f"{incoming.author}'s value")

    def _use_chosen(self) -> None:
        if self.current is None or self.result_choice is None:
            return
        self._decide(self.current, self.result_choice.currentData(), None, "value",
                     f"“{self.result_choice.currentText()}”")

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
        try:
            chosen = self.service.parse(current.id, text)
        except CsaError as exc:
            QMessageBox.warning(self, "Not resolved", str(exc))
            return
        self._decide(current, chosen, None, "value", "a written value")

    def _decide(self, view: ConflictView, chosen: object, source: IncomingValue | None,
                label: str, what: str) -> None:
        row = self.table.currentIndex().row()

        def decide() -> Decision:
            return self.service.decide_undoably(view.id, chosen, source=source, label=label)

        self._deciding = True
        try:
            if self.edits is not None:
                text = f"Decide {view.field_label.lower()} of “{_short(view.record_title)}”: " \
                       f"{what}"
                changes = decide_conflict(self.edits, self.service, decide, text)
            else:
                changes = decide().changes
        except CsaError as exc:
            QMessageBox.warning(self, "Not resolved", str(exc))
            return
        finally:
            self._deciding = False
        self.changes = self.changes + changes
        if self.edits is None:
            self.resolved.emit(changes)  # with edits, the window hears it from EditHistory
        self.reload(keep_row=max(row, 0))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
