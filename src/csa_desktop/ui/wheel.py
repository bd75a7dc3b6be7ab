"""The mouse wheel scrolls the page: a combo, date or spin box takes the wheel only once it has
focus (a click or Tab), everywhere in the program, dialogs of Qt's own included.

Without this a page scrolled with the wheel changes every drop-down that passes under the
pointer, and the change is saved (and travels in the next bundle).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox

GUARDED = (QComboBox, QAbstractSpinBox)  # QDateEdit and QSpinBox are QAbstractSpinBoxes


class WheelGuard(QObject):
    """An application-wide event filter: an unfocused guarded box lets the wheel event pass
    on to its parent (the scroll area), and no longer takes focus from the wheel."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            if isinstance(watched, GUARDED) and not watched.hasFocus():
                event.ignore()  # ignored and filtered: Qt offers it to the parent widget
                return True
        elif kind == QEvent.Type.Polish and isinstance(watched, GUARDED) \
                and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False


def guard_wheel(app: QCoreApplication | None = None) -> WheelGuard:
    """Install the guard on `app` (the running application) once; returns it."""
    app = app or QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
