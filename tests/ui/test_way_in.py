"""The way in, driven through the real windows: the welcome window on first start (nothing
written until a way is chosen), join my partnership from a baseline → edit → export, start a
county agreement, try the demo, and `csa-desktop FILE.csabundle` with and without a copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QMessageBox

from csa_desktop import paths
from csa_desktop.app import parse_args, show_first_window
from csa_desktop.bundle import keys
from csa_desktop.domain.roles import Role
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.new_copy import join_partnership
from csa_desktop.ui.copy_actions import CopyLauncher, set_launcher
from csa_desktop.ui.dialogs.import_preview import ImportPreviewDialog
from csa_desktop.ui.dialogs.join_dialog import JoinDialog
from csa_desktop.ui.dialogs.new_county_dialog import NewCountyDialog
from csa_desktop.ui.welcome_window import WelcomeWindow
from tests.helpers import dump
from tests.merge.test_gui import when_shown
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CopyLauncher]:
    """A user with no copy yet: no folder named, an empty user data folder."""
    monkeypatch.delenv(paths.ENV_VAR)
    launcher = CopyLauncher(None, tmp_path / "user-data")
    set_launcher(launcher)
    yield launcher
    for widget in QApplication.topLevelWidgets():
        widget.close()
    launcher.close_all()
    set_launcher(None)


def start(launcher: CopyLauncher, *argv: str) -> None:
    show_first_window(QApplication.instance(), parse_args(list(argv)), launcher, {})


def shown(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def welcome_window(qtbot) -> WelcomeWindow:
    qtbot.waitUntil(lambda: len(shown(WelcomeWindow)) == 1, timeout=3000)
    window = shown(WelcomeWindow)[0]
    qtbot.waitExposed(window)
    return window


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_first_start_shows_the_welcome_window_and_writes_nothing(qtbot, library):
    start(library)
    window = welcome_window(qtbot)
    assert window.windowTitle() == "Welcome to CSA Desktop"
    for way in ("Join my partnership", "Start a county agreement", "Try the demo"):
        assert control(window, type(window.join_button), way).isEnabled()
    assert files_under(library.library) == []


def join_through_the_dialog(qtbot, dialog: JoinDialog, partnership: str, name: str) -> None:
    qtbot.waitExposed(dialog)
    assert not dialog.join_button.isEnabled()
    dialog.choose_partnership(partnership)
    qtbot.keyClicks(dialog.name_edit, name)
    assert not dialog.join_button.isEnabled()  # the fingerprint is not confirmed yet
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert dialog.join_button.isEnabled()
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)


def test_joining_from_a_baseline_then_editing_and_exporting_a_contribution(
        qtbot, library, published, monkeypatch, tmp_path):
    lead_dir, baseline = published
    start(library)
    welcome = welcome_window(qtbot)
    qtbot.mouseClick(welcome.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown(JoinDialog)) == 1)
    dialog = shown(JoinDialog)[0]
    assert dialog.windowTitle().startswith("Join")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(baseline), ""))
    qtbot.mouseClick(control(dialog, type(dialog.join_button), "Choose the baseline file"),
                     Qt.MouseButton.LeftButton)
    lead_fingerprint = keys.load_key(lead_dir).fingerprint
    assert lead_fingerprint in dialog.about.text()
    assert "Lancashire county team" in dialog.about.text()
    assert files_under(library.library) == []  # still nothing written
    join_through_the_dialog(qtbot, dialog, "West Lancashire CSP", "Jo Bloggs")

    qtbot.waitUntil(lambda: len(library.windows) == 1, timeout=10000)
    window = library.windows[0]
    qtbot.waitExposed(window)
    assert not shown(WelcomeWindow)
    node = window.current_node()
    assert node is not None and "West Lancashire" in node.title
    with Copy.open(window.copy.data_dir) as copy:  # what reached the new copy
        assert copy.identity.role is Role.DISTRICT and copy.identity.name == "Jo Bloggs"
        assert [copy.records.get(u).title for u in copy.identity.partnership_uids] == [
            "West Lancashire CSP"]
        assert len(copy.records.list_kind("agreement")) == 1
    assert window.copy.data_dir.parent == library.library / "copies"
    assert paths.current_copy(library.library) == window.copy.data_dir

    panel = window.local_plans_page.actions_panel  # edit: an action's status, as a user does
    uid = panel.current_uid()
    status = control(window, QComboBox, "Status")
    status.setFocus()
    qtbot.keyClick(status, Qt.Key.Key_End)
    with Copy.open(window.copy.data_dir) as copy:
        assert copy.records.get(uid)["status"] == "cancelled"

    offered: list[str] = []

    def save_as(_parent, _title, suggested, _filter):
        offered.append(suggested)
        return str(tmp_path / Path(suggested).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window.bundle_actions.export_action.trigger()
    expected = f"west-lancashire-csp-{dt.date.today():%Y-%m-%d}.csabundle"
    assert Path(offered[0]).name == expected
    qtbot.waitUntil(lambda: len(shown(QMessageBox)) == 1)
    message = shown(QMessageBox)[0]
    assert "Send this file to the county team" in message.informativeText()
    message.accept()
    with Copy.open(lead_dir) as lead:  # the lead can read what the district sent
        service = BundleService(lead)
        service.trust(str(tmp_path / expected), partnerships=["West Lancashire CSP"])
        checked = service.check(tmp_path / expected)
    assert {c.uid for c in checked.bundle.changes} == {uid}


def test_cancelling_a_join_while_it_runs_makes_no_copy(qtbot, library, published, monkeypatch):
    import time

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from csa_desktop.services.sync import SyncService

    _lead, baseline = published
    real_check = SyncService.check_files

    def slow_check(self, paths, *, progress=None, cancelled=None, **kwargs):
        for _ in range(200):  # a large baseline: checking takes a while, until cancelled
            if cancelled is not None and cancelled():
                break
            if progress is not None:
                progress(0, 2, "checking the baseline")
            time.sleep(0.02)  # the worker thread's time, not the window's
        return real_check(self, paths, progress=progress, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(SyncService, "check_files", slow_check)
    start(library)
    welcome = welcome_window(qtbot)
    joining = welcome.join(baseline)
    def press_cancel(progress: QProgressDialog) -> None:
        (button,) = [b for b in progress.findChildren(QPushButton) if b.text() == "Cancel"]
        button.click()  # as a user does: the button, not the dialog's own cancel()

    timer = when_shown(QProgressDialog, press_cancel)
    join_through_the_dialog(qtbot, joining, "Pendle CSP", "Sam Patel")
    timer.stop()
    assert "Joining was cancelled: no copy was made." in joining.problem.text()
    assert joining.isVisible() and not library.windows
    assert paths.recent_copies(library.library) == []
    assert not any(p.name == "csa.sqlite3" for p in files_under(library.library))


def test_a_file_that_is_not_a_baseline_is_named_as_the_problem_and_nothing_is_made(
        qtbot, library, tmp_path):
    broken = tmp_path / "baseline.csabundle"
    broken.write_bytes(b"not a zip file at all")
    start(library, str(broken))
    qtbot.waitUntil(lambda: len(shown(JoinDialog)) == 1)
    dialog = shown(JoinDialog)[0]
    problem = control(dialog, type(dialog.about), "Problem")
    assert "baseline.csabundle" in problem.text()
    assert dialog.partnerships.count() == 0 and not dialog.join_button.isEnabled()
    assert files_under(library.library) == []


def test_starting_with_a_baseline_and_no_copy_opens_join_with_that_file(
        qtbot, library, published):
    _lead, baseline = published
    start(library, str(baseline))
    qtbot.waitUntil(lambda: len(shown(JoinDialog)) == 1)
    dialog = shown(JoinDialog)[0]
    assert dialog.windowTitle().startswith("Join")
    assert dialog.file_edit.text() == str(baseline)
    names = [dialog.partnerships.item(i).text() for i in range(dialog.partnerships.count())]
    assert "West Lancashire CSP (West Lancashire)" in names
    join_through_the_dialog(qtbot, dialog, "Pendle CSP", "Sam Patel")
    qtbot.waitUntil(lambda: len(library.windows) == 1, timeout=10000)
    assert library.windows[0].copy.identity.partnership_uids


def test_starting_with_a_bundle_on_a_copy_previews_the_import_and_changes_nothing(
        qtbot, library, published, tmp_path):
    lead_dir, baseline = published
    district = tmp_path / "district"
    join_partnership(district, baseline, partnership="Pendle CSP", name="Sam").close()
    newer = tmp_path / "newer-baseline.csabundle"
    with Copy.open(lead_dir) as lead:
        BundleService(lead).export(newer)
    before = dump(district)
    titles: list[str] = []

    def look_and_cancel(dialog) -> None:
        titles.append(dialog.windowTitle())
        assert dump(district) == before
        dialog.reject()

    timer = when_shown(ImportPreviewDialog, look_and_cancel)
    library.explicit = district
    start(library, str(newer))
    qtbot.waitUntil(lambda: bool(titles), timeout=10000)
    timer.stop()
    assert titles[0].startswith("Import")
    assert dump(district) == before


def type_lines(qtbot, edit, *lines: str) -> None:
    for line in lines:
        qtbot.keyClicks(edit, line)
        qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_start_a_county_agreement_makes_a_blank_lead_copy(qtbot, library):
    start(library)
    welcome = welcome_window(qtbot)
    qtbot.mouseClick(welcome.county_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown(NewCountyDialog)) == 1)
    dialog = shown(NewCountyDialog)[0]
    qtbot.keyClicks(dialog.title_edit, "Kent Community Safety Agreement 2026-2029")
    type_lines(qtbot, dialog.areas_edit, "Ashford", "Dover", "Medway (unitary)")
    type_lines(qtbot, dialog.partnerships_edit, "Ashford CSP", "Dover CSP", "Medway CSP",
               "Kent CSP")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(library.windows) == 1, timeout=10000)
    window = library.windows[0]
    assert window.windowTitle().startswith("County community safety team")
    assert "sample" not in window.windowTitle()
    with Copy.open(window.copy.data_dir) as copy:
        assert copy.identity.role is Role.LEAD
        [agreement] = copy.records.list_kind("agreement")
        assert agreement.title == "Kent Community Safety Agreement 2026-2029"
        areas = {r.title: r for r in copy.records.list_kind("area")}
        assert areas["Medway"]["kind"] == "unitary"
        partnerships = {r.title: r for r in copy.records.list_kind("partnership")}
        assert partnerships["Dover CSP"]["area_uids"] == [areas["Dover"].uid]
        assert partnerships["Medway CSP"]["kind"] == "unitary-csp"
        assert len(partnerships["Kent CSP"]["area_uids"]) == 3


def test_start_a_county_without_areas_says_so_and_makes_nothing(qtbot, library):
    start(library)
    welcome = welcome_window(qtbot)
    dialog = welcome.start_county()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title_edit, "Kent CSA")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    problem = control(dialog, type(dialog.problem), "Problem")
    assert "at least one area" in problem.text()
    assert dialog.isVisible() and not library.windows
    assert files_under(library.library) == []


def test_try_the_demo_is_marked_as_sample_data_in_the_window(qtbot, library):
    start(library)
    welcome = welcome_window(qtbot)
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(library.windows) == 1, timeout=10000)
    window = library.windows[0]
    qtbot.waitExposed(window)
    assert "sample data" in window.windowTitle()
    banner = control(window, type(window.scope_label), "Sample data note")
    assert "Sample data" in banner.text()


def test_new_copy_and_open_copy_switch_between_copies(qtbot, library, published):
    _lead, baseline = published
    start(library)
    welcome_window(qtbot).try_demo()
    qtbot.waitUntil(lambda: len(library.windows) == 1, timeout=10000)
    demo = library.windows[0]
    file_menu = demo.file_menu
    assert [a.text() for a in file_menu.actions()][:2] == ["&New copy…", "&Open copy"]
    demo.copy_actions.new_action.trigger()
    welcome = welcome_window(qtbot)
    assert welcome.windowTitle().startswith("New copy")
    joining = welcome.join(baseline)
    join_through_the_dialog(qtbot, joining, "Pendle CSP", "Sam Patel")
    qtbot.waitUntil(lambda: len(library.windows) == 2, timeout=10000)
    pendle = library.windows[1]
    assert {c.folder for c in paths.recent_copies(library.library)} == {
        demo.copy.data_dir, pendle.copy.data_dir}
    pendle.copy_actions.fill_open_menu()
    labels = [a.text() for a in pendle.copy_actions.open_menu.actions()]
    assert any(str(demo.copy.data_dir) in label for label in labels)
    assert labels[-1] == "Other &folder…"


def test_help_user_guide_opens_the_guide(qtbot, window):
    action = next(a for a in window.help_menu.actions() if a.text() == "&User guide")
    action.trigger()
    guide = window.user_guide
    qtbot.waitExposed(guide)
    assert "Join my partnership" in guide.browser.toPlainText()
