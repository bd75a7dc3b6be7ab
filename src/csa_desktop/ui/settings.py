"""Window state kept between sessions (QSettings): geometry, splitters, the last place shown.
Everything that matters lives in the copy; losing these settings loses nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from csa_desktop import APP_NAME

SETTINGS_NAME = "csa-desktop"


class WindowSettings:
    """Each setting is read and written here, with its type and its default."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, SETTINGS_NAME
        )

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def restore_window(self, window: QMainWindow) -> bool:
        """Geometry and toolbar/dock state; False when nothing was saved yet."""
        geometry = self._bytes("window/geometry")
        if geometry is None or not window.restoreGeometry(geometry):
            return False
        state = self._bytes("window/state")
        if state is not None:
            window.restoreState(state)
        return True

    def save_window(self, window: QMainWindow) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.setValue("window/state", window.saveState())

    def restore_splitter(self, name: str, splitter: QSplitter) -> bool:
        state = self._bytes(f"splitters/{name}")
        return state is not None and splitter.restoreState(state)

    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        self._settings.setValue(f"splitters/{name}", splitter.saveState())

    def restore_splitters(self, root: QWidget) -> None:
        """Every named QSplitter under `root` (objectName set) gets its saved sizes back."""
        for splitter in root.findChildren(QSplitter):
            if splitter.objectName():
                self.restore_splitter(splitter.objectName(), splitter)

    def save_splitters(self, root: QWidget) -> None:
        for splitter in root.findChildren(QSplitter):
            if splitter.objectName():
                self.save_splitter(splitter.objectName(), splitter)

    @property
    def last_place(self) -> str:
        """The navigator node shown when the window last closed (see NavigatorModel.key)."""
        value = self._settings.value("navigator/last-place", "")
        return value if isinstance(value, str) else ""

    @last_place.setter
    def last_place(self, key: str) -> None:
        self._settings.setValue("navigator/last-place", key)

    def last_folder(self, purpose: str, default: Path | None = None) -> Path:
        """Where a file dialog for `purpose` ("bundles", "pdf", "exports") starts: the folder
        last used for it, else the last used for anything, else `default` (home)."""
        for key in (f"files/{purpose}", "files/any"):
            value = self._settings.value(key, "")
            if isinstance(value, str) and value and Path(value).is_dir():
                return Path(value)
        return default or Path.home()

    def remember_folder(self, purpose: str, chosen: Path | str) -> None:
        """Remember the folder of a file the user chose (or the folder itself)."""
        path = Path(chosen)
        folder = path if path.is_dir() else path.parent
        self._settings.setValue(f"files/{purpose}", str(folder))
        self._settings.setValue("files/any", str(folder))

    def sync(self) -> None:
        self._settings.sync()
