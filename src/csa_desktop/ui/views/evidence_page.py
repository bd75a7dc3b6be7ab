"""Evidence from the strategic assessment: a sortable table with add, edit and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.services import tables
from csa_desktop.services.tables import EvidenceSummary
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading

EVIDENCE_FIELDS = ("topic", "statement", "area_uid", "assessment", "figure", "period", "source",
                   "restricted")


def evidence_columns() -> list[Column[EvidenceSummary]]:
    return [
        Column("Topic", lambda e: e.topic, width=30),
        Column("Area", lambda e: e.area_name or "County-wide", width=16),
        Column("Statement", lambda e: e.statement.replace("\n", " "), width=60,
               tooltip=lambda e: e.statement),
        Column("Figure", lambda e: e.figure or "", width=18),
        Column("Period", lambda e: e.period or "", width=14),
        Column("Assessment", lambda e: e.assessment or "", width=26),
        Column("Source", lambda e: e.source or "", width=30),
    ]


class EvidencePage(EditorPage):
    kinds = frozenset({"evidence-item", "area"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = ColumnsTableModel(evidence_columns(), lambda e: e.uid, self)
        self.view = table_view(self.model, sortable=True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.panel = RecordsPanel(context, self.view, "evidence item", can_move=False)
        self.panel.add_requested.connect(self.add_item)
        self.panel.edit_requested.connect(self.edit_item)
        self.panel.current_changed.connect(lambda _uid: self._show_scope())
        self.banner = ReadOnlyBanner()
        self.hint = QLabel("Evidence for an area can be changed by copies whose partnerships "
                           "cover that area; county-wide evidence by the editorial group and "
                           "the county lead.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Evidence"))
        layout.addWidget(self.hint)
        layout.addWidget(self.banner)
        layout.addWidget(self.panel, 1)

    def reload(self) -> None:
        current = self.panel.current_uid()
        self.model.set_rows(tables.evidence_rows(self.context.copy))
        self.panel.set_editable(True)
        if not self.panel.select(current):
            self.panel.select_row(0)
        self._show_scope()

    def _current(self) -> EvidenceSummary | None:
        row = self.model.row_of(self.panel.current_uid())
        return self.model.rows[row] if row >= 0 else None

    def _show_scope(self) -> None:
        """Editing buttons follow the selected item: read-only ones say why."""
        item = self._current()
        editable = item is None or item.editable
        self.panel.set_editable(editable)
        if "add" in self.panel.buttons:
            self.panel.buttons["add"].setEnabled(True)
        self.banner.show_for(editable, "the selected evidence item is " +
                             self.context.scope_reason("evidence-item"))

    def _area_options(self) -> list[tuple[str, str]]:
        return [(a.title, a.uid) for a in self.context.records.list_kind("area")]

    def add_item(self) -> None:
        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("evidence-item", values)
            self.panel.select(uid)

        RecordDialog(self, "Add evidence item", "evidence-item", EVIDENCE_FIELDS, submit,
                     options={"area_uid": self._area_options()},
                     text_lines={"statement": 4}, ok_text="&Add").open()

    def edit_item(self, uid: str) -> None:
        record = self.context.records.get(uid)
        RecordDialog(self, "Edit evidence item", "evidence-item", EVIDENCE_FIELDS,
                     lambda values: self.context.edits.edit(uid, values),
                     values=record.fields, options={"area_uid": self._area_options()},
                     text_lines={"statement": 4}, ok_text="&Save").open()
