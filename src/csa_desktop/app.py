"""Start the GUI: parse arguments, open (or create) the copy, show the main window."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence

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

    from csa_desktop.logs import setup_logging

    with contextlib.suppress(OSError):
        setup_logging(folder)
    from csa_desktop.ui.startup import open_copy

    copy = open_copy(folder)  # one window per copy; a damaged copy is offered a good backup
    if copy is None:
        return 1

    from csa_desktop.ui.main_window import MainWindow

    window = MainWindow(copy)
    if args.show and not window.show_place(args.show):
        window.show_message(f"Nothing to show called '{args.show}'.")
    window.show()
    from csa_desktop.ui.single_instance import listen_for_later_starts

    listen_for_later_starts(folder, window)  # a second start brings this window forward

    def report_bug(kind: type[BaseException], value: BaseException, tb: object) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))  # type: ignore[arg-type]
        window.show_message("Something went wrong; the details are in the log file. "
                            "Everything already saved is safe.", 20000)

    sys.excepthook = report_bug
    code = app.exec()
    copy.close()
    return int(code)
