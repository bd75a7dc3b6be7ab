"""A plan-on-a-page item still being edited in place is saved when the window closes or
another page is shown, like typing waiting for a pause in a text field."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QListView

from csa_desktop.services.copy import Copy
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def approach_items(folder) -> list[str]:
    with Copy.open(folder) as copy:
        return [r["text"] for r in copy.records.list_kind("plan-item",
                                                          where={"column": "approach"})]


def start_editing(qtbot, window, row: int, text: str) -> QListView:
    window.show_place("plan-on-a-page")
    items = control(window, QListView, "Our approach items")
    items.setFocus()
    items.setCurrentIndex(items.model().index(row, 0))
    items.edit(items.currentIndex())
    editor = items.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    assert items.state() == QListView.State.EditingState
    return items


def items_as_the_window_starts_closing(window, monkeypatch) -> list[list[str]]:
    """What the copy holds when the window saves its geometry, in its close event: later, the
    focus leaving the editor may never reach the program (a real desktop quits first)."""
    seen: list[list[str]] = []
    save_window = window.settings.save_window

    def saving(*args):
        seen.append(approach_items(window.copy.data_dir))
        return save_window(*args)

    monkeypatch.setattr(window.settings, "save_window", saving)
    return seen


def test_an_item_being_edited_is_saved_when_the_window_closes(qtbot, window, monkeypatch):
    folder = window.copy.data_dir
    before = approach_items(folder)
    seen = items_as_the_window_starts_closing(window, monkeypatch)
    start_editing(qtbot, window, 1, "Listen to victims and survivors")
    window.close()
    assert seen == [[before[0], "Listen to victims and survivors", *before[2:]]]
    assert approach_items(folder) == seen[0]


def test_an_item_being_edited_is_saved_when_another_page_is_shown(qtbot, window):
    folder = window.copy.data_dir
    before = approach_items(folder)
    items = start_editing(qtbot, window, 0, "Prevention first")
    window.show_place("sections")
    assert items.state() != QListView.State.EditingState
    assert approach_items(folder)[0] == "Prevention first"
    window.undo_stack.undo()  # one ordinary, undoable edit
    assert approach_items(folder) == before


def test_an_emptied_item_is_left_as_it_was_when_the_window_closes(qtbot, window,
                                                                  monkeypatch):
    folder = window.copy.data_dir
    before = approach_items(folder)
    seen = items_as_the_window_starts_closing(window, monkeypatch)
    items = start_editing(qtbot, window, 0, "")
    items.focusWidget().clear()
    window.close()  # refused (an item needs text): said in the status bar, nothing raised
    assert seen == [before] and approach_items(folder) == before
