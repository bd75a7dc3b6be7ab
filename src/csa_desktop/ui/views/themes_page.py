"""The county's cross-cutting themes (Serious Violence Duty, vulnerability, early
intervention…) in their order, with add, edit, delete and move; key issues, priorities and
actions are tagged with them in their own forms."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Record
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.views.common import EditorPage, RecordsPanel, list_view, position_after
from csa_desktop.ui.widgets import ReadOnlyBanner, heading

THEME_FIELDS = ("name", "description")


def _theme_title(record: Record) -> str:
    description = str(record.fields.get("description") or "").split("\n", 1)[0]
    return f"{record.title} — {description}" if description else record.title


class ThemesPage(EditorPage):
    kinds = frozenset({"theme"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.editable = False
        self.model = RecordListModel(_theme_title, parent=self)
        self.list = list_view()
        self.list.setModel(self.model)
        self.panel = RecordsPanel(context, self.list, "theme")
        self.panel.add_requested.connect(self.add_theme)
        self.panel.edit_requested.connect(self.edit_theme)
        self.banner = ReadOnlyBanner()
        hint = QLabel("The county's cross-cutting themes. Tag key issues, priorities and "
                      "actions with them in their forms; the actions table filters by theme "
                      "and the delivery framework prints them as a column.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Themes"))
        layout.addWidget(hint)
        layout.addWidget(self.banner)
        layout.addWidget(self.panel, 1)

    def reload(self) -> None:
        records = self.context.records
        self.editable = records.can_create("theme", {"name": "x"})
        current = self.panel.current_uid()
        self.model.set_records(records.list_kind("theme"), self.editable)
        self.panel.set_editable(self.editable)
        self.banner.show_for(self.editable, "the themes are " +
                             self.context.scope_reason("theme"))
        if not self.panel.select(current):
            self.panel.select_row(0)

    def add_theme(self) -> None:
        if not self.editable:
            return
        place = position_after(self.model.records, self.panel.current_uid())

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create("theme", {**values, **place})
            self.panel.select(uid)

        RecordDialog(self, "Add theme", "theme", THEME_FIELDS, submit,
                     text_lines={"description": 3}, ok_text="&Add").open()

    def edit_theme(self, uid: str) -> None:
        record = self.context.records.get(uid)
        RecordDialog(self, "Edit theme", "theme", THEME_FIELDS,
                     lambda values: self.context.edits.edit(uid, values),
                     values=record.fields, text_lines={"description": 3},
                     ok_text="&Save").open()
