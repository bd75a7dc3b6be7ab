"""Child process of the GUI benchmarks: start a window, report when it is first painted.

    python gui_probe.py floor                 a bare QMainWindow (the floor)
    python gui_probe.py app --data-dir DIR    CSA Desktop's own start-up (csa_desktop.app.main)

First paint: an event filter on the QApplication sees the first QEvent.Paint delivered to a
widget of a visible QMainWindow; a zero-delay timer posted from there fires once that paint pass
(and its flush to the backing store) is over, and that moment is reported. The floor and the app
are detected in exactly the same way. With --settle S the process keeps running S seconds after
the first paint (the app loads its data after first paint) before quitting, so peak memory
includes the loaded tables. One JSON line goes to stdout: {"painted": time.time() at first
paint, "maxrss_kb": ..., "title": window title}.
"""

from __future__ import annotations

import json
import os
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "floor"


def main() -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    args = sys.argv[2:]
    settle = 0.0
    if "--settle" in args:
        index = args.index("--settle")
        settle = float(args[index + 1])
        del args[index:index + 2]

    app = QApplication.instance() or QApplication(sys.argv[:1])
    result: dict[str, object] = {}

    def finish() -> None:
        import resource

        result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)  # the measurement is done; skip teardown in both floor and app alike

    def painted(window: QMainWindow) -> None:
        result["painted"] = time.time()
        result["title"] = window.windowTitle()
        if settle:
            QTimer.singleShot(int(settle * 1000), finish)
        else:
            finish()

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
                window = obj.window()
                if isinstance(window, QMainWindow) and window.isVisible():
                    app.removeEventFilter(self)
                    QTimer.singleShot(0, lambda: painted(window))
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)

    if MODE == "floor":
        window = QMainWindow()
        window.setWindowTitle("floor")
        window.resize(1200, 800)
        window.show()
        return app.exec()
    from csa_desktop.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
