"""Small widgets and layout helpers shared by the editor pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.ui.icons import icon

NO_DATE = QDate(1900, 1, 1)
DATE_FORMAT = "d MMM yyyy"
_WORD = re.compile(r"[\w’'-]*\w[\w’'-]*")


def word_count(text: str) -> int:
    """Words as a reader counts them: bullet markers ("- ") and punctuation are not words."""
    return len(_WORD.findall(text))


def make_button(text: str, icon_name: str | None, slot: Callable[[], object],
                tooltip: str = "") -> QPushButton:
    """A push button with a mnemonic in `text`, an accessible name and a tooltip."""
    button = QPushButton(text)
    if icon_name:
        button.setIcon(icon(icon_name))
    plain = text.replace("&", "")
    button.setAccessibleName(plain.rstrip("…"))
    button.setToolTip(tooltip or plain)
    button.clicked.connect(lambda _checked=False: slot())  # not Qt's checked flag
    return button


def button_row(*buttons: QAbstractButton, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    if stretch_first:
        row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    if not stretch_first:
        row.addStretch(1)
    return row


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * (1.45 if level == 1 else 1.15))
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def plain_label(text: str = "", *, wrap: bool = False) -> QLabel:
    """A label for text from a user's file or copy: shown as it is, never read as markup."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


class ErrorLabel(QLabel):
    """An inline validation message next to the field it is about; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.setAccessibleName("Validation message")
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class ReadOnlyBanner(QFrame):
    """A visible note that what is shown is read-only for this copy, and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        self.setStyleSheet("#readOnlyBanner { background: #fff4ce; border: 1px solid #e0c36a;"
                           " border-radius: 3px; } #readOnlyBanner QLabel { color: #3d3000; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        picture = QLabel()
        picture.setPixmap(icon("read-only").pixmap(16, 16))
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(picture)
        layout.addWidget(self.label, 1)
        self.setAccessibleName("Read-only note")
        self.hide()

    def show_for(self, editable: bool, reason: str) -> None:
        self.label.setText(f"<b>Read-only:</b> {reason}")
        self.setAccessibleDescription(f"Read-only: {reason}")
        self.setVisible(not editable)


def with_sample_banner(content: QWidget) -> QWidget:
    """`content` under a banner saying that the copy holds sample data (the demo)."""
    banner = QLabel("<b>Sample data:</b> the Lancashire demo, with invented plans and actions "
                    "(prints say so too). File ▸ New copy… makes a real copy.")
    banner.setObjectName("sampleBanner")
    banner.setToolTip("This copy is for trying CSA Desktop; it can sit beside a real one.")
    # One line that never asks for more width or height: a wrapping label's height-for-width
    # can feed back into the pages' scroll bars below it.
    banner.setWordWrap(False)
    banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    banner.setAccessibleName("Sample data note")
    banner.setStyleSheet("#sampleBanner { background: #e8f0fe; border: 1px solid #8ab4f8; "
                         "border-radius: 3px; padding: 6px 8px; color: #0b2a5c; }")
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(6, 6, 6, 0)
    layout.setSpacing(6)
    layout.addWidget(banner)
    layout.addWidget(content, 1)
    return holder


class OptionalDateEdit(QWidget):
    """A date picker (calendar popup) that can also be empty when the date is optional."""

    edited = Signal()  # the user finished changing the date (typed, picked or cleared)

    def __init__(self, optional: bool, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setAccessibleName(label)
        self.date_edit.setMinimumDate(NO_DATE)
        self.date_edit.setMaximumDate(QDate(2200, 12, 31))
        if optional:
            self.date_edit.setSpecialValueText("not set")
        self.date_edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.date_edit)
        self.clear_button = QToolButton()
        self.clear_button.setIcon(icon("clear"))
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip(f"Clear {label.lower()}")
        self.clear_button.setAccessibleName(f"Clear {label.lower()}")
        self.clear_button.clicked.connect(self._clear)
        layout.addWidget(self.clear_button)
        # Only once it has a parent: a parentless widget made visible is a window of its own,
        # shown for a moment, and it takes the focus from the main window.
        self.clear_button.setVisible(optional)
        layout.addStretch(1)
        self.setFocusProxy(self.date_edit)
        self._last: dt.date | None = None
        self.date_edit.editingFinished.connect(self._maybe_edited)
        calendar = self.date_edit.calendarWidget()
        calendar.clicked.connect(lambda _d: QTimer.singleShot(0, self._maybe_edited))
        calendar.activated.connect(lambda _d: QTimer.singleShot(0, self._maybe_edited))
        calendar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            self.date_edit.calendarWidget().setCurrentPage(today.year(), today.month())
        return False

    def value(self) -> dt.date | None:
        date = self.date_edit.date()
        if self.optional and date == NO_DATE:
            return None
        result: dt.date = date.toPython()  # type: ignore[assignment]
        return result

    def set_value(self, value: dt.date | None) -> None:
        self._last = value
        self.date_edit.setDate(QDate(value) if value else
                               (NO_DATE if self.optional else QDate.currentDate()))

    def _clear(self) -> None:
        self.date_edit.setDate(NO_DATE)
        self._maybe_edited()

    def _maybe_edited(self) -> None:
        if self.value() != self._last:
            self._last = self.value()
            self.edited.emit()


_LIST_ITEM = re.compile(r"^(\s*)(- |(\d{1,9})[.)] )")


class PlainTextEditor(QPlainTextEdit):
    """Paragraphs and list lines ("- ", "1. "): Enter continues a list (numbering the next
    item), Enter on an empty item ends it; Tab moves focus (keyboard users); says when typing
    pauses and when focus leaves."""

    paused = Signal()  # a second after the last keystroke
    focus_left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(1000)
        self._pause.timeout.connect(self.paused)
        self.textChanged.connect(self._typed)

    def _typed(self) -> None:
        if self.hasFocus():
            self._pause.start()

    def set_text_keeping_cursor(self, text: str) -> None:
        """Replace the text (undo/redo, another view) without jumping to the start."""
        if text == self.toPlainText():
            return
        position = self.textCursor().position()
        blocked = self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(blocked)
        cursor = self.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.setTextCursor(cursor)
        self.textChanged.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            cursor = self.textCursor()
            line = cursor.block().text()
            item = _LIST_ITEM.match(line)
            if item and cursor.atBlockEnd():
                indent, marker, number = item.group(1), item.group(2), item.group(3)
                if not line[item.end():].strip():  # Enter on an empty item ends the list
                    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock,
                                        QTextCursor.MoveMode.KeepAnchor)
                    cursor.removeSelectedText()
                    cursor.insertText("\n")
                else:
                    after = f"{int(number) + 1}{marker[-2]} " if number else marker
                    cursor.insertText("\n" + indent + after)
                self.setTextCursor(cursor)
                return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._pause.stop()
        self.focus_left.emit()

    def flush(self) -> None:
        """Say 'paused' now if a pause is pending (before the window closes, say)."""
        if self._pause.isActive():
            self._pause.stop()
            self.paused.emit()


def labelled(label: str, widget: QWidget) -> QWidget:
    """A small caption above a widget (for lists and tables inside a page)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    caption = QLabel(label)
    caption.setBuddy(widget)
    font = caption.font()
    font.setWeight(QFont.Weight.DemiBold)
    caption.setFont(font)
    layout.addWidget(caption)
    layout.addWidget(widget, 1)
    return box
