"""A dialog that asks for some fields of one record kind (add or edit), checks them inline,
and stays open with the message when the service refuses them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from csa_desktop.domain.kinds import Value
from csa_desktop.errors import CsaError
from csa_desktop.ui.forms import Option, RecordForm
from csa_desktop.ui.widgets import ErrorLabel

Submit = Callable[[dict[str, Value]], object]


class RecordDialog(QDialog):
    """Opened with `open()` (not exec): `submit` runs on OK; a CsaError keeps the dialog open."""

    def __init__(self, parent: QWidget | None, title: str, kind_name: str,
                 names: Sequence[str], submit: Submit, *,
                 values: Mapping[str, Value] | None = None,
                 options: Mapping[str, Sequence[Option]] | None = None,
                 text_lines: Mapping[str, int] | None = None,
                 pick_from: Mapping[str, Sequence[Option]] | None = None,
                 ok_text: str = "OK") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(f"{kind_name}-dialog")
        self.submit = submit
        self.form = RecordForm(kind_name, names, text_lines=text_lines, pick_from=pick_from)
        for name, choices in (options or {}).items():
            self.form.set_options(name, choices)
        self.form.set_values(values or {})
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setAccessibleName(ok_text.replace("&", ""))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def _ok(self) -> None:
        if not self.form.validate():
            self.error.show_message("Please correct the fields marked above.")
            return
        try:
            self.submit(self.form.values())
        except CsaError as exc:
            self.error.show_message(str(exc))
            return
        self.accept()
