"""Agreement ▸ Draft the committee report…: the body the agreement goes to and the date of its
meeting; Save… writes the Word draft (services/committee_report.py) where the user chooses."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.services.committee_report import ReportBody


class CommitteeReportDialog(QDialog):
    """`bodies`: the deciding steps of the county's approval chain (report_bodies)."""

    def __init__(self, bodies: list[ReportBody], parent: QWidget | None = None, *,
                 body: str = "cabinet", meeting: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("committeeReportDialog")
        self.setWindowTitle("Draft the committee report")
        self.body_box = QComboBox()
        self.body_box.setAccessibleName("Report to")
        for choice in bodies:
            self.body_box.addItem(choice.name[:1].upper() + choice.name[1:], choice.step)
        self.body_box.setCurrentIndex(max(0, self.body_box.findData(body)))
        self.meeting_edit = QDateEdit()
        self.meeting_edit.setAccessibleName("Date of the meeting")
        self.meeting_edit.setCalendarPopup(True)
        self.meeting_edit.setDisplayFormat("d MMMM yyyy")
        day = meeting or dt.date.today() + dt.timedelta(days=28)
        self.meeting_edit.setDate(QDate(day.year, day.month, day.day))
        note = QLabel("A Word draft from the copy: summary, recommendation, the statutory "
                      "basis, the key issues, what changed since last year, who was "
                      "consulted, the decisions so far and the appendices. Edit it, and add "
                      "what only you can write (marked in the draft), in Word.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Report &to:", self.body_box)
        form.addRow("&Meeting:", self.meeting_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    @property
    def body(self) -> str:
        return str(self.body_box.currentData())

    @property
    def meeting(self) -> dt.date:
        day = self.meeting_edit.date()
        return dt.date(day.year(), day.month(), day.day())


__all__ = ["CommitteeReportDialog"]
