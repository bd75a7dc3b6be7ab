"""Generic list and table models over plain values (Records or table summaries).

Columns are declared once (header, text, sort key); sorting happens in Python on the model's
own rows, so even a large table sorts in one pass instead of calling data() per comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon

from csa_desktop.domain.records import Record
from csa_desktop.ui.models.roles import (
    EDITABLE_ROLE,
    NO_INDEX,
    RECORD_ROLE,
    SORT_ROLE,
    UID_ROLE,
)

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    sort_key: Callable[[T], Any] | None = None  # default: the text, case-folded
    icon: Callable[[T], QIcon | None] | None = None
    tooltip: Callable[[T], str] | None = None
    width: int = 0  # starting width in characters (0: let the view decide)
    stretch: bool = False  # takes the width left over


def _editable(row: object) -> bool:
    return bool(getattr(row, "editable", True))


class ColumnsTableModel(QAbstractTableModel, Generic[T]):
    """Rows of T shown through Column declarations; `uid_of` names each row's record."""

    def __init__(self, columns: Sequence[Column[T]], uid_of: Callable[[T], str],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.uid_of = uid_of
        self.rows: list[T] = []
        self._natural: dict[str, int] = {}  # uid -> place in the order given
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._editable_of: Callable[[T], bool] = _editable

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        uid_of = self.uid_of
        self._natural = {uid_of(row): number for number, row in enumerate(self.rows)}
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def row_of(self, uid: str) -> int:
        for number, row in enumerate(self.rows):
            if self.uid_of(row) == uid:
                return number
        return -1

    def row_value(self, row: int) -> T:
        return self.rows[row]

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns)
                and role in (DISPLAY, Qt.ItemDataRole.ToolTipRole)):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self.rows) and 0 <= column < len(self.columns)):
            return None
        value = self.rows[row]
        spec = self.columns[column]
        if role == DISPLAY:
            return spec.text(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.tooltip(value) if spec.tooltip else spec.text(value)
        if role == Qt.ItemDataRole.DecorationRole:
            return spec.icon(value) if spec.icon else None
        if role == SORT_ROLE:
            return str(spec.sort_key(value) if spec.sort_key else spec.text(value).casefold())
        if role == UID_ROLE:
            return self.uid_of(value)
        if role == RECORD_ROLE:
            return value
        if role == EDITABLE_ROLE:
            return self._editable_of(value)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{spec.header}: {spec.text(value)}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; column -1 puts the rows back in the order they were given."""
        if column >= len(self.columns) or (column < 0 and self._sort is None):
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_places = [(self.rows[i.row()], i.column()) for i in old_persistent]
        if column < 0:
            self._sort = None
            natural, uid_of = self._natural, self.uid_of
            self.rows.sort(key=lambda row: natural.get(uid_of(row), len(natural)))
        else:
            self._sort = (column, order)
            self._sort_rows(column, order)
        new_rows = {id(value): number for number, value in enumerate(self.rows)}
        self.changePersistentIndexList(
            old_persistent,
            [self.index(new_rows[id(value)], place) for value, place in old_places],
        )
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        spec = self.columns[column]
        key = spec.sort_key or (lambda value: spec.text(value).casefold())
        self.rows.sort(key=_none_last(key),
                       reverse=order == Qt.SortOrder.DescendingOrder)


class HeaderedTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table of `rows` under fixed HEADERS: row and column counts and headers.

    Subclasses give data() for their own rows (dialogs' small tables).
    """

    HEADERS: tuple[str, ...] = ()

    def __init__(self, rows: Sequence[T], parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[T] = list(rows)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: Index) -> T | None:
        """The row behind a valid index, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == DISPLAY
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None


def _none_last(key: Callable[[T], Any]) -> Callable[[T], tuple[bool, Any]]:
    def wrapped(value: T) -> tuple[bool, Any]:
        result = key(value)
        return (result is None or result == "", result if result is not None else "")
    return wrapped


RECORD_MIME_TYPE = "application/x-csa-desktop-record-uid"


class RecordListModel(QAbstractListModel):
    """Records in their stored order; `editable_field` may be edited in place, and rows may be
    dragged to a new place. Both only ask (signals): the copy changes through the undo stack,
    and the list follows when it has."""

    edit_requested = Signal(str, object)  # uid, new text
    move_requested = Signal(str, int)  # uid, the row it was dropped before (rowCount: the end)

    def __init__(self, title: Callable[[Record], str] | None = None,
                 editable_field: str | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.records: list[Record] = []
        self.title = title or (lambda record: record.title)
        self.editable_field = editable_field
        self.editable = True

    def set_records(self, records: Sequence[Record], editable: bool = True) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.editable = editable
        self.endResetModel()

    def row_of(self, uid: str) -> int:
        for number, record in enumerate(self.records):
            if record.uid == uid:
                return number
        return -1

    def rowCount(self, parent: Index = NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.records)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record = self.records[index.row()]
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.title(record)
        if role == Qt.ItemDataRole.EditRole:
            value = record.fields.get(self.editable_field or "")
            return value if isinstance(value, str) else self.title(record)
        if role == UID_ROLE:
            return record.uid
        if role == RECORD_ROLE:
            return record
        if role == EDITABLE_ROLE:
            return self.editable
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.editable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if self.editable_field and self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [RECORD_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = [i.row() for i in indexes if i.isValid()]
        if rows:
            data.setData(RECORD_MIME_TYPE, QByteArray(self.records[rows[0]].uid.encode()))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        """A drop asks for a move; False, so the view removes nothing itself."""
        if not (self.editable and data.hasFormat(RECORD_MIME_TYPE)):
            return False
        uid = bytes(data.data(RECORD_MIME_TYPE).data()).decode()
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.records)
        if self.row_of(uid) >= 0:
            self.move_requested.emit(uid, row)
        return False

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Asks for the edit (edit_requested); the row changes when the copy has saved it."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable_field:
            return False
        record = self.records[index.row()]
        if value == record.fields.get(self.editable_field):
            return False
        self.edit_requested.emit(record.uid, value)
        return False
