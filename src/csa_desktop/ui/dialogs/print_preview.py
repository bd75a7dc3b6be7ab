"""Print preview: the chosen document as the PDF it will be, with Print…, Save as PDF… and, for
the agreement, Save as web page…."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from csa_desktop.domain.reporting import recent_quarters
from csa_desktop.errors import CsaError
from csa_desktop.files import write_atomically
from csa_desktop.printing.model import FULL_EDITION, PUBLIC_EDITION, RESTRICTED_MARKING
from csa_desktop.services import documents, printing
from csa_desktop.services.copy import Copy
from csa_desktop.ui.busy import BusyCancelledError, run_busy
from csa_desktop.ui.settings import WindowSettings

COUNTY = ""  # the partnership choice meaning "the county agreement"


class PrintPreviewDialog(QDialog):
    """Shows one document at a time; the PDF shown is exactly what Print… and Save send."""

    def __init__(self, copy: Copy, parent: QWidget | None = None, *,
                 document: str = "plan-on-a-page", partnership: str = COUNTY,
                 settings: WindowSettings | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.settings = settings
        self.pdf_bytes = b""
        self.problem = ""
        self.setWindowTitle("Print preview")
        self.resize(1000, 760)

        self.document_box = QComboBox()
        for name, label in documents.DOCUMENTS.items():
            self.document_box.addItem(label, name)
        self.partnership_box = QComboBox()
        self.partnership_label = QLabel("&Partnership:")
        self.partnership_label.setBuddy(self.partnership_box)
        self.period_box = QComboBox()
        self.period_box.setAccessibleName("Reporting period")
        for quarter in recent_quarters(dt.date.today()):
            self.period_box.addItem(quarter, quarter)
        self.period_label = QLabel("Q&uarter:")
        self.period_label.setBuddy(self.period_box)
        self.edition_box = QComboBox()  # the agreement's: public (for publishing) or full
        self.edition_box.addItem("Public (for publishing)", PUBLIC_EDITION)
        self.edition_box.addItem(f"Full ({RESTRICTED_MARKING})", FULL_EDITION)
        self.edition_box.setToolTip("Public leaves restricted sections, evidence and images "
                                    "out; full includes them and marks every page "
                                    f"{RESTRICTED_MARKING}")
        self.edition_label = QLabel("&Edition:")
        self.edition_label.setBuddy(self.edition_box)
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save as PDF…")
        self.web_button = QPushButton("Save as &web page…")
        self.web_button.setToolTip("The agreement as one accessible HTML page, for the "
                                   "council's website")
        close_button = QPushButton("Close")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)

        document_label = QLabel("&Document:")
        document_label.setBuddy(self.document_box)
        bar = QHBoxLayout()
        bar.addWidget(document_label)
        bar.addWidget(self.document_box)
        bar.addSpacing(12)
        bar.addWidget(self.partnership_label)
        bar.addWidget(self.partnership_box, 1)
        bar.addWidget(self.period_label)
        bar.addWidget(self.period_box)
        bar.addWidget(self.edition_label)
        bar.addWidget(self.edition_box)
        bar.addSpacing(12)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.web_button)
        bar.addWidget(close_button)

        self.pdf = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # Fitting to the width with an as-needed vertical scroll bar feeds back on itself: the
        # bar appears, the width shrinks, the pages no longer overflow, the bar goes, and so on
        # for ever (the window froze). A bar that is always there keeps the width fixed, and a
        # page fitted to the width never needs the horizontal one.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setDocument(self.pdf)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMargin(40)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.message)
        self.status = QLabel()
        self.status.setWordWrap(True)  # a note of characters that could not be printed

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)

        index = self.document_box.findData(document)
        self.document_box.setCurrentIndex(max(0, index))
        self._fill_partnerships(partnership)
        self.document_box.currentIndexChanged.connect(self._document_changed)
        self.partnership_box.currentIndexChanged.connect(self.refresh)
        self.period_box.currentIndexChanged.connect(self.refresh)
        self.edition_box.currentIndexChanged.connect(self.refresh)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as_pdf)
        self.web_button.clicked.connect(self._web_button_clicked)  # a bound slot: no cycle
        close_button.clicked.connect(self.reject)
        self.refresh()

    # --- choosing ------------------------------------------------------------------------

    @property
    def document(self) -> str:
        return str(self.document_box.currentData())

    @property
    def partnership(self) -> str:
        return str(self.partnership_box.currentData() or COUNTY)

    def _fill_partnerships(self, wanted: str = COUNTY) -> None:
        current = wanted or self.partnership
        self.partnership_box.blockSignals(True)
        self.partnership_box.clear()
        if self.document == "plan-on-a-page":
            self.partnership_box.addItem("The county (the agreement)", COUNTY)
        if self.document == "performance-report":
            self.partnership_box.addItem("Every partnership", COUNTY)
        if self.document in ("plan-on-a-page", "local-plan", "performance-report", "due-list"):
            for choice in printing.partnership_choices(self.copy):
                if choice.has_plan:
                    self.partnership_box.addItem(choice.name, choice.uid)
        own = next((i for i in range(self.partnership_box.count())
                    if self.partnership_box.itemData(i) in self.copy.identity.partnership_uids),
                   0)
        index = self.partnership_box.findData(current) if current else -1
        if index < 0:
            index = self.partnership_box.findText(current) if current else -1
        self.partnership_box.setCurrentIndex(index if index >= 0 else own)
        enabled = self.partnership_box.count() > 0 and self.document != "agreement"
        self.partnership_box.setEnabled(enabled)
        self.partnership_label.setEnabled(enabled)
        self.partnership_box.blockSignals(False)
        for widget in (self.period_box, self.period_label):
            widget.setVisible(self.document == "performance-report")
        for widget in (self.edition_box, self.edition_label):
            widget.setVisible(self.document in documents.EDITION_DOCUMENTS)

    def _document_changed(self) -> None:
        self._fill_partnerships()
        self.refresh()

    # --- rendering -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Render the chosen document; a problem (e.g. too long to fit) is shown in place."""
        label = self.document_box.currentText()
        self.status.setText(f"Preparing {label.lower()}…")
        copy, document = self.copy, self.document
        partnership, period = self.partnership or None, self.period_box.currentData()
        edition = self.edition
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:  # off the GUI thread: a long report keeps the windows painting
            printed = run_busy(self, f"Preparing {label.lower()}…",
                               lambda: documents.print_document(
                                   copy, document, partnership=partnership, period=period,
                                   edition=edition), cancellable=True)
        except BusyCancelledError:
            self._show_problem("Choose the document again, or Close.",
                               heading=f"Preparing {label.lower()} was cancelled.")
            return
        except CsaError as exc:
            self._show_problem(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._show_pdf(printed.data)
        if printed.message:  # characters no font here has: said, not drawn as boxes
            self.status.setText(f"{self.status.text()}. {printed.message}")
            self.status.setToolTip(printed.message)

    def _show_pdf(self, data: bytes) -> None:
        self.pdf.close()
        self._buffer.close()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        self.pdf_bytes = data
        self.problem = ""
        self.stack.setCurrentWidget(self.view)
        pages = self.pdf.pageCount()
        # One page (the plan on a page) is seen whole; longer documents are read down the width.
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView if pages == 1
                              else QPdfView.ZoomMode.FitToWidth)
        self.status.setText(f"{self.document_box.currentText()}: {pages} "
                            f"page{'s' if pages != 1 else ''}")
        self.print_button.setEnabled(pages > 0)
        self.save_button.setEnabled(pages > 0)
        self.web_button.setVisible(self.document in documents.WEB_DOCUMENTS)
        public = self.edition in (None, PUBLIC_EDITION)
        self.web_button.setEnabled(public)  # a web page is for publishing: public only
        self.web_button.setToolTip(
            "The agreement as one accessible HTML page, for the council's website" if public
            else "The web edition is always the public one: choose the public edition")

    def _show_problem(self, text: str,
                      heading: str = "This document cannot be printed as it is.") -> None:
        self.pdf.close()
        self.pdf_bytes = b""
        self.problem = text
        self.message.setText(f"{heading}\n\n{text}")
        self.stack.setCurrentWidget(self.message)
        self.status.setText("Nothing to print")
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.web_button.setVisible(False)

    # --- output --------------------------------------------------------------------------

    @property
    def edition(self) -> str | None:
        """The edition chosen, for a document that has editions (else None)."""
        if self.document not in documents.EDITION_DOCUMENTS:
            return None
        return str(self.edition_box.currentData())

    def suggested_file_name(self) -> str:
        name = self.document
        if self.edition == FULL_EDITION:
            name += "-full-official-sensitive"
        if self.document == "performance-report":
            name += "-" + str(self.period_box.currentData()).replace("/", "-").replace(" ", "-")
        if self.partnership:
            name += "-" + self.partnership_box.currentText().lower().replace(" ", "-")
        return f"{name}.pdf"

    def save_as_pdf(self) -> None:
        if not self.pdf_bytes:
            return
        start = self.settings.last_folder("pdf") if self.settings else Path.home()
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save as PDF", str(start / self.suggested_file_name()),
            "PDF documents (*.pdf)")
        if not path:
            return
        if self.settings:
            self.settings.remember_folder("pdf", path)
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            printing.write_pdf(self.pdf_bytes, Path(path))
        except CsaError as exc:
            QMessageBox.warning(self, "Save as PDF", str(exc))
            return
        self.status.setText(f"Saved {path}")

    def _web_button_clicked(self) -> None:
        self.save_as_web_page()

    def save_as_web_page(self, path: str | None = None) -> None:
        """The agreement's web edition (the same text as the preview) to an .html file."""
        if path is None:
            start = self.settings.last_folder("pdf") if self.settings else Path.home()
            name = self.suggested_file_name().removesuffix(".pdf") + ".html"
            path, _filter = QFileDialog.getSaveFileName(self, "Save as web page",
                                                        str(start / name),
                                                        "Web pages (*.html)")
            if not path:
                return
            if self.settings:
                self.settings.remember_folder("pdf", path)
        if not path.lower().endswith((".html", ".htm")):
            path += ".html"
        try:
            page = documents.document_html(self.copy, self.document)
            write_atomically(page.encode("utf-8"), Path(path))
        except CsaError as exc:
            QMessageBox.warning(self, "Save as web page", str(exc))
            return
        self.status.setText(f"Saved {path}")

    def print_document(self) -> None:
        if not self.pdf_bytes:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.metaData(QPdfDocument.MetaDataField.Title) or "CSA Desktop")
        printer.setFromTo(1, self.pdf.pageCount())
        self._match_page(printer, 0)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setMinMax(1, self.pdf.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.status.setText("Printing…")
        QGuiApplication.processEvents()
        try:
            pages = self.print_to(printer)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.status.setText(f"Sent {pages} page{'s' if pages != 1 else ''} to "
                            f"{printer.printerName() or printer.outputFileName()}")

    def _match_page(self, printer: QPrinter, page: int) -> None:
        size = self.pdf.pagePointSize(page)
        orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                       else QPageLayout.Orientation.Portrait)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                          QMarginsF(0, 0, 0, 0)))

    def print_to(self, printer: QPrinter) -> int:
        """Render the PDF's pages (or the chosen range) onto `printer`; returns pages sent."""
        count = self.pdf.pageCount()
        first, last = printer.fromPage(), printer.toPage()
        if first == 0 and last == 0:
            first, last = 1, count
        first, last = max(1, first), min(count, last)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Print", "The printer could not be started.")
            return 0
        options = QPdfDocumentRenderOptions()
        sent = 0
        try:
            for number in range(first, last + 1):
                if sent:
                    printer.newPage()
                target = painter.viewport()
                points = self.pdf.pagePointSize(number - 1)
                dpi = min(printer.resolution(), 300)  # sharp on paper, modest in memory
                image = self.pdf.render(number - 1, QSize(round(points.width() * dpi / 72),
                                                          round(points.height() * dpi / 72)),
                                        options)
                fitted = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.x() + (target.width() - fitted.width()) // 2,
                                        target.y() + (target.height() - fitted.height()) // 2,
                                        fitted.width(), fitted.height()), image)
                sent += 1
        finally:
            painter.end()
        return sent
