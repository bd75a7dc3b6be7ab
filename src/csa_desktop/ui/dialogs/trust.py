"""Trust: asking whether to trust the key of a bundle's unknown sender (name, partnerships and
fingerprint shown), and the list of trusted keys with this copy's own fingerprint, where a key
is removed or replaced by its owner's new one (old and new fingerprints shown)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.errors import CsaError
from csa_desktop.services.bundles import BundleService, SignerInfo, TrustedKey
from csa_desktop.ui.models.tables import HeaderedTableModel

Index = QModelIndex | QPersistentModelIndex


class TrustPromptDialog(QDialog):
    """'Bundles signed by this key: trust them?' — the lead chooses the partnerships the key
    may change (those the sender claims are ticked)."""

    def __init__(self, signer: SignerInfo, partnerships: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trustPromptDialog")
        self.setWindowTitle("Trust a new sender?")
        self.signer = signer
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{signer.file_name}</b> is signed by a key this copy does not "
                       "know yet. Trust it only if you know who sent it: compare the "
                       "fingerprint with the sender (by phone, or in person).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.addRow("Sender:", QLabel(signer.author or "(no name given)"))
        form.addRow("Says it is:", QLabel(f"a {signer.role or 'district'} copy"))
        claimed = ", ".join(signer.scope_names) or "(none given)"
        form.addRow("Partnerships it claims:", QLabel(claimed))
        fingerprint = QLabel(f"<tt>{signer.fingerprint}</tt>")
        fingerprint.setObjectName("fingerprintLabel")
        fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Key fingerprint:", fingerprint)
        layout.addLayout(form)
        layout.addWidget(QLabel("It may change the plans of:"))
        self.partnerships = QListWidget()
        self.partnerships.setObjectName("trustPartnerships")
        for uid, name in partnerships:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if uid in signer.scope
                               else Qt.CheckState.Unchecked)
            self.partnerships.addItem(item)
        layout.addWidget(self.partnerships, 1)
        buttons = QDialogButtonBox()
        self.trust_button = buttons.addButton("&Trust this key",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.trust_button.setObjectName("trustButton")
        buttons.addButton("&Don't trust", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept_if_scoped)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 460)

    def chosen(self) -> list[str]:
        return [str(self.partnerships.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.partnerships.count())
                if self.partnerships.item(i).checkState() == Qt.CheckState.Checked]

    def _accept_if_scoped(self) -> None:
        if not self.chosen():
            QMessageBox.information(self, "Choose a partnership",
                                    "Tick at least one partnership whose plans this key may "
                                    "change.")
            return
        self.accept()


class TrustedKeysModel(HeaderedTableModel[tuple[TrustedKey, str]]):
    HEADERS = ("Name", "Role", "Fingerprint", "May change")

    def set_keys(self, keys: list[tuple[TrustedKey, str]]) -> None:
        self.set_rows(keys)

    def key(self, row: int) -> TrustedKey:
        return self.rows[row][0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        key, scope = row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (key.name, key.role, key.fingerprint, scope or "everything")[index.column()]
        return None


class TrustedKeysDialog(QDialog):
    """File ▸ Trusted keys…: whose bundles this copy accepts; remove one."""

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trustedKeysDialog")
        self.setWindowTitle("Trusted keys")
        self.service = service
        layout = QVBoxLayout(self)
        mine = QLabel(f"This copy signs its bundles with the key <tt>{service.fingerprint}</tt>;"
                      " give this fingerprint to whoever needs to check your bundles.")
        mine.setWordWrap(True)
        mine.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(mine)
        self.model = TrustedKeysModel([], self)
        self.table = QTableView()
        self.table.setObjectName("trustedKeysTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.remove_button = QPushButton("&Stop trusting")
        self.remove_button.setObjectName("removeTrustButton")
        self.remove_button.clicked.connect(self._remove)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.replace_button = QPushButton("Re&place key…")
        self.replace_button.setObjectName("replaceKeyButton")
        self.replace_button.setToolTip("The owner of the selected key has a new one: choose a "
                                       "bundle signed by the new key")
        self.replace_button.clicked.connect(self._choose_replacement)
        buttons.addButton(self.replace_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()
        self.resize(720, 360)

    def reload(self) -> None:
        keys = self.service.trusted_keys()
        self.model.set_keys([(k, ", ".join(self.service.partnership_names(k.partnership_uids)))
                             for k in keys])
        self.remove_button.setEnabled(bool(keys))
        self.replace_button.setEnabled(bool(keys))

    def _choose_replacement(self) -> None:
        if self.table.currentIndex().row() < 0:
            return
        name, _ = QFileDialog.getOpenFileName(self, "A bundle signed by the new key", "",
                                              "CSA bundles (*.csabundle)")
        if name:
            self.replace_selected(Path(name))

    def replace_selected(self, bundle: Path) -> bool:
        """Hand the selected key's copy over to the key that signed `bundle`, after the user
        compared both fingerprints."""
        row = self.table.currentIndex().row()
        if row < 0:
            return False
        old = self.model.key(row)
        try:
            signer = self.service.signer(bundle)
        except CsaError as exc:
            QMessageBox.warning(self, "Not changed", str(exc))
            return False
        answer = QMessageBox.question(
            self, "Replace the key?",
            f"Replace the key of {old.name}?\n\nOld fingerprint: {old.fingerprint}\n"
            f"New fingerprint: {signer.fingerprint}\n\nCompare the new fingerprint with "
            f"{old.name} first (by phone, or in person). Bundles signed by the old key are "
            "refused from then on.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            done = self.service.replace_key(old.public_key, str(bundle))
        except CsaError as exc:
            QMessageBox.warning(self, "Not changed", str(exc))
            return False
        self.reload()
        QMessageBox.information(self, "Key replaced",
                                f"{done.new.name} now signs with {done.new.fingerprint} "
                                f"(was {done.old.fingerprint}).")
        return True

    def _remove(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0:
            return
        key = self.model.key(row)
        answer = QMessageBox.question(
            self, "Stop trusting?", f"Refuse bundles signed by {key.name} ({key.fingerprint}) "
            "from now on? Bundles already imported stay.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.untrust(key.public_key)
        except CsaError as exc:
            QMessageBox.warning(self, "Not changed", str(exc))
        self.reload()
