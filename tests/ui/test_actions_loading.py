"""The actions table loads in stages: the first rows at once, the rest from a worker thread;
filtering, revealing and editing meanwhile give the same table as a table loaded whole."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from csa_desktop.services import tables
from csa_desktop.services.tables import ActionFilter
from csa_desktop.ui.views import actions_panel
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


@pytest.fixture
def staged(monkeypatch):
    monkeypatch.setattr(actions_panel, "FIRST_ROWS", 5)


def shown_uids(panel) -> list[str]:
    proxy = panel.proxy
    return [panel.model.rows[proxy.mapToSource(proxy.index(r, 0)).row()].uid
            for r in range(proxy.rowCount())]


def test_the_first_rows_show_at_once_and_the_rest_follow(qtbot, window, staged):
    window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    assert panel.loading and panel.model.rowCount() == 5
    assert "loading" in control(window, type(panel.filter_bar.count), "Number of actions shown"
                                ).text()
    qtbot.keyClicks(control(window, QLineEdit, "Filter text"), "knife")  # while loading
    qtbot.waitUntil(lambda: not panel.loading, timeout=10_000)

    every = tables.action_rows(window.copy)
    assert sorted(r.uid for r in panel.model.rows) == sorted(r.uid for r in every)
    assert shown_uids(panel) == [r.uid for r in ActionFilter(text="knife").select(
        every, panel.model.today())]
    assert "loading" not in panel.filter_bar.count.text()


def test_revealing_an_action_not_read_yet_reads_the_rest_first(qtbot, window, staged):
    window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    last = tables.action_rows(window.copy)[-1]
    panel.reveal(last.uid)
    assert not panel.loading
    assert panel.current_uid() == last.uid


def test_an_edit_while_loading_changes_its_row_once(qtbot, window, staged):
    window.show_place("local-plans")
    panel = window.local_plans_page.actions_panel
    last = tables.action_rows(window.copy)[-1]
    window.context.edits.edit(last.uid, {"title": "Renamed while loading"})
    qtbot.wait(50)  # the worker's rows, if they come now, are stale and dropped
    assert not panel.loading
    titles = [r.title for r in panel.model.rows if r.uid == last.uid]
    assert titles == ["Renamed while loading"]
    assert len(panel.model.rows) == len(tables.action_rows(window.copy))
