"""Start a county agreement: the few facts a blank lead copy needs (title, period, areas,
partnerships); everything else is written in the main window afterwards."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from csa_desktop import APP_NAME
from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy
from csa_desktop.services.new_copy import CountyFacts, start_county
from csa_desktop.ui.dialogs.approval_chain import PRESET_LABELS
from csa_desktop.ui.widgets import ErrorLabel

UNITARY = re.compile(r"\s*\(unitary\)\s*$", re.IGNORECASE)


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


def _date(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


class NewCountyDialog(QDialog):
    """After `exec()` returns true, `copy` is the new lead copy."""

    def __init__(self, folder_for: Callable[[str], Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder_for = folder_for
        self.copy: Copy | None = None
        self.setObjectName("newCountyDialog")
        self.setWindowTitle(f"Start a county agreement — {APP_NAME}")
        today = dt.date.today()
        first_april = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setPlaceholderText(
            f"e.g. Kent Community Safety Agreement {first_april.year}–{first_april.year + 3}")
        self.start_edit = self._date_edit("Period start", first_april)
        self.end_edit = self._date_edit("Period end", dt.date(first_april.year + 3, 3, 31))
        period = QHBoxLayout()
        period.addWidget(self.start_edit)
        period.addWidget(QLabel("to"))
        period.addWidget(self.end_edit)
        period.addStretch(1)
        self.areas_edit = self._list_edit(
            "Areas", "one a line: Ashford\nDover\nMedway (unitary)")
        self.partnerships_edit = self._list_edit(
            "Partnerships", "one a line: Ashford CSP\nDover CSP\nMedway CSP\nKent Community "
                            "Safety Partnership")
        hint = QLabel("A partnership named after an area (“Dover CSP”) covers that area; "
                      "any other covers the whole county. Both can be changed later.")
        hint.setWordWrap(True)
        self.chain_edit = QComboBox()
        self.chain_edit.setAccessibleName("Approval chain")
        for name, label in PRESET_LABELS.items():
            self.chain_edit.addItem(label, name)
        self.chain_edit.setToolTip("The steps the agreement goes through after editorial "
                                   "review; change them later with Approvals… ▸ Chain…")
        self.name_edit = QLineEdit("County community safety team")
        self.name_edit.setAccessibleName("Your team's name")
        self.problem = ErrorLabel()
        self.problem.setAccessibleName("Problem")
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Period:", period)
        form.addRow("&Areas:", self.areas_edit)
        form.addRow("Pa&rtnerships:", self.partnerships_edit)
        form.addRow("", hint)
        form.addRow("Appro&vals:", self.chain_edit)
        form.addRow("Your &team:", self.name_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton("&Create", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.create_copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(640, 560)

    @staticmethod
    def _date_edit(name: str, value: dt.date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMMM yyyy")
        edit.setAccessibleName(name)
        edit.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel changes it only with focus
        return edit

    @staticmethod
    def _list_edit(name: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        return edit

    def facts(self) -> CountyFacts:
        areas = _lines(self.areas_edit)
        return CountyFacts(
            self.title_edit.text(), _date(self.start_edit), _date(self.end_edit),
            tuple(UNITARY.sub("", a) for a in areas), tuple(_lines(self.partnerships_edit)),
            frozenset(UNITARY.sub("", a) for a in areas if UNITARY.search(a)),
            str(self.chain_edit.currentData()))

    def create_copy(self) -> None:
        facts = self.facts()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.copy = start_county(self.folder_for(facts.title or "county"), facts,
                                     name=self.name_edit.text().strip())
        except CsaError as exc:
            self.problem.show_message(f"Nothing was created: {exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()
