"""The detail pane beside the actions table: the selected action's fields in a form and its
progress updates (one per reporting period), with adding and editing an update."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import Value, choice_label
from csa_desktop.domain.records import Record
from csa_desktop.domain.reporting import quarter_of
from csa_desktop.errors import CsaError
from csa_desktop.services.progress import period_warning, reporting_periods
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import Option, RecordForm
from csa_desktop.ui.icons import rag_icon
from csa_desktop.ui.models.actions import (
    format_date,
)
from csa_desktop.ui.models.tables import Column, ColumnsTableModel
from csa_desktop.ui.views.common import RecordsPanel, WrappedRows, table_view
from csa_desktop.ui.widgets import ReadOnlyBanner, heading, labelled

ACTION_FIELDS = ("title", "priority_uid", "lead_organisation_uid", "lead_role", "partners",
                 "measure", "start_on", "due_on", "status", "rag", "theme_uids")
UPDATE_FIELDS = ("period", "reported_on", "rag", "narrative", "author")




def update_columns() -> list[Column[Record]]:
    return [
        Column("Period", lambda r: r.title, width=9),
        Column("Date", lambda r: format_date(r.fields.get("reported_on")),
               lambda r: r.fields.get("reported_on"), width=10),
        Column("RAG", lambda r: choice_label(str(r.fields.get("rag") or "")),
               icon=lambda r: rag_icon(str(r.fields.get("rag"))), width=9),
        Column("Narrative", lambda r: str(r.fields.get("narrative") or "").replace("\n", " "),
               tooltip=lambda r: "\n".join(filter(None, (
                   str(r.fields.get("narrative") or ""),
                   f"— {r.fields['author']}" if r.fields.get("author") else ""))),
               width=20, stretch=True),
    ]


def archived_in(record: Record) -> str | None:
    """The refresh an action was archived in (None: it belongs to the plan in progress)."""
    year = record.fields.get("archived_in")
    return year if isinstance(year, str) and year else None


class ActionDetailPane(QWidget):
    """The selected action's fields (saved as you go) and its progress updates."""

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.record: Record | None = None
        self.editable = False
        self.page_says_read_only = False  # the page above already shows the read-only note
        self.heading = heading("No action selected", level=2)
        self.banner = ReadOnlyBanner()
        self.form = RecordForm("action", ACTION_FIELDS, context=context,
                               labels={"lead_role": "Lead (post)"})
        self.updates = ColumnsTableModel(update_columns(), lambda r: r.uid, self)
        self.updates_view = table_view(self.updates)
        self.updates_view.setMinimumHeight(120)
        self.updates_rows = WrappedRows(self.updates_view)  # a handful: each narrative in full
        self.updates_panel = RecordsPanel(context, self.updates_view, "progress update",
                                          can_move=False)
        self.updates_panel.buttons["add"].setText("Add &update…")
        self.updates_panel.buttons["add"].setAccessibleName("Add progress update")
        self.updates_panel.add_requested.connect(self.add_update)
        self.updates_panel.edit_requested.connect(self.edit_update)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        layout.addWidget(labelled("Progress updates", self.updates_panel), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_action(None, False)

    def sizeHint(self) -> QSize:
        """Room for the fields and a readable narrative (the splitter starts from this)."""
        return QSize(430, super().sizeHint().height())

    def set_organisations(self, options: Sequence[Option]) -> None:
        self.form.set_options("lead_organisation_uid", options)

    def set_themes(self, options: Sequence[Option]) -> None:
        self.form.set_options("theme_uids", options)

    def show_action(self, record: Record | None, editable: bool,
                    priorities: Sequence[Option] = ()) -> None:
        if record is None or self.record is None or record.uid != self.record.uid:
            self.form.flush()
        self.record = record
        self.editable = editable and record is not None and not archived_in(record)
        self.form.set_options("priority_uid", priorities)
        self.form.load(record, self.editable)
        self.heading.setText(record.title if record else "No action selected")
        self.update_banner()
        self.reload_updates()

    def update_banner(self) -> None:
        year = archived_in(self.record) if self.record else None
        if year:
            self.banner.show_for(False, f"archived when the {year} refresh closed; kept as it "
                                        "stood, with its progress updates.")
            return
        self.banner.show_for(self.editable or self.record is None or self.page_says_read_only,
                             self.context.scope_reason("action"))

    def reload_updates(self) -> None:
        current = self.updates_panel.current_uid()
        updates = (self.context.records.list_kind("progress-update",
                                                  where={"action_uid": self.record.uid})
                   if self.record else [])
        updates.sort(key=lambda r: str(r.fields.get("reported_on") or ""), reverse=True)
        self.updates.set_rows(updates)
        self.updates_panel.set_editable(self.editable)
        if not self.updates_panel.select(current):
            self.updates_panel.update_buttons()

    def add_update(self) -> None:
        if self.record is None or not self.editable:
            return
        action_uid = self.record.uid

        def submit(values: dict[str, Value]) -> None:
            if not self._period_confirmed(action_uid, values):
                raise CsaError("Not added: choose another period, or add it anyway.")
            uid = self.context.edits.create("progress-update",
                                            {**values, "action_uid": action_uid})
            self.updates_panel.select(uid)

        periods = self._periods()
        RecordDialog(self, "Add progress update", "progress-update", UPDATE_FIELDS, submit,
                     values={"period": self._likely_period(action_uid, periods["period"]),
                             "reported_on": dt.date.today(),
                             "rag": self.record.fields.get("rag") or "not-rated",
                             "author": self.context.copy.identity.name},
                     text_lines={"narrative": 5}, pick_from=periods,
                     ok_text="&Add").open()

    def edit_update(self, uid: str) -> None:
        record = self.context.records.get(uid)
        action_uid = str(record.fields.get("action_uid"))

        def submit(values: dict[str, Value]) -> None:
            if values.get("period") != record.fields.get("period") and \
                    not self._period_confirmed(action_uid, values):
                raise CsaError("Not saved: choose another period, or save it anyway.")
            self.context.edits.edit(uid, values)

        RecordDialog(self, "Edit progress update", "progress-update", UPDATE_FIELDS, submit,
                     values=record.fields, text_lines={"narrative": 5},
                     pick_from=self._periods(), ok_text="&Save").open()

    def _periods(self) -> dict[str, list[tuple[str, str]]]:
        periods = reporting_periods(self.context.copy)
        return {"period": [(p, p) for p in periods]}

    def _likely_period(self, action_uid: str, periods: list[tuple[str, str]]) -> str:
        """This quarter if it can be picked, else the last one inside the plan's period."""
        names = [name for name, _value in periods]
        today = quarter_of(dt.date.today())
        if today in names:
            return today
        inside = [n for n in names if period_warning(self.context.copy, action_uid, n) is None]
        return (inside or names or [today])[-1]

    def _period_confirmed(self, action_uid: str, values: dict[str, Value]) -> bool:
        """A period outside the plan's is allowed (a late update) once the user says so."""
        warning = period_warning(self.context.copy, action_uid, str(values.get("period") or ""))
        if warning is None:
            return True
        answer = QMessageBox.question(self.window(), "Period outside the plan",
                                      f"{warning} Save the update for that period anyway?")
        return answer == QMessageBox.StandardButton.Yes
