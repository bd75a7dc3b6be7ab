"""The main window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from csa_desktop import APP_NAME
from csa_desktop.services.copy import Copy


class MainWindow(QMainWindow):
    def __init__(self, copy: Copy) -> None:
        super().__init__()
        self.copy = copy
        self.setWindowTitle(f"{copy.identity.title} — {APP_NAME}")
        agreements = copy.records.list_kind("agreement")
        title = agreements[0].title if agreements else "No agreement yet"
        self.setCentralWidget(QLabel(title))
        self.resize(1200, 800)
