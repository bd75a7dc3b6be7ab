"""The GUI side: File ▸ Back up now and Restore backup…, the read-only bar after a full disk or
on a read-only copy, the damaged-copy offer at start, and one window per copy."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from csa_desktop.errors import StoreError
from csa_desktop.services import backups, safety
from csa_desktop.services.copy import Copy
from csa_desktop.ui import backup_actions, startup
from csa_desktop.ui.dialogs.damaged_copy import DamagedCopyDialog
from csa_desktop.ui.dialogs.restore_backup import BackupsTableModel, RestoreBackupDialog
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.settings import WindowSettings
from csa_desktop.ui.single_instance import InstanceServer
from tests.robustness.conftest import damage, hold_lock
from tests.robustness.faults import WriteCounter, injected

pytestmark = pytest.mark.gui


def open_window(qtbot, copy: Copy, tmp_path: Path) -> MainWindow:
    settings = WindowSettings(QSettings(str(tmp_path / "settings.ini"),
                                        QSettings.Format.IniFormat))
    window = MainWindow(copy, settings)
    if getattr(window, "backup_actions", None) is None:
        backup_actions.install(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, demo_dir, tmp_path) -> Iterator[MainWindow]:
    copy = safety.open_for_gui(demo_dir)
    shown = open_window(qtbot, copy, tmp_path)
    yield shown
    shown.close()
    copy.close()


def menu_action(window: MainWindow, name: str):
    (found,) = [a for a in window.file_menu.actions() if a.objectName() == name]
    return found


def section_title(folder: Path) -> str:
    with Copy.open(folder) as copy:
        return copy.records.list_kind("section")[0].title


def test_the_backups_model_passes_the_model_tester(qtmodeltester, demo_dir):
    backups.create_backup(demo_dir)
    backups.create_backup(demo_dir)
    model = BackupsTableModel(backups.list_backups(demo_dir))
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_back_up_now_in_the_file_menu_makes_a_backup(window):
    before = len(backups.list_backups(window.copy.data_dir))
    menu_action(window, "backup_now_action").trigger()
    made = backups.list_backups(window.copy.data_dir)
    assert len(made) == before + 1 and made[0].kind == "manual"


def test_restore_backup_in_the_file_menu_brings_back_the_chosen_state(qtbot, window,
                                                                      monkeypatch):
    folder = window.copy.data_dir
    original = section_title(folder)
    backup = backups.create_backup(folder)
    uid = window.copy.records.list_kind("section")[0].uid
    window.copy.records.update(uid, {"title": "Changed after the backup"})
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))

    def choose_and_click() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, RestoreBackupDialog) and w.isVisible())
        assert dialog.choose(backup.id)
        dialog.restore_button.click()

    QTimer.singleShot(0, choose_and_click)
    menu_action(window, "restore_backup_action").trigger()
    assert section_title(folder) == original
    assert window.copy.records.get(uid).title == original
    kinds = [b.kind for b in backups.list_backups(folder)]
    assert "before-restore" in kinds
    assert window.undo_stack.count() == 0
    assert "Restored the copy as it was on" in window.statusBar().currentMessage()


def visible_texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel) if label.isVisible()]


def test_a_full_disk_while_editing_warns_once_and_shows_the_copy_read_only(qtbot, window,
                                                                           monkeypatch):
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _parent, _title, text: warned.append(text)))
    folder = window.copy.data_dir
    window.show_place("sections")
    uid = window.copy.records.list_kind("section")[0].uid
    before = section_title(folder)
    with injected(window.copy.store.engine, WriteCounter(fail_at=1)), \
            pytest.raises(StoreError, match="because the disk is full"):
        window.copy.records.update(uid, {"title": "Never saved"})
    qtbot.waitUntil(lambda: bool(warned), timeout=2000)
    assert len(warned) == 1 and warned[0].startswith("The disk is full, so the copy is")
    assert window.windowTitle().endswith("[read-only]")
    status = window.findChild(QLabel, "readOnlyStatus")
    assert status.isVisible() and "free some space" in status.toolTip()
    assert any("the disk is full" in text for text in visible_texts(window))  # page banner
    assert window.copy.records.can_change(window.copy.records.get(uid)) is False
    assert section_title(folder) == before


def test_a_copy_opened_read_only_shows_it_from_the_start(qtbot, demo_dir, tmp_path):
    copy = safety.open_read_only(demo_dir)
    try:
        shown = open_window(qtbot, copy, tmp_path)
        shown.show_place("sections")
        assert shown.windowTitle().endswith("[read-only]")
        assert shown.findChild(QLabel, "readOnlyStatus").isVisible()
        assert any("this copy was opened read-only" in text for text in visible_texts(shown))
        shown.close()
    finally:
        copy.close()


def test_the_damaged_copy_dialog_restores_the_newest_good_backup(qtbot, demo_dir):
    good = backups.create_backup(demo_dir)
    damage(demo_dir / "csa.sqlite3")
    with pytest.raises(safety.DamagedCopyError) as refused:
        safety.open_for_gui(demo_dir)
    dialog = DamagedCopyDialog(demo_dir, refused.value.problems, refused.value.backup)
    qtbot.addWidget(dialog)
    assert good.describe() in dialog.informativeText()
    QTimer.singleShot(0, dialog.restore_button.click)
    result = dialog.run()
    assert result is not None and result.restored.id == good.id
    assert [b.kind for b in backups.list_backups(demo_dir)].count("damaged") == 1
    with safety.open_for_gui(demo_dir) as copy:
        assert copy.check() == []


def test_quitting_from_the_damaged_copy_dialog_leaves_the_file_alone(qtbot, demo_dir):
    backups.create_backup(demo_dir)
    damage(demo_dir / "csa.sqlite3")
    before = (demo_dir / "csa.sqlite3").read_bytes()
    with pytest.raises(safety.DamagedCopyError) as refused:
        safety.open_for_gui(demo_dir)
    dialog = DamagedCopyDialog(demo_dir, refused.value.problems, refused.value.backup)
    qtbot.addWidget(dialog)
    QTimer.singleShot(0, dialog.quit_button.click)
    assert dialog.run() is None
    assert (demo_dir / "csa.sqlite3").read_bytes() == before


def test_a_second_start_on_an_open_copy_says_so_plainly(qtbot, demo_dir, lock_holder,
                                                       monkeypatch):
    lock_holder.append(hold_lock(demo_dir, 60))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda _parent, _title, text: told.append(text)))
    assert startup.open_copy(demo_dir) is None
    assert len(told) == 1
    assert told[0].startswith(f"This copy is being changed by Lock holder (process "
                              f"{lock_holder[0].pid}, open since ")
    assert "Start CSA Desktop again when it has finished" in told[0]


def test_a_later_start_asks_the_open_window_to_come_to_the_front(qtbot, demo_dir):
    server = InstanceServer(demo_dir)
    assert server.listening
    requests: list[bool] = []
    server.show_requested.connect(lambda: requests.append(True))
    code = ("import sys; from pathlib import Path\n"
            "from PySide6.QtCore import QCoreApplication\n"
            "from csa_desktop.ui.single_instance import ask_first_instance_to_come_forward\n"
            "app = QCoreApplication([])\n"
            "print(ask_first_instance_to_come_forward(Path(sys.argv[1]), 5000))\n")
    later = subprocess.Popen([sys.executable, "-c", code, str(demo_dir)],
                             stdout=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: bool(requests), timeout=10_000)
    qtbot.waitUntil(lambda: later.poll() is not None, timeout=10_000)
    assert later.stdout is not None and later.stdout.read().strip() == "True"
    server.close()


def test_restoring_is_refused_with_a_message_when_the_backup_is_damaged(qtbot, demo_dir,
                                                                        monkeypatch):
    bad = backups.create_backup(demo_dir)
    damage(bad.path, page=2)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _parent, _title, text: warnings.append(text)))
    dialog = RestoreBackupDialog(demo_dir)
    qtbot.addWidget(dialog)
    assert dialog.choose(bad.id)
    dialog.restore_button.click()
    assert dialog.restored is None
    assert warnings and warnings[0].startswith("The backup") and "cannot be restored" in \
        warnings[0]
    assert isinstance(dialog.restore_button, QPushButton)
