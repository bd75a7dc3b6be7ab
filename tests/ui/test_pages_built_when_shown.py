"""The main window builds each page when it is first shown: a copy opens with only the page
it shows, and every page reached for the first time (from the View menu, the navigator, or
--show) is built then, shown, and shows what the copy holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from csa_desktop.domain.kinds import KINDS
from csa_desktop.ui.main_window import PAGE_FOR_KIND, PAGES, PLACES, MainWindow
from csa_desktop.ui.models import navigator as nav

pytestmark = pytest.mark.gui

EMPTY_IN_THE_DEMO = {"meetings", "consultation"}  # the demo copy holds none of these yet


def visible_texts(root: QWidget) -> set[str]:
    """What the user can read under `root`: labels, buttons, fields and the cells of views."""
    texts: set[str] = set()
    for kind in (QLabel, QPushButton, QLineEdit):
        texts |= {w.text() for w in root.findChildren(kind) if w.isVisible()}
    texts |= {w.toPlainText() for w in root.findChildren(QPlainTextEdit) if w.isVisible()}
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if not view.isVisible() or model is None:
            continue
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list model
            columns = 1
        for row in range(min(model.rowCount(), 100)):
            for column in range(columns):
                texts.add(str(model.index(row, column).data()))
    return {text.strip() for text in texts if text}


def record_titles(window: MainWindow, kinds: frozenset[str] | None = None) -> set[str]:
    """The titles of the copy's live records (of `kinds`, else of every kind)."""
    titles: set[str] = set()
    for kind in sorted(kinds or KINDS):
        titles |= {r.title.strip() for r in window.copy.records.list_kind(kind) if r.title}
    return titles


def test_a_copy_opens_with_only_the_page_it_shows_built(window):
    assert window.current_node().kind == nav.DASHBOARD
    assert window.built_pages == ["dashboard_page"]
    assert window.stack.count() == 1


@pytest.mark.parametrize("place", sorted(PLACES))
def test_every_page_shown_for_the_first_time_is_built_and_shows_the_copy(qtbot, window,
                                                                         place):
    name = PAGE_FOR_KIND[PLACES[place]]
    assert name not in window.built_pages or name == "dashboard_page"
    window.show_place("local-plans" if place == "dashboard" else "dashboard")
    assert window.show_place(place)
    page = window.page(name)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.isVisible())
    qtbot.wait(50)  # pages that read in a worker thread fill in
    assert name in window.built_pages
    shown = visible_texts(page)
    assert shown, f"{place}: nothing to read"
    if place == "dashboard":  # it shows numbers (tests/ui/test_dashboard.py checks them)
        return
    if place in EMPTY_IN_THE_DEMO:
        assert page.findChildren(QAbstractItemView), f"{place}: no list to show them in"
        return
    titles = {t for t in record_titles(window, page.kinds) if len(t) > 5}
    assert any(title in text for title in titles for text in shown), \
        f"{place}: nothing of the copy is shown"


def test_every_page_of_the_view_menu_opens_when_chosen_the_first_time(qtbot, window):
    qtbot.waitUntil(window.isActiveWindow)
    for action in window.go_actions:
        action.trigger()
        page = window.stack.currentWidget()
        qtbot.waitUntil(page.isVisible)
        assert page is window.page(PAGE_FOR_KIND[window.current_node().kind])
        qtbot.wait(20)
        assert window.isActiveWindow(), f"building {action.text()} took the focus away"
    assert len(window.built_pages) == len(window.go_actions)


def test_edits_reach_pages_built_before_and_pages_built_after_them(qtbot, window):
    window.show_place("sections")
    (section, *_rest) = window.copy.records.list_kind("section")
    window.copy.records.update(section.uid, {"title": "Renamed while its page is open"})
    window.refresh(None)
    assert "Renamed while its page is open" in visible_texts(window.sections_page)
    assert "plan_on_a_page_page" not in window.built_pages
    window.show_place("plan-on-a-page")
    qtbot.wait(50)
    assert window.copy.records.get(section.uid).title == "Renamed while its page is open"


def test_all_pages_are_built_when_asked_for_together(window):
    assert [type(page).__name__ for page in window.pages] == [c for _m, c in PAGES.values()]
    assert window.stack.count() == len(PAGES)
