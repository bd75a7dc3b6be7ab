"""The import preview: what each bundle would change (counts per kind, the records, the
conflicts) and what was refused, before anything is applied; Import or Cancel."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import KINDS
from csa_desktop.services.labels import field_value_text
from csa_desktop.services.sync import BundleOutcome, ImportReport, RecordLine

OPS = {"create": "New", "update": "Changed", "delete": "Deleted", "conflict": "Conflict",
       "kept-lead": "Kept your value"}
STATUS = {"would-import": "Ready to import", "imported": "Imported",
          "already-imported": "Already imported: changes nothing",
          "superseded": "Replaced by a later bundle from the same sender: changes nothing",
          "refused": "Refused"}
REFUSED = QColor("#a1260d")
CONFLICT = QColor("#8a5a00")


def conflicts_waiting(count: int, *, would: bool = False) -> str:
    """'1 conflict waits for a decision', '3 conflicts would wait for a decision'."""
    verb = "would wait" if would else ("waits" if count == 1 else "wait")
    return f"{count} conflict{'s' if count != 1 else ''} {verb} for a decision"


def _short(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def change_texts(line: RecordLine, titles: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field label, old, new) of a changed record, as people read them."""
    spec = KINDS[line.kind]
    found = []
    for name, old, new in line.values:
        label = spec.field(name).label if spec.has_field(name) else name.capitalize()
        found.append((label, field_value_text(line.kind, name, old, titles) or "(empty)",
                      field_value_text(line.kind, name, new, titles) or "(empty)"))
    return found


def counts_text(outcome: BundleOutcome) -> str:
    """'3 new actions, 1 changed priority, 2 conflicts' — what a bundle would do."""
    parts = []
    for op in ("create", "update", "delete"):
        for kind, count in sorted(outcome.counts.get(op, {}).items()):
            spec = KINDS[kind]
            noun = spec.plural.lower() if count != 1 else spec.label.lower()
            parts.append(f"{count} {OPS[op].lower()} {noun}")
    if outcome.conflicts:
        parts.append(f"{outcome.conflicts} conflict{'s' if outcome.conflicts != 1 else ''}")
    if outcome.kept_lead:
        parts.append(f"{outcome.kept_lead} value{'s' if outcome.kept_lead != 1 else ''} kept "
                     "as you edited")
    return ", ".join(parts) or "no changes"


class ImportPreviewDialog(QDialog):
    """Shows an ImportReport made with dry_run; accepted means: apply it."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreviewDialog")
        self.setWindowTitle("Import bundles — preview")
        self.report = report
        layout = QVBoxLayout(self)
        ready = [o for o in report.outcomes if o.status == "would-import"]
        refused = report.refused
        summary = (f"{len(ready)} bundle{'s' if len(ready) != 1 else ''} ready to import"
                   if ready else "Nothing new to import")
        summary += f", {len(refused)} refused" if refused else ""
        if report.conflicts:  # with nothing to import, these are the ones already waiting
            summary += (f". {conflicts_waiting(report.conflicts, would=True)}" if ready else
                        f". {conflicts_waiting(report.conflicts).replace(' wait', ' still wait')}")
        summary += ". Nothing has been changed yet."
        self.summary = QLabel(summary)
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Bundle or record", "What", "Details"])
        self.tree = QTreeView()
        self.tree.setObjectName("previewTree")
        self.tree.setModel(self.model)
        for outcome in report.outcomes:
            self._add_bundle(outcome)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 430)
        self.tree.setColumnWidth(1, 150)
        for row in range(self.model.rowCount()):
            if self.model.rowCount(self.model.index(row, 0)) <= 40:
                self.tree.expand(self.model.index(row, 0))
        layout.addWidget(self.tree, 1)

        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton("&Import",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("applyImportButton")
        self.apply_button.setEnabled(bool(ready))
        self.apply_button.setDefault(bool(ready))
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelImportButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(1000, 560)

    def _add_bundle(self, outcome: BundleOutcome) -> None:
        name = QStandardItem(outcome.name)
        what = QStandardItem(STATUS.get(outcome.status, outcome.status))
        source = QStandardItem(f"{outcome.kind} from {outcome.author}" if outcome.author
                               else outcome.kind)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        if outcome.refused:
            summary = QStandardItem(outcome.message.split(": ", 1)[-1])
            for item in (name, what, summary):
                item.setForeground(QBrush(REFUSED))
        elif outcome.status == "would-import":
            summary = QStandardItem(counts_text(outcome).capitalize())
        else:
            summary = QStandardItem(outcome.message.split(": ", 1)[-1])
        summary.setToolTip(outcome.message or summary.text())
        name.appendRow([summary])  # the first line under a bundle spans the whole width
        for line in outcome.records:
            spec = KINDS[line.kind]
            record = QStandardItem(line.title or line.uid)
            record.setToolTip(line.uid)
            op = QStandardItem(OPS.get(line.op, line.op))
            fields = [spec.field(n).label if spec.has_field(n) else n.capitalize()
                      for n in line.fields]
            changes = change_texts(line, self.report.titles)
            if changes:
                info = QStandardItem(f"{spec.label}: " + "; ".join(
                    f"{label}: {_short(old, 40)} → {_short(new, 40)}"
                    for label, old, new in changes))
                info.setToolTip("\n\n".join(f"{label}\nwas: {old}\nnow: {new}"
                                              for label, old, new in changes))
            else:
                info = QStandardItem(spec.label + (f": {', '.join(fields)}" if fields else ""))
            if line.note:
                info = QStandardItem(f"{spec.label} — {line.note}")
            if line.op in ("conflict", "kept-lead"):
                for item in (record, op, info):
                    item.setForeground(QBrush(CONFLICT))
            name.appendRow([record, op, info])
        self.model.appendRow([name, what, source])
        self.tree.setFirstColumnSpanned(0, self.model.indexFromItem(name), True)
