"""Which copies are open: the welcome window until a copy is chosen, then a main window per
copy; File ▸ New copy… and File ▸ Open copy (recent copies, or any folder) in every main
window. Each new copy gets a folder of its own under the user data folder (paths.py).

app.py makes the launcher before the start window is painted: nothing here imports the database
layer (services.copy) at module level."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from csa_desktop import paths

if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy


def copy_exists(data_dir: Path) -> bool:
    """Whether `data_dir` holds a copy (services.copy.copy_exists, imported when asked)."""
    from csa_desktop.services.copy import copy_exists as exists

    return exists(data_dir)


class CopyLauncher(QObject):
    """Opens copies in main windows and closes each copy with its window."""

    def __init__(self, explicit: Path | None = None, library: Path | None = None) -> None:
        super().__init__()
        self.explicit = explicit
        self.library = library or paths.library_dir()
        self.windows: list[QMainWindow] = []
        self.welcome_window: QObject | None = None

    def folder_for(self, name: str) -> Path:
        """Where a new copy called `name` goes: the folder the user named at start (the first
        time), else a new folder under the user data folder."""
        if self.explicit is not None and not copy_exists(self.explicit):
            return self.explicit
        return paths.new_copy_folder(name, self.library)

    # --- windows ------------------------------------------------------------------------------

    def show_welcome(self, *, first_start: bool = True, baseline: Path | None = None) -> QObject:
        """The welcome window (with Join already open when started with a baseline file)."""
        from csa_desktop.ui.welcome_window import WelcomeWindow

        welcome = WelcomeWindow(self.folder_for, first_start=first_start)
        welcome.chosen.connect(self._made)
        self.welcome_window = welcome
        welcome.show()
        if baseline is not None:
            welcome.join(baseline)
        return welcome

    def _made(self, copy: Copy, place: str) -> None:
        """Open a copy just made as any copy is opened (its lock, the day's backup)."""
        folder = copy.data_dir
        copy.close()
        self.open_folder(folder, place)

    def show_copy(self, copy: Copy, place: str = "",
                  bundles: list[Path] | None = None) -> QMainWindow:
        from csa_desktop.ui.main_window import MainWindow
        from csa_desktop.ui.single_instance import listen_for_later_starts

        window = MainWindow(copy)
        self.windows.append(window)
        window.closed.connect(lambda: self._closed(window))
        if place and not window.show_place(place):
            window.show_message(f"Nothing to show called '{place}'.")
        window.show()
        paths.remember_copy(copy.data_dir, copy.identity.title, self.library)
        listen_for_later_starts(copy.data_dir, window)  # a second start brings it forward
        if bundles:  # opened with bundles: their preview, once the window is up
            from PySide6.QtCore import QTimer

            actions = window.bundle_actions  # type: ignore[attr-defined]
            QTimer.singleShot(0, lambda: actions.import_bundles(bundles))
        return window

    def open_folder(self, folder: Path, place: str = "",
                    bundles: list[Path] | None = None) -> QMainWindow | None:
        """Open the copy in `folder` (one window per copy; a damaged copy is offered a
        backup); None when it was not opened (the user was told why)."""
        for window in self.windows:
            if window.copy.data_dir == folder.resolve():  # type: ignore[attr-defined]
                from csa_desktop.ui.single_instance import bring_to_front

                bring_to_front(window)
                return window
        from csa_desktop.ui.startup import open_copy

        copy = open_copy(folder)
        return None if copy is None else self.show_copy(copy, place, bundles)

    def _closed(self, window: QMainWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)
            window.copy.close()  # type: ignore[attr-defined]

    def close_all(self) -> None:
        for window in list(self.windows):
            window.close()
            self._closed(window)


_launcher: CopyLauncher | None = None


def launcher() -> CopyLauncher:
    """The application's launcher (made on first use, as in tests)."""
    global _launcher
    if _launcher is None:
        _launcher = CopyLauncher()
    return _launcher


def set_launcher(value: CopyLauncher | None) -> None:
    global _launcher
    _launcher = value


class CopyActions:
    """File ▸ New copy… and File ▸ Open copy in one main window."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.new_action = QAction("&New copy…", window)
        self.new_action.setObjectName("newCopyAction")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setStatusTip("Join a partnership, start a county agreement or try the "
                                     "demo, in a copy of its own")
        self.new_action.triggered.connect(lambda _checked=False: self.new_copy())
        self.open_menu = QMenu("&Open copy", window)
        self.open_menu.setObjectName("openCopyMenu")
        self.open_menu.aboutToShow.connect(self.fill_open_menu)
        file_menu: QMenu = window.file_menu  # type: ignore[attr-defined]
        first = file_menu.actions()[0]  # the new items go at the top
        file_menu.insertAction(first, self.new_action)
        file_menu.insertMenu(first, self.open_menu)
        file_menu.insertSeparator(first)
        self.fill_open_menu()

    def new_copy(self) -> None:
        launcher().show_welcome(first_start=False)

    def fill_open_menu(self) -> None:
        self.open_menu.clear()
        here = self.window.copy.data_dir  # type: ignore[attr-defined]
        for recent in paths.recent_copies(launcher().library):
            if recent.folder == here:
                continue
            label = f"{recent.title or recent.folder.name} — {recent.folder}"
            action = self.open_menu.addAction(label.replace("&", "&&"))
            action.triggered.connect(lambda _c=False, f=recent.folder: self.open(f))
        if self.open_menu.actions():
            self.open_menu.addSeparator()
        other = self.open_menu.addAction("Other &folder…")
        other.triggered.connect(lambda _c=False: self.open_other())

    def open(self, folder: Path) -> None:
        launcher().open_folder(folder)

    def open_other(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self.window, "Open the copy in a folder",
                                                  str(launcher().library))
        if not chosen:
            return
        if not copy_exists(Path(chosen)):
            QMessageBox.information(self.window, "No copy there",
                                    f"There is no CSA Desktop copy in {chosen}.")
            return
        self.open(Path(chosen))


def install(window: QMainWindow) -> CopyActions:
    actions = CopyActions(window)
    window.copy_actions = actions  # type: ignore[attr-defined]
    return actions
