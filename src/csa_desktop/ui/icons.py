"""The only place icon names appear: theme icons where the desktop has them, Qt's standard
icons otherwise, and small painted swatches for RAG ratings."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

SP = QStyle.StandardPixmap

_ICONS: dict[str, tuple[str, QStyle.StandardPixmap]] = {
    "undo": ("edit-undo", SP.SP_ArrowBack),
    "redo": ("edit-redo", SP.SP_ArrowForward),
    "add": ("list-add", SP.SP_FileDialogNewFolder),
    "edit": ("document-properties", SP.SP_FileDialogDetailedView),
    "delete": ("edit-delete", SP.SP_TrashIcon),
    "move-up": ("go-up", SP.SP_ArrowUp),
    "move-down": ("go-down", SP.SP_ArrowDown),
    "clear": ("edit-clear", SP.SP_LineEditClearButton),
    "find": ("edit-find", SP.SP_FileDialogContentsView),
    "about": ("help-about", SP.SP_MessageBoxInformation),
    "quit": ("application-exit", SP.SP_DialogCloseButton),
    "folder": ("folder-open", SP.SP_DirOpenIcon),
    "export": ("document-save-as", SP.SP_DialogSaveButton),
    "history": ("document-open-recent", SP.SP_FileDialogDetailedView),
    "read-only": ("changes-prevent", SP.SP_MessageBoxInformation),
    "warning": ("dialog-warning", SP.SP_MessageBoxWarning),
    "dashboard": ("view-statistics", SP.SP_ComputerIcon),
    "meetings": ("x-office-calendar", SP.SP_FileDialogDetailedView),
    "agreement": ("x-office-document", SP.SP_FileDialogContentsView),
    "details": ("document-properties", SP.SP_FileDialogInfoView),
    "plan-on-a-page": ("view-list-details", SP.SP_FileDialogListView),
    "sections": ("folder-documents", SP.SP_DirIcon),
    "section": ("text-x-generic", SP.SP_FileIcon),
    "key-issues": ("folder", SP.SP_DirIcon),
    "key-issue": ("emblem-important", SP.SP_FileLinkIcon),
    "evidence": ("x-office-spreadsheet", SP.SP_FileDialogDetailedView),
    "consultation": ("x-office-address-book", SP.SP_FileDialogContentsView),
    "themes": ("tag", SP.SP_FileDialogListView),
    "indicators": ("office-chart-line", SP.SP_FileDialogDetailedView),
    "local-plans": ("folder", SP.SP_DirIcon),
    "partnership": ("system-users", SP.SP_DirHomeIcon),
    "priority": ("go-next", SP.SP_ArrowRight),
    "action": ("task-due", SP.SP_FileIcon),
}

RAG_COLOURS = {"red": "#c62828", "amber": "#ef8f00", "green": "#2e7d32", "not-rated": "#9e9e9e"}


@cache
def app_icon() -> QIcon:
    """The application's own icon (a shield holding the agreement), at every shipped size."""
    from importlib import resources

    folder = resources.files("csa_desktop.resources").joinpath("icons")
    result = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        png = folder.joinpath(f"csa-desktop-{size}.png")
        if png.is_file():
            pixmap = QPixmap()
            pixmap.loadFromData(png.read_bytes())
            result.addPixmap(pixmap)
    return result


@cache
def icon(name: str) -> QIcon:
    """The icon for `name` (a key of _ICONS)."""
    theme, standard = _ICONS[name]
    style = QApplication.style()
    fallback = style.standardIcon(standard) if style is not None else QIcon()
    return QIcon.fromTheme(theme, fallback)


@cache
def rag_icon(rag: str) -> QIcon:
    """A filled circle in the RAG colour (always shown beside the word, never alone)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#444444"))
    painter.setBrush(QColor(RAG_COLOURS.get(rag, RAG_COLOURS["not-rated"])))
    painter.drawEllipse(3, 3, 26, 26)
    painter.end()
    return QIcon(pixmap)
