"""What every printed document shares: the embedded font, colours, styles, safe markup, the
page furniture (footer, sample marker) and PDF metadata.

Safety rule: user text reaches ReportLab's paragraph markup ONLY through `inline()`,
`escape_piece()` or `printing.rich_text.long_text()`, which escape it; tag attributes are never
built from user text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from csa_desktop import APP_NAME, __version__
from csa_desktop.printing import bidi
from csa_desktop.printing.fonts import FALLBACKS, note_unprintable
from csa_desktop.printing.model import PrintMeta, long_date

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_ARABIC = "Amiri"  # Arabic script (Urdu, Arabic, Persian): DejaVu Sans lacks ے and ہ
FONT_ARABIC_BOLD = "Amiri-Bold"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf",
               FONT_ITALIC: "DejaVuSans-Oblique.ttf", FONT_ARABIC: "Amiri-Regular.ttf",
               FONT_ARABIC_BOLD: "Amiri-Bold.ttf"}
# A run of Arabic-script letters, with the spaces and Arabic punctuation between them.
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RUN = re.compile(
    f"[{_ARABIC}]+(?:[ \u00a0\u060c\u061b\u061f.,:;!?'\"()\\[\\]«»-]*[{_ARABIC}]+)*")

KEYWORDS = "community safety agreement; Crime and Disorder Act 1998; CSA Desktop"
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
NAVY = colors.HexColor("#1F3A5F")
RULE = colors.HexColor("#B8C2CC")
PALE = colors.HexColor("#F2F5F8")
SAMPLE = colors.HexColor("#8A1C7C")  # the "Sample data" marker: not a RAG colour

# RAG: colour AND word; fills chosen so the word stays readable in greyscale.
RAG_WORDS = {"red": "RED", "amber": "AMBER", "green": "GREEN", "not-rated": "NOT RATED"}
RAG_FILLS = {"red": colors.HexColor("#B3261E"), "amber": colors.HexColor("#F2A900"),
             "green": colors.HexColor("#1E7B34"), "not-rated": colors.HexColor("#E3E3E3")}
RAG_INKS = {"red": colors.white, "amber": colors.black, "green": colors.white,
            "not-rated": colors.black}

def register_fonts() -> None:
    """Register the shipped fonts once (loaded through importlib.resources), and have every
    paragraph draw right-to-left text in visual order (bidi.install)."""
    bidi.install()
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = resources.files("csa_desktop.resources").joinpath("fonts")
    for name, filename in _FONT_FILES.items():
        data = folder.joinpath(filename).read_bytes()
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD)
    pdfmetrics.registerFontFamily(FONT_ARABIC, normal=FONT_ARABIC, bold=FONT_ARABIC_BOLD,
                                  italic=FONT_ARABIC, boldItalic=FONT_ARABIC_BOLD)



# --- safe markup -----------------------------------------------------------------------------


def inline(text: str) -> str:
    """User text as paragraph markup: escaped, line breaks kept, Arabic script joined and set
    in its font. The text stays in logical order: each drawn line is put into visual order
    (right to left where it should be) by printing/bidi.py; a line with right-to-left text
    is marked as a field with its own direction."""
    return "<br/>".join(_line_markup(line) for line in text.strip().splitlines())


def escape_piece(text: str) -> str:
    """Part of a line of user text (a bold run, say) as markup, spaces kept: as inline() does
    for a whole text."""
    return "<br/>".join(_line_markup(line) for line in text.split("\n"))


@cache
def _shipped_cmap() -> frozenset[int]:
    """The characters DejaVu Sans has (and so the bold and oblique faces, near enough)."""
    register_fonts()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def _set(piece: str, line: str) -> str:
    """A piece of a line as markup: escaped, each run of characters DejaVu Sans lacks in a
    fallback font that has them (printing.fonts); a character no font has is left out and
    noted, so the print's message can name it."""
    if piece.isascii():
        return escape(piece)
    covered = _shipped_cmap()
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None

    def close() -> None:
        if run:
            text = escape("".join(run))
            out.append(f'<font name="{run_font}">{text}</font>' if run_font else text)
            run.clear()

    for character in piece:
        if ord(character) in covered or character.isspace():
            font = None
        elif unicodedata.category(character) in ("Mn", "Me", "Cf"):
            font = run_font  # a combining mark goes with the letter before it
        else:
            font = FALLBACKS.font_for(character)
            if font is None:
                note_unprintable(character, line)
                continue
        if font != run_font and not (character.isspace() and run_font):
            close()
            run_font = font
        run.append(character)
    close()
    return "".join(out)


def _line_markup(line: str) -> str:
    line = bidi.CONTROLS.sub("", line)  # explicit bidi controls are for inline() to set
    if not bidi.RTL_CHAR.search(line):
        return _set(line, line)
    out: list[str] = []
    last = 0
    for run in _ARABIC_RUN.finditer(line):
        start, end = run.span()
        if start < last:
            continue
        for opening, closing in ("()", "[]", "«»"):  # a bracket closing RTL text: same font
            while line[start:end].count(opening) > line[start:end].count(closing) \
                    and line[end:end + 1] == closing:
                end += 1
        out.append(_set(line[last:start], line))
        out.append(f'<font name="{FONT_ARABIC}">{escape(shape_arabic(line[start:end]))}</font>')
        last = end
    out.append(_set(line[last:], line))
    # the line is one field of user text: its direction is its own, whatever is around it
    # (so a number after an Urdu name, from the next field, stays out of the Urdu)
    mark = bidi.RTL_FIELD if bidi.direction(line) == 1 else bidi.LTR_FIELD
    return mark + "".join(out) + bidi.END_FIELD


def shape_arabic(run: str) -> str:
    """An Arabic-script run with its letters joined (Unicode presentation forms, which the
    font draws without shaping of its own), still in logical order."""
    import arabic_reshaper

    return str(arabic_reshaper.reshape(run))


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    small: ParagraphStyle
    small_bold: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    title: ParagraphStyle
    centre: ParagraphStyle


def styles(size: float = 10.0) -> Styles:
    """A consistent set of paragraph styles for a base font size."""
    lead = round(size * 1.28, 2)
    body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=lead, textColor=INK,
                          spaceAfter=size * 0.55, alignment=TA_LEFT)
    small = ParagraphStyle("small", parent=body, fontSize=size * 0.85,
                           leading=round(size * 0.85 * 1.25, 2), textColor=MUTED, spaceAfter=0)
    cell = ParagraphStyle("cell", parent=body, fontSize=size * 0.85,
                          leading=round(size * 0.85 * 1.22, 2), spaceAfter=0)
    return Styles(
        body=body,
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=size * 1.3,
                              bulletIndent=size * 0.3, spaceAfter=size * 0.3,
                              bulletFontName=FONT),
        small=small,
        small_bold=ParagraphStyle("small-bold", parent=small, fontName=FONT_BOLD),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD,
                               fontSize=size * 1.5, leading=size * 1.85, textColor=NAVY,
                               spaceBefore=size * 1.1, spaceAfter=size * 0.7),
        subheading=ParagraphStyle("subheading", parent=body, fontName=FONT_BOLD,
                                  fontSize=size * 1.1, leading=size * 1.4, textColor=NAVY,
                                  spaceBefore=size * 0.6, spaceAfter=size * 0.35),
        cell=cell,
        cell_bold=ParagraphStyle("cell-bold", parent=cell, fontName=FONT_BOLD),
        cell_head=ParagraphStyle("cell-head", parent=cell, fontName=FONT_BOLD,
                                 textColor=colors.white),
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=size * 2.6,
                             leading=size * 3.1, textColor=NAVY, spaceAfter=size),
        centre=ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
    )


def rag_badge(rag: str) -> str:
    """RAG as colour and word; attributes come from fixed tables, never from user text."""
    key = rag if rag in RAG_WORDS else "not-rated"
    fill = RAG_FILLS[key].hexval().replace("0x", "#")
    ink = RAG_INKS[key].hexval().replace("0x", "#")
    return (f'<font name="{FONT_BOLD}" color="{ink}" backColor="{fill}">'
            f"\u00a0{RAG_WORDS[key]}\u00a0</font>\u00a0 ")


def title_band(title: str, details: str, status: str, caption: str, st: Styles, width: float,
               *, status_width: float = 190, status_size: float = 13) -> Table:
    """The band a tracker or report opens with: the title and a line of details in white on
    navy, and beside it the status with a caption. Arguments are markup, already escaped."""
    title_style = ParagraphStyle("band-title", parent=st.body, fontName=FONT_BOLD, fontSize=17,
                                 leading=21, textColor=colors.white, spaceAfter=3)
    detail_style = ParagraphStyle("band-detail", parent=st.body, fontSize=9, leading=12,
                                  textColor=colors.HexColor("#DCE6F0"), spaceAfter=0)
    status_style = ParagraphStyle("band-status", parent=st.body, fontName=FONT_BOLD,
                                  fontSize=status_size, leading=status_size * 1.25,
                                  textColor=NAVY, spaceAfter=1)
    band = Table([[[Paragraph(title, title_style), Paragraph(details, detail_style)],
                   [Paragraph(status, status_style), Paragraph(caption, st.small)]]],
                 colWidths=[width - status_width, status_width])
    band.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (0, 0), NAVY), ("BACKGROUND", (1, 0), (1, 0), PALE),
        ("LINEBEFORE", (1, 0), (1, 0), 4, NAVY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 12), ("RIGHTPADDING", (0, 0), (-1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, -1), 10), ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
    ]))
    return band


def grid_style(rag_column: int) -> TableStyle:
    """The look of a table of actions: a navy header, a grid, banded rows; the RAG column's
    cells (filled per row by the caller) centred."""
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (rag_column, 1), (rag_column, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ])


def spacer(height: float) -> Spacer:
    return Spacer(1, height)


# --- page furniture --------------------------------------------------------------------------


def apply_metadata(canvas: Canvas, meta: PrintMeta) -> None:
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setCreator(f"{APP_NAME} {__version__}")
    canvas.setKeywords(KEYWORDS)


def document_options(meta: PrintMeta, pagesize: tuple[float, float],
                     margin: float) -> dict[str, Any]:
    """Page size, margins and the metadata every multi-page document sets (title, author,
    subject, language en-GB, the embedded font, invariant mode when asked)."""
    return {
        "pagesize": pagesize, "leftMargin": margin, "rightMargin": margin,
        "topMargin": margin, "bottomMargin": margin, "title": meta.title,
        "author": meta.author, "subject": meta.subject, "lang": "en-GB",
        "invariant": 1 if meta.invariant else 0, "creator": f"{APP_NAME} {__version__}",
        "keywords": KEYWORDS, "initialFontName": FONT,
    }


def body_frame(pagesize: tuple[float, float], margin: float) -> Frame:
    """The one text frame of a page inside its margins, without padding."""
    width, height = pagesize
    return Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)


def new_canvas(target: io.BytesIO, meta: PrintMeta, pagesize: tuple[float, float],
               **extra: Any) -> Canvas:
    canvas = Canvas(target, pagesize=pagesize, invariant=1 if meta.invariant else 0,
                    lang="en-GB", pageCompression=1, initialFontName=FONT, **extra)
    apply_metadata(canvas, meta)
    return canvas


def draw_sample_marker(canvas: Canvas, x_right: float, y_top: float) -> None:
    """A visible label saying the print shows sample (demo) data."""
    text = "SAMPLE DATA — contains illustrative content"
    size = 7.5
    width = pdfmetrics.stringWidth(text, FONT_BOLD, size) + 10
    canvas.saveState()
    canvas.setFillColor(SAMPLE)
    canvas.roundRect(x_right - width, y_top - 13, width, 13, 2.5, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(FONT_BOLD, size)
    canvas.drawString(x_right - width + 5, y_top - 9.6, text)
    canvas.restoreState()


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """Shorten a one-line label for page furniture (never used for document content)."""
    if text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _font_runs(text: str, font: str) -> list[tuple[str, str]]:
    """One line of user text as (text, font name) pieces in logical order, Arabic script
    joined and in its font."""
    pieces: list[tuple[str, str]] = []
    last = 0
    for run in _ARABIC_RUN.finditer(text):
        if run.start() > last:
            pieces.append((text[last:run.start()], font))
        pieces.append((shape_arabic(run.group()), FONT_ARABIC))
        last = run.end()
    if last < len(text):
        pieces.append((text[last:], font))
    return pieces


def text_width(text: str, font: str, size: float) -> float:
    """The width of one line of user text as draw_text draws it."""
    if not _ARABIC_RUN.search(text):
        return float(pdfmetrics.stringWidth(text, font, size))
    return float(sum(pdfmetrics.stringWidth(piece, name, size)
                     for piece, name in _font_runs(text, font)))


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """One line of user text in the page furniture (a left-to-right line, in the canvas's fill
    colour): Arabic script joined, in its font, right-to-left runs in visual order."""
    if not bidi.RTL_CHAR.search(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        return
    pieces = bidi.visual_lines([_font_runs(text, font)], 0)[0]
    tx = canvas.beginText(x, y)
    for piece, name in pieces:
        tx.setFont(name, size)
        tx.textOut(piece)
    canvas.drawText(tx)


def draw_draft_watermark(canvas: Canvas, meta: PrintMeta) -> None:
    """A large, faint diagonal DRAFT across the page while the status is DRAFT (for the
    agreement: until the Board has approved the refresh)."""
    if meta.status.strip().upper() != "DRAFT":
        return
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#B00020"))
    canvas.setFillAlpha(0.09)
    canvas.setFont(FONT_BOLD, min(width, height) * 0.25)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35 if height > width else 20)
    canvas.drawCentredString(0, -min(width, height) * 0.08, "DRAFT")
    canvas.restoreState()


def draw_footer(canvas: Canvas, meta: PrintMeta, page: int, pages: int,
                left: float, right: float, y: float) -> None:
    """Title, version and status on the left; print date and "Page x of y" on the right;
    the DRAFT watermark on a draft's pages."""
    draw_draft_watermark(canvas, meta)
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, y + 10, right, y + 10)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    right_text = f"Printed {long_date(meta.printed_on)}\u2003Page {page} of {pages}"
    room = right - left - pdfmetrics.stringWidth(right_text, FONT, 7.5) - 12
    tail = f"\u2002·\u2002{meta.version}\u2002·\u2002{meta.status}"  # never shortened
    if text_width(meta.title, FONT, 7.5) + text_width(tail, FONT, 7.5) > room:
        # Too long for one line: the title gets a line of its own above (the margin has
        # room), so it is shortened only when it is wider than the whole page.
        title = fit_text(meta.title, FONT, 7.5, right - left)
        draw_text(canvas, left, y + 1, title, FONT, 7.5)
        y -= 8.5
        tail = tail.removeprefix("\u2002·\u2002")
        draw_text(canvas, left, y, tail, FONT, 7.5)
        canvas.drawRightString(right, y, right_text)
        canvas.restoreState()
        return
    title = meta.title
    draw_text(canvas, left, y, title, FONT, 7.5)  # apart: a number after Arabic text
    draw_text(canvas, left + text_width(title, FONT, 7.5), y, tail, FONT, 7.5)  # joins it
    canvas.drawRightString(right, y, right_text)
    canvas.restoreState()


def build_pages(meta: PrintMeta, story: list[Flowable], pagesize: tuple[float, float],
                margin: float) -> bytes:
    """A multi-page document of one frame per page inside the margins, with the footer
    ("Page x of y") on every page and the sample marker when it shows sample data."""
    buffer = io.BytesIO()
    width, height = pagesize

    def furniture(canvas: Canvas, _page: int, _pages: int) -> None:
        if meta.sample:
            draw_sample_marker(canvas, width - margin, height - 12)

    doc = BaseDocTemplate(buffer, **document_options(meta, pagesize, margin))
    doc.addPageTemplates([PageTemplate("pages", [body_frame(pagesize, margin)])])
    doc.build(story, canvasmaker=numbered_canvas(meta, margin, furniture))
    return buffer.getvalue()


def numbered_canvas(meta: PrintMeta, margin: float,
                    extra: Callable[[Canvas, int, int], None] | None = None) -> type[Canvas]:
    """A canvas class that knows the page count when it draws each footer ("Page x of y")."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["lang"] = "en-GB"
            kwargs["invariant"] = 1 if meta.invariant else 0
            kwargs["initialFontName"] = FONT
            super().__init__(*args, **kwargs)
            apply_metadata(self, meta)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                width, _height = self._pagesize
                draw_footer(self, meta, number, total, margin, width - margin, margin * 0.55)
                if extra is not None:
                    extra(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas
