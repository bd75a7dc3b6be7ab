"""File dialogs start in the folder last used (for that purpose, else for any), not always in
the home folder; the folder is kept between sessions with the window's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from csa_desktop.ui.dialogs.print_preview import PrintPreviewDialog

pytestmark = pytest.mark.gui


def test_save_as_pdf_starts_where_the_last_pdf_was_saved(qtbot, demo_copy, settings,
                                                        tmp_path, monkeypatch):
    folder = tmp_path / "meeting papers"
    folder.mkdir()
    asked: list[str] = []

    def save_as(_parent, _title, start, _filter):
        asked.append(start)
        return str(folder / "plan.pdf"), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    dialog = PrintPreviewDialog(demo_copy, settings=settings)
    qtbot.addWidget(dialog)
    dialog.save_as_pdf()
    assert Path(asked[0]).parent == Path.home()  # nothing used yet
    again = PrintPreviewDialog(demo_copy, settings=settings)
    qtbot.addWidget(again)
    again.save_as_pdf()
    assert Path(asked[1]).parent == folder
    assert (folder / "plan.pdf").exists()


def test_import_starts_in_the_folder_of_the_last_export(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "bundles out"
    out.mkdir()
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _p, _t, start, f: (asked.append(start),
                                                  (str(out / "baseline.csabundle"), f))[1])
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda _p, _t, start, f: (asked.append(start), ([], f))[1])
    window.bundle_actions.export_bundle()
    qtbot.waitUntil(lambda: (out / "baseline.csabundle").exists(), timeout=10_000)
    window.bundle_actions.import_bundles()
    assert Path(asked[1]) == out
    assert window.settings.last_folder("bundles") == out
