"""Sections of the detailed agreement: plain-text editing with a word count, and their order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.records import Record
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.dialogs.record_dialog import RecordDialog
from csa_desktop.ui.forms import RecordForm, TextFieldEditor, text_word_count
from csa_desktop.ui.models.navigator import SECTION, Node, section_title
from csa_desktop.ui.models.tables import RecordListModel
from csa_desktop.ui.views.common import (
    EditorPage,
    RecordsPanel,
    list_beside_editor,
    list_view,
    position_after,
)
from csa_desktop.ui.widgets import ReadOnlyBanner, heading

SECTION_FIELDS = ("number", "title", "kind", "body", "restricted")
BODY_HINT = "Paragraphs are separated by a blank line; a line starting “- ” is a bullet."


class SectionsPage(EditorPage):
    kinds = frozenset({"section", "agreement"})

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.agreement_uid: str | None = None
        self.editable = False
        self.model = RecordListModel(section_title, parent=self)
        self.list = list_view(word_wrap=False)
        self.list.setModel(self.model)
        self.panel = RecordsPanel(context, self.list, "section", can_edit=False)
        self.panel.add_requested.connect(self.add_section)
        self.panel.current_changed.connect(lambda _uid: self._show_current())

        self.heading = heading("Section")
        self.banner = ReadOnlyBanner()
        self.form = RecordForm("section", SECTION_FIELDS, context=context,
                               text_lines={"body": 18})
        self.form.labels["body"].setText("Te&xt:")
        body = self.form.editor("body")
        assert isinstance(body, TextFieldEditor)
        self.body = body.text
        self.body.setToolTip(BODY_HINT)
        self.body.setPlaceholderText(BODY_HINT)
        self.body.textChanged.connect(self._count_words)
        self.words = QLabel()
        self.words.setAccessibleName("Word count")
        self.words.setAlignment(Qt.AlignmentFlag.AlignRight)

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(self.heading)
        editor_layout.addWidget(self.banner)
        editor_layout.addWidget(self.form, 1)
        editor_layout.addWidget(self.words)
        list_beside_editor(self, "sections", "&Sections", self.panel, editor, 300)

    def show_node(self, node: Node) -> None:
        super().show_node(node)
        if node.kind == SECTION and node.uid:
            self.panel.select(node.uid)
        elif not self.panel.current_uid():
            self.panel.select_row(0)

    def reload(self) -> None:
        agreements = self.context.records.list_kind("agreement")
        self.agreement_uid = agreements[0].uid if agreements else None
        self.editable = self.agreement_uid is not None and self.context.records.can_create(
            "section", {"agreement_uid": self.agreement_uid})
        current = self.panel.current_uid()
        row = self.list.currentIndex().row()
        self.model.set_records(self.context.records.list_kind("section"), self.editable)
        self.panel.set_editable(self.editable)
        if not self.panel.select(current) and self.model.rowCount():
            self.panel.select_row(row)
        self._show_current()

    def flush(self) -> None:
        self.form.flush()
        super().flush()

    def current(self) -> Record | None:
        uid = self.panel.current_uid()
        row = self.model.row_of(uid) if uid else -1
        return self.model.records[row] if row >= 0 else None

    def _show_current(self) -> None:
        record = self.current()
        self.form.load(record, self.editable)
        self.heading.setText(section_title(record) if record else "No section selected")
        self.banner.show_for(self.editable, self.context.scope_reason("section"))
        self._count_words()

    def _count_words(self) -> None:
        count = text_word_count(self.form.editor("body"))
        self.words.setText(f"{count:,} word{'s' if count != 1 else ''}")

    def add_section(self) -> None:
        if self.agreement_uid is None or not self.editable:
            return
        agreement_uid = self.agreement_uid
        after = self.current()

        place = position_after(self.model.records, after.uid if after else None)

        def submit(values: dict[str, Value]) -> None:
            uid = self.context.edits.create(
                "section", {**values, **place, "agreement_uid": agreement_uid})
            self.panel.select(uid)
            self.form.editor("body").widget.setFocus()

        RecordDialog(self, "Add section", "section", ("number", "title", "kind"), submit,
                     values={"kind": "other"}, ok_text="&Add").open()
