"""Key issues in their order, each with its statement, rationale, linked evidence and its row
of the delivery framework."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QScrollArea, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Record
from csa_desktop.services import tables
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm
from csa_desktop.ui.models.navigator import KEY_ISSUE, Node
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.views.common import (
    EditorPage,
    RecordsPanel,
    list_beside_editor,
    list_view,
    position_after,
)
from csa_desktop.ui.widgets import ErrorLabel, ReadOnlyBanner, heading, make_button

KEY_ISSUE_FIELDS = ("name", "statement", "rationale", "theme_uids", "evidence_uids")
FRAMEWORK_FIELDS = ("lead_partnership_uid", "lead_name", "responsibility", "delivery_mechanism",
                    "reports_to", "frequency")


def _key_issue_title(record: Record) -> str:
    return record.title


class KeyIssuesPage(EditorPage):
    kinds = frozenset({"key-issue", "delivery-framework-row", "evidence-item", "partnership",
                       "agreement", "theme"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.agreement_uid: str | None = None
        self.editable = False
        self.framework_row: Record | None = None
        self.model = RecordListModel(_key_issue_title, parent=self)
        self.list = list_view()
        self.list.setModel(self.model)
        self.panel = RecordsPanel(context, self.list, "key issue", can_edit=False)
        self.panel.add_requested.connect(self.add_key_issue)
        self.panel.current_changed.connect(lambda _uid: self._show_current())

        self.heading = heading("Key issue")
        self.banner = ReadOnlyBanner()
        self.form = RecordForm("key-issue", KEY_ISSUE_FIELDS, context=context,
                               text_lines={"statement": 3, "rationale": 6})
        self.framework = RecordForm("delivery-framework-row", FRAMEWORK_FIELDS, context=context,
                                    labels={"lead_partnership_uid": "Lead partnership or board",
                                            "lead_name": "Lead (as printed)",
                                            "responsibility": "Lead or strategic"},
                                    text_lines={"delivery_mechanism": 3})
        self.add_framework = make_button("Add a delivery &framework row", "add",
                                         self.add_framework_row,
                                         "Name the partnership or board that leads this issue")
        self.framework_error = ErrorLabel()
        group = QGroupBox("Delivery framework")
        group_layout = QVBoxLayout(group)
        group_layout.addWidget(self.framework)
        group_layout.addWidget(self.add_framework, 0, Qt.AlignmentFlag.AlignLeft)
        group_layout.addWidget(self.framework_error)

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(self.heading)
        editor_layout.addWidget(self.banner)
        editor_layout.addWidget(self.form)
        editor_layout.addWidget(group)
        editor_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(editor)
        list_beside_editor(self, "key-issues", "&Key issues, in order", self.panel, scroll, 320)

    def show_node(self, node: Node) -> None:
        super().show_node(node)
        if node.kind == KEY_ISSUE and node.uid:
            self.panel.select(node.uid)
        elif not self.panel.current_uid():
            self.panel.select_row(0)

    def reload(self) -> None:
        records = self.context.records
        agreements = records.list_kind("agreement")
        self.agreement_uid = agreements[0].uid if agreements else None
        self.editable = self.agreement_uid is not None and records.can_create(
            "key-issue", {"agreement_uid": self.agreement_uid})
        evidence = [(f"{row.topic} — {row.area_name or 'county-wide'}", row.uid)
                    for row in tables.evidence_rows(self.context.copy)]
        self.form.set_options("evidence_uids", evidence)
        self.form.set_options("theme_uids",
                              [(t.title, t.uid) for t in records.list_kind("theme")])
        self.framework.set_options("lead_partnership_uid",
                                   [(p.title, p.uid) for p in records.list_kind("partnership")])
        current = self.panel.current_uid()
        row = self.list.currentIndex().row()
        self.model.set_records(records.list_kind("key-issue"), self.editable)
        self.panel.set_editable(self.editable)
        if not self.panel.select(current) and self.model.rowCount():
            self.panel.select_row(row)
        self._show_current()

    def flush(self) -> None:
        self.form.flush()
        self.framework.flush()
        super().flush()

    def current(self) -> Record | None:
        uid = self.panel.current_uid()
        row = self.model.row_of(uid) if uid else -1
        return self.model.records[row] if row >= 0 else None

    def _show_current(self) -> None:
        record = self.current()
        self.form.load(record, self.editable)
        self.heading.setText(record.title if record else "No key issue selected")
        self.banner.show_for(self.editable, self.context.scope_reason("key-issue"))
        rows = (self.context.records.list_kind("delivery-framework-row",
                                               where={"key_issue_uid": record.uid})
                if record else [])
        self.framework_row = rows[0] if rows else None
        self.framework.load(self.framework_row, self.editable)
        self.framework.setVisible(self.framework_row is not None)
        self.add_framework.setVisible(record is not None and self.framework_row is None)
        self.add_framework.setEnabled(self.editable)
        self.framework_error.show_message("")

    def add_key_issue(self) -> None:
        if self.agreement_uid is None or not self.editable:
            return
        agreement_uid = self.agreement_uid
        current = self.current()
        place = position_after(self.model.records, current.uid if current else None)

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create(
                "key-issue", {**values, **place, "agreement_uid": agreement_uid})
            self.panel.select(uid)

        RecordDialog(self, "Add key issue", "key-issue", ("name", "statement"), submit,
                     text_lines={"statement": 3}, ok_text="&Add").open()

    def add_framework_row(self) -> None:
        record = self.current()
        if record is None:
            return
        uid = record.uid
        if self.run(lambda: self.context.edits.create(
                "delivery-framework-row",
                {"key_issue_uid": uid, "lead_name": "[lead board to confirm]"}),
                self.framework_error):
            self.framework.editor("lead_partnership_uid").widget.setFocus()
