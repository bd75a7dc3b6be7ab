"""Named custom item roles shared by the models and the views that read them."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

_USER = Qt.ItemDataRole.UserRole.value

UID_ROLE = _USER + 1  # the record's uid (str)
KIND_ROLE = _USER + 2  # the record kind or navigator node kind (str)
SORT_ROLE = _USER + 3  # a value that sorts as people expect (dates as ISO text, RAG by severity)
RECORD_ROLE = _USER + 4  # the Record / summary object behind a row
EDITABLE_ROLE = _USER + 5  # whether this copy may change the row's record (bool)
PARTNERSHIP_ROLE = _USER + 6  # the partnership uid a row belongs to (str)
PRIORITY_ROLE = _USER + 7  # the local priority uid a row belongs to (str | None)

NO_INDEX = QModelIndex()  # the invisible root, as a default argument of model methods
