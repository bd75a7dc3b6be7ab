"""The actions table: every action of every plan (tens of thousands), a filter proxy, and
row-by-row updates so an edit never reloads the whole table."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS, choice_label
from csa_desktop.services.tables import ActionFilter, ActionSummary
from csa_desktop.ui.icons import rag_icon
from csa_desktop.ui.models.roles import PARTNERSHIP_ROLE, PRIORITY_ROLE
from csa_desktop.ui.models.tables import Column, ColumnsTableModel

Index = QModelIndex | QPersistentModelIndex
RAG_ORDER = {rag: number for number, rag in enumerate(RAGS)}
STATUS_ORDER = {status: number for number, status in enumerate(ACTION_STATUSES)}
OVERDUE_COLOUR = QColor("#b00020")
ARCHIVED_COLOUR = QColor("#6b6b6b")


def format_date(value: object) -> str:
    """'4 Jul 2022' (day without a leading zero on every platform); '' for no date."""
    return f"{value.day} {value:%b %Y}" if isinstance(value, dt.date) else ""


def status_text(action: ActionSummary) -> str:
    """'Completed', or 'Completed (archived 2022/23)' for an action an annual refresh closed."""
    text = choice_label(action.status)
    return f"{text} (archived {action.archived_in})" if action.archived_in else text


def _status_tooltip(action: ActionSummary) -> str:
    if not action.archived_in:
        return choice_label(action.status)
    return (f"{choice_label(action.status)}: archived when the {action.archived_in} refresh "
            "closed. Kept with its progress updates; no longer part of the plan in progress.")


def _columns() -> list[Column[ActionSummary]]:
    return [
        Column("What we will do", lambda a: a.title, width=32),
        Column("Partnership", lambda a: a.partnership_name, width=18),
        Column("Due", lambda a: format_date(a.due_on), lambda a: a.due_on, width=10),
        Column("Status", status_text,
               lambda a: (STATUS_ORDER.get(a.status, len(STATUS_ORDER)), a.archived_in or ""),
               tooltip=_status_tooltip, width=12),
        Column("RAG", lambda a: choice_label(a.rag), lambda a: RAG_ORDER.get(a.rag),
               icon=lambda a: rag_icon(a.rag), width=9),
        Column("Priority", lambda a: a.priority_title or "", width=20),
        Column("Lead organisation", lambda a: a.lead_organisation_name or "", width=20),
        Column("Lead (post)", lambda a: a.lead_role or "", width=16),
        Column("Who else is involved", lambda a: a.partners or "", width=20),
        Column("Start", lambda a: format_date(a.start_on), lambda a: a.start_on, width=10),
    ]


TITLE_COLUMN, PARTNERSHIP_COLUMN, DUE_COLUMN, STATUS_COLUMN, RAG_COLUMN, PRIORITY_COLUMN = range(6)


class ActionsTableModel(ColumnsTableModel[ActionSummary]):
    def __init__(self, today: Callable[[], dt.date] = dt.date.today, parent: Any = None) -> None:
        super().__init__(_columns(), lambda a: a.uid, parent)
        self.today = today
        self._index: dict[str, int] | None = None
        self._archived: int | None = None

    def set_rows(self, rows: Sequence[ActionSummary]) -> None:
        self._index = None
        self._archived = None
        super().set_rows(rows)

    def archived_count(self) -> int:
        """How many rows an annual refresh archived."""
        if self._archived is None:
            self._archived = sum(1 for row in self.rows if row.archived_in)
        return self._archived

    def row_of(self, uid: str) -> int:
        if self._index is None:
            self._index = {row.uid: number for number, row in enumerate(self.rows)}
        return self._index.get(uid, -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == PARTNERSHIP_ROLE and index.isValid():
            return self.rows[index.row()].partnership_uid
        if role == PRIORITY_ROLE and index.isValid():
            return self.rows[index.row()].priority_uid
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.rows[index.row()]
            if row.archived_in:
                return QBrush(ARCHIVED_COLOUR)
            if index.column() == DUE_COLUMN and row.overdue(self.today()):
                return QBrush(OVERDUE_COLOUR)
            return None
        if (role == Qt.ItemDataRole.ToolTipRole and index.isValid()
                and index.column() == DUE_COLUMN
                and self.rows[index.row()].overdue(self.today())):
            return f"Overdue: was due {format_date(self.rows[index.row()].due_on)}"
        return super().data(index, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._index = None
        super().sort(column, order)

    def upsert(self, rows: Iterable[ActionSummary]) -> None:
        """Replace rows with the same uid in place; add new ones at the end."""
        new: list[ActionSummary] = []
        self._archived = None
        for row in rows:
            number = self.row_of(row.uid)
            if number < 0:
                new.append(row)
                continue
            self.rows[number] = row
            self.dataChanged.emit(self.index(number, 0),
                                  self.index(number, len(self.columns) - 1))
        if new:
            for row in new:
                self._natural.setdefault(row.uid, len(self._natural))
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self.rows.extend(new)
            self._index = None
            self.endInsertRows()

    def append_rows(self, rows: Sequence[ActionSummary]) -> None:
        """Add rows after the ones shown (the rest of a table loaded in stages); a sorted table
        sorts them in with one layout change."""
        if not rows:
            return
        self._archived = None
        start = len(self.rows)
        index = self._index if self._index is not None else {
            row.uid: n for n, row in enumerate(self.rows)}
        index.update((row.uid, start + n) for n, row in enumerate(rows))
        self._index = index  # built now, while loading, not on the first look-up
        for row in rows:
            self._natural.setdefault(row.uid, len(self._natural))
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def remove(self, uids: Iterable[str]) -> None:
        self._archived = None
        for uid in uids:
            number = self.row_of(uid)
            if number < 0:
                continue
            self.beginRemoveRows(QModelIndex(), number, number)
            del self.rows[number]
            self._index = None
            self.endRemoveRows()


class ActionsFilterProxyModel(QAbstractProxyModel):
    """Filters by the filter bar (ActionFilter); sorting is done by the source model in one
    pass (a proxy's own sort would call data() for every comparison).

    The rows shown are a Python list of source row numbers, in source order, worked out in
    one pass when the filter changes (no per-row call from C++, as QSortFilterProxyModel's
    filterAcceptsRow would be); a filter change is one layout change that keeps the current
    row and selection where they still show. Rows the source adds, replaces or removes are
    judged one by one and inserted or removed as rows. With no criterion chosen the only
    test is whether a row is archived (shown only with "Show archived").
    """

    def __init__(self, source: ActionsTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.source = source
        self.filter = ActionFilter()
        self._today = source.today()
        self._rows: list[int] = []  # source row numbers shown, ascending
        self._saved: list[tuple[QModelIndex, ActionSummary | None, int, int]] = []
        self._shown_ids: set[int] = set()
        self._pending_removal: tuple[int, int] | None = None
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._source_reset)
        source.layoutAboutToBeChanged.connect(self._source_layout_about_to_change)
        source.layoutChanged.connect(self._source_layout_changed)
        source.rowsAboutToBeRemoved.connect(self._source_rows_about_to_be_removed)
        source.rowsRemoved.connect(self._source_rows_removed)
        source.rowsInserted.connect(self._source_rows_inserted)
        source.dataChanged.connect(self._source_data_changed)
        self._rows = self._select()

    # --- the filter ---------------------------------------------------------------------------

    def set_filter(self, action_filter: ActionFilter) -> None:
        if action_filter == self.filter:
            return
        self.filter = action_filter
        self._today = self.source.today()
        self.layoutAboutToBeChanged.emit()
        self._save_persistent()
        self._rows = self._select()
        self._restore_persistent(same_order=True)
        self.layoutChanged.emit()

    def _select(self) -> list[int]:
        """Source row numbers passing the filter, in one pass."""
        rows = self.source.rows
        if self.filter.empty and self.filter.show_archived:
            return list(range(len(rows)))
        return self.filter.select_indices(rows, self._today)

    def _accepts(self, row: ActionSummary) -> bool:
        return self.filter.matches(row, self._today)

    def _save_persistent(self) -> None:
        """Note each persistent index's source row (place and value) before a layout change."""
        source_rows = self.source.rows
        self._saved = []
        for index in self.persistentIndexList():
            number = self._rows[index.row()] if 0 <= index.row() < len(self._rows) else -1
            value = source_rows[number] if 0 <= number < len(source_rows) else None
            self._saved.append((index, value, number, index.column()))

    def _restore_persistent(self, same_order: bool = False) -> None:
        """Persistent indexes (the view's current row and selection) follow their source rows,
        or become invalid where those are hidden now. `same_order`: the source rows have not
        moved (a filter change), so no look-up of their new places is needed."""
        if not self._saved:
            return
        places = {} if same_order else {id(row): n for n, row in enumerate(self.source.rows)}
        old: list[QModelIndex] = []
        new: list[QModelIndex] = []
        for index, value, number, column in self._saved:
            old.append(index)
            if value is None:
                number = -1
            elif not same_order:
                number = places.get(id(value), -1)
            row = self._proxy_row(number) if number >= 0 else -1
            new.append(self.createIndex(row, column) if row >= 0 else QModelIndex())
        self._saved = []
        self.changePersistentIndexList(old, new)

    def _proxy_row(self, source_row: int) -> int:
        place = bisect_left(self._rows, source_row)
        return place if place < len(self._rows) and self._rows[place] == source_row else -1

    # --- following the source ----------------------------------------------------------------

    def _source_reset(self) -> None:
        self._today = self.source.today()
        self._rows = self._select()
        self.endResetModel()

    def _source_layout_about_to_change(self) -> None:
        self.layoutAboutToBeChanged.emit()
        self._save_persistent()
        rows = self.source.rows
        self._shown_ids = {id(rows[n]) for n in self._rows}

    def _source_layout_changed(self) -> None:
        shown = self._shown_ids
        self._rows = [n for n, row in enumerate(self.source.rows) if id(row) in shown]
        self._shown_ids = set()
        self._restore_persistent()
        self.layoutChanged.emit()

    def _source_rows_about_to_be_removed(self, parent: Index, first: int, last: int) -> None:
        start = bisect_left(self._rows, first)
        end = bisect_left(self._rows, last + 1)
        self._pending_removal = (start, end)
        if end > start:
            self.beginRemoveRows(QModelIndex(), start, end - 1)

    def _source_rows_removed(self, parent: Index, first: int, last: int) -> None:
        start, end = self._pending_removal or (0, 0)
        self._pending_removal = None
        count = last - first + 1
        self._rows[start:end] = []
        self._rows[start:] = [n - count for n in self._rows[start:]]
        if end > start:
            self.endRemoveRows()

    def _source_rows_inserted(self, parent: Index, first: int, last: int) -> None:
        count = last - first + 1
        start = bisect_left(self._rows, first)
        self._rows[start:] = [n + count for n in self._rows[start:]]
        new = self.source.rows[first:last + 1]
        added = [first + n for n in self.filter.select_indices(new, self._today)]
        if added:
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows[start:start] = added
            self.endInsertRows()

    def _source_data_changed(self, top_left: Index, bottom_right: Index,
                             roles: Sequence[int] = ()) -> None:
        rows = self.source.rows
        last_column = self.columnCount() - 1
        for number in range(top_left.row(), bottom_right.row() + 1):
            row = self._proxy_row(number)
            passes = self._accepts(rows[number])
            if row >= 0 and passes:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))
            elif row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            elif passes:
                place = bisect_left(self._rows, number)
                self.beginInsertRows(QModelIndex(), place, place)
                self._rows.insert(place, number)
                self.endInsertRows()

    # --- the proxy ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.source.columnCount()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if (parent.isValid() or not 0 <= row < len(self._rows)
                or not 0 <= column < self.source.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: Index | None = None) -> Any:
        """No index: the QObject parent; an index: none (a flat table)."""
        return QObject.parent(self) if index is None else QModelIndex()

    def sibling(self, row: int, column: int, index: Index) -> QModelIndex:
        return self.index(row, column)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._rows)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._rows):
            return QModelIndex()
        return self.source.index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._proxy_row(source_index.row())
        return self.createIndex(row, source_index.column()) if row >= 0 else QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.source.data(self.source.index(self._rows[index.row()], index.column()), role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return self.source.headerData(section, orientation, role)
        return section + 1 if role == Qt.ItemDataRole.DisplayRole else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)
