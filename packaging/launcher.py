"""Entry point of the frozen program: the GUI, the `csa` command, or a start-up self-test.

One script serves both executables of the one-folder build:
  csa-desktop [--data-dir PATH]      the GUI (csa_desktop.app)
  csa ARGS / csa-desktop cli ARGS    the command line tool (csa_desktop.cli)
  csa-desktop --self-test [ARGS]     open the main window, report what was loaded, check the
                                     PDF preview renders, quit (exit 0 when all is well)
It also runs unfrozen (`python packaging/launcher.py ...`), which the fast tests use.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import PureWindowsPath

SELF_TEST_TIMEOUT_MS = 60_000


def is_cli_executable(executable: str) -> bool:
    # PureWindowsPath splits on both separators, so this reads any platform's path.
    return PureWindowsPath(executable).stem.lower() == "csa"


def resource_report() -> str:
    """Read the bundled resources through importlib.resources, as the program does."""
    from importlib import resources

    package = resources.files("csa_desktop.resources")
    icon = package.joinpath("icons").joinpath("csa-desktop.svg").read_bytes()
    demo = [p.name for p in package.joinpath("demo").iterdir() if p.name.endswith(".json")]
    fonts_dir = package.joinpath("fonts")
    fonts = [p.name for p in fonts_dir.iterdir()] if fonts_dir.is_dir() else []
    versions = resources.files("csa_desktop.storage").joinpath("migrations").joinpath("versions")
    migrations = [p.name for p in versions.iterdir() if p.name[:1].isdigit()]
    return (f"icon {len(icon)} bytes; demo data {sorted(demo)}; fonts {len(fonts)}; "
            f"migrations {sorted(migrations)}")


def pdf_preview_report() -> str:
    """Print a page with ReportLab and render it with QtPdf, as the print preview does."""
    import io

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument
    from reportlab.pdfgen import canvas

    pdf = io.BytesIO()
    page = canvas.Canvas(pdf)
    page.drawString(72, 72, "CSA Desktop")
    page.save()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf.getvalue()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    image = document.render(0, document.pagePointSize(0).toSize()) if document.pageCount() else None
    if image is None or image.isNull():
        raise RuntimeError(f"QtPdf could not render a page (status {document.status()})")
    return f"PDF preview renders {image.width()}x{image.height()}"


def self_test(argv: Sequence[str]) -> int:
    """Start the GUI the normal way and quit as soon as its main window is on screen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from csa_desktop import APP_NAME, __version__, app

    print(f"{APP_NAME} {__version__} self-test: {resource_report()}", flush=True)
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    elapsed = 0

    def check() -> None:
        nonlocal elapsed
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMainWindow) and w.isVisible()]
        if windows:
            print(f"main window opened: {windows[0].windowTitle()}", flush=True)
            try:
                print(pdf_preview_report(), flush=True)
            except Exception as exc:
                print(f"self-test failed: {exc}", file=sys.stderr, flush=True)
                qt_app.exit(4)
                return
            qt_app.exit(0)
        elif elapsed >= SELF_TEST_TIMEOUT_MS:
            print("self-test failed: no main window appeared", file=sys.stderr, flush=True)
            qt_app.exit(3)
        else:
            elapsed += 100
            QTimer.singleShot(100, check)

    QTimer.singleShot(0, check)
    _demo_if_empty(argv)
    return app.main(argv)


def _demo_if_empty(argv: Sequence[str]) -> None:
    """The self-test opens a main window: on a folder without a copy it makes the demo there
    first (a user's first start shows the welcome window instead)."""
    if "--data-dir" not in argv:
        return
    from pathlib import Path

    from csa_desktop.services.copy import copy_exists, init_copy

    folder = Path(argv[list(argv).index("--data-dir") + 1])
    if not copy_exists(folder):
        init_copy(folder, name="Self-test").close()


def main(argv: Sequence[str] | None = None, executable: str = sys.executable) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-test"]:
        return self_test(args[1:])
    if is_cli_executable(executable) or args[:1] == ["cli"]:
        from csa_desktop.cli import main as cli_main

        return cli_main(args[1:] if args[:1] == ["cli"] else args)
    from csa_desktop.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    sys.exit(main())
