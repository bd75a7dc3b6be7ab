"""Start-up with a damaged copy: say so in plain words, and offer the newest good backup (or
another one); the damaged file itself is kept in the backups folder when one is restored."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from csa_desktop.errors import CsaError
from csa_desktop.services import backups
from csa_desktop.services.backups import BackupInfo, RestoreResult
from csa_desktop.ui.dialogs.restore_backup import RestoreBackupDialog


class DamagedCopyDialog(QMessageBox):
    """Asks what to do about a copy that failed its check; `run()` restores what was chosen
    and returns the result (None: the user chose to quit)."""

    def __init__(self, data_dir: Path, problems: list[str], backup: BackupInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.backup = backup
        self.setObjectName("damagedCopyDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Your copy is damaged")
        self.setText("<b>Your copy of the agreement cannot be opened: its file is damaged.</b>")
        if backup:
            offer = (f"The newest good backup is from <b>{escape(backup.describe())}</b>. "
                     "Restoring it brings back everything saved up to then; changes made "
                     "after it are lost.")
        else:
            offer = "There is no good backup of it. Ask for help before changing anything."
        self.setInformativeText(
            "CSA Desktop has not changed the file. This can happen after a disk fault or "
            f"if the computer lost power while saving.<br><br>{offer}<br><br>"
            "If you restore a backup, the damaged file is kept in the backups folder.")
        self.setDetailedText("\n".join(problems) + f"\n\nFolder: {data_dir}")
        self.restore_button = (self.addButton("&Restore this backup",
                                              QMessageBox.ButtonRole.AcceptRole)
                               if backup else None)
        self.choose_button = self.addButton("&Choose another backup…",
                                            QMessageBox.ButtonRole.ActionRole)
        self.choose_button.setEnabled(bool(backups.list_backups(data_dir)))
        self.quit_button = self.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button or self.quit_button)
        self.setEscapeButton(self.quit_button)

    def run(self) -> RestoreResult | None:
        while True:
            self.exec()
            clicked = self.clickedButton()
            if clicked is self.restore_button and self.backup is not None:
                try:
                    return backups.restore_backup(self.data_dir, self.backup.id)
                except CsaError as exc:
                    QMessageBox.warning(self, "Nothing was restored", str(exc))
                    continue
            if clicked is self.choose_button:
                chooser = RestoreBackupDialog(
                    self.data_dir, None, self,
                    intro="Choose the backup to restore. The damaged copy is kept in the "
                          "backups folder.")
                if self.backup:
                    chooser.choose(self.backup.id)
                if chooser.exec() and chooser.restored is not None:
                    return chooser.restored
                continue
            return None
