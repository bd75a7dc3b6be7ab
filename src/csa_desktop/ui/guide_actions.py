"""Help ▸ User guide (F1): the short guide to the three journeys (joining, the lead's
import and publish, printing), shown in a window of its own. Its text is
resources/guide/user-guide.md, the same as docs/user-guide.md."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csa_desktop import APP_NAME


def guide_folder() -> Path:
    return Path(str(resources.files("csa_desktop.resources").joinpath("guide")))


class GuideWindow(QDialog):
    """The user guide; links to the web open in the browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.setWindowTitle(f"User guide — {APP_NAME}")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(True)
        folder = guide_folder()
        self.browser.setSearchPaths([str(folder)])
        self.browser.setMarkdown((folder / "user-guide.md").read_text("utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(820, 720)


def install(window: QMainWindow) -> QAction:
    action = QAction("&User guide", window)
    action.setObjectName("userGuideAction")
    action.setShortcut(QKeySequence.StandardKey.HelpContents)
    action.setStatusTip("How to join a partnership, merge and publish, and print")

    def show() -> None:
        guide = GuideWindow(window)
        window.user_guide = guide  # type: ignore[attr-defined]
        guide.show()

    action.triggered.connect(lambda _checked=False: show())
    help_menu: QMenu = window.help_menu  # type: ignore[attr-defined]
    first = help_menu.actions()[0]  # About…: the guide comes first
    help_menu.insertAction(first, action)
    help_menu.insertSeparator(first)
    return action
