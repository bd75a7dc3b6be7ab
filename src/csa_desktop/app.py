"""Start the GUI: parse arguments, open (or create) the copy, show the main window."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from csa_desktop import APP_NAME, __version__, paths

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="csa-desktop", description=f"{APP_NAME} (GUI)")
    parser.add_argument("files", nargs="*", metavar="FILE.csabundle", type=Path,
                        help="bundles to open: a baseline to join with when there is no copy "
                             "yet, else bundles to preview and import")
    parser.add_argument("--data-dir", metavar="PATH", help="the copy's folder")
    parser.add_argument(
        "--show", metavar="PLACE",
        help="open at PLACE (default: where the window was last closed, first the "
             "dashboard): dashboard, agreement, plan-on-a-page, sections, key-issues, "
             "evidence, indicators, local-plans, or local-plan:NAME (a partnership's name, "
             "or its start)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    args = parser.parse_args(argv)
    for path in args.files:
        if path.suffix.lower() != ".csabundle":
            parser.error(f"'{path}' is not a .csabundle file (the command line tool is csa)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    gc.disable()  # until the first window is about to be shown: see _collect_from_now_on
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    explicit = paths.explicit_dir(args.data_dir)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("csa-desktop")  # matches resources/linux/csa-desktop.desktop
    from csa_desktop.ui.copy_actions import CopyLauncher, set_launcher  # no database layer

    launcher = CopyLauncher(explicit)
    set_launcher(launcher)
    opened: dict[str, Any] = {}
    show_first_window(app, args, launcher, opened)
    code = app.exec()
    launcher.close_all()
    set_launcher(None)
    if "error" in opened:
        raise opened["error"]
    return int(code)


def show_first_window(app: Any, args: argparse.Namespace, launcher: Any,
                      opened: dict[str, Any]) -> None:
    """The copy last opened (or named), or the welcome window when there is none."""
    folder = launcher.explicit or paths.current_copy(launcher.library)
    if folder is None or not paths.database_path(folder).is_file():
        _collect_from_now_on()
        _guard_wheel(app)
        _start_without_copy(launcher, args)  # nothing is written until chosen
        return
    # Paint a window at once: opening the copy imports the database layer, which takes
    # longer than Qt's own start. The main window takes its place when the copy is loaded.
    from csa_desktop.ui.start_window import StartWindow

    start = StartWindow(folder)
    start.show()
    opened["start"] = start
    start.after_first_paint(lambda: _open(app, start, folder, args, launcher, opened))


def _guard_wheel(app: Any) -> None:
    """The wheel scrolls pages; it changes a drop-down only once clicked. Installed before any
    window with a drop-down (the start window has none: importing it before the start window
    is painted would load Qt's namespace, ~15 ms of the bare window's ~90)."""
    from csa_desktop.ui.wheel import guard_wheel

    guard_wheel(app)


def _start_without_copy(launcher: Any, args: argparse.Namespace) -> None:
    """The welcome window, or Join with the baseline the program was started with."""
    with contextlib.suppress(OSError):
        from csa_desktop.logs import setup_logging

        setup_logging(paths.library_dir())
    _report_bugs(launcher)
    launcher.show_welcome(first_start=True, baseline=args.files[0] if args.files else None)


def _open(app: Any, start: Any, folder: Path, args: argparse.Namespace, launcher: Any,
          opened: dict[str, Any]) -> None:
    """Open the copy and show the main window in place of the start window."""
    try:
        from csa_desktop.services.early_check import begin_check

        begin_check(folder)  # SQLite checks the file on the other core while Python imports
        _guard_wheel(app)
        _open_main_window(start, folder, args, launcher)
    except BaseException as exc:  # re-raised by main() once the event loop has ended
        opened["error"] = exc
        app.exit(1)
    finally:
        _collect_from_now_on()


def _collect_from_now_on() -> None:
    """Garbage collection back on. Start-up imports and builds about a million objects that
    live as long as the program, and every full collection while they are made walks all of
    them (~45 ms of the start): main() switches collection off until the main window is up
    (or the welcome window is to be shown), then the objects made so far are frozen out of
    every later collection (as before) and collection goes on as usual. Start-up leaves
    little cyclic garbage behind (~500 objects from the imports), frozen with the rest."""
    gc.freeze()
    gc.enable()


def _open_main_window(start: Any, folder: Path, args: argparse.Namespace,
                      launcher: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from csa_desktop.logs import setup_logging

    with contextlib.suppress(OSError):
        setup_logging(folder)
    window = launcher.open_folder(folder, args.show or "", list(args.files) or None)
    if window is None:  # one window per copy; a damaged copy is offered a good backup
        QApplication.exit(1)
        return
    from csa_desktop.ui.icons import app_icon

    QApplication.setWindowIcon(app_icon())  # after first paint: loading it costs start-up time
    start.close()
    _report_bugs(launcher)  # collection goes on again as _open ends


def _report_bugs(launcher: Any) -> None:
    def report_bug(kind: type[BaseException], value: BaseException, tb: object) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))  # type: ignore[arg-type]
        for window in launcher.windows[-1:]:
            window.show_message("Something went wrong; the details are in the log file. "
                                "Everything already saved is safe.", 20000)

    sys.excepthook = report_bug
