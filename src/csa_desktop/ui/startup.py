"""Opening the copy when the GUI starts: one window per copy, a damaged copy is offered its
newest good backup, a copy that cannot be written opens read-only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from csa_desktop import APP_NAME
from csa_desktop.errors import CsaError
from csa_desktop.services import safety
from csa_desktop.services.copy import Copy


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def already_open_message(error: safety.CopyLockedError, came_forward: bool) -> str:
    owner = error.owner
    if owner is None or owner.program == APP_NAME:
        where = f" ({owner.details()})" if owner else ""
        text = f"This copy is already open in another {APP_NAME} window{where}."
        return text + (" That window has been brought to the front." if came_forward else
                       " Use that window, or close it and start again.")
    return (f"This copy is being changed by {owner.describe()}. Start {APP_NAME} again when "
            "it has finished.")


def open_copy(folder: Path) -> Copy | None:
    """The copy to show, or None when the program should end (the user was told why)."""
    from csa_desktop.ui.single_instance import ask_first_instance_to_come_forward

    for _attempt in range(3):
        try:
            return safety.open_for_gui(folder)
        except safety.CopyLockedError as exc:
            came_forward = ask_first_instance_to_come_forward(folder)
            QMessageBox.information(None, APP_NAME, already_open_message(exc, came_forward))
            return None
        except safety.DamagedCopyError as exc:
            from csa_desktop.ui.dialogs.damaged_copy import DamagedCopyDialog

            if DamagedCopyDialog(folder, exc.problems, exc.backup).run() is None:
                return None
        except CsaError as exc:
            QMessageBox.critical(None, APP_NAME, _sentence(str(exc)))
            return None
    return None
