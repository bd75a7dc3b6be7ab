"""File ▸ Print preview… (Ctrl+P): opens the print preview dialog on the window's copy."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from csa_desktop.ui.models import navigator as nav

_LOCAL_PLAN_NODES = frozenset({nav.PARTNERSHIP, nav.PRIORITY, nav.UNPRIORITISED, nav.ACTION})


def document_for(node: nav.Node | None) -> tuple[str, str]:
    """The document (and partnership, "" for the county) that prints the page `node` shows:
    the plan on a page for its page, a partnership's local plan for anything under it, the
    agreement for the agreement's other parts."""
    if node is None:
        return "plan-on-a-page", ""
    if node.kind == nav.PLAN_ON_A_PAGE:
        return "plan-on-a-page", ""
    if node.kind == nav.MEETINGS:
        return "due-list", ""
    if node.kind == nav.LOCAL_PLANS:
        return "local-plan", ""
    if node.kind in _LOCAL_PLAN_NODES:
        return "local-plan", node.partnership_uid or node.uid or ""
    return "agreement", ""


def _file_menu(window: QMainWindow) -> QMenu:
    menu = getattr(window, "file_menu", None)
    if isinstance(menu, QMenu):
        return menu
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == "File":
            return action.menu()  # type: ignore[return-value]
    return window.menuBar().addMenu("&File")


def open_preview(window: QMainWindow, document: str, partnership: str = "") -> None:
    """The print preview of `document` (and partnership) on the window's copy, until closed."""
    from csa_desktop.ui.dialogs.print_preview import PrintPreviewDialog
    from csa_desktop.ui.settings import WindowSettings

    settings = getattr(window, "settings", None)
    dialog = PrintPreviewDialog(window.copy, window,  # type: ignore[attr-defined]
                                document=document, partnership=partnership,
                                settings=settings if isinstance(settings, WindowSettings)
                                else None)
    dialog.exec()


def install(window: QMainWindow) -> QAction:
    """Add File ▸ Print preview… to `window` (which has a `copy`); returns the action."""
    action = QAction("Print pre&view…", window)
    action.setShortcut(QKeySequence.StandardKey.Print)
    action.setStatusTip("Preview, print or save the plan on a page, the agreement or a "
                        "local plan")
    action.setObjectName("print_preview_action")

    def preview_current() -> None:
        current = getattr(window, "current_node", None)
        open_preview(window, *document_for(current() if callable(current) else None))

    action.triggered.connect(preview_current)
    menu = _file_menu(window)
    first = menu.actions()[0] if menu.actions() else None
    quit_like = next((a for a in menu.actions()
                      if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
                      or a.text().replace("&", "").lower().startswith(("quit", "exit"))),
                     None)
    if quit_like is not None:
        menu.insertAction(quit_like, action)
        menu.insertSeparator(quit_like)
    elif first is not None:
        menu.addSeparator()
        menu.addAction(action)
    else:
        menu.addAction(action)
    return action
