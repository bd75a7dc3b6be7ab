"""Agreement details (title, period, footprint), where its approvals stand (the stage and the
date sent to the PCC, changed only through Agreement ▸ Approvals…) and its decisions."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.services.approvals import Workflow, long_date, workflow
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm
from csa_desktop.ui.models.actions import format_date
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, WrappedRows, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, labelled, make_button

# `status` and `sent_to_pcc_on` are not here: the approvals workflow sets them (see the stage row).
AGREEMENT_FIELDS = ("title", "period_start", "period_end", "refresh_label", "footprint",
                    "strategy_group", "strategic_assessment")
APPROVAL_FIELDS = ("body", "decision", "decided_on", "minute_ref")


def stage_text(flow: Workflow) -> str:
    """The stage reached (with its decision's date and minute) and the next step, as rich
    text."""
    now = flow.current_stage
    text = f"<b>{escape(now.label)}</b>"
    if now.decided_on and now.status != "sent-to-pcc":
        text += f" — {escape(long_date(now.decided_on))}"
    if now.minute_ref:
        text += f", minute {escape(now.minute_ref)}"
    following = flow.next_stage
    text += (f"<br>Next step: {escape(following.label)}" if following
             else "<br>Every approval step is done.")
    if flow.draft:
        text += " Prints say DRAFT until the Board approves."
    return text


def pcc_text(flow: Workflow) -> str:
    sent = flow.stages[-1].decided_on
    if sent is not None:
        return long_date(sent)
    return "Not yet (the last step of the approvals)"


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
        self.stage_label = QLabel()
        self.stage_label.setTextFormat(Qt.TextFormat.RichText)
        self.stage_label.setWordWrap(True)
        self.stage_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stage_label.setAccessibleName("Approval stage")
        self.pcc_label = QLabel()
        self.pcc_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pcc_label.setAccessibleName("Sent to the PCC on")
        self.approvals_button = make_button("Approva&ls…", None, self.open_approvals)
        stage_row = QWidget()
        stage_layout = QHBoxLayout(stage_row)
        stage_layout.setContentsMargins(0, 0, 0, 0)
        stage_layout.addWidget(self.stage_label, 1)
        stage_layout.addWidget(self.approvals_button, 0, Qt.AlignmentFlag.AlignTop)
        self.form.layout_.addRow("Approval stage:", stage_row)
        self.form.layout_.addRow("Sent to the PCC on:", self.pcc_label)
        self.decisions_hint = QLabel(
            "The Board, Cabinet and Full Council decisions and the date sent to the PCC are "
            "recorded step by step with Approvals…; add other decisions (a scrutiny "
            "committee, say) here.")
        self.decisions_hint.setWordWrap(True)
        self.approvals = ColumnsTableModel(approval_columns(), lambda r: r.uid, self)
        self.approvals_view = table_view(self.approvals)
        self.approvals_view.setMinimumHeight(140)
        self.approval_rows = WrappedRows(self.approvals_view)  # each decision in full
        self.panel = RecordsPanel(context, self.approvals_view, "approval")
        self.panel.add_requested.connect(self.add_approval)
        self.panel.edit_requested.connect(self.edit_approval)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        layout.addWidget(labelled("Approvals and decisio&ns of this refresh", self.panel), 1)
        layout.addWidget(self.decisions_hint)
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
        self.show_stage()
        self.banner.show_for(editable or self.agreement is None,
                             self.context.scope_reason("agreement"))
        current = self.panel.current_uid()
        approvals = (self.context.records.list_kind(
            "approval", where={"agreement_uid": self.agreement.uid}) if self.agreement else [])
        label = self.agreement.fields.get("refresh_label") if self.agreement else None
        self.approvals.set_rows([a for a in approvals  # this refresh's (see services.approvals)
                                 if a.fields.get("refresh_label") in (None, label)])
        self.panel.set_editable(editable)
        self.decisions_hint.setVisible(editable)
        if not self.panel.select(current):
            self.panel.update_buttons()

    def show_stage(self) -> None:
        """The stage and the PCC date, read from the approvals workflow (never typed here)."""
        lead = self.context.copy.identity.role is Role.LEAD
        try:
            flow = workflow(self.context.copy) if self.agreement is not None else None
        except CsaError:
            flow = None
        self.stage_label.setText(stage_text(flow) if flow else "—")
        self.pcc_label.setText(pcc_text(flow) if flow else "—")
        self.approvals_button.setEnabled(flow is not None)
        self.approvals_button.setToolTip(
            "Record the next approval step, or undo the last one" if lead else
            "See each approval stage (the lead's master copy records them)")

    def open_approvals(self) -> None:
        """Trigger the window's Agreement ▸ Approvals… (ui.cycle_actions), as the menu does."""
        self.flush()
        action = self.window().findChild(QAction, "approvals_action")
        if isinstance(action, QAction):
            action.trigger()

    def flush(self) -> None:
        self.form.flush()
        super().flush()

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
