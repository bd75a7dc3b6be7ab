"""A long text field as a Markdown source with a formatting toolbar and a preview: heading
levels, bold, italic, bulleted and numbered lists, tables (insert, add or remove a row or a
column), links, images (where the field is given a source), each with its shortcut, and Preview
to read the text as it will print. The commands are the domain's (domain/markdown_editing.py);
this only maps the selection and makes each command one step of the text's undo."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain import markdown_editing as md
from csa_desktop.printing.html_text import markdown_html
from csa_desktop.ui.widgets import PlainTextEditor

PREVIEW_STYLE = ("<style>table { border-collapse: collapse; } th, td { border: 1px solid #888; "
                 "padding: 2px 6px; } th { background: #eee; }</style>")


def raw_text(editor: QPlainTextEdit) -> str:
    """The editor's text exactly as typed: no-break spaces kept (toPlainText turns them into
    spaces), Qt's paragraph and line separators as line breaks."""
    return editor.document().toRawText().replace("\u2029", "\n").replace("\u2028", "\n")


def _utf16(text: str, index: int) -> int:
    """A Python index into `text` as Qt's cursor position (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


def _index(text: str, position: int) -> int:
    """Qt's cursor position in `text` as a Python index."""
    if len(text.encode("utf-16-le")) // 2 == len(text):
        return min(position, len(text))
    units = 0
    for i, char in enumerate(text):
        if units >= position:
            return i
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class MarkdownField(QWidget):
    """The toolbar, the source (`text`, a PlainTextEditor) and its preview."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = PlainTextEditor()
        self.text.setAccessibleName(label)
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.preview.setAccessibleName(f"{label}, as it will print")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.text)
        self.stack.addWidget(self.preview)
        self.toolbar = QToolBar(f"Formatting: {label}")
        self.toolbar.setAccessibleName(f"Formatting of {label}")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setIconSize(self.toolbar.iconSize() / 2)
        self.actions_: dict[str, QAction] = {}
        self.image_source: Callable[[QWidget], str | None] | None = None
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self.setFocusProxy(self.text)

    # --- the toolbar ----------------------------------------------------------------------

    def _action(self, key: str, text: str, tip: str, shortcut: str | None,
                slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"markdown-{key}")
        native = QKeySequence.SequenceFormat.NativeText
        described = f"{tip} ({QKeySequence(shortcut).toString(native)})" if shortcut else tip
        action.setToolTip(described)
        action.setStatusTip(described)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _c=False: slot())
        self.addAction(action)  # the shortcut works while the field has focus
        self.actions_[key] = action
        return action

    def _build_toolbar(self) -> None:
        heading = QMenu("Heading", self)
        for key, text, level, shortcut in (("text", "Ordinary text", 0, "Ctrl+Alt+0"),
                                           ("heading", "Heading", 2, "Ctrl+Alt+2"),
                                           ("subheading", "Sub-heading", 3, "Ctrl+Alt+3")):
            heading.addAction(self._action(key, text, f"Make the line {text.lower()}",
                                           shortcut, partial(self.heading, level)))
        self._menu_button("Heading", "Heading level of the line", heading)
        bold = self._action("bold", "B", "Bold", "Ctrl+B",
                            lambda: self.apply(lambda t, s, e: md.toggle_emphasis(t, s, e, "**")))
        italic = self._action("italic", "I", "Italic", "Ctrl+I",
                              lambda: self.apply(lambda t, s, e: md.toggle_emphasis(t, s, e, "*")))
        self.toolbar.addAction(bold)
        self.toolbar.addAction(italic)
        for action, style in ((bold, "bold"), (italic, "italic")):
            font = QFont(self.font())
            font.setBold(style == "bold")
            font.setItalic(style == "italic")
            action.setFont(font)
        self.toolbar.addAction(self._action(
            "bullets", "• List", "Bulleted list", "Ctrl+Shift+8",
            lambda: self.apply(lambda t, s, e: md.toggle_list(t, s, e, ordered=False))))
        self.toolbar.addAction(self._action(
            "numbers", "1. List", "Numbered list", "Ctrl+Shift+7",
            lambda: self.apply(lambda t, s, e: md.toggle_list(t, s, e, ordered=True))))
        table = QMenu("Table", self)
        table.addAction(self._action("table", "Insert a table…", "Insert a table", None,
                                     self.insert_table))
        table.addSeparator()
        for key, text, command, add in (
                ("row-add", "Add a row below", md.table_row, True),
                ("column-add", "Add a column to the right", md.table_column, True),
                ("row-remove", "Remove this row", md.table_row, False),
                ("column-remove", "Remove this column", md.table_column, False)):
            table.addAction(self._action(key, text, f"{text} (in a table)", None,
                                         partial(self.change_table, command, add)))
        self._menu_button("Table", "Insert or change a table", table)
        self.toolbar.addAction(self._action("link", "Link…", "Make the selection a link",
                                            "Ctrl+K", self.link))
        image = self._action("image", "Image…", "Insert an image (PNG or JPEG) with its "
                             "alternative text", None, self.insert_image)
        image.setVisible(False)  # until the field is given where images go (set_image_source)
        self.toolbar.addAction(image)
        self.toolbar.addSeparator()
        preview = self._action("preview", "Preview", "Show the text as it will print",
                               "Ctrl+Shift+P", self.toggle_preview)
        preview.setCheckable(True)
        self.toolbar.addAction(preview)

    def _menu_button(self, text: str, tip: str, menu: QMenu) -> None:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(button)

    def set_image_source(self, source: Callable[[QWidget], str | None]) -> None:
        """Offer Image…: `source` asks for an image and returns its Markdown (None: none)."""
        self.image_source = source
        self.actions_["image"].setVisible(True)

    def insert_image(self) -> None:
        if self.image_source is None or self.text.isReadOnly():
            return
        markdown = self.image_source(self)
        if markdown:
            self.apply(lambda t, s, _e: md.insert_block(t, s, markdown))

    def set_read_only(self, read_only: bool) -> None:
        self.text.setReadOnly(read_only)
        for key, action in self.actions_.items():
            action.setEnabled(key == "preview" or not read_only)

    # --- the commands ---------------------------------------------------------------------

    def apply(self, command: Callable[[str, int, int], md.Edit]) -> None:
        """Run a formatting command on the text and selection; one undo step."""
        if self.text.isReadOnly():
            return
        if self.actions_["preview"].isChecked():
            self.actions_["preview"].setChecked(False)
            self.toggle_preview()
        text = raw_text(self.text)
        cursor = self.text.textCursor()
        start = _index(text, cursor.selectionStart())
        end = _index(text, cursor.selectionEnd())
        edit = command(text, start, end)
        if edit.text != text:
            scroll = self.text.verticalScrollBar().value()
            cursor.beginEditBlock()
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(edit.text)
            cursor.endEditBlock()
            self.text.verticalScrollBar().setValue(scroll)
        cursor = self.text.textCursor()
        cursor.setPosition(_utf16(edit.text, edit.start))
        cursor.setPosition(_utf16(edit.text, edit.end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.setFocus()

    def change_table(self, command: Callable[..., md.Edit], add: bool) -> None:
        self.apply(lambda t, s, _e: command(t, s, add=add))

    def heading(self, level: int) -> None:
        self.apply(lambda t, s, e: md.set_heading(t, s, e, level))

    def insert_table(self, columns: int | None = None, rows: int | None = None) -> None:
        if columns is None:
            columns, ok = QInputDialog.getInt(self, "Insert a table", "Columns:", 3, 1, 12)
            if not ok:
                return
        if rows is None:
            rows, ok = QInputDialog.getInt(self, "Insert a table", "Rows below the headings:",
                                           2, 1, 200)
            if not ok:
                return
        self.apply(lambda t, s, _e: md.insert_table(t, s, rows, columns))

    def link(self, address: str | None = None) -> None:
        if address is None:
            address, ok = QInputDialog.getText(self, "Link", "Address (https://…):",
                                               QLineEdit.EchoMode.Normal, "https://")
            if not ok:
                return
        chosen = address
        self.apply(lambda t, s, e: md.make_link(t, s, e, chosen))

    def toggle_preview(self) -> None:
        showing = self.actions_["preview"].isChecked()
        if showing:
            self.preview.setHtml(PREVIEW_STYLE + markdown_html(raw_text(self.text)))
            self.stack.setCurrentWidget(self.preview)
        else:
            self.stack.setCurrentWidget(self.text)
        for key, action in self.actions_.items():
            if key != "preview":
                action.setEnabled(not showing and not self.text.isReadOnly())


__all__ = ["MarkdownField", "raw_text"]
