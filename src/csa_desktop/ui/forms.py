"""Forms built from the record-kind registry: one editor widget per field type.

A live RecordForm saves each field the moment the user finishes with it (Enter, Tab, focus
leaving, a pick from a list, a pause in typing) through EditHistory, and shows a refused value's
message next to the field. A dialog uses the same form without saving (see RecordDialog).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from itertools import count

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.kinds import (
    FieldSpec,
    FieldType,
    KindSpec,
    Value,
    check_value,
    choice_label,
    kind,
)
from csa_desktop.domain.records import Record
from csa_desktop.errors import CsaError
from csa_desktop.ui.context import EditorContext
from csa_desktop.ui.image_insert import insert_image
from csa_desktop.ui.markdown_editor import MarkdownField, raw_text
from csa_desktop.ui.models.checklist import ChecklistModel
from csa_desktop.ui.widgets import ErrorLabel, OptionalDateEdit, word_count

Option = tuple[str, str]  # (what people read, the stored value)

_merge_sessions = count(1)
RESERVED_MNEMONICS = frozenset("aefhv")  # the menu bar's File, Edit, View, Agreement, Help


def with_mnemonic(label: str, used: set[str]) -> str:
    """`label` with '&' before its first letter not yet used in this form."""
    for i, char in enumerate(label):
        if char.isalpha() and char.lower() not in used:
            used.add(char.lower())
            return f"{label[:i]}&{label[i:]}"
    return label


class FieldEditor(QObject):
    """One field's widget; `edited` when the user has finished changing its value."""

    edited = Signal()

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__()
        self.spec = spec
        self._saved: Value = None
        self.widget: QWidget = QWidget()

    def value(self) -> Value:
        raise NotImplementedError

    def show_value(self, value: Value) -> None:
        raise NotImplementedError

    def set_value(self, value: Value) -> None:
        """Show a stored value (without `edited`)."""
        self._saved = value
        if self.value() != value:
            self.show_value(value)

    def accept(self, value: Value) -> None:
        """The shown value was saved."""
        self._saved = value

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)

    def set_options(self, options: Sequence[Option]) -> None:
        """Choices of a reference field (titles and uids)."""

    def merge_key(self) -> object:
        return None

    def flush(self) -> None:
        """Emit `edited` now for a change still waiting for a pause in typing."""

    def _finished(self) -> None:
        if self.value() != self._saved:
            self.edited.emit()


class LineFieldEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.line = QLineEdit()
        self.line.setMaxLength(spec.max_length)
        if spec.required:
            self.line.setPlaceholderText("required")
        self.line.editingFinished.connect(self._finished)
        self.widget = self.line

    def value(self) -> Value:
        text = self.line.text().strip()
        return text or None

    def show_value(self, value: Value) -> None:
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        """Read-only text stays readable to its end (scroll, select, copy) on a greyed
        background, like long text; a disabled line could not be scrolled."""
        self.line.setReadOnly(read_only)
        self.line.setStyleSheet("QLineEdit { background: palette(window); }"
                                if read_only else "")


class IntFieldEditor(LineFieldEditor):
    """A whole number typed as text; anything else is handed on as typed, for the record
    service to refuse by name ("… must be a whole number")."""

    def value(self) -> Value:
        text = self.line.text().strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            return text


class TextFieldEditor(FieldEditor):
    """Formatted text, written as Markdown (a formatting toolbar, a preview); saved on a pause
    in typing and when focus leaves (one undo step per visit). Opening a field and leaving it
    without typing changes nothing, whatever the stored text holds."""

    def __init__(self, spec: FieldSpec, lines: int = 4) -> None:
        super().__init__(spec)
        self.field = MarkdownField(spec.label)
        self.text = self.field.text
        height = self.text.fontMetrics().lineSpacing() * lines + 12
        self.text.setMinimumHeight(height)
        if lines <= 6:
            self.text.setMaximumHeight(height + self.text.fontMetrics().lineSpacing() * 2)
        self.field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.text.paused.connect(self._finished)
        self.text.focus_left.connect(self._left)
        self._session = next(_merge_sessions)
        self._shown: tuple[Value, str] = (None, "")  # the value shown, and the text it showed
        self.widget = self.field

    def _left(self) -> None:
        self._finished()
        self._session = next(_merge_sessions)

    def value(self) -> Value:
        text = raw_text(self.text)
        if text == self._shown[1]:
            return self._shown[0]  # untouched: the stored text, byte for byte
        return text if text.strip() else None

    def show_value(self, value: Value) -> None:
        self.text.set_text_keeping_cursor("" if value is None else str(value))
        self._shown = (value, raw_text(self.text))

    def set_read_only(self, read_only: bool) -> None:
        """Read-only text stays scrollable and copyable, on a greyed background."""
        self.field.set_read_only(read_only)
        self.text.setStyleSheet("QPlainTextEdit { background: palette(window); }"
                                if read_only else "")

    def merge_key(self) -> object:
        return ("text", self._session)

    def flush(self) -> None:
        self.text.flush()


class DateFieldEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.date = OptionalDateEdit(not spec.required, spec.label)
        self.date.edited.connect(self._finished)
        self.widget = self.date

    def value(self) -> Value:
        return self.date.value()

    def show_value(self, value: Value) -> None:
        self.date.set_value(value if not isinstance(value, (str, bool, int, list)) else None)

    def set_value(self, value: Value) -> None:
        self._saved = value
        self.show_value(value)

    def set_read_only(self, read_only: bool) -> None:
        self.date.setEnabled(not read_only)
        self.date.clear_button.setVisible(self.date.optional and not read_only)


class ChoiceFieldEditor(FieldEditor):
    """A drop-down list: a kind's fixed choices, or records (titles) for a reference."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.activated.connect(lambda _i: self._finished())
        self.widget = self.combo
        if spec.type is FieldType.CHOICE:
            self.set_options([(choice_label(c), c) for c in spec.choices])

    def set_options(self, options: Sequence[Option]) -> None:
        current = self.value()
        blocked = self.combo.blockSignals(True)
        self.combo.clear()
        if not self.spec.required:
            self.combo.addItem("—", None)
        for title, value in options:
            self.combo.addItem(title, value)
        self.combo.blockSignals(blocked)
        self.show_value(current)

    def value(self) -> Value:
        data = self.combo.currentData()
        return data if isinstance(data, str) else None

    def show_value(self, value: Value) -> None:
        index = self.combo.findData(value) if value is not None else (
            0 if not self.spec.required else -1)
        if index < 0 and value is not None:  # a value not (or no longer) among the options
            self.combo.addItem(f"{value} (unknown)", value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class BoolFieldEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.check = QCheckBox(spec.label)
        self.check.clicked.connect(lambda _checked: self._finished())
        self.widget = self.check

    def value(self) -> Value:
        return self.check.isChecked()

    def show_value(self, value: Value) -> None:
        self.check.setChecked(bool(value))


class DecimalFieldEditor(LineFieldEditor):
    """A number typed as text ("12.5", "1,204"): a line edit, never a spin box, so the wheel
    cannot change it; a value that is not a plain number is refused with the form's inline
    message (kinds.check_value) and the stored value is shown normalised."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.line.setMaxLength(60)
        self.line.setAlignment(Qt.AlignmentFlag.AlignRight)
        if not spec.required:
            self.line.setPlaceholderText("a number, such as 12.5 or 1,204")


class RefListFieldEditor(FieldEditor):
    """Tick the records that apply; saved on every tick."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.model = ChecklistModel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setMinimumHeight(90)
        self.model.toggled.connect(self._finished)
        self.widget = self.list

    def set_options(self, options: Sequence[Option]) -> None:
        checked = self.model.checked_uids()
        self.model.set_options(options)
        self.model.set_checked(checked)

    def value(self) -> Value:
        return self.model.checked_uids()

    def show_value(self, value: Value) -> None:
        self.model.set_checked(value if isinstance(value, list) else [])

    def set_read_only(self, read_only: bool) -> None:
        self.model.set_editable(not read_only)


def make_editor(spec: FieldSpec, text_lines: int = 4) -> FieldEditor:
    match spec.type:
        case FieldType.LONG_TEXT:
            return TextFieldEditor(spec, text_lines)
        case FieldType.DATE:
            return DateFieldEditor(spec)
        case FieldType.CHOICE | FieldType.REF:
            return ChoiceFieldEditor(spec)
        case FieldType.BOOL:
            return BoolFieldEditor(spec)
        case FieldType.REF_LIST:
            return RefListFieldEditor(spec)
        case FieldType.DECIMAL:
            return DecimalFieldEditor(spec)
        case FieldType.INT:
            return IntFieldEditor(spec)
        case _:
            return LineFieldEditor(spec)


class RecordForm(QWidget):
    """Labelled editors for some fields of one kind, each with its inline error message.

    With a context the form is live: each finished edit is saved at once (one undoable step).
    """

    saved = Signal(str)  # field name, after a successful save

    def __init__(self, kind_name: str, names: Sequence[str], *,
                 context: EditorContext | None = None,
                 labels: Mapping[str, str] | None = None,
                 text_lines: Mapping[str, int] | None = None,
                 pick_from: Mapping[str, Sequence[Option]] | None = None,
                 parent: QWidget | None = None) -> None:
        """`pick_from`: text fields whose value is picked from a list (a period, say)."""
        super().__init__(parent)
        self.spec: KindSpec = kind(kind_name)
        self.context = context
        self.record: Record | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        used = set(RESERVED_MNEMONICS)
        for name in names:
            field = self.spec.field(name)
            editor: FieldEditor
            if pick_from and name in pick_from:
                editor = ChoiceFieldEditor(field)
                editor.set_options(pick_from[name])
            else:
                editor = make_editor(field, (text_lines or {}).get(name, 4))
            caption = (labels or {}).get(name, field.label)
            editor.widget.setAccessibleName(caption)
            editor.widget.setToolTip(caption)
            if isinstance(editor, DateFieldEditor):
                editor.date.date_edit.setAccessibleName(caption)
            editor.edited.connect(lambda n=name: self._edited(n))
            if context is not None and isinstance(editor, TextFieldEditor):
                editor.field.set_image_source(partial(insert_image, copy=context.copy))
            error = ErrorLabel()
            error.setAccessibleName(f"{caption}: validation message")
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(editor.widget)
            cell_layout.addWidget(error)
            if isinstance(editor, BoolFieldEditor):
                editor.check.setText(with_mnemonic(caption, used))
                self.layout_.addRow("", cell)
            else:
                label = QLabel(with_mnemonic(caption, used) + ":")
                label.setBuddy(editor.date.date_edit if isinstance(editor, DateFieldEditor)
                               else editor.widget)
                self.labels[name] = label
                self.layout_.addRow(label, cell)
            self.editors[name] = editor
            self.errors[name] = error

    def editor(self, name: str) -> FieldEditor:
        return self.editors[name]

    def set_options(self, name: str, options: Sequence[Option]) -> None:
        self.editors[name].set_options(options)

    def load(self, record: Record | None, editable: bool = True) -> None:
        """Show `record` (None: an empty, disabled form)."""
        changed_record = record is None or self.record is None or record.uid != self.record.uid
        if changed_record:
            self.flush()
        self.record = record
        for name, editor in self.editors.items():
            if changed_record:
                self.errors[name].show_message("")
            editor.set_value(record.fields.get(name) if record is not None else None)
            editor.set_read_only(record is None or not editable)

    def set_values(self, values: Mapping[str, Value]) -> None:
        """Fill the form (a dialog's starting values)."""
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)

    def values(self) -> dict[str, Value]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def validate(self) -> bool:
        """Check every field against its kind's rules, showing messages; True if all pass."""
        ok = True
        for name, editor in self.editors.items():
            try:
                check_value(editor.spec, editor.value())
            except CsaError as exc:
                self.errors[name].show_message(str(exc))
                ok = False
            else:
                self.errors[name].show_message("")
        return ok

    def show_error(self, name: str, message: str) -> None:
        self.errors[name].show_message(message)

    def flush(self) -> None:
        for editor in self.editors.values():
            editor.flush()

    def _edited(self, name: str) -> None:
        if self.context is None or self.record is None:
            return
        editor = self.editors[name]
        value = editor.value()
        try:
            self.context.edits.edit(self.record.uid, {name: value},
                                    merge_key=editor.merge_key())
        except CsaError as exc:
            self.errors[name].show_message(str(exc))
            self.context.show_message(f"Not saved: {exc}")
            return
        self.errors[name].show_message("")
        editor.accept(value)
        self.saved.emit(name)


def text_word_count(editor: FieldEditor) -> int:
    value = editor.value()
    return word_count(value) if isinstance(value, str) else 0

