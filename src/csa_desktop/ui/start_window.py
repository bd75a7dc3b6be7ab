"""The window shown the moment the GUI starts, before the copy is opened.

Opening a copy imports the database layer (SQLAlchemy alone takes longer than Qt's own start);
showing this window first makes the program visibly start as fast as a bare Qt window, and
the main window takes its place as soon as the copy is loaded. Only Qt is imported here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from csa_desktop import APP_NAME

FALLBACK_MS = 300  # continue even if no paint arrives (a minimised start, a hidden screen)


class StartWindow(QWidget):
    """Where the main window will be, saying what is being opened. A plain window, not a
    QMainWindow: whatever waits for "the main window" still waits for the real one."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setObjectName("startWindow")
        # Centred by stretches: the Qt namespace costs ~14 ms to load, more than all the rest.
        label = QLabel(f"Opening the copy in {folder}…")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(label)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.resize(1300, 860)
        from PySide6.QtCore import QSettings

        from csa_desktop.ui.settings import SETTINGS_NAME

        geometry = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME,
                             SETTINGS_NAME).value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # where the main window was last time
        self._next: Callable[[], None] | None = None

    def after_first_paint(self, callback: Callable[[], None]) -> None:
        """Run `callback` once, from the event loop, just after this window is first painted
        (or after FALLBACK_MS if it is not painted by then)."""
        self._next = callback
        self.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self._continue)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and self._next is not None:
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._continue)
        return False

    def _continue(self) -> None:
        callback, self._next = self._next, None
        if callback is not None:
            callback()
