"""Local plans: a partnership's plan (details and priorities) above the actions table; with
no partnership chosen, the actions of every plan."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Changes, Record
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm
from csa_desktop.ui.models.navigator import (
    ACTION,
    LOCAL_PLANS,
    PRIORITY,
    Node,
    current_plans,
)
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.views.actions_panel import ACTION_KINDS, ActionsPanel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, list_view, position_after
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, labelled, make_button

PLAN_FIELDS = ("title", "period_start", "period_end", "status")
PRIORITY_FIELDS = ("title", "key_issue_uid", "description", "theme_uids")


class LocalPlansPage(EditorPage):
    kinds = ACTION_KINDS | {"key-issue", "plan-approval", "approval-step"}

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.node: Node | None = None
        self.partnership: Record | None = None
        self.plan: Record | None = None
        self.editable = False

        self.heading = heading("Local plans")
        self.new_plan = make_button("New &local plan…", "add", self.add_plan,
                                    "Start a local plan for a partnership")
        self.banner = ReadOnlyBanner()
        self.plan_form = RecordForm("local-plan", PLAN_FIELDS, context=context,
                                    labels={"title": "Plan title", "status": "Plan status"})
        self.priorities = RecordListModel(self._priority_title, parent=self)
        self.priorities_view = list_view()
        self.priorities_view.setModel(self.priorities)
        self.priorities_panel = RecordsPanel(context, self.priorities_view, "priority")
        self.priorities_panel.add_requested.connect(self.add_priority)
        self.priorities_panel.edit_requested.connect(self.edit_priority)
        self.actions_panel = ActionsPanel(context)
        self.approvals_label = QLabel()
        self.approvals_label.setWordWrap(True)
        self.approvals_label.setAccessibleName("Plan approvals")
        self.approvals_button = make_button("A&pprovals…", None, self.open_approvals,
                                            "Record the plan's sign-off along its chain")

        self.plan_box = QWidget()
        plan_layout = QHBoxLayout(self.plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        plan_column = QVBoxLayout()
        plan_column.addWidget(self.plan_form)
        approvals_row = QHBoxLayout()
        approvals_row.addWidget(self.approvals_label, 1)
        approvals_row.addWidget(self.approvals_button)
        plan_column.addLayout(approvals_row)
        plan_layout.addLayout(plan_column, 2)
        plan_layout.addWidget(labelled("Priorities (county key issues adopted, and local "
                                       "p&riorities)", self.priorities_panel), 3)
        title_row = QHBoxLayout()
        title_row.addWidget(self.heading, 1)
        title_row.addWidget(self.new_plan)
        # the plan's details above its actions; with no plan shown (every plan, or a
        # partnership without one) the splitter gives the actions all the room
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("local-plan")
        splitter.addWidget(self.plan_box)
        splitter.addWidget(self.actions_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 560])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(title_row)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

    def _priority_title(self, record: Record) -> str:
        key_issue = record.fields.get("key_issue_uid")
        if isinstance(key_issue, str):
            return f"{record.title}  (county key issue)"
        return f"{record.title}  (local priority)"

    # --- navigation -------------------------------------------------------------------------

    def show_node(self, node: Node) -> None:
        self.node = node
        if not self.actions_panel.loaded:
            self.actions_panel.load()
        super().show_node(node)
        self._show_plan()
        if node.kind == LOCAL_PLANS:
            self.actions_panel.filter_bar.reset()
            self.actions_panel.show_scope(None, None, None, False)
        else:
            priority = node.uid if node.kind == PRIORITY else None
            self.actions_panel.show_scope(node.partnership_uid, priority,
                                    self.plan.uid if self.plan else None, self.editable)
            if node.kind == PRIORITY and node.uid:
                self.priorities_panel.select(node.uid)
        if node.kind == ACTION and node.uid:
            self.actions_panel.reveal(node.uid)

    def reload(self) -> None:
        self._show_plan()

    def refresh(self, changes: Changes | None) -> None:
        if changes is not None and not (changes.kinds & self.kinds):
            return
        self.actions_panel.refresh(changes)
        if changes is None or changes.kinds & {"local-plan", "local-priority", "partnership",
                                               "key-issue", "plan-approval", "approval-step"}:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def flush(self) -> None:
        self.plan_form.flush()
        self.actions_panel.detail.form.flush()
        super().flush()

    def _show_plan(self) -> None:
        records = self.context.records
        node = self.node
        partnership_uid = node.partnership_uid if node and node.kind != LOCAL_PLANS else None
        self.partnership = records.get(partnership_uid) if partnership_uid else None
        self.plan = None
        if self.partnership is not None:
            plans = records.list_kind("local-plan",
                                      where={"partnership_uid": self.partnership.uid})
            self.plan = current_plans(plans).get(self.partnership.uid)
        can_plan = self.partnership is not None and records.can_create(
            "local-plan", {"partnership_uid": self.partnership.uid})
        self.editable = can_plan and self.plan is not None
        if self.partnership is None:
            self.heading.setText("Actions of every local plan")
        elif self.plan is None:
            self.heading.setText(f"{self.partnership.title} — no local plan yet")
        else:
            self.heading.setText(f"{self.partnership.title} — {self.plan.title}")
        self.new_plan.setVisible(self.partnership is None or self.plan is None)
        self.new_plan.setEnabled(self._can_start_any_plan() if self.partnership is None
                                 else can_plan)
        page_read_only = self.partnership is not None and not can_plan
        self.banner.show_for(not page_read_only, self.context.scope_reason("local-plan"))
        self.actions_panel.detail.page_says_read_only = page_read_only
        self.actions_panel.detail.update_banner()
        self.plan_box.setVisible(self.plan is not None)
        self.plan_form.load(self.plan, self.editable)
        self._show_approvals()
        current = self.priorities_panel.current_uid()
        priorities = (records.list_kind("local-priority", where={"plan_uid": self.plan.uid})
                      if self.plan else [])
        self.priorities.set_records(priorities, self.editable)
        self.priorities_panel.set_editable(self.editable)
        if not self.priorities_panel.select(current):
            self.priorities_panel.update_buttons()
        if self.node is not None and self.node.kind != LOCAL_PLANS:
            self.actions_panel.plan_uid = self.plan.uid if self.plan else None
            self.actions_panel.plan_editable = self.editable
            self.actions_panel._update_buttons()

    def _show_approvals(self) -> None:
        from csa_desktop.services.plan_approvals import plan_workflow

        if self.plan is None or self.partnership is None:
            self.approvals_label.setText("")
            return
        flow = plan_workflow(self.context.copy, self.partnership.uid)
        self.approvals_label.setText(f"<b>Approvals:</b> {escape(flow.print_status)}")

    def open_approvals(self) -> None:
        from csa_desktop.ui.dialogs.plan_approvals import PlanApprovalsDialog

        if self.partnership is None or self.plan is None:
            return
        self.flush()
        dialog = PlanApprovalsDialog(self.context.copy, self.partnership.uid, self)
        dialog.exec()
        if not dialog.changes.empty:
            refresh = getattr(self.window(), "refresh", None)
            if callable(refresh):
                refresh(dialog.changes)
            else:
                self.reload()

    def _can_start_any_plan(self) -> bool:
        records = self.context.records
        return any(records.can_create("local-plan", {"partnership_uid": p.uid})
                   for p in records.list_kind("partnership"))

    # --- edits ------------------------------------------------------------------------------

    def add_plan(self) -> None:
        records = self.context.records
        have_plan = {str(p.fields["partnership_uid"]) for p in records.list_kind("local-plan")}
        choices = [(p.title, p.uid) for p in records.list_kind("partnership")
                   if (self.partnership is None or p.uid == self.partnership.uid)
                   and records.can_create("local-plan", {"partnership_uid": p.uid})]
        choices.sort(key=lambda c: (c[1] in have_plan, c[0]))
        if not choices:
            return

        def submit(values: dict[str, Value]) -> None:
            self.context.edits.create("local-plan", values)
            self.context.show_message(f"Started the local plan “{values.get('title')}”.")

        RecordDialog(self, "New local plan", "local-plan",
                     ("partnership_uid", "title", "period_start", "period_end", "status"),
                     submit, values={"partnership_uid": choices[0][1], "status": "draft"},
                     options={"partnership_uid": choices}, ok_text="&Create").open()

    def _theme_options(self) -> list[tuple[str, str]]:
        return [(t.title, t.uid) for t in self.context.records.list_kind("theme")]

    def _key_issue_options(self) -> list[tuple[str, str]]:
        return [(k.title, k.uid) for k in self.context.records.list_kind("key-issue")]

    def add_priority(self) -> None:
        if self.plan is None or not self.editable:
            return
        plan_uid = self.plan.uid
        place = position_after(self.priorities.records, self.priorities_panel.current_uid())

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("local-priority",
                                            {**values, **place, "plan_uid": plan_uid})
            self.priorities_panel.select(uid)

        RecordDialog(self, "Add priority", "local-priority", PRIORITY_FIELDS, submit,
                     options={"key_issue_uid": self._key_issue_options(),
                              "theme_uids": self._theme_options()},
                     text_lines={"description": 3}, ok_text="&Add").open()

    def edit_priority(self, uid: str) -> None:
        record = self.context.records.get(uid)
        RecordDialog(self, "Edit priority", "local-priority", PRIORITY_FIELDS,
                     lambda values: self.context.edits.edit(uid, values),
                     values=record.fields,
                     options={"key_issue_uid": self._key_issue_options(),
                              "theme_uids": self._theme_options()},
                     text_lines={"description": 3}, ok_text="&Save").open()
