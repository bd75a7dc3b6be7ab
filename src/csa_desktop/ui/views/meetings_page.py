"""The boards' meetings: the county's and each partnership's, the coming ones first; add, edit
and delete. The dashboard's "What is due" and `csa due` list the next meeting of each body."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.services.meetings import MeetingSummary, meeting_rows
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading

MEETING_FIELDS = ("body", "held_on", "partnership_uid")


def meeting_columns() -> list[Column[MeetingSummary]]:
    return [
        Column("Date", lambda m: m.date_text, width=18,
               sort_key=lambda m: m.held_on.isoformat() if m.held_on else ""),
        Column("When", lambda m: m.when, width=14,
               sort_key=lambda m: m.days_away if m.days_away is not None else 10**6),
        Column("Body", lambda m: m.body, width=40, stretch=True),
        Column("Partnership", lambda m: m.partnership, width=28),
    ]


class MeetingsPage(EditorPage):
    kinds = frozenset({"meeting", "partnership"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = ColumnsTableModel(meeting_columns(), lambda m: m.uid, self)
        self.view = table_view(self.model, sortable=True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.panel = RecordsPanel(context, self.view, "meeting", can_move=False)
        self.panel.add_requested.connect(self.add_meeting)
        self.panel.edit_requested.connect(self.edit_meeting)
        self.panel.current_changed.connect(lambda _uid: self._show_scope())
        self.banner = ReadOnlyBanner()
        hint = QLabel("The meetings of the county's board and of each partnership's, the "
                      "coming ones first. The dashboard's \u201cWhat is due\u201d and the due "
                      "list show the next meeting of each body.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Meetings"))
        layout.addWidget(hint)
        layout.addWidget(self.banner)
        layout.addWidget(self.panel, 1)

    def reload(self) -> None:
        current = self.panel.current_uid()
        self.model.set_rows(meeting_rows(self.context.copy))
        if not self.panel.select(current):
            self.panel.select_row(0)
        self._show_scope()

    def _partnerships(self) -> list[tuple[str, str]]:
        """The partnerships this copy may record meetings for (the lead: all of them)."""
        records = self.context.records
        return [(p.title, p.uid) for p in records.list_kind("partnership")
                if records.can_create("meeting", {"partnership_uid": p.uid})]

    def _may_add(self) -> bool:
        records = self.context.records
        return bool(self._partnerships()) or records.can_create("meeting", {})

    def _show_scope(self) -> None:
        row = self.model.row_of(self.panel.current_uid())
        current = self.model.rows[row] if row >= 0 else None
        may_add = self._may_add()
        editable = current.editable if current is not None else may_add
        self.panel.set_editable(editable)
        if "add" in self.panel.buttons:
            self.panel.buttons["add"].setEnabled(may_add)
        self.banner.show_for(editable, "this meeting is " + self.context.scope_reason("meeting"))

    def add_meeting(self) -> None:
        if not self._may_add():
            return
        partnerships = self._partnerships()
        county = self.context.records.can_create("meeting", {})
        start: dict[str, Value] = {}
        if not county and partnerships:  # a district: its own board's meeting
            start["partnership_uid"] = partnerships[0][1]

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("meeting", values)
            self.panel.select(uid)

        RecordDialog(self, "Add meeting", "meeting", MEETING_FIELDS, submit,
                     options={"partnership_uid": partnerships}, values=start,
                     ok_text="&Add").open()

    def edit_meeting(self, uid: str) -> None:
        record = self.context.records.get(uid)
        RecordDialog(self, "Edit meeting", "meeting", MEETING_FIELDS,
                     lambda values: self.context.edits.edit(uid, values),
                     values=record.fields, options={"partnership_uid": self._partnerships()},
                     ok_text="&Save").open()

