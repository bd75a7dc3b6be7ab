"""Run one long service call off the GUI thread behind a progress dialog, and return its
result (or raise its error) on the GUI thread as if it had been called directly."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

T = TypeVar("T")


def run_busy(parent: QWidget | None, text: str, work: Callable[[], T]) -> T:
    """`work()` in a worker thread; a busy dialog appears if it takes more than a moment.

    The user cannot start anything else meanwhile (input is held back), so the copy sees one
    writer at a time; painting goes on."""
    done: list[T] = []
    failed: list[BaseException] = []

    def target() -> None:
        try:
            done.append(work())
        except BaseException as exc:  # handed to the GUI thread below
            failed.append(exc)

    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setCancelButton(None)  # type: ignore[arg-type]
    progress.setWindowTitle(text.rstrip("…."))
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(300)
    progress.setAutoClose(False)
    progress.setValue(0)
    thread = threading.Thread(target=target, name="csa-busy", daemon=True)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(25)
    timer.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        thread.start()
        timer.start()
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        thread.join()
    finally:
        timer.stop()
        progress.close()
        progress.deleteLater()
        QApplication.restoreOverrideCursor()
    if failed:
        raise failed[0]
    return done[0]
