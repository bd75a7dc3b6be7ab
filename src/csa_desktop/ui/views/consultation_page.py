"""The consultation record: who was consulted on the agreement, how and when, what they said
and what changed; a sortable table with add, edit and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value, choice_label
from csa_desktop.services.consultations import ConsultationSummary, consultation_rows
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading

CONSULTATION_FIELDS = ("consultee", "consultee_kind", "method", "opened", "closed", "summary",
                       "outcome", "section_uids", "key_issue_uids")


def consultation_columns() -> list[Column[ConsultationSummary]]:
    return [
        Column("Consultee", lambda c: c.consultee, width=28),
        Column("Kind", lambda c: choice_label(c.consultee_kind), width=8),
        Column("Method", lambda c: c.method, width=20),
        Column("When", lambda c: c.when, width=26,
               sort_key=lambda c: c.opened.isoformat() if c.opened else ""),
        Column("What changed", lambda c: c.outcome.replace("\n", " "), width=50,
               tooltip=lambda c: c.outcome),
        Column("Touched", lambda c: c.touched, width=30, tooltip=lambda c: c.touched),
    ]


class ConsultationPage(EditorPage):
    kinds = frozenset({"consultation", "section", "key-issue"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = ColumnsTableModel(consultation_columns(), lambda c: c.uid, self)
        self.view = table_view(self.model, sortable=True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.panel = RecordsPanel(context, self.view, "consultation", can_move=False)
        self.panel.add_requested.connect(self.add_item)
        self.panel.edit_requested.connect(self.edit_item)
        self.panel.current_changed.connect(lambda _uid: self._show_scope())
        self.banner = ReadOnlyBanner()
        self.hint = QLabel("Who was consulted on the agreement, how and when, what they said "
                           "and what changed as a result. The agreement prints them as its "
                           "consultation appendix (people as individual respondents, never by "
                           "name) and the committee report lists them.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Consultation"))
        layout.addWidget(self.hint)
        layout.addWidget(self.banner)
        layout.addWidget(self.panel, 1)

    def reload(self) -> None:
        current = self.panel.current_uid()
        self.model.set_rows(consultation_rows(self.context.copy))
        if not self.panel.select(current):
            self.panel.select_row(0)
        self._show_scope()

    def _current(self) -> ConsultationSummary | None:
        row = self.model.row_of(self.panel.current_uid())
        return self.model.rows[row] if row >= 0 else None

    def _may_add(self) -> bool:
        agreements = self.context.records.list_kind("agreement")
        return bool(agreements) and self.context.records.can_create(
            "consultation", {"agreement_uid": agreements[0].uid})

    def _show_scope(self) -> None:
        item = self._current()
        may_add = self._may_add()
        editable = item.editable if item is not None else may_add
        self.panel.set_editable(editable)
        if "add" in self.panel.buttons:
            self.panel.buttons["add"].setEnabled(may_add)
        self.banner.show_for(editable, "the consultation record is " +
                             self.context.scope_reason("consultation"))

    def _options(self) -> dict[str, list[tuple[str, str]]]:
        records = self.context.records
        return {
            "section_uids": [(s.title, s.uid) for s in records.list_kind("section")],
            "key_issue_uids": [(k.title, k.uid) for k in records.list_kind("key-issue")],
        }

    def add_item(self) -> None:
        agreements = self.context.records.list_kind("agreement")
        if not agreements:
            self.context.show_message("Start the agreement first: a consultation belongs to it.")
            return

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create(
                "consultation", {"agreement_uid": agreements[0].uid, **values})
            self.panel.select(uid)

        RecordDialog(self, "Add consultation", "consultation", CONSULTATION_FIELDS, submit,
                     options=self._options(), values={"consultee_kind": "body"},
                     text_lines={"summary": 3, "outcome": 3}, ok_text="&Add").open()

    def edit_item(self, uid: str) -> None:
        record = self.context.records.get(uid)
        RecordDialog(self, "Edit consultation", "consultation", CONSULTATION_FIELDS,
                     lambda values: self.context.edits.edit(uid, values),
                     values=record.fields, options=self._options(),
                     text_lines={"summary": 3, "outcome": 3}, ok_text="&Save").open()
