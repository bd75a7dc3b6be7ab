"""File ▸ Import from Word…: a new county starts in the welcome window, brings its agreement
in from a Word file through the outline dialog, and takes it back with Edit ▸ Undo last
import."""

from __future__ import annotations

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox

from csa_desktop.ui.dialogs.import_agreement import ImportAgreementDialog
from csa_desktop.ui.dialogs.new_county_dialog import NewCountyDialog
from tests.adoption.word_builders import SECTIONS, kent_agreement
from tests.merge.test_gui import answer, when_shown
from tests.ui.conftest import control
from tests.ui.test_way_in import library, shown, start, type_lines, welcome_window

pytestmark = pytest.mark.gui
__all__ = ["library"]  # the fixture, used by name


def _sections(copy) -> dict[str, str]:
    return {s.title: str(s["kind"]) for s in copy.records.list_kind("section")}


def test_a_new_county_brings_its_agreement_in_from_word_and_undoes_it(
        qtbot, library, tmp_path, monkeypatch):
    start(library)
    welcome = welcome_window(qtbot)
    qtbot.mouseClick(welcome.county_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown(NewCountyDialog)) == 1)
    county = shown(NewCountyDialog)[0]
    qtbot.keyClicks(county.title_edit, "Kent Community Safety Agreement 2025-2028")
    type_lines(qtbot, county.areas_edit, "Dover", "Thanet")
    type_lines(qtbot, county.partnerships_edit, "Dover CSP", "Thanet CSP")
    qtbot.mouseClick(county.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(library.windows) == 1, timeout=10000)
    window = library.windows[0]
    qtbot.waitExposed(window)
    copy = window.copy
    assert _sections(copy) == {}
    path = kent_agreement(tmp_path / "Kent CSA 2025.docx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a, **_k: (str(path), "Word documents"))
    seen: dict[str, object] = {}

    def look_and_import(dialog: ImportAgreementDialog) -> None:
        try:
            tree = dialog.tree
            seen["outline"] = [tree.topLevelItem(i).text(0)
                               for i in range(tree.topLevelItemCount())]
            intro = tree.topLevelItem(1)
            seen["intro"] = [intro.child(i).text(0) for i in range(intro.childCount())]
            seen["states"] = {tree.topLevelItem(i).text(2)
                              for i in range(tree.topLevelItemCount())}
            seen["notes"] = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
            summary = control(dialog, QLabel, "What the import would do")
            seen["summary"] = summary.text()
            glossary = control(dialog, QComboBox, "What 'Glossary' becomes")
            seen["glossary offered as"] = glossary.currentText()
            glossary.setCurrentIndex(glossary.findData("other"))
            dialog.import_button.click()
        except BaseException as exc:  # the dialog's own loop would swallow it: close, report
            seen["error"] = exc
            dialog.reject()

    timer = when_shown(ImportAgreementDialog, look_and_import)
    window.file_menu.actions()  # the item is in the File menu, where a user looks
    assert window.adopt_actions.import_word_action in window.file_menu.actions()
    window.adopt_actions.import_word_action.trigger()
    timer.stop()

    assert "error" not in seen, seen.get("error")
    assert seen["outline"] == ["Foreword", "1 Introduction", "2 Legislation",
                               "3 Governance and partnership structure", "4 Our priorities",
                               "5 Delivery framework", "Glossary"]
    assert seen["intro"] == ["Sub-heading: Our approach",
                             "    Sub-heading: How this document is organised",
                             "Text: 2 paragraphs, 2 lists"]
    assert seen["states"] == {"New section"}
    assert any(n.startswith("in '1 Introduction': a text box") for n in seen["notes"])
    assert "7 new sections; 3 delivery framework rows" in str(seen["summary"])
    assert seen["glossary offered as"] == "Appendix"

    sections = _sections(copy)
    assert list(sections) == list(SECTIONS)
    assert sections["Glossary"] == "other" and sections["Legislation"] == "legislation"
    assert len(copy.records.list_kind("delivery-framework-row")) == 3
    message = window.statusBar().currentMessage()
    assert "Imported 7 sections from Kent CSA 2025.docx" in message
    assert "Edit ▸ Undo last import" in message

    timer = when_shown(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    window.bundle_actions.undo_import_action.trigger()
    timer.stop()
    assert _sections(copy) == {}
    assert copy.records.list_kind("delivery-framework-row") == []


def test_a_file_that_cannot_come_in_keeps_import_disabled_and_writes_nothing(
        qtbot, demo_copy, tmp_path):
    document = docx.Document()
    document.add_heading("Context", 1)
    document.add_heading("A heading typed as a whole paragraph " * 8, 1)
    path = tmp_path / "long.docx"
    document.save(str(path))
    before = len(demo_copy.records.list_kind("section"))
    dialog = ImportAgreementDialog(demo_copy, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.error.isVisible() and "Title is too long" in dialog.error.text()
    assert not dialog.import_button.isEnabled()
    dialog.accept()  # even when asked directly
    assert dialog.result_ is None and dialog.isVisible()
    assert len(demo_copy.records.list_kind("section")) == before


def test_the_framework_choice_keeps_the_table_as_text(qtbot, demo_copy, tmp_path):
    dialog = ImportAgreementDialog(demo_copy, kent_agreement(tmp_path / "kent.docx"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    framework = dialog.tree.topLevelItem(5)
    assert framework.child(0).text(0).startswith("Delivery framework table → framework rows")
    dialog.framework.click()
    framework = dialog.tree.topLevelItem(5)
    assert framework.child(0).text(0).startswith("Table: Key issue | Lead partnership")
    assert "delivery framework row" not in dialog.summary.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=5000)
    sections = {s.title: s for s in demo_copy.records.list_kind("section")}
    assert "| Serious violence |" in str(sections["Delivery framework"]["body"])


def test_a_district_window_does_not_offer_the_agreement_import(district_window):
    assert not district_window.adopt_actions.import_word_action.isEnabled()
