"""Insert image… in a formatted text field: choose a PNG or JPEG, give its alternative text
(required: the web edition and screen readers say it), and the image is attached to the copy
(services.attachments, as `csa attach` does: the same image twice is one attachment) and its
Markdown placed in the text. A file that cannot be attached is named and nothing changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from csa_desktop.errors import CsaError
from csa_desktop.services.copy import Copy

TITLE = "Insert image"
ALT_PROMPT = ("Alternative text: what the image shows, for readers who cannot see it "
              "(required):")


def choose_image_file(parent: QWidget) -> Path | None:
    start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    chosen, _filter = QFileDialog.getOpenFileName(parent, TITLE, start,
                                                  "Images (*.png *.jpg *.jpeg)")
    return Path(chosen) if chosen else None


def ask_alt_text(parent: QWidget, name: str) -> str | None:
    """The image's alternative text; asked again while left empty, None when cancelled."""
    text = ""
    while True:
        text, ok = QInputDialog.getText(parent, f"{TITLE}: {name}", ALT_PROMPT,
                                        QLineEdit.EchoMode.Normal, text)
        if not ok:
            return None
        if text.strip():
            return text.strip()


def insert_image(parent: QWidget, copy: Copy) -> str | None:
    """The Markdown of the image the user attaches (None: cancelled or refused, said why)."""
    from csa_desktop.services.attachments import add_attachment

    path = choose_image_file(parent)
    if path is None:
        return None
    alt = ask_alt_text(parent, path.name)
    if alt is None:
        return None
    try:
        return add_attachment(copy, path, None, alt).markdown
    except CsaError as exc:
        QMessageBox.warning(parent, TITLE, str(exc))
        return None
