"""Start the GUI: parse arguments, open (or create) the copy, show the main window."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from csa_desktop import APP_NAME, __version__, paths

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="csa-desktop", description=f"{APP_NAME} (GUI)")
    parser.add_argument("--data-dir", metavar="PATH", help="the copy's folder")
    parser.add_argument(
        "--show", metavar="PLACE",
        help="open at PLACE: agreement, plan-on-a-page, sections, key-issues, evidence, "
             "local-plans, or local-plan:NAME (a partnership's name, or its start)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    folder = paths.data_dir(args.data_dir)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("csa-desktop")  # matches resources/linux/csa-desktop.desktop
    from csa_desktop.ui.wheel import guard_wheel

    guard_wheel(app)  # the wheel scrolls pages; it changes a drop-down only once clicked

    # Paint a window at once: opening the copy imports the database layer, which takes
    # longer than Qt's own start. The main window takes its place when the copy is loaded.
    from csa_desktop.ui.start_window import StartWindow

    start = StartWindow(folder)
    start.show()
    opened: dict[str, Any] = {}
    start.after_first_paint(lambda: _open(app, start, folder, args, opened))
    code = app.exec()
    if "copy" in opened:
        opened["copy"].close()
    if "error" in opened:
        raise opened["error"]
    return int(code)


def _open(app: Any, start: Any, folder: Any, args: argparse.Namespace,
          opened: dict[str, Any]) -> None:
    """Open the copy and show the main window in place of the start window."""
    try:
        _open_main_window(start, folder, args, opened)
    except BaseException as exc:  # re-raised by main() once the event loop has ended
        opened["error"] = exc
        app.exit(1)


def _open_main_window(start: Any, folder: Any, args: argparse.Namespace,
                      opened: dict[str, Any]) -> None:
    from PySide6.QtWidgets import QApplication

    from csa_desktop.logs import setup_logging

    with contextlib.suppress(OSError):
        setup_logging(folder)
    from csa_desktop.ui.startup import open_copy

    copy = open_copy(folder)  # one window per copy; a damaged copy is offered a good backup
    if copy is None:
        QApplication.exit(1)
        return
    opened["copy"] = copy

    from csa_desktop.ui.icons import app_icon
    from csa_desktop.ui.main_window import MainWindow

    QApplication.setWindowIcon(app_icon())  # after first paint: loading it costs start-up time

    window = MainWindow(copy)
    opened["window"] = window
    if args.show and not window.show_place(args.show):
        window.show_message(f"Nothing to show called '{args.show}'.")
    window.show()
    start.close()
    import gc

    gc.freeze()  # the objects of start-up live on: keep them out of every later collection
    from csa_desktop.ui.single_instance import listen_for_later_starts

    listen_for_later_starts(folder, window)  # a second start brings this window forward

    def report_bug(kind: type[BaseException], value: BaseException, tb: object) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))  # type: ignore[arg-type]
        window.show_message("Something went wrong; the details are in the log file. "
                            "Everything already saved is safe.", 20000)

    sys.excepthook = report_bug
