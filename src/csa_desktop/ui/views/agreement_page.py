"""Agreement details (title, period, footprint), where its approvals stand (the stage, the date
sent to the PCC and the Board, Cabinet and Full Council decisions, changed only through
Agreement ▸ Approvals…), the refresh in progress (named when it starts) and other decisions."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QTableView, QVBoxLayout, QWidget

from csa_desktop.domain.cycle import decision_stage, stage_label
from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.printing.model import long_date
from csa_desktop.services.approvals import Workflow, workflow
from csa_desktop.services.refresh import current_refresh
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm
from csa_desktop.ui.icons import icon
from csa_desktop.ui.models.actions import format_date
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, WrappedRows, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, labelled, make_button

# `status` and `sent_to_pcc_on` are not here: the approvals workflow sets them (see the stage
# row); nor `refresh_label`: starting an annual refresh names it (see the refresh row).
AGREEMENT_FIELDS = ("title", "period_start", "period_end", "rolling", "footprint",
                    "strategy_group", "strategic_assessment", "update_due_days")
APPROVAL_FIELDS = ("body", "decision", "decided_on", "minute_ref")
REFRESH_REASON = ("Named when an annual refresh starts (Agreement ▸ Start annual refresh…); "
                  "earlier refreshes stay readable (Agreement ▸ Compare refreshes…).")
ADD_TIP = ("Add another decision, a scrutiny committee's say (Insert); the Board, Cabinet and "
           "Full Council decisions are recorded with Approvals…")


def workflow_reason(record: Record) -> str | None:
    """Why a decision is read-only here: the approvals workflow records it (the record
    service refuses a direct edit with the command to use; this says where in the window)."""
    found = decision_stage(record.fields)
    if found is None:
        return None
    return (f"{stage_label(found)} is recorded with Approvals…: correct its date or minute "
            "reference there (select the step, Correct…) or withdraw it (Undo last step).")


def stage_text(flow: Workflow) -> str:
    """The stage reached (with its decision's date and minute) and the next step, as rich
    text."""
    now = flow.current_stage
    text = f"<b>{escape(now.label)}</b>"
    if now.decided_on and not now.sends_to_pcc:
        text += f" — {escape(long_date(now.decided_on))}"
    if now.minute_ref:
        text += f", minute {escape(now.minute_ref)}"
    following = flow.next_stage
    text += (f"<br>Next step: {escape(following.label)}" if following
             else "<br>Every approval step is done.")
    if flow.draft:
        text += " Prints say DRAFT until the Board approves."
    text += "<br>Chain: " + escape(" → ".join(s.label for s in flow.chain))
    return text


def pcc_text(flow: Workflow) -> str:
    step = next((s for s in flow.chain if s.sends_to_pcc), None)
    if step is None:
        return "No step of this approval chain sends it to the PCC"
    sent = step.decided_on
    if sent is not None:
        return long_date(sent)
    return "Not yet (the last step of the approvals)"


def _step(record: Record) -> str:
    found = decision_stage(record.fields)
    return stage_label(found) if found else ""


def _tip(text: Callable[[Record], str]) -> Callable[[Record], str]:
    """A cell's tooltip: its text, and on a decision of the workflow why it is read-only."""
    def tip(record: Record) -> str:
        reason = workflow_reason(record)
        return f"{text(record)}\n\n{reason}" if reason else text(record)
    return tip


def approval_columns() -> list[Column[Record]]:
    columns: list[Column[Record]] = [
        Column("Body", lambda r: r.title, width=34),
        Column("Decision", lambda r: str(r.fields.get("decision") or ""), width=50,
               stretch=True),
        Column("Date", lambda r: format_date(r.fields.get("decided_on")),
               lambda r: r.fields.get("decided_on"), width=11),
        Column("Minute reference", lambda r: str(r.fields.get("minute_ref") or ""), width=14),
    ]
    columns = [Column(c.header, c.text, c.sort_key, tooltip=_tip(c.text), width=c.width,
                      stretch=c.stretch) for c in columns]
    columns.append(Column("Approval step", _step, icon=lambda r: (
        icon("read-only") if decision_stage(r.fields) else None),
        tooltip=lambda r: workflow_reason(r) or "Another decision: edit it here", width=24))
    return columns


class ApprovalsPanel(RecordsPanel):
    """The decisions of this refresh: those of the approvals workflow are read-only here
    (Edit, Delete and Move disabled, saying why; activating one opens Approvals…)."""

    workflow_row_activated = Signal(str)  # uid of a decision of the workflow

    def __init__(self, context: EditorContext, view: QTableView,
                 reason: Callable[[str], str | None]) -> None:
        super().__init__(context, view, "approval")
        self.reason = reason
        self.tips = {name: button.toolTip() for name, button in self.buttons.items()}
        self.buttons["add"].setToolTip(ADD_TIP)
        self.tips["add"] = ADD_TIP

    def current_reason(self) -> str | None:
        uid = self.current_uid()
        return self.reason(uid) if uid else None

    def update_buttons(self) -> None:
        super().update_buttons()
        reason = self.current_reason()
        for name, button in self.buttons.items():
            locked = reason is not None and name != "add"
            if locked:
                button.setEnabled(False)
            button.setToolTip(f"{self.tips[name]}\n\n{reason}" if locked else self.tips[name])

    def _edit(self) -> None:
        if self.current_reason() is not None:
            self.workflow_row_activated.emit(self.current_uid())
            return
        super()._edit()

    def delete_current(self) -> None:
        reason = self.current_reason()
        if reason is not None:
            self.context.show_message(f"Not deleted: {reason}")
            return
        super().delete_current()

    def move_current(self, step: int) -> None:
        if self.current_reason() is None:
            super().move_current(step)


class AgreementPage(EditorPage):
    kinds = frozenset({"agreement", "approval"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.agreement: Record | None = None
        self.heading = heading("Agreement details and approvals")
        self.banner = ReadOnlyBanner()
        self.form = RecordForm("agreement", AGREEMENT_FIELDS, context=context)
        self.refresh_label = QLabel()
        self.refresh_label.setTextFormat(Qt.TextFormat.RichText)
        self.refresh_label.setWordWrap(True)
        self.refresh_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refresh_label.setAccessibleName("Refresh")
        self.refresh_label.setToolTip(REFRESH_REASON)
        self.refresh_label.setAccessibleDescription(REFRESH_REASON)
        refresh_caption = QLabel("Refresh:")
        refresh_caption.setToolTip(REFRESH_REASON)
        self.form.layout_.insertRow(AGREEMENT_FIELDS.index("rolling") + 1, refresh_caption,
                                    self.refresh_label)
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
            "The Board, Cabinet and Full Council decisions (with an approval step) and the "
            "date sent to the PCC are recorded, corrected or withdrawn step by step with "
            "Approvals…; add other decisions (a scrutiny committee, say) here.")
        self.decisions_hint.setWordWrap(True)
        self.approvals = ColumnsTableModel(approval_columns(), lambda r: r.uid, self)
        self.approvals_view = table_view(self.approvals)
        self.approvals_view.setMinimumHeight(140)
        self.approval_rows = WrappedRows(self.approvals_view)  # each decision in full
        self.panel = ApprovalsPanel(context, self.approvals_view, self.workflow_reason_of)
        self.panel.add_requested.connect(self.add_approval)
        self.panel.edit_requested.connect(self.edit_approval)
        self.panel.workflow_row_activated.connect(lambda _uid: self.open_approvals())
        self.panel.current_changed.connect(lambda _uid: self.show_row_note())
        self.row_note = QLabel()
        self.row_note.setWordWrap(True)
        self.row_note.setAccessibleName("Selected decision")
        self.row_note.setTextFormat(Qt.TextFormat.RichText)
        self.row_note.linkActivated.connect(lambda _link: self.open_approvals())
        self.row_note.hide()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        layout.addWidget(labelled("Approvals and decisio&ns of this refresh", self.panel), 1)
        layout.addWidget(self.row_note)
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
        self.show_refresh()
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
        self.show_row_note()

    def workflow_reason_of(self, uid: str) -> str | None:
        row = self.approvals.row_of(uid)
        return workflow_reason(self.approvals.row_value(row)) if row >= 0 else None

    def show_row_note(self) -> None:
        """Under the table, why the selected decision is read-only and where to change it."""
        reason = self.panel.current_reason() if self.panel.editable else None
        self.row_note.setText("" if reason is None else (
            f"<b>Read-only:</b> {escape(reason)} <a href='approvals'>Open Approvals…</a>"))
        self.row_note.setVisible(reason is not None)

    def show_refresh(self) -> None:
        """The refresh in progress, named when it started (never typed here)."""
        label = self.agreement.fields.get("refresh_label") if self.agreement else None
        if self.agreement is not None and not label:
            try:
                label = current_refresh(self.context.copy).label
            except CsaError:
                label = None
        self.refresh_label.setText(
            "—" if not label else f"<b>{escape(str(label))}</b> — the refresh in progress; "
            "the next one starts with Agreement ▸ Start annual refresh…")

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
