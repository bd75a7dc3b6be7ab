"""The actions table of the local plans: a filter bar (action_filters), the table (model/view,
sorted and filtered without reloading), and a detail pane with the selected action and its
progress (action_detail)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Changes
from csa_desktop.errors import CsaError
from csa_desktop.services import tables
from csa_desktop.services.tables import ActionSummary
from csa_desktop.ui.busy import read_in_background
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import Option
from csa_desktop.ui.models.actions import (
    PARTNERSHIP_COLUMN,
    STATUS_COLUMN,
    ActionsFilterProxyModel,
    ActionsTableModel,
    status_text,
)
from csa_desktop.ui.table_export import ask_export_path, export_actions
from csa_desktop.ui.views.action_detail import ActionDetailPane, update_columns
from csa_desktop.ui.views.action_filters import FilterBar
from csa_desktop.ui.views.common import table_view
from csa_desktop.ui.widgets import ErrorLabel, make_button

__all__ = ["ACTION_KINDS", "ActionsPanel", "update_columns"]

NEW_ACTION_FIELDS = ("title", "priority_uid", "lead_organisation_uid", "lead_role", "start_on",
                     "due_on", "status", "rag")
MAX_ROW_UPDATES = 500  # more changed actions than this: reload the table instead
FIRST_ROWS = 200  # read and shown at once (more than a screenful); the rest follows
ACTION_KINDS = frozenset({"action", "local-priority", "local-plan", "partnership",
                          "organisation", "progress-update"})


class ActionsPanel(QWidget):
    """Filter bar, actions table and detail pane; loads every action once, then follows
    changes row by row."""

    can_add_changed = Signal(bool)  # whether "New action" can add to the plan shown
    _rest_read = Signal(int, object)  # load number, the rows (or the error) from the reader


    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loaded = False
        self.loading = False  # the first rows show; the rest is being read
        self._load_number = 0  # a later load makes the rows of an earlier one stale
        self._first_uids: list[str] = []
        self._wanted = ""  # the action to select once every row is in
        self._rest_read.connect(self._rest_arrived)
        self.plan_uid: str | None = None  # where "New action" puts an action
        self.plan_editable = False
        self._priorities: dict[str, list[Option]] = {}  # plan uid -> (title, uid)
        self._archived_shown = False
        self._status_width = 0  # the Status column's width before archived actions showed
        self.filter_bar = FilterBar()
        self.model = ActionsTableModel(parent=self)
        self.proxy = ActionsFilterProxyModel(self.model, self)
        self.view = table_view(self.proxy, sortable=True)
        self.view.setAccessibleName("Actions")
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.horizontalHeader().setSortIndicatorClearable(True)
        self.detail = ActionDetailPane(context)
        self.new_action = make_button("&New action…", "add", self.add_action,
                                      "Add an action to this local plan (Ctrl+N)")
        self.delete_action = make_button("&Delete action", "delete", self.delete_current,
                                         "Delete the selected action and its updates")
        self.export_button = make_button("E&xport…", "export", self.export_shown,
                                         "Save the actions shown, in this order, as an Excel "
                                         "workbook or a CSV file")
        self.error = ErrorLabel()
        self.filter_bar.changed.connect(self.apply_filter)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_current)
        self.view.activated.connect(  # Enter on a row: edit it in the detail pane
            lambda _index: self.detail.form.editor("title").widget.setFocus())
        self.view.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._show_current())
        self.proxy.layoutChanged.connect(self._count)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        self.proxy.modelReset.connect(self._count)

        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_action)
        buttons.addWidget(self.delete_action)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        table_layout.addLayout(buttons)
        table_layout.addWidget(self.error)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("actions")
        splitter.addWidget(table_box)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        self.detail.setMinimumWidth(340)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    # --- loading and following changes ------------------------------------------------------

    def load(self) -> None:
        """Read the filter choices and the first FIRST_ROWS actions (one LIMIT query: on
        screen at once however many there are); the rest is read by a worker thread after
        the first paint, and added as rows when it arrives (finish_loading waits for it)."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            current = self.current_uid() or self._wanted
            self._load_choices()
            first = tables.action_rows(self.context.copy, limit=FIRST_ROWS)
            self._load_number += 1
            self.loading = len(first) == FIRST_ROWS
            self._first_uids = [row.uid for row in first] if self.loading else []
            self.model.set_rows(first)
            self.loaded = True
            self._wanted = "" if self.select(current) or not self.loading else current
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._count()
        if self.loading:
            number = self._load_number
            QTimer.singleShot(0, lambda: self._read_rest(number))

    def _read_rest(self, number: int) -> None:
        """Start the worker thread that reads every action (its own database connection)."""
        if number != self._load_number or not self.loading:
            return
        copy = self.context.copy  # a failure: the GUI thread reads again itself
        read_in_background(lambda: tables.action_rows(copy), self._rest_read, number)

    def _rest_arrived(self, number: int, rows: object) -> None:
        if number != self._load_number or not self.loading:
            return
        if not isinstance(rows, list):  # the worker failed: read here (errors as ever)
            rows = tables.action_rows(self.context.copy)
        self._add_rest(rows)

    def finish_loading(self) -> None:
        """Every action in the table now (the worker's rows, if on the way, are dropped)."""
        if not self.loading:
            return
        self._load_number += 1
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._add_rest(tables.action_rows(self.context.copy))
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _add_rest(self, rows: list[ActionSummary]) -> None:
        self.loading = False
        first = len(self._first_uids)
        if [row.uid for row in rows[:first]] == self._first_uids:
            self.model.append_rows(rows[first:])
        else:  # changed since the first rows were read
            current = self.current_uid()
            self.model.set_rows(rows)
            self.select(current)
        self._first_uids = []
        if self._wanted and self.select(self._wanted):
            self._show_current()
        self._wanted = ""
        if self._archived_shown:
            self._widen_status_column()
        self._count()

    def _load_choices(self) -> None:
        records = self.context.records
        plans = {p.uid: str(p.fields["partnership_uid"]) for p in records.list_kind("local-plan")}
        partnerships = [(p.title, p.uid) for p in records.list_kind("partnership")
                        if p.uid in plans.values()]
        self._priorities = {}
        choices: list[tuple[str, str, str]] = []
        for priority in records.list_kind("local-priority"):
            plan = str(priority.fields["plan_uid"])
            self._priorities.setdefault(plan, []).append((priority.title, priority.uid))
            if plan in plans:
                choices.append((priority.title, priority.uid, plans[plan]))
        self.filter_bar.set_choices(partnerships, choices,
                                    [(t.title, t.uid) for t in records.list_kind("theme")])
        self.detail.set_themes([(t.title, t.uid) for t in records.list_kind("theme")])
        self.detail.set_organisations([(o.title, o.uid)
                                       for o in records.list_kind("organisation")])

    def refresh(self, changes: Changes | None) -> None:
        if not self.loaded:
            return
        self.finish_loading()  # rows not read yet might be among the changed ones
        if changes is None or changes.kinds & {"local-priority", "local-plan", "partnership",
                                               "organisation", "theme", "key-issue"}:
            self.load()
            self._show_current()
            return
        deleted = [uid for kind, uid in changes.deleted if kind == "action"]
        touched = [uid for kind, uid in (*changes.created, *changes.updated)
                   if kind == "action"]
        if len(touched) + len(deleted) > MAX_ROW_UPDATES:  # an import: one query for all
            self.load()
            self._show_current()
            return
        if deleted:
            self.model.remove(deleted)
        if touched:
            self.model.upsert(tables.action_rows(self.context.copy, uids=touched))
        if touched or deleted:
            self._count()
        shown = self.detail.record.uid if self.detail.record else None
        if shown in touched or shown in deleted:
            self._show_current()
        elif "progress-update" in changes.kinds:
            self.detail.reload_updates()

    # --- filter and selection ---------------------------------------------------------------

    def apply_filter(self) -> None:
        current = self.current_uid()
        action_filter = self.filter_bar.value()
        self.proxy.set_filter(action_filter)
        self.view.setColumnHidden(PARTNERSHIP_COLUMN, action_filter.partnership_uid is not None)
        if action_filter.show_archived != self._archived_shown:
            self._fit_status_column(action_filter.show_archived)
        self._count()
        if not self.select(current) and self.proxy.rowCount():
            self.view.selectRow(0)
        elif not self.proxy.rowCount():
            self._show_current()

    def _fit_status_column(self, show_archived: bool) -> None:
        """Wide enough for "Completed (archived 2022/23)" while archived actions show; back to
        the width it had when they are hidden again."""
        self._archived_shown = show_archived
        if not show_archived:
            self.view.setColumnWidth(STATUS_COLUMN, self._status_width)
            return
        self._status_width = self.view.columnWidth(STATUS_COLUMN)
        self._widen_status_column()

    def _widen_status_column(self) -> None:
        metrics = self.view.fontMetrics()
        needed = max((metrics.horizontalAdvance(status_text(r)) + 16
                      for r in self.model.rows if r.archived_in), default=0)
        self.view.setColumnWidth(STATUS_COLUMN,
                                 max(self.view.columnWidth(STATUS_COLUMN), needed))

    def show_scope(self, partnership_uid: str | None, priority_uid: str | None,
                   plan_uid: str | None, plan_editable: bool) -> None:
        self.plan_uid = plan_uid
        self.plan_editable = plan_editable
        self.filter_bar.set_scope(partnership_uid, priority_uid)
        self._update_buttons()

    def current_uid(self) -> str:
        index = self.view.currentIndex()
        if not index.isValid():
            return ""
        row = self.proxy.mapToSource(index).row()
        return self.model.rows[row].uid if 0 <= row < len(self.model.rows) else ""

    def current_row(self) -> ActionSummary | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        row = self.proxy.mapToSource(index).row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def select(self, uid: str | None) -> bool:
        if not uid:
            return False
        if uid == self.current_uid():  # still shown after a filter change: no look-up
            self.view.scrollTo(self.view.currentIndex())
            return True
        row = self.model.row_of(uid)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    def reveal(self, uid: str) -> None:
        """Select an action, clearing the filters that hide it."""
        if self.model.row_of(uid) < 0:
            self.finish_loading()
        if not self.select(uid):
            row = self.model.row_of(uid)
            if row >= 0:
                summary = self.model.rows[row]
                self.filter_bar.reset()
                if summary.archived_in:
                    self.filter_bar.archived.setChecked(True)
                self.filter_bar.set_scope(summary.partnership_uid, None)
                self.select(uid)

    def _show_current(self) -> None:
        summary = self.current_row()
        record = None
        if summary is not None:
            record = self.context.records.get(summary.uid)
        editable = summary is not None and summary.editable
        priorities = self._priorities.get(summary.plan_uid, []) if summary else []
        self.detail.show_action(record, editable, priorities)
        self._update_buttons()

    def _update_buttons(self) -> None:
        can_add = self.plan_uid is not None and self.plan_editable
        if can_add != self.new_action.isEnabled():
            self.can_add_changed.emit(can_add)
        self.new_action.setEnabled(can_add)
        self.new_action.setToolTip("Add an action to this local plan (Ctrl+N)"
                                   if self.plan_uid else
                                   "Choose a partnership in the navigator first")
        summary = self.current_row()
        self.delete_action.setEnabled(summary is not None and summary.editable
                                      and not summary.archived_in)

    def _count(self, *_args: object) -> None:
        self.filter_bar.show_count(self.proxy.rowCount(), self.model.rowCount(),
                                   self.model.archived_count(), self.loading)

    # --- edits ------------------------------------------------------------------------------

    def add_action(self) -> None:
        if self.plan_uid is None or not self.plan_editable:
            return
        plan_uid = self.plan_uid
        selected = self.current_row()
        priority = self.filter_bar.priority.currentData() or (
            selected.priority_uid if selected and selected.plan_uid == plan_uid else None)

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("action", {**values, "plan_uid": plan_uid})
            self.reveal(uid)
            self.detail.form.editor("partners").widget.setFocus()

        organisations = [(o.title, o.uid) for o in self.context.records.list_kind("organisation")]
        RecordDialog(self, "New action", "action", NEW_ACTION_FIELDS, submit,
                     values={"priority_uid": priority, "status": "not-started",
                             "rag": "not-rated"},
                     options={"priority_uid": self._priorities.get(plan_uid, []),
                              "lead_organisation_uid": organisations},
                     ok_text="&Add").open()

    def delete_current(self) -> None:
        summary = self.current_row()
        if summary is None or not summary.editable or summary.archived_in:
            return
        row = self.view.currentIndex().row()
        try:
            self.context.edits.delete(summary.uid)
        except CsaError as exc:
            self.error.show_message(str(exc))
            self.context.show_message(f"Not deleted: {exc}")
            return
        self.error.show_message("")
        self.context.show_message("Deleted the action and its progress updates. "
                                  "Undo (Ctrl+Z) brings them back.")
        count = self.proxy.rowCount()
        if count:
            index = self.proxy.index(min(row, count - 1), 0)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self.view.setFocus()

    def shown_uids(self) -> list[str]:
        """The uids of the actions the table shows, in the order it shows them."""
        rows = self.model.rows
        return [rows[self.proxy.mapToSource(self.proxy.index(n, 0)).row()].uid
                for n in range(self.proxy.rowCount())]

    def export_shown(self, path: Path | None = None) -> Path | None:
        """Save the actions shown (asks where unless `path` is given); the file written."""
        self.finish_loading()
        uids = self.shown_uids()
        if path is None:
            path = ask_export_path(self, "Export the actions shown", "actions.xlsx")
            if path is None:
                return None
        try:
            written = export_actions(self.context.copy, uids, path)
        except CsaError as exc:
            self.error.show_message(f"Not exported: {exc}")
            return None
        self.error.show_message("")
        self.context.show_message(f"Saved {len(uids):,} actions to {written}")
        return written

    def focus_filter(self) -> None:
        self.filter_bar.text.setFocus()
        self.filter_bar.text.selectAll()

