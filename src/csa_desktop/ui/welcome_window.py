"""The first window a new user sees: three ways in (join my partnership from the lead's
baseline, start a county agreement, try the demo), and nothing is written until one is chosen.
File ▸ New copy… shows the same window later."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCommandLinkButton,
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from csa_desktop import APP_NAME
from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.ui.dialogs.join_dialog import JoinDialog
from csa_desktop.ui.dialogs.new_county_dialog import NewCountyDialog

FolderFor = Callable[[str], Path]
"""folder_for(name): the folder a new copy called `name` is made in."""

DEMO_NAME = "Lancashire demo"


class WelcomeWindow(QWidget):
    """Emits `chosen(copy, place)` with the new copy and where to open it ("" = as usual)."""

    chosen = Signal(object, str)

    def __init__(self, folder_for: FolderFor, *, first_start: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.folder_for = folder_for
        self.setObjectName("welcomeWindow")
        self.setWindowTitle(f"Welcome to {APP_NAME}" if first_start else
                            f"New copy — {APP_NAME}")
        title = QLabel(f"<h1>Welcome to {APP_NAME}</h1>" if first_start else
                       "<h1>Make another copy</h1>")
        intro = QLabel(
            "CSA Desktop keeps a county's Community Safety Agreement and the local partnership "
            "plans that deliver it. Each copy is one agreement on this computer; the county "
            "team keeps the master, and each district edits its own copy and sends its changes "
            "back. How do you want to start?")
        intro.setWordWrap(True)
        self.join_button = self._way(
            "&Join my partnership",
            "You work for a district or community safety partnership, or sit on the editorial "
            "group. Choose the baseline file the county team sent you.", self.join)
        self.county_button = self._way(
            "&Start a county agreement",
            "You are the county team: start a blank agreement with its areas and "
            "partnerships, and publish it to the districts.", self.start_county)
        self.demo_button = self._way(
            "&Try the demo",
            "Explore the Lancashire example with sample plans and actions. It is marked as "
            "sample data and can sit beside your real copy.", self.try_demo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(12)
        for button in (self.join_button, self.county_button, self.demo_button):
            layout.addWidget(button)
        layout.addStretch(1)
        self.dialog: QDialog | None = None
        self.resize(640, 480)

    def _way(self, text: str, description: str, slot: Callable[[], object]) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description)
        button.setAccessibleName(text.replace("&", ""))
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- the three ways in ------------------------------------------------------------------

    def join(self, baseline: Path | None = None) -> JoinDialog:
        """Open Join (window-modal; the welcome window stays for Cancel)."""
        dialog = JoinDialog(self.folder_for, self, baseline=baseline)
        dialog.accepted.connect(lambda: self._done(dialog.copy, dialog.place))
        self.dialog = dialog
        dialog.open()
        return dialog

    def start_county(self) -> NewCountyDialog:
        dialog = NewCountyDialog(self.folder_for, self)
        dialog.accepted.connect(lambda: self._done(dialog.copy, "agreement"))
        self.dialog = dialog
        dialog.open()
        return dialog

    def try_demo(self) -> Copy | None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            copy = init_copy(self.folder_for(DEMO_NAME), name="Demo lead")
        except CsaError as exc:
            QMessageBox.warning(self, "The demo was not made", str(exc))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._done(copy, "")
        return copy

    def _done(self, copy: Copy | None, place: str) -> None:
        if copy is not None:
            self.chosen.emit(copy, place)
            self.close()
