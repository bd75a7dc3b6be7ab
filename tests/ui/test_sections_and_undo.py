"""Editing a section as a user does, and undoing and redoing it from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from csa_desktop.services.copy import Copy
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def stored(window, uid):
    with Copy.open(window.copy.data_dir) as copy:
        return copy.records.get(uid).fields


def first_section(window):
    return window.copy.records.list_kind("section")[0]


def test_typing_in_a_section_saves_it_and_counts_its_words(qtbot, window):
    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    body = control(window, QPlainTextEdit, "Text")
    body.setFocus()
    body.selectAll()
    qtbot.keyClicks(body, "Partners work together.")
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClicks(body, "- first bullet")
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClicks(body, "second bullet")
    qtbot.keyClick(body, Qt.Key.Key_Tab)  # focus leaves the text: saved

    expected = "Partners work together.\n- first bullet\n- second bullet"
    qtbot.waitUntil(lambda: stored(window, section.uid)["body"] == expected, timeout=3000)
    assert control(window, QLabel, "Word count").text() == "7 words"


def test_a_pause_in_typing_saves_without_leaving_the_field(qtbot, window):
    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    body = control(window, QPlainTextEdit, "Text")
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClicks(body, " Added while typing.")
    qtbot.waitUntil(lambda: str(stored(window, section.uid)["body"]).endswith(
        " Added while typing."), timeout=3000)


def test_undo_and_redo_from_the_keyboard_change_what_is_stored(qtbot, window):
    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    title = control(window, QLineEdit, "Title")
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "A new title")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert stored(window, section.uid)["title"] == "A new title"

    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, section.uid)["title"] == section.fields["title"]
    assert title.text() == section.fields["title"]

    qtbot.keyClick(window.tree, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(window, section.uid)["title"] == "A new title"
    assert title.text() == "A new title"


def test_a_required_field_left_empty_is_refused_next_to_the_field(qtbot, window):
    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    title = control(window, QLineEdit, "Title")
    title.setFocus()
    title.clear()
    qtbot.keyClick(title, Qt.Key.Key_Return)

    assert stored(window, section.uid)["title"] == section.fields["title"]
    message = control(window, QLabel, "Title: validation message")
    assert "required" in message.text()
    assert "required" in window.statusBar().currentMessage()


def test_moving_a_section_down_changes_the_stored_order(qtbot, window):
    sections = window.copy.records.list_kind("section")
    window.show_place(f"section:{sections[0].uid}")
    window.sections_page.list.setFocus()
    qtbot.keyClick(window.sections_page.list, Qt.Key.Key_Down,
                   Qt.KeyboardModifier.ControlModifier)

    with Copy.open(window.copy.data_dir) as copy:
        order = [s.uid for s in copy.records.list_kind("section")]
    assert order[:2] == [sections[1].uid, sections[0].uid]


def test_each_saved_edit_is_named_in_the_status_bar(qtbot, window):
    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    number = control(window, QLineEdit, "Number")
    number.setFocus()
    number.selectAll()
    qtbot.keyClicks(number, "1A")
    qtbot.keyClick(number, Qt.Key.Key_Return)
    assert stored(window, section.uid)["number"] == "1A"
    assert window.statusBar().currentMessage().startswith("Saved: Edit section number")
    assert window.undo_action.text() == "&Undo Edit section number"


def test_an_undo_that_can_no_longer_apply_is_reported_and_dropped(qtbot, window):
    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    title = control(window, QLineEdit, "Title")
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Soon gone")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    with Copy.open(window.copy.data_dir) as other:  # deleted elsewhere meanwhile
        window.refresh(other.records.delete(section.uid))

    window.undo_action.trigger()
    assert "Could not undo" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0
    assert stored(window, section.uid)["title"] == "Soon gone"


def test_dragging_a_section_to_a_new_place_stores_the_new_order(qtbot, window):
    sections = window.copy.records.list_kind("section")
    window.show_place(f"section:{sections[0].uid}")
    model = window.sections_page.model
    dragged = model.mimeData([model.index(0, 0)])
    model.dropMimeData(dragged, Qt.DropAction.MoveAction, 3, 0, model.index(-1, -1))

    with Copy.open(window.copy.data_dir) as copy:
        order = [s.uid for s in copy.records.list_kind("section")]
    assert order[:3] == [sections[1].uid, sections[2].uid, sections[0].uid]
    window.undo_action.trigger()
    with Copy.open(window.copy.data_dir) as copy:
        assert [s.uid for s in copy.records.list_kind("section")] == [s.uid for s in sections]


def test_ticking_restricted_on_a_section_stores_it(qtbot, window):
    from PySide6.QtWidgets import QCheckBox

    from csa_desktop.domain.kinds import RESTRICTED_LABEL

    section = first_section(window)
    window.show_place(f"section:{section.uid}")
    box = control(window, QCheckBox, RESTRICTED_LABEL)
    assert not box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stored(window, section.uid)["restricted"] is True, timeout=3000)
    # the sections list and the navigator say so, until it is unticked
    marked = f"{section['number']}  {section.title} (restricted)"
    page = window.sections_page
    qtbot.waitUntil(lambda: marked in [page.model.index(r, 0).data()
                                       for r in range(page.model.rowCount())], timeout=3000)
    assert window.navigator.find(f"section:{section.uid}").data() == marked
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stored(window, section.uid)["restricted"] is False, timeout=3000)
    qtbot.waitUntil(lambda: window.navigator.find(f"section:{section.uid}").data()
                    == f"{section['number']}  {section.title}", timeout=3000)
