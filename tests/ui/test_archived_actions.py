"""Actions an annual refresh archived: hidden from the actions table and the navigator until
"Show archived" is ticked, then listed marked with their year, and shown read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel

from csa_desktop.services import tables
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import start_refresh
from csa_desktop.services.tables import ActionFilter
from csa_desktop.ui.main_window import MainWindow
from csa_desktop.ui.models import navigator as nav
from csa_desktop.ui.models.actions import (
    STATUS_COLUMN,
    ActionsFilterProxyModel,
    ActionsTableModel,
)
from csa_desktop.ui.settings import WindowSettings
from tests.ui.conftest import _open_window, control

pytestmark = pytest.mark.gui
TODAY = dt.date(2023, 6, 1)


@pytest.fixture
def refreshed_dir(demo_dir: Path) -> Path:
    """A demo copy whose 2022/23 refresh has closed: its completed actions are archived."""
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
    return demo_dir


@pytest.fixture
def refreshed_window(qtbot, refreshed_dir: Path,
                     settings: WindowSettings) -> Iterator[MainWindow]:
    yield from _open_window(qtbot, refreshed_dir, settings)


def archived_and_current(folder: Path) -> tuple[set[str], set[str]]:
    with Copy.open(folder) as copy:
        rows = tables.action_rows(copy)
    return ({r.uid for r in rows if r.archived_in}, {r.uid for r in rows if not r.archived_in})


def listed(window: MainWindow) -> set[str]:
    panel = window.local_plans_page.actions_panel
    proxy = panel.proxy
    return {panel.model.rows[proxy.mapToSource(proxy.index(r, 0)).row()].uid
            for r in range(proxy.rowCount())}


def test_action_rows_say_which_refresh_archived_an_action(refreshed_dir):
    with Copy.open(refreshed_dir) as copy:
        rows = tables.action_rows(copy)
        completed = {a.uid for a in copy.records.list_kind("action")
                     if a["status"] in ("completed", "cancelled")}
    archived = {r.uid: r.archived_in for r in rows if r.archived_in}
    assert archived and set(archived) == completed
    assert set(archived.values()) == {"2022/23"}


def test_the_filter_leaves_archived_actions_out_unless_asked(refreshed_dir):
    with Copy.open(refreshed_dir) as copy:
        rows = tables.action_rows(copy)
    current = [r for r in rows if not r.archived_in]
    assert ActionFilter().empty
    assert ActionFilter().select(rows, TODAY) == current
    assert ActionFilter(show_archived=True).select(rows, TODAY) == rows
    completed = ActionFilter(status="completed", show_archived=True).select(rows, TODAY)
    assert completed and all(r.archived_in for r in completed)
    assert ActionFilter(status="completed").select(rows, TODAY) == []
    assert not any(r.overdue(TODAY) for r in rows if r.archived_in)


def test_navigator_counts_and_lists_only_actions_in_progress(refreshed_dir):
    archived, current = archived_and_current(refreshed_dir)
    with Copy.open(refreshed_dir) as copy:
        assert sum(tables.action_counts(copy).values()) == len(current)
        root = nav.build_outline(copy)
        shown: set[str] = set()
        pending = [root]
        while pending:
            node = pending.pop()
            pending.extend(node.children)
            if node.kind in (nav.PRIORITY, nav.UNPRIORITISED):
                shown.update(n.uid for n in nav.load_actions(copy, node) if n.uid)
    assert shown == current and not shown & archived


def test_actions_table_hides_archived_actions_until_show_archived_is_ticked(
        qtbot, refreshed_window, refreshed_dir):
    archived, current = archived_and_current(refreshed_dir)
    window = refreshed_window
    window.show_place("local-plans")
    assert listed(window) == current
    count = control(window, QLabel, "Number of actions shown")
    assert f"({len(archived)} archived not shown)" in count.text()

    box = control(window, QCheckBox, "Show archived")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert listed(window) == current | archived
    assert count.text() == f"{len(current) + len(archived)} of " \
                           f"{len(current) + len(archived)} actions"
    panel = window.local_plans_page.actions_panel
    statuses = {panel.model.rows[r].uid: panel.model.index(r, STATUS_COLUMN).data()
                for r in range(panel.model.rowCount())}
    assert all(statuses[uid].endswith("(archived 2022/23)") for uid in archived)
    assert not any("archived" in statuses[uid] for uid in current)
    metrics = panel.view.fontMetrics()
    widest = max(metrics.horizontalAdvance(statuses[uid]) for uid in archived)
    assert panel.view.columnWidth(STATUS_COLUMN) > widest  # the mark is not cut off

    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert listed(window) == current
    assert panel.view.columnWidth(STATUS_COLUMN) < widest  # back to its usual width


def test_an_archived_action_is_shown_read_only_and_cannot_be_deleted(
        qtbot, refreshed_window, refreshed_dir):
    archived, _current = archived_and_current(refreshed_dir)
    window = refreshed_window
    window.show_place("local-plans")
    qtbot.mouseClick(control(window, QCheckBox, "Show archived"), Qt.MouseButton.LeftButton)
    panel = window.local_plans_page.actions_panel
    uid = sorted(archived)[0]
    assert panel.select(uid)
    assert "archived when the 2022/23 refresh closed" in panel.detail.banner.label.text()
    assert panel.detail.form.editor("title").widget.isReadOnly()
    assert not panel.delete_action.isEnabled()
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    with Copy.open(refreshed_dir) as copy:
        assert not copy.records.get(uid).deleted


def test_archived_rows_pass_the_model_tester(qtmodeltester, refreshed_dir):
    with Copy.open(refreshed_dir) as copy:
        rows = tables.action_rows(copy)
    model = ActionsTableModel(today=lambda: TODAY)
    model.set_rows(rows)
    qtmodeltester.check(model)
    proxy = ActionsFilterProxyModel(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == sum(1 for r in rows if not r.archived_in)
    proxy.set_filter(ActionFilter(show_archived=True))
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == len(rows)
    proxy.set_filter(ActionFilter(text="a", show_archived=False))
    qtmodeltester.check(proxy)
    proxy.sort(STATUS_COLUMN)
    qtmodeltester.check(proxy)
    assert model.archived_count() == sum(1 for r in rows if r.archived_in)
