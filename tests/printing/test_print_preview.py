"""The print preview dialog: shows the PDF, switches documents, prints, saves, explains a
document that does not fit; File ▸ Print preview… opens it."""

from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMainWindow

from csa_desktop.ui import print_actions
from csa_desktop.ui.dialogs.print_preview import PrintPreviewDialog
from tests.printing.pdfcheck import page_texts, reader

pytestmark = pytest.mark.gui


def test_preview_shows_the_plan_on_a_page_then_the_agreement(qtbot, demo_copy):
    dialog = PrintPreviewDialog(demo_copy)
    qtbot.addWidget(dialog)
    assert dialog.pdf.pageCount() == 1
    assert "Plan on a page: 1 page" in dialog.status.text()
    dialog.document_box.setCurrentIndex(dialog.document_box.findData("agreement"))
    assert dialog.pdf.pageCount() > 3
    assert not dialog.partnership_box.isEnabled()
    assert "Contents" in " ".join(page_texts(dialog.pdf_bytes))


def test_choosing_a_partnership_previews_its_local_plan(qtbot, demo_copy):
    dialog = PrintPreviewDialog(demo_copy, document="local-plan")
    qtbot.addWidget(dialog)
    assert dialog.partnership_box.isEnabled()
    dialog.partnership_box.setCurrentIndex(dialog.partnership_box.findText("Pendle CSP"))
    assert "Pendle CSP" in " ".join(page_texts(dialog.pdf_bytes))
    assert dialog.pdf.pageCount() >= 1


def test_save_as_pdf_writes_exactly_the_previewed_file(qtbot, demo_copy, tmp_path,
                                                       monkeypatch):
    dialog = PrintPreviewDialog(demo_copy)
    qtbot.addWidget(dialog)
    target = tmp_path / "plan"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF documents (*.pdf)"))
    qtbot.mouseClick(dialog.save_button, qtbot_left())
    saved = tmp_path / "plan.pdf"
    assert saved.read_bytes() == dialog.pdf_bytes
    assert len(reader(saved.read_bytes()).pages) == 1


def test_print_sends_every_page_to_the_printer(qtbot, demo_copy, tmp_path):
    dialog = PrintPreviewDialog(demo_copy, document="agreement")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(96)  # keeps the test quick; real printers get up to 300 dpi
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    sent = dialog.print_to(printer)
    assert sent == dialog.pdf.pageCount()
    assert len(reader(out.read_bytes()).pages) == sent


def test_a_plan_too_long_to_fit_is_explained_and_cannot_be_printed(qtbot, demo_copy):
    agreement = demo_copy.records.list_kind("agreement")[0].uid
    for n in range(40):
        demo_copy.records.create("plan-item", {"agreement_uid": agreement,
                                               "column": "activity",
                                               "text": f"Activity {n}: " + "detail " * 120})
    dialog = PrintPreviewDialog(demo_copy)
    qtbot.addWidget(dialog)
    assert "“Our activity” column is too long" in dialog.message.text()
    assert dialog.stack.currentWidget() is dialog.message
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def test_file_menu_print_preview_action_has_ctrl_p_and_opens_the_dialog(qtbot, demo_copy,
                                                                       monkeypatch):
    window = QMainWindow()
    window.copy = demo_copy
    qtbot.addWidget(window)
    action = print_actions.install(window)
    assert action.shortcut().toString() == "Ctrl+P"
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert any(action in menu.actions() for menu in menus)
    opened = []
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: opened.append(self) or 0)
    action.trigger()
    assert len(opened) == 1 and opened[0].pdf.pageCount() == 1


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_main_window_file_menu_has_print_preview(qtbot, demo_copy):
    from csa_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_copy)
    qtbot.addWidget(window)
    found = [a for a in window.file_menu.actions() if a.objectName() == "print_preview_action"]
    assert len(found) == 1
    assert found[0].shortcut().toString() == "Ctrl+P"
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts.index(found[0].text()) < len(texts) - 1  # above Quit, not after it
