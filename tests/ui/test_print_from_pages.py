"""Ctrl+P opens the print preview on the document of the page being looked at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from csa_desktop.ui.dialogs.print_preview import PrintPreviewDialog

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("place", "document", "partnership"), [
    ("agreement", "agreement", ""),
    ("sections", "agreement", ""),
    ("key-issues", "agreement", ""),
    ("plan-on-a-page", "plan-on-a-page", "The county (the agreement)"),
    ("local-plan:Pendle CSP", "local-plan", "Pendle CSP"),
])
def test_ctrl_p_previews_the_document_of_the_page_being_looked_at(
        qtbot, window, monkeypatch, place, document, partnership):
    opened: list[PrintPreviewDialog] = []
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: opened.append(self) or 0)
    assert window.show_place(place)
    qtbot.keyClick(window.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1
    assert opened[0].document == document
    assert opened[0].document_box.currentText() == opened[0].document_box.itemText(
        opened[0].document_box.findData(document))
    if partnership:
        assert opened[0].partnership_box.currentText() == partnership
