"""Join my partnership: choose the lead's baseline (checked by the gate before anything is
shown), confirm the lead's key, pick the partnership, the role and a display name. The copy is
made only when Join is pressed, and opens at the partnership's local plan."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from csa_desktop import APP_NAME
from csa_desktop.domain.roles import Role
from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy
from csa_desktop.services.import_plan import ImportCancelledError
from csa_desktop.services.new_copy import BaselineSummary, join_partnership, read_baseline
from csa_desktop.ui.busy import run_with_progress
from csa_desktop.ui.widgets import ErrorLabel

FILTER = "CSA bundles (*.csabundle)"


class JoinDialog(QDialog):
    """After `exec()` returns true, `copy` is the new copy and `place` where to open it."""

    def __init__(self, folder_for: Callable[[str], Path], parent: QWidget | None = None, *,
                 baseline: Path | None = None) -> None:
        super().__init__(parent)
        self.folder_for = folder_for
        self.summary: BaselineSummary | None = None
        self.copy: Copy | None = None
        self.place = ""
        self.setObjectName("joinDialog")
        self.setWindowTitle(f"Join my partnership — {APP_NAME}")

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("the baseline file (.csabundle) the county team sent")
        self.file_edit.setAccessibleName("Baseline file")
        choose = QPushButton("&Choose…")
        choose.setAccessibleName("Choose the baseline file")
        choose.clicked.connect(lambda _checked=False: self.choose_file())
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(choose)
        self.problem = ErrorLabel()
        self.problem.setAccessibleName("Problem")

        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setAccessibleName("What the baseline holds")
        self.confirm = QCheckBox("The county team confirmed this &fingerprint")
        self.confirm.setAccessibleName("Fingerprint confirmed")
        self.partnerships = QListWidget()
        self.partnerships.setAccessibleName("Your partnership")
        self.district = QRadioButton("&District or partnership officer")
        self.district.setChecked(True)
        self.editor = QRadioButton("&Editorial group member (may also edit the county text)")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("as the county team will see it, e.g. Jo Bloggs, "
                                          "West Lancashire")
        roles = QVBoxLayout()
        roles.addWidget(self.district)
        roles.addWidget(self.editor)

        form = QFormLayout()
        file_label = QLabel("Baseline &file:")
        file_label.setBuddy(choose)
        form.addRow(file_label, file_row)
        form.addRow("", self.problem)
        form.addRow("Published:", self.about)
        form.addRow("", self.confirm)
        form.addRow("Your &partnership:", self.partnerships)
        form.addRow("You are:", roles)
        form.addRow("Your &name:", self.name_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.join_button = self.buttons.addButton("&Join", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.join)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for signal in (self.confirm.toggled, self.partnerships.currentRowChanged,
                       self.name_edit.textChanged):
            signal.connect(lambda *_: self._update())
        self.resize(680, 560)
        self._show_summary()
        if baseline is not None:
            self.load(baseline)

    # --- the file -----------------------------------------------------------------------------

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the baseline", str(Path.home()),
                                                FILTER)
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> bool:
        """Check `path` and show what it holds (nothing is written)."""
        self.file_edit.setText(str(path))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.summary = read_baseline(path)
            self.problem.show_message("")
        except CsaError as exc:
            self.summary = None
            self.problem.show_message(f"This file cannot be used: {exc}")
        finally:
            QApplication.restoreOverrideCursor()
        self._show_summary()
        return self.summary is not None

    def _show_summary(self) -> None:
        summary = self.summary
        self.partnerships.clear()
        self.confirm.setChecked(False)
        if summary is None:
            self.about.setText("<i>Choose the baseline file first.</i>")
        else:
            self.about.setText(
                f"<b>{escape(summary.agreement_title or 'An agreement')}</b><br>"
                f"baseline {summary.number}, {escape(summary.published_at)}, by "
                f"<b>{escape(summary.lead_name)}</b><br>key fingerprint "
                f"<b><tt>{escape(summary.lead_fingerprint)}</tt></b> — check this with the "
                "county team before you join")
            for partnership in summary.partnerships:
                item = QListWidgetItem(partnership.describe())
                item.setData(Qt.ItemDataRole.UserRole, partnership.uid)
                self.partnerships.addItem(item)
        self.confirm.setEnabled(summary is not None)
        self._update()

    def _update(self) -> None:
        self.join_button.setEnabled(
            self.summary is not None and self.confirm.isChecked()
            and self.partnerships.currentItem() is not None
            and bool(self.name_edit.text().strip()))

    # --- joining ------------------------------------------------------------------------------

    def choose_partnership(self, name: str) -> None:
        for row in range(self.partnerships.count()):
            item = self.partnerships.item(row)
            if item.text().split(" (")[0] == name:
                self.partnerships.setCurrentRow(row)
                return
        raise LookupError(name)

    def join(self) -> None:
        item = self.partnerships.currentItem()
        if self.summary is None or item is None or not self.join_button.isEnabled():
            return
        chosen = self.summary.partnership(str(item.data(Qt.ItemDataRole.UserRole)))
        role = Role.EDITOR if self.editor.isChecked() else Role.DISTRICT
        folder, summary = self.folder_for(chosen.name), self.summary
        name = self.name_edit.text().strip()
        try:  # in a worker thread: a county's baseline takes a while to check and take
            made = run_with_progress(
                self, "Joining", lambda progress, cancelled: join_partnership(
                    folder, summary.path, partnership=chosen.uid, role=role, name=name,
                    summary=summary, progress=progress, cancelled=cancelled))
        except ImportCancelledError:
            self.problem.show_message("Joining was cancelled: no copy was made.")
            return
        except CsaError as exc:
            self.problem.show_message(f"You have not joined: {exc}")
            return
        assert isinstance(made, Copy)
        self.copy = made
        self.place = f"local-plan:{chosen.name}"
        self.accept()
