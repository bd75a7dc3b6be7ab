"""Child process of the GUI benchmarks: start a window, report when it is first painted.

    python gui_probe.py floor                     a bare QMainWindow (the floor)
    python gui_probe.py app --data-dir DIR        CSA Desktop's own start (csa_desktop.app.main)
    python gui_probe.py actions --data-dir DIR    the same, then open and filter the actions view

How first paint is detected (floor and app alike): an event filter on the QApplication sees
each QEvent.Paint; the first one delivered to a widget of a visible top-level window posts a
zero-delay timer, which fires once that paint pass is over, and its time.time() is "painted".
"ready" is the same for the QMainWindow named "mainWindow" (the editor's MainWindow; the
floor's window has that name too), i.e. when the copy's content is on screen: later than
"painted" when the app paints its start window before opening the copy.

"actions" then opens the actions view (View ▸ Local plans and actions, through
MainWindow.show_place) and times it until its rows are in the model and the event queue,
paint included, is drained (a table that loads in stages: its first rows; "loaded_ms" is
when the last row is in, after which the filter is timed); then types a filter word into its
filter box, timed the same way.
The floors of those two (same process, same rows) are a raw sqlite3 fetch of every live action
row, and a Python substring test over every title.

One JSON line goes to stdout; the process ends with os._exit right after it (no teardown is
measured in either floor or app).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

FILTER_WORD = "knife"


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else "floor"
    args = sys.argv[2:]

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    result: dict[str, Any] = {}

    def finish() -> None:
        result.setdefault("maxrss_kb", peak_kb())
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)

    def fail(message: str) -> None:
        result["error"] = message
        finish()

    def on_ready(window: QMainWindow) -> None:
        if mode == "actions":
            QTimer.singleShot(0, lambda: measure_actions(app, window, result, args, finish,
                                                        fail))
        else:
            finish()

    seen: set[str] = set()

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
                window = obj.window()
                if window.isWindow() and window.isVisible():
                    if "painted" not in seen:
                        seen.add("painted")
                        QTimer.singleShot(0, lambda: stamp("painted", window))
                    if (isinstance(window, QMainWindow) and window.objectName() == "mainWindow"
                            and "ready" not in seen):
                        seen.add("ready")
                        app.removeEventFilter(self)
                        QTimer.singleShot(0, lambda: (stamp("ready", window), on_ready(window)))
            return False

    def stamp(key: str, window: QWidget) -> None:
        result[key] = time.time()
        result[f"{key}_title"] = window.windowTitle()

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    QTimer.singleShot(60_000, lambda: fail("no main window was painted within 60 s"))

    if mode == "floor":
        window = QMainWindow()
        window.setObjectName("mainWindow")
        window.setWindowTitle("floor")
        window.resize(1300, 860)
        window.show()
        return app.exec()
    from csa_desktop.app import main as app_main

    code = app_main(args)
    fail(f"the app ended (exit code {code}) before its main window was painted")
    return code


def peak_kb() -> float:
    """Peak resident memory of this process in KiB (ru_maxrss; on Windows the peak working
    set, through psutil when it is installed; 0 when neither is there)."""
    try:
        import resource
    except ImportError:
        try:
            import psutil  # type: ignore[import-untyped]
        except ImportError:
            return 0.0
        return float(psutil.Process().memory_info().peak_wset) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(peak) / 1024 if sys.platform == "darwin" else float(peak)  # bytes on macOS


def wait_until(app: Any, condition: Any, timeout: float = 30.0) -> bool:
    """Process events (paint included) until `condition()` holds and nothing is pending."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        app.processEvents()
        if condition():
            app.processEvents()
            return True
        time.sleep(0.001)
    return False


def measure_actions(app: Any, window: Any, result: dict[str, Any], args: list[str],
                    finish: Any, fail: Any) -> None:
    from PySide6.QtCore import QEvent, QObject

    if not hasattr(window, "show_place") or not hasattr(window, "local_plans_page"):
        fail("the main window has no actions view (show_place, local_plans_page)")
        return
    panel = window.local_plans_page.actions_panel
    paints = {"count": 0}

    class CountPaints(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                paints["count"] += 1
            return False

    counter = CountPaints()
    panel.view.viewport().installEventFilter(counter)

    started = time.perf_counter()
    if not window.show_place("local-plans"):
        fail("show_place('local-plans') found no actions view")
        return
    if not wait_until(app, lambda: panel.model.rowCount() > 0 and paints["count"] > 0):
        fail("the actions view showed no rows within 30 s")
        return
    result["open_ms"] = (time.perf_counter() - started) * 1000
    result["rows_first"] = panel.model.rowCount()
    # a table loaded in stages shows its first rows at once and reads the rest in a worker
    # thread: the filter is timed on every row, once the last of them is in
    if not wait_until(app, lambda: not getattr(panel, "loading", False)):
        fail("the actions view did not finish loading within 30 s")
        return
    result["loaded_ms"] = (time.perf_counter() - started) * 1000
    result["rows"] = panel.model.rowCount()

    before = panel.proxy.rowCount()
    paints["count"] = 0
    started = time.perf_counter()
    panel.filter_bar.text.setText(FILTER_WORD)
    if not wait_until(app, lambda: panel.proxy.rowCount() != before and paints["count"] > 0):
        fail(f"filtering for '{FILTER_WORD}' changed nothing within 30 s")
        return
    result["filter_ms"] = (time.perf_counter() - started) * 1000
    result["shown"] = panel.proxy.rowCount()
    result["word"] = FILTER_WORD
    # the app's peak, before the floors below allocate rows of their own in this process
    result["maxrss_kb"] = peak_kb()
    raw_floors(result, args)
    finish()


def raw_floors(result: dict[str, Any], args: list[str]) -> None:
    import sqlite3
    from pathlib import Path

    folder = Path(args[args.index("--data-dir") + 1])
    conn = sqlite3.connect(f"file:{folder / 'csa.sqlite3'}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        rows = conn.execute(
            "SELECT uid, plan_uid, priority_uid, title, lead_organisation_uid, lead_role, "
            "partners, measure, start_on, due_on, status, rag, position FROM actions "
            "WHERE deleted = 0").fetchall()
        result["raw_fetch_ms"] = (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    titles = [str(row[3]) for row in rows]
    started = time.perf_counter()
    matched = [t for t in titles if FILTER_WORD in t.casefold()]
    result["raw_filter_ms"] = (time.perf_counter() - started) * 1000
    result["raw_matched"] = len(matched)


if __name__ == "__main__":
    sys.exit(main())
