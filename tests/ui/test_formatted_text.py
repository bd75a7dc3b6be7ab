"""Long text is edited as formatted text: the toolbar and its shortcuts change the Markdown that
is stored, Preview shows it as it prints, and opening a field and leaving it without typing
changes nothing at all (no revision, nothing for the next bundle)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from csa_desktop.domain.kinds import KINDS, FieldType
from csa_desktop.services.copy import Copy
from csa_desktop.ui.forms import TextFieldEditor
from tests.ui.conftest import control

pytestmark = pytest.mark.gui


def _stored(window, uid: str) -> dict[str, object]:
    with Copy.open(window.copy.data_dir) as copy:
        return dict(copy.records.get(uid).fields)


def _revisions(window) -> tuple[int, int]:
    with sqlite3.connect(window.copy.store.path) as db:
        return (db.execute("select sum(rev) from sections").fetchone()[0],
                db.execute("select count(*) from local_changes").fetchone()[0])


def _long_texts(copy: Copy) -> list[tuple[str, str, str]]:
    texts = []
    for spec in KINDS.values():
        names = [f.name for f in spec.fields if f.type is FieldType.LONG_TEXT]
        if not names:
            continue
        for record in copy.records.list_kind(spec.name):
            texts.extend((spec.name, name, str(record[name])) for name in names
                         if record[name] is not None)
    return texts


def test_every_demo_text_opened_and_left_reads_back_byte_for_byte(qtbot, demo_copy):
    texts = _long_texts(demo_copy)
    assert len(texts) > 100  # sections, key issues, evidence, narratives…
    editor = TextFieldEditor(KINDS["section"].field("body"))
    edited: list[bool] = []
    editor.edited.connect(lambda: edited.append(True))
    qtbot.addWidget(editor.widget)
    editor.widget.show()
    qtbot.waitExposed(editor.widget)
    for _kind, _field, text in texts:
        editor.set_value(text)
        editor.text.setFocus()
        editor.text.clearFocus()  # leaving: saved only if the value changed
        assert editor.value() == text
    assert edited == []


@pytest.mark.parametrize("text", ["Kent\u00a0and Medway", "a line\u2028separator",
                                  "tab\there  \n\n", "emoji 🙂 and more"])
def test_text_qt_would_rewrite_is_kept_when_the_field_is_only_visited(qtbot, window, text):
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"body": text})
    window.refresh(None)
    window.show_place(f"section:{section.uid}")
    body = control(window, QPlainTextEdit, "Text")
    before = _revisions(window)
    body.setFocus()
    qtbot.wait(50)
    window.tree.setFocus()  # focus leaves the text
    qtbot.wait(50)
    assert _stored(window, section.uid)["body"] == text
    assert _revisions(window) == before


def test_bold_by_shortcut_is_stored_as_markdown_and_undone_by_ctrl_z(qtbot, window):
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"body": "Partners work together."})
    window.refresh(None)
    window.show_place(f"section:{section.uid}")
    body = control(window, QPlainTextEdit, "Text")
    body.setFocus()
    cursor = body.textCursor()
    cursor.setPosition(9)
    cursor.setPosition(13, cursor.MoveMode.KeepAnchor)  # "work"
    body.setTextCursor(cursor)
    qtbot.keyClick(body, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert body.toPlainText() == "Partners **work** together."
    assert body.textCursor().selectedText() == "work"
    qtbot.keyClick(body, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert body.toPlainText() == "Partners work together."
    qtbot.keyClick(body, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    window.tree.setFocus()
    qtbot.waitUntil(lambda: _stored(window, section.uid)["body"] ==
                    "Partners *work* together.", timeout=3000)


def test_the_toolbar_makes_a_heading_a_list_and_a_table_and_preview_shows_them(qtbot, window):
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"body": "Our approach\nPrevent\nSupport"})
    window.refresh(None)
    window.show_place(f"section:{section.uid}")
    editor = window.sections_page.form.editor("body")
    assert isinstance(editor, TextFieldEditor)
    field, body = editor.field, editor.text
    body.setFocus()
    cursor = body.textCursor()
    cursor.setPosition(0)
    body.setTextCursor(cursor)
    field.actions_["heading"].trigger()
    cursor = body.textCursor()
    cursor.setPosition(len("## Our approach\n"))
    cursor.movePosition(cursor.MoveOperation.End, cursor.MoveMode.KeepAnchor)
    body.setTextCursor(cursor)
    field.actions_["bullets"].trigger()
    body.moveCursor(body.textCursor().MoveOperation.End)
    field.insert_table(columns=2, rows=1)
    qtbot.keyClicks(body, "Partner")
    field.actions_["column-add"].trigger()
    source = body.toPlainText()
    assert source.startswith("## Our approach\n- Prevent\n- Support\n\n| Partner")
    assert "Heading 3" in source.splitlines()[4]

    field.actions_["preview"].trigger()
    assert field.stack.currentWidget() is field.preview
    html = field.preview.toHtml()
    assert "Our approach" in html and "Prevent" in html and "Partner" in html
    assert not field.actions_["bold"].isEnabled()  # formatting waits for the source
    field.actions_["preview"].trigger()
    assert field.stack.currentWidget() is body
    window.tree.setFocus()
    qtbot.waitUntil(lambda: _stored(window, section.uid)["body"] == source, timeout=3000)


def test_preview_shows_markup_typed_as_text_as_text(qtbot, window):
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"body": "<b>not bold</b> & <script>x</script>"})
    window.refresh(None)
    window.show_place(f"section:{section.uid}")
    editor = window.sections_page.form.editor("body")
    editor.field.actions_["preview"].trigger()
    assert editor.field.preview.toPlainText() == "<b>not bold</b> & <script>x</script>"


def test_enter_continues_a_numbered_list_and_ends_it_on_an_empty_item(qtbot, window):
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"body": "1. Agree the priorities"})
    window.refresh(None)
    window.show_place(f"section:{section.uid}")
    body = control(window, QPlainTextEdit, "Text")
    body.setFocus()
    body.moveCursor(body.textCursor().MoveOperation.End)
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClicks(body, "Publish the plan")
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClick(body, Qt.Key.Key_Return)
    qtbot.keyClicks(body, "After the list.")
    assert body.toPlainText() == "1. Agree the priorities\n2. Publish the plan\n\nAfter the list."
    QApplication.processEvents()


def test_a_read_only_copy_offers_preview_but_no_formatting(qtbot, district_window):
    section = district_window.copy.records.list_kind("section")[0]
    district_window.show_place(f"section:{section.uid}")
    editor = district_window.sections_page.form.editor("body")
    assert editor.text.isReadOnly()
    assert not editor.field.actions_["bold"].isEnabled()
    assert editor.field.actions_["preview"].isEnabled()


def test_image_attaches_the_chosen_picture_and_places_it_after_the_cursors_line(
        qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from tests.attachments.images import png

    picture = tmp_path / "district map.png"
    picture.write_bytes(png())
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a, **_k: (str(picture), "Images (*.png *.jpg *.jpeg)"))
    answers = iter([("", True), ("Map of the twelve districts", True)])  # empty: asked again
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: next(answers))
    section = window.copy.records.list_kind("section")[0]
    window.copy.records.update(section.uid, {"body": "Where we work.\nMore."})
    window.refresh(None)
    window.show_place(f"section:{section.uid}")
    editor = window.sections_page.form.editor("body")
    field, body = editor.field, editor.text
    assert field.toolbar.widgetForAction(field.actions_["image"]).isVisible()
    body.setFocus()
    cursor = body.textCursor()
    cursor.setPosition(3)
    body.setTextCursor(cursor)
    field.actions_["image"].trigger()
    (attachment,) = window.copy.records.list_kind("attachment")
    assert attachment["alt_text"] == "Map of the twelve districts"
    expected = (f"Where we work.\n\n![Map of the twelve districts](attachment:{attachment.uid})"
                "\n\nMore.")
    assert body.toPlainText() == expected
    window.tree.setFocus()
    qtbot.waitUntil(lambda: _stored(window, section.uid)["body"] == expected, timeout=3000)

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    picture.write_bytes(b"not an image at all")
    answers = iter([("A broken picture", True)])
    body.setFocus()
    field.actions_["image"].trigger()
    assert warnings and "district map.png" in warnings[0]
    assert body.toPlainText() == expected  # refused: nothing placed, nothing attached
    assert len(window.copy.records.list_kind("attachment")) == 1
