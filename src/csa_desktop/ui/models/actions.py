"""The actions table: every action of every plan (tens of thousands), a filter proxy, and
row-by-row updates so an edit never reloads the whole table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS
from csa_desktop.services.tables import ActionFilter, ActionSummary, search_text
from csa_desktop.ui.forms import choice_label
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
        self._haystacks: dict[str, str] = {}
        self._index: dict[str, int] | None = None
        self._archived: int | None = None

    def set_rows(self, rows: Sequence[ActionSummary]) -> None:
        self._haystacks.clear()
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

    def haystack(self, row: ActionSummary) -> str:
        text = self._haystacks.get(row.uid)
        if text is None:
            text = self._haystacks[row.uid] = search_text(row)
        return text

    def haystacks(self) -> dict[str, str]:
        """Every row's search text by uid (worked out in one pass the first time)."""
        if len(self._haystacks) < len(self.rows):
            missing = [row for row in self.rows if row.uid not in self._haystacks]
            self._haystacks.update((row.uid, search_text(row)) for row in missing)
        return self._haystacks

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
            self._haystacks.pop(row.uid, None)
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

    def remove(self, uids: Iterable[str]) -> None:
        self._archived = None
        for uid in uids:
            number = self.row_of(uid)
            if number < 0:
                continue
            self.beginRemoveRows(QModelIndex(), number, number)
            del self.rows[number]
            self._haystacks.pop(uid, None)
            self._index = None
            self.endRemoveRows()


class ActionsFilterProxyModel(QSortFilterProxyModel):
    """Filters by the filter bar (ActionFilter); sorting is done by the source model in one
    pass (QSortFilterProxyModel's own sort calls data() for every comparison).

    Verdicts are worked out in one Python pass when the filter changes and kept per row
    object, so filterAcceptsRow (called once per row from C++) stays a set look-up; a row
    replaced by an edit is a new object and gets a fresh verdict. With no criterion chosen
    the only test is whether a row is archived (shown only with "Show archived").
    """

    def __init__(self, source: ActionsTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.source = source
        self.filter = ActionFilter()
        self._accept_all = False  # archived actions are hidden until asked for
        self._current_only = True  # no criterion: every row that is not archived
        self._judged: list[ActionSummary] = []  # kept alive, so their ids stay theirs
        self._judged_ids: set[int] = set()
        self._passed_ids: set[int] = set()
        self._today = source.today()

    def set_filter(self, action_filter: ActionFilter) -> None:
        if action_filter == self.filter:
            return
        self.filter = action_filter
        self._accept_all = action_filter.empty and action_filter.show_archived
        self._current_only = action_filter.empty and not action_filter.show_archived
        self._today = self.source.today()
        self._judged, self._judged_ids, self._passed_ids = [], set(), set()
        if not action_filter.empty:
            rows = self.source.rows
            texts = self.source.haystacks() if action_filter.text.strip() else {}
            passed = action_filter.select(rows, self._today, lambda r: texts[r.uid])
            self._judged = list(rows)
            self._judged_ids = {id(row) for row in rows}
            self._passed_ids = {id(row) for row in passed}
        self.invalidate()  # one layout change: far quicker than many row removals

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._accept_all:
            return True
        row = self.source.rows[source_row]
        if self._current_only:
            return row.archived_in is None
        key = id(row)
        if key in self._passed_ids:
            return True
        if key in self._judged_ids:
            return False
        # a row added or replaced since the filter was set
        return self.filter.matches(row, self._today, self.source.haystack(row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)
