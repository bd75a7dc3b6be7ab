"""File ▸ Import from Word…: the agreement's text from a .docx file. The proposed outline is
shown as a tree before anything is written — each section with its number, what it becomes
(the known part its heading names; changeable) and whether it is new or updates the section of
the same title, its sub-headings, tables and images beneath it — with everything the file holds
that cannot come in listed. Nothing is written until Import; then it is one change, taken back
with Edit ▸ Undo last import."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QListWidget,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import SECTION_KINDS
from csa_desktop.errors import CsaError
from csa_desktop.services.agreement_adoption import (
    KIND_LABELS,
    AgreementAdoption,
    AgreementAdoptionResult,
    AgreementDocumentPlan,
)
from csa_desktop.services.copy import Copy
from csa_desktop.services.import_plan import ImportCancelledError
from csa_desktop.services.word_outline import ImageRef, Outline, OutlineSection, read_outline
from csa_desktop.ui.busy import run_with_progress
from csa_desktop.ui.widgets import ErrorLabel, plain_label

COLUMNS = ("Section", "Becomes", "In the copy")
_LIST_START = re.compile(r"^(- |\d+\.\s)")  # a paragraph's own "-" or "1." is escaped


class ImportAgreementDialog(QDialog):
    def __init__(self, copy: Copy, path: Path, parent: QWidget | None = None, *,
                 outline: Outline | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importAgreementDialog")
        self.setWindowTitle(f"Import from Word — {path.name}")
        self.copy, self.path = copy, path
        self.adoption = AgreementAdoption(copy)
        self.outline = outline or read_outline(path)  # the caller says if it cannot
        self.plan: AgreementDocumentPlan | None = None
        self.result_: AgreementAdoptionResult | None = None
        self.kinds: dict[int, QComboBox] = {}

        self.summary = plain_label(wrap=True)
        self.summary.setAccessibleName("What the import would do")
        self.tree = QTreeWidget()
        self.tree.setObjectName("importAgreementOutline")
        self.tree.setAccessibleName("The outline the file would become")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.framework = QCheckBox("Make the delivery framework table the framework's rows")
        self.framework.setAccessibleName(self.framework.text())
        self.framework.setChecked(True)
        self.framework.setToolTip("Each row names a key issue, its lead and how it delivers; "
                                  "left unticked, the table stays in the section's text")
        self.notes_heading = plain_label(wrap=True)
        self.notes = QListWidget()
        self.notes.setObjectName("importAgreementNotBrought")
        self.notes.setAccessibleName("What the file holds that is not brought in")
        self.notes.setWordWrap(True)
        self.notes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.error = ErrorLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.notes_heading)
        lower_layout.addWidget(self.notes, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("importAgreementButton")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.framework)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(900, 640)

        self.framework.toggled.connect(lambda _on: self.choose_framework())
        self.replan()
        self.build_tree()

    # --- the outline ----------------------------------------------------------------------

    def chosen_kinds(self) -> dict[int, str]:
        return {index: str(combo.currentData()) for index, combo in self.kinds.items()}

    def set_kind(self, title: str, kind: str) -> None:
        """Choose what the section with this title becomes, as a user picks it in its box."""
        assert self.plan is not None
        index = next(s.index for s in self.plan.sections if s.title == title)
        combo = self.kinds[index]
        combo.setCurrentIndex(combo.findData(kind))

    def choose_framework(self) -> None:
        self.replan()
        self.build_tree()  # the framework table's line changes

    def replan(self) -> None:
        self.error.show_message("")
        try:
            self.plan = self.adoption.plan(self.path, kinds=self.chosen_kinds(),
                                           framework_rows=self.framework.isChecked(),
                                           outline=self.outline)
        except CsaError as exc:
            self.plan = None
            self.error.show_message(str(exc))
        self.show_plan()

    def build_tree(self) -> None:
        self.tree.clear()
        self.kinds.clear()
        plan = self.plan
        if plan is None:
            return
        for section in plan.sections:
            item = QTreeWidgetItem([section.heading, "",
                                    "Updates the section of this title" if section.existing_uid
                                    else "New section"])
            item.setToolTip(0, section.heading)
            self.tree.addTopLevelItem(item)
            combo = QComboBox()
            combo.setAccessibleName(f"What '{section.heading}' becomes")
            for kind in SECTION_KINDS:
                combo.addItem(KIND_LABELS[kind], kind)
            combo.setCurrentIndex(combo.findData(section.kind))
            combo.currentIndexChanged.connect(lambda _i: self.replan())
            self.tree.setItemWidget(item, 1, combo)
            self.kinds[section.index] = combo
            for child in self._contents(section.source):
                item.addChild(QTreeWidgetItem([child, "", ""]))
            item.setExpanded(True)

    def _contents(self, source: OutlineSection) -> list[str]:
        framework = self.plan.framework_table if self.plan else None
        lines: list[str] = []
        subheadings = iter(source.subheadings)  # in the order of the "#" pieces
        for piece in source.pieces:
            if isinstance(piece, ImageRef):
                lines.append(f"Image: {piece.image.alt_text or piece.image.name}")
            elif piece.startswith("#"):  # a paragraph's own "#" is escaped
                level, text = next(subheadings)
                lines.append(("    " if level == 3 else "") + f"Sub-heading: {text}")
        for table in source.tables:
            label = ("Delivery framework table → framework rows" if table is framework
                     else "Table")
            lines.append(f"{label}: {' | '.join(table.header)} ({len(table.rows)} rows)")
        texts = [p for p in source.pieces if isinstance(p, str) and not p.startswith(("#", "|"))]
        lists = sum(1 for p in texts if _LIST_START.match(p))
        counts = [f"{n} {word}{'s' if n != 1 else ''}"
                  for n, word in ((len(texts) - lists, "paragraph"), (lists, "list")) if n]
        if counts:
            lines.append("Text: " + ", ".join(counts))
        return lines

    def show_plan(self) -> None:
        plan = self.plan
        if plan is None:
            self.summary.setText("")
            self.import_button.setEnabled(False)
            return
        parts = [f"{plan.created} new section{'s' if plan.created != 1 else ''}"]
        if plan.updated:
            parts.append(f"{plan.updated} updating the section of the same title")
        if plan.framework_rows:
            parts.append(f"{len(plan.framework_rows)} delivery framework row"
                         f"{'s' if len(plan.framework_rows) != 1 else ''}")
        if plan.new_key_issues:
            parts.append(f"new key issues: {', '.join(plan.new_key_issues)}")
        bold = (" The file has no Heading 1 paragraphs, so its short bold paragraphs are taken "
                "as section titles." if plan.outline.bold_headings else "")
        self.summary.setText(f"Importing {self.path.name} into '{plan.agreement_title}' adds "
                             + "; ".join(parts) + "." + bold)
        self.framework.setVisible(plan.framework_table is not None or not
                                  self.framework.isChecked())
        self.notes.clear()
        self.notes.addItems([str(n) for n in plan.not_brought])
        count = len(plan.not_brought)
        self.notes_heading.setText(
            f"Not brought in, or brought in only in part ({count}): check these after the "
            "import" if count else "Everything in the file is brought in.")
        self.notes.setVisible(bool(count))
        if plan.problems:
            self.error.show_message("This file cannot be imported yet:\n"
                                    + "\n".join(plan.problems))
        self.import_button.setEnabled(not plan.problems)

    # --- importing ------------------------------------------------------------------------

    def accept(self) -> None:
        plan = self.plan
        if plan is None or not self.import_button.isEnabled():
            return
        try:
            done = run_with_progress(self, "Importing the agreement", lambda progress, stop: (
                self.adoption.adopt(plan, progress=progress, cancelled=stop)))
        except ImportCancelledError:
            self.error.show_message("Cancelled: nothing was imported.")
            return
        except CsaError as exc:
            self.error.show_message(f"Nothing was imported: {exc}")
            return
        assert isinstance(done, AgreementAdoptionResult)
        self.result_ = done
        super().accept()


__all__ = ["ImportAgreementDialog"]
