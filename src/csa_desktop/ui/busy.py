"""Run one long service call off the GUI thread behind a progress dialog, and return its
result (or raise its error) on the GUI thread as if it had been called directly; or read in
the background while the window stays usable (`read_in_background`)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QThread, QThreadPool, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

T = TypeVar("T")


def read_in_background(read: Callable[[], object], arrived: SignalInstance,
                       number: int) -> None:
    """`read()` in the thread pool (services open their own database connection there), then
    `arrived.emit(number, result)`: the result, or the exception it raised, for the GUI thread
    to handle. `number` tells a stale reading from the latest; a closed receiver is ignored."""
    def work() -> None:
        result: object
        try:
            result = read()
        except Exception as exc:  # handed to the GUI thread, which decides what to show
            result = exc
        with contextlib.suppress(RuntimeError):  # the receiver was closed meanwhile
            arrived.emit(number, result)

    QThreadPool.globalInstance().start(work)


class BusyCancelledError(Exception):
    """The user stopped waiting for work that writes nothing (a print being prepared)."""


def run_busy(parent: QWidget | None, text: str, work: Callable[[], T], *,
             cancellable: bool = False) -> T:
    """`work()` in a worker thread; a busy dialog appears if it takes more than a moment.

    The user cannot start anything else meanwhile (input is held back, or the dialog is modal
    with its Cancel button), so the copy sees one writer at a time; painting goes on.
    `cancellable`, for work that writes nothing: Cancel stops the wait and raises
    BusyCancelledError; the work's result, when it comes, is dropped."""
    done: list[T] = []
    failed: list[BaseException] = []

    def target() -> None:
        try:
            done.append(work())
        except BaseException as exc:  # handed to the GUI thread below
            failed.append(exc)

    progress = QProgressDialog(text, "Cancel" if cancellable else "", 0, 0, parent)
    progress.setObjectName("busyDialog")
    if not cancellable:
        progress.setCancelButton(None)
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
    stopped: list[bool] = []

    def cancel() -> None:
        stopped.append(True)
        loop.quit()

    progress.canceled.connect(cancel)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        thread.start()
        timer.start()
        if cancellable:
            loop.exec()  # the modal dialog takes the clicks: its Cancel only
        else:
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if stopped and thread.is_alive():
            raise BusyCancelledError(text)
        thread.join()
    finally:
        timer.stop()
        progress.close()
        progress.deleteLater()
        QApplication.restoreOverrideCursor()
    if failed:
        raise failed[0]
    return done[0]


Job = Callable[[Callable[[int, int, str], None], Callable[[], bool]], object]


class _Worker(QThread):
    """Runs one service call off the GUI thread; reports progress; can be asked to stop."""

    progressed = Signal(int, int, str)

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.stop = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.job(self.progressed.emit, self.stop.is_set)
        except BaseException as exc:  # handed to the GUI thread, which shows or re-raises it
            self.error = exc


def run_with_progress(parent: QWidget, title: str, job: Job, *,
                      cancellable: bool = True) -> object:
    """Run `job(progress, cancelled)` in a worker thread behind a modal progress dialog;
    returns its result or raises its error (ImportCancelledError after Cancel)."""
    dialog = QProgressDialog(title, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setObjectName("bundleProgressDialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    worker = _Worker(job)
    loop = QEventLoop()

    def progressed(done: int, total: int, what: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(what[:1].upper() + what[1:] + "…" if what else title)

    worker.progressed.connect(progressed)
    dialog.canceled.connect(worker.stop.set)
    worker.finished.connect(loop.quit)
    appear = QTimer(dialog)  # shown after a moment even if no progress arrives meanwhile
    appear.setSingleShot(True)
    appear.timeout.connect(lambda: dialog.show() if worker.isRunning() else None)
    appear.start(dialog.minimumDuration())
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        worker.start()
        loop.exec()
        worker.wait()
    finally:
        QApplication.restoreOverrideCursor()
        dialog.canceled.disconnect(worker.stop.set)
        dialog.close()
        dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result
