"""What the editor pages share: the page base class and a panel of ordered records with
add, edit, delete and move buttons."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.ordering import key_between
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import CsaError
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.models.navigator import Node
from csa_desktop.ui.models.roles import UID_ROLE
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.widgets import ErrorLabel, labelled, make_button


class EditorPage(QWidget):
    """One page of the right-hand side; reloads when something it shows has changed."""

    kinds: frozenset[str] = frozenset()  # record kinds whose changes this page shows

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale = True

    def show_node(self, node: Node) -> None:
        """The navigator selected `node` (one of this page's kinds of node)."""
        if self._stale:
            self.reload()
            self._stale = False

    def refresh(self, changes: Changes | None) -> None:
        if changes is not None and not (changes.kinds & self.kinds):
            return
        if self.isVisible():
            self.reload()
            self._stale = False
        else:
            self._stale = True

    def reload(self) -> None:
        """Read everything shown from the copy again."""

    def flush(self) -> None:
        """Save typing still waiting for a pause, and what an item being edited in place holds
        (before the window closes, or another page is shown). Pages that override this call
        it too."""
        commit_open_editors(self)

    def run(self, action: Callable[[], object], error: ErrorLabel | None = None) -> bool:
        """Run one edit; a refused edit is shown (inline and in the status bar), never raised."""
        try:
            action()
        except CsaError as exc:
            if error is not None:
                error.show_message(str(exc))
            self.context.show_message(f"Not saved: {exc}")
            return False
        if error is not None:
            error.show_message("")
        return True


def commit_open_editors(root: QWidget) -> None:
    """Give the model what each in-place editor under `root` holds, and close the editor, as
    pressing Enter would."""
    for view in root.findChildren(QAbstractItemView):
        if view.state() != QAbstractItemView.State.EditingState:
            continue
        index = view.currentIndex()
        editor = view.indexWidget(index) if index.isValid() else None
        if editor is None:
            continue
        delegate = view.itemDelegateForIndex(index)
        delegate.commitData.emit(editor)
        delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)


class RecordsPanel(QWidget):
    """An ordered list (or table) of records with Add / Edit / Delete / Move up / Move down.

    Deleting asks no question: Undo brings the record back, and the status bar says so.
    """

    current_changed = Signal(str)  # uid ("" when nothing is selected)
    add_requested = Signal()
    edit_requested = Signal(str)

    def __init__(self, context: EditorContext, view: QAbstractItemView, what: str, *,
                 can_add: bool = True, can_edit: bool = True, can_move: bool = True,
                 embed_view: bool = True, compact: bool = False,
                 parent: QWidget | None = None) -> None:
        """`embed_view=False`: the caller places the view; the panel holds the buttons.
        `compact`: icon buttons (their names and keys are in tooltips), for narrow columns."""
        super().__init__(parent)
        self.context = context
        self.view = view
        self.what = what
        self.editable = True
        self.error = ErrorLabel()
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAccessibleName(what[:1].upper() + what[1:] + "s")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if can_add:
            self.buttons["add"] = make_button("A&dd…", "add", self.add_requested.emit,
                                              f"Add a {what} (Insert)")
        if can_edit:
            self.buttons["edit"] = make_button("Ed&it…", "edit", self._edit,
                                               f"Edit the selected {what} (Enter)")
        self.buttons["delete"] = make_button("Dele&te", "delete", self.delete_current,
                                             f"Delete the selected {what} (Delete)")
        if can_move:
            self.buttons["up"] = make_button("Move &up", "move-up", lambda: self.move_current(-1),
                                             f"Move the selected {what} up (Ctrl+Up)")
            self.buttons["down"] = make_button("Move do&wn", "move-down",
                                               lambda: self.move_current(1),
                                               f"Move the selected {what} down (Ctrl+Down)")
        for button in self.buttons.values():
            button.setAccessibleName(f"{button.accessibleName()} {what}")
            if compact:
                button.setText("")
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if embed_view:
            layout.addWidget(view, 1)
            self.setFocusProxy(view)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self._shortcut("Ctrl+Up", lambda: self.move_current(-1), can_move)
        self._shortcut("Ctrl+Down", lambda: self.move_current(1), can_move)
        self._shortcut(QKeySequence.StandardKey.Delete, self.delete_current, True)
        self._shortcut("Insert", self.add_requested.emit, can_add)
        if can_edit:
            view.activated.connect(lambda _index: self._edit())
        self._hooked_model: object = None
        self._hook_selection()
        model = view.model()
        if can_move and isinstance(model, RecordListModel):  # drag a row to a new place
            model.move_requested.connect(self.move_to)
            view.setDragEnabled(True)
            view.setAcceptDrops(True)
            view.setDropIndicatorShown(True)
            view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
            view.setDefaultDropAction(Qt.DropAction.MoveAction)

    def _shortcut(self, keys: str | QKeySequence.StandardKey, slot: Callable[[], object],
                  wanted: bool) -> None:
        if not wanted:
            return
        shortcut = QShortcut(QKeySequence(keys), self.view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(slot)

    def _hook_selection(self) -> None:
        selection = self.view.selectionModel()
        if selection is not None and selection is not self._hooked_model:
            self._hooked_model = selection
            selection.currentRowChanged.connect(self._current_row_changed)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.update_buttons()
        self.current_changed.emit(self.current_uid())

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.update_buttons()

    def update_buttons(self) -> None:
        self._hook_selection()
        row = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        count = self.view.model().rowCount() if self.view.model() is not None else 0
        for name, button in self.buttons.items():
            enabled = self.editable and (
                name == "add" or (row >= 0 and (
                    name in ("edit", "delete")
                    or (name == "up" and row > 0) or (name == "down" and row < count - 1))))
            button.setEnabled(enabled)
        if "edit" in self.buttons and row >= 0 and not self.editable:
            self.buttons["edit"].setEnabled(False)

    def uids(self) -> list[str]:
        model = self.view.model()
        if model is None:
            return []
        return [str(model.index(r, 0).data(UID_ROLE)) for r in range(model.rowCount())]

    def current_uid(self) -> str:
        index = self.view.currentIndex()
        return str(index.siblingAtColumn(0).data(UID_ROLE) or "") if index.isValid() else ""

    def select(self, uid: str | None) -> bool:
        """Make the record with `uid` current (False if it is not listed)."""
        self._hook_selection()
        model = self.view.model()
        if model is None:
            return False
        for number, listed in enumerate(self.uids()):
            if listed == uid:
                index = model.index(number, 0)
                selection = self.view.selectionModel()
                selection.setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.view.scrollTo(index)
                return True
        self.update_buttons()
        return False

    def select_row(self, row: int) -> None:
        uids = self.uids()
        if uids:
            self.select(uids[max(0, min(row, len(uids) - 1))])

    def _edit(self) -> None:
        uid = self.current_uid()
        if uid and self.editable and "edit" in self.buttons:
            self.edit_requested.emit(uid)

    def delete_current(self) -> None:
        uid = self.current_uid()
        if not uid or not self.editable:
            return
        row = self.view.currentIndex().row()
        try:
            self.context.edits.delete(uid)
        except CsaError as exc:
            self.error.show_message(str(exc))
            self.context.show_message(f"Not deleted: {exc}")
            return
        self.error.show_message("")
        self.context.show_message(f"Deleted the {self.what}. Undo (Ctrl+Z) brings it back.")
        self.select_row(row)
        self.view.setFocus()

    def move_current(self, step: int) -> None:
        uid = self.current_uid()
        uids = self.uids()
        if not uid or not self.editable or uid not in uids:
            return
        self._move(uid, uids.index(uid) + step)

    def move_to(self, uid: str, drop_row: int) -> None:
        """A row was dropped before `drop_row` (counted with the row still in its place)."""
        uids = self.uids()
        if not self.editable or uid not in uids:
            return
        row = uids.index(uid)
        if drop_row in (row, row + 1):
            return
        self._move(uid, drop_row - 1 if drop_row > row else drop_row)

    def _move(self, uid: str, target: int) -> None:
        """Put `uid` at index `target` of the list as it will be."""
        uids = self.uids()
        if not 0 <= target < len(uids):
            return
        others = [u for u in uids if u != uid]
        after = others[target - 1] if target > 0 else None
        before = others[target] if target < len(others) else None
        try:
            self.context.edits.move(uid, after=after, before=before)
        except CsaError as exc:
            self.error.show_message(str(exc))
            return
        self.error.show_message("")
        self.select(uid)


def list_view(word_wrap: bool = True) -> QListView:
    view = QListView()
    view.setWordWrap(word_wrap)
    view.setUniformItemSizes(not word_wrap)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


def table_view(model: QAbstractItemModel, sortable: bool = False) -> QTableView:
    """A read-only table of rows; column widths from the model's Column declarations."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    view.setTabKeyNavigation(False)
    if sortable:  # starts in the model's own order; a third click on a header returns to it
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.horizontalHeader().setSortIndicatorClearable(True)
        view.setSortingEnabled(True)
    source = model.sourceModel() if isinstance(model, QAbstractProxyModel) else model
    columns = getattr(source, "columns", [])
    for number, column in enumerate(columns):
        if column.width:
            view.setColumnWidth(number,
                                view.fontMetrics().averageCharWidth() * column.width + 24)
        if column.stretch:
            view.horizontalHeader().setStretchLastSection(False)
            view.horizontalHeader().setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
    return view


class WrappedRows(QObject):
    """Keeps the rows of a small word-wrapped table as tall as their text, whatever changes
    the columns' widths (new rows, a dragged column, the table or its pane resized)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self._fit_now)
        view.setWordWrap(True)
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                       model.dataChanged):
            signal.connect(self.fit)
        view.horizontalHeader().sectionResized.connect(self.fit)
        view.viewport().installEventFilter(self)

    def fit(self, *_args: object) -> None:
        self._pending.start()  # once, after the layout has settled

    def _fit_now(self) -> None:
        view = self.view
        view.resizeRowsToContents()
        least = view.verticalHeader().defaultSectionSize()  # as tall as other tables' rows
        for row in range(view.model().rowCount()):
            view.setRowHeight(row, max(least, view.rowHeight(row) + 6))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False


def position_after(records: Sequence[Record], uid: str | None) -> dict[str, Value]:
    """{"position": key} that places a new record right after `uid` ({}: at the end)."""
    uids = [r.uid for r in records]
    if not uid or uid not in uids:
        return {}
    row = uids.index(uid)
    low = records[row].fields.get("position")
    high = records[row + 1].fields.get("position") if row + 1 < len(records) else None
    if not isinstance(low, str) or (isinstance(high, str) and high <= low):
        return {}
    return {"position": key_between(low, high if isinstance(high, str) else None)}


def list_beside_editor(page: QWidget, name: str, label: str, panel: QWidget, editor: QWidget,
                       list_width: int) -> QSplitter:
    """Fill `page` with a labelled list on the left and its editor on the right; the
    splitter's object name keys its saved sizes (ui/settings.py)."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName(name)
    splitter.addWidget(labelled(label, panel))
    splitter.addWidget(editor)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([list_width, 800])
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return splitter
