"""Agreement details (title, period, footprint, status, sent to the PCC) and its approvals."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Record
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm
from csa_desktop.ui.models.actions import format_date
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, labelled

AGREEMENT_FIELDS = ("title", "period_start", "period_end", "refresh_label", "footprint",
                    "strategy_group", "strategic_assessment", "status", "sent_to_pcc_on")
APPROVAL_FIELDS = ("body", "decision", "decided_on", "minute_ref")


def approval_columns() -> list[Column[Record]]:
    return [
        Column("Body", lambda r: r.title, width=34),
        Column("Decision", lambda r: str(r.fields.get("decision") or ""), width=50,
               stretch=True),
        Column("Date", lambda r: format_date(r.fields.get("decided_on")),
               lambda r: r.fields.get("decided_on"), width=11),
        Column("Minute reference", lambda r: str(r.fields.get("minute_ref") or ""), width=14),
    ]


class AgreementPage(EditorPage):
    kinds = frozenset({"agreement", "approval"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.agreement: Record | None = None
        self.heading = heading("Agreement details and approvals")
        self.banner = ReadOnlyBanner()
        self.form = RecordForm("agreement", AGREEMENT_FIELDS, context=context)
        self.approvals = ColumnsTableModel(approval_columns(), lambda r: r.uid, self)
        self.approvals_view = table_view(self.approvals)
        self.approvals_view.setMinimumHeight(140)
        self.approvals_view.setWordWrap(True)  # a few rows: show each decision in full
        self.approvals.modelReset.connect(self.approvals_view.resizeRowsToContents)
        self.panel = RecordsPanel(context, self.approvals_view, "approval")
        self.panel.add_requested.connect(self.add_approval)
        self.panel.edit_requested.connect(self.edit_approval)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        layout.addWidget(labelled("A&pprovals", self.panel), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def reload(self) -> None:
        agreements = self.context.records.list_kind("agreement")
        self.agreement = agreements[0] if agreements else None
        editable = self.agreement is not None and self.context.records.can_change(
            self.agreement)
        self.form.load(self.agreement, editable)
        self.banner.show_for(editable or self.agreement is None,
                             self.context.scope_reason("agreement"))
        current = self.panel.current_uid()
        approvals = (self.context.records.list_kind(
            "approval", where={"agreement_uid": self.agreement.uid}) if self.agreement else [])
        label = self.agreement.fields.get("refresh_label") if self.agreement else None
        self.approvals.set_rows([a for a in approvals  # this refresh's (see services.approvals)
                                 if a.fields.get("refresh_label") in (None, label)])
        self.panel.set_editable(editable)
        if not self.panel.select(current):
            self.panel.update_buttons()

    def flush(self) -> None:
        self.form.flush()

    def add_approval(self) -> None:
        if self.agreement is None:
            return
        agreement_uid = self.agreement.uid

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("approval",
                                            {**values, "agreement_uid": agreement_uid})
            self.panel.select(uid)

        RecordDialog(self, "Add approval", "approval", APPROVAL_FIELDS, submit,
                     ok_text="&Add").open()

    def edit_approval(self, uid: str) -> None:
        record = self.context.records.get(uid)
        RecordDialog(self, "Edit approval", "approval", APPROVAL_FIELDS,
                     lambda values: self.context.edits.edit(uid, values),
                     values=record.fields, ok_text="&Save").open()
