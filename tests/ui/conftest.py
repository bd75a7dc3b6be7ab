"""Fixtures for driving the main window: a window on a fresh demo copy (lead or district),
and helpers that find controls the way a user does, by what they are called."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from csa_desktop.domain.roles import Role
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.settings import WindowSettings


@pytest.fixture
def settings(tmp_path: Path) -> WindowSettings:
    return WindowSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def _open_window(qtbot, folder: Path, settings: WindowSettings) -> Iterator[MainWindow]:
    copy = Copy.open(folder)
    window = MainWindow(copy, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield window
    window.close()
    copy.close()


@pytest.fixture
def window(qtbot, demo_dir: Path, settings: WindowSettings) -> Iterator[MainWindow]:
    """The main window on a fresh demo copy with the lead role."""
    yield from _open_window(qtbot, demo_dir, settings)


@pytest.fixture(scope="session")
def district_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("district-template")
    init_copy(folder, role=Role.DISTRICT, partnerships=["West Lancashire CSP"],
              name="West Lancs CSP officer").close()
    return folder


@pytest.fixture
def district_dir(district_template: Path, tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "district"
    folder.mkdir()
    shutil.copy2(district_template / "csa.sqlite3", folder / "csa.sqlite3")
    return folder


@pytest.fixture
def district_window(qtbot, district_dir: Path,
                    settings: WindowSettings) -> Iterator[MainWindow]:
    """The main window on a district copy whose scope is West Lancashire CSP."""
    yield from _open_window(qtbot, district_dir, settings)


def control(root: QWidget, kind: type, name: str, *, visible: bool = True):
    """The one control of `kind` under `root` whose accessible name is `name`."""
    found = [w for w in root.findChildren(kind)
             if w.accessibleName() == name and (w.isVisible() or not visible)]
    assert len(found) == 1, f"{len(found)} {kind.__name__} called {name!r}"
    return found[0]


def open_dialog(qtbot) -> QDialog:
    """The dialog that is open now."""
    def shown() -> list[QDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible()]
    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=2000)
    return shown()[0]
