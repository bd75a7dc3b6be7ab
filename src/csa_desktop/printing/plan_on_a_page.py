"""The plan on a page: one A4 landscape page, a title band, columns, a footer.

Text shrinks together in every column down to MIN_SIZE; if a column still does not fit,
PrintFitError names it. Nothing is ever cut.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from csa_desktop.errors import PrintFitError
from csa_desktop.printing.bidi import RTL_CHAR, needs_reordering
from csa_desktop.printing.common import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    MUTED,
    NAVY,
    PALE,
    RULE,
    draw_footer,
    draw_sample_marker,
    inline,
    new_canvas,
    rag_badge,
    register_fonts,
)
from csa_desktop.printing.model import PlanColumn, PlanEntry, PlanOnAPage

MAX_SIZE = 12.0
MIN_SIZE = 7.0  # the smallest text we print: below this a meeting cannot read it
STEP = 0.25
PAGE = landscape(A4)
MARGIN = 28.0
GUTTER = 16.0
HEAD_H = 24.0
PAD = 8.0
COLUMN_COLOURS = (colors.HexColor("#2F5D8A"), colors.HexColor("#1F3A5F"),
                  colors.HexColor("#2C6E6A"), colors.HexColor("#4A4E8C"))
_TITLE = ParagraphStyle("band-title", fontName=FONT_BOLD, fontSize=17, leading=21,
                        textColor=colors.white)
_DETAIL = ParagraphStyle("band-detail", fontName=FONT, fontSize=9, leading=12,
                         textColor=colors.HexColor("#DCE6F0"))
_STATUS = ParagraphStyle("band-status-lead", fontName=FONT, fontSize=8, leading=11,
                         textColor=NAVY)
_STATUS_WORD = ParagraphStyle("band-status-word", parent=_STATUS, fontName=FONT_BOLD,
                              fontSize=13)
_HEAD = ParagraphStyle("poap-head", fontName=FONT_BOLD, fontSize=12, leading=14,
                       textColor=colors.white)


@dataclass(frozen=True)
class _Layout:
    width: float
    height: float
    band_top: float
    band_bottom: float
    columns_top: float
    columns_bottom: float
    column_width: float


@lru_cache(maxsize=32)
def _entry_styles(size: float) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    leading = round(size * 1.25, 3)
    item = ParagraphStyle("poap-item", fontName=FONT, fontSize=size, leading=leading,
                          leftIndent=size * 1.05, bulletIndent=0, bulletFontName=FONT,
                          spaceAfter=size * 0.5, textColor=colors.HexColor("#1A1A1A"))
    note = ParagraphStyle("poap-note", parent=item, fontSize=size * 0.86,
                          leading=round(size * 0.86 * 1.22, 3), textColor=MUTED,
                          spaceBefore=-size * 0.35, spaceAfter=size * 0.55)
    empty = ParagraphStyle("poap-empty", parent=item, fontName=FONT_ITALIC, textColor=MUTED,
                           leftIndent=0)
    return item, note, empty


@lru_cache(maxsize=64)
def _fragment(style: ParagraphStyle) -> Any:
    return Paragraph("x", style).frags[0]


def _paragraph(markup: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """Paragraph(markup, style, bulletText=bullet). Markup without a tag, an entity or a
    no-break space is plain text, for which ReportLab's markup parser (a third of the cost of
    laying out a short paragraph) gives one fragment in the style's font and colour holding
    the text, its white space made single spaces: that fragment is made here instead."""
    if any(c in markup for c in "<&\u00a0") or not markup.strip():
        return Paragraph(markup, style, bulletText=bullet)
    fragment = _fragment(style).clone(text=" ".join(markup.split()), link=[], us_lines=[])
    return Paragraph(markup, style, bulletText=bullet, frags=[fragment])


def _entry_flowables(entry: PlanEntry, item: ParagraphStyle,
                     note: ParagraphStyle) -> list[Flowable]:
    text = (rag_badge(entry.rag) if entry.rag else "") + inline(entry.text)
    out: list[Flowable] = [_paragraph(text, item, None if entry.rag else "•")]
    if entry.note:
        out.append(_paragraph(inline(entry.note), note))
    return out


def _column_flowables(column: PlanColumn, size: float) -> list[Flowable]:
    item, note, empty = _entry_styles(size)
    if not column.entries:
        return [_paragraph("Nothing entered yet.", empty)]
    out: list[Flowable] = []
    for entry in column.entries:
        out.extend(_entry_flowables(entry, item, note))
    return out


@dataclass(frozen=True)
class _Body:
    """A column's flowables laid out at the column's width: drawn as they are, not again."""

    flowables: list[Flowable]
    heights: list[float]
    height: float


def _lay_out(flowables: list[Flowable], width: float) -> _Body:
    heights: list[float] = []
    total = 0.0
    for index, flowable in enumerate(flowables):
        _w, h = flowable.wrap(width, 10_000)
        heights.append(h)
        total += h + flowable.getSpaceAfter()
        if index:
            total += flowable.getSpaceBefore()
    return _Body(flowables, heights, total)


@dataclass(frozen=True)
class _Line:
    """A short plain text that fits on one line (a heading, the status word), set without a
    Paragraph: drawn by _PlainText exactly as Paragraph would draw it, for a tenth of the
    cost of parsing, wrapping and drawing one."""

    words: list[str]
    style: ParagraphStyle
    spare: float  # the width left on the line

    @property
    def height(self) -> float:
        return float(self.style.leading)


def _one_line(text: str, style: ParagraphStyle, width: float) -> _Line | None:
    """The text as a _Line when it fits on one line of `width`; None when it needs a
    Paragraph (it wraps, it is empty, it has right-to-left text or a no-break space, which
    Paragraph treats apart)."""
    words = text.split()
    if not words or "\u00a0" in text or RTL_CHAR.search(text):
        return None
    spare = width - stringWidth(" ".join(words), style.fontName, style.fontSize)
    return _Line(words, style, spare) if spare >= 0 else None


def _line_or_paragraph(text: str, style: ParagraphStyle, width: float) -> _Line | Paragraph:
    line = _one_line(text, style, width)
    if line is not None:
        return line
    para = _paragraph(inline(text), style)
    para.wrap(width, 1000)
    return para


def _band_paragraphs(plan: PlanOnAPage,
                     width: float) -> tuple[_Line | Paragraph, Paragraph, float]:
    title = _line_or_paragraph(plan.heading, _TITLE, width)
    details = _paragraph("\u2002·\u2002".join(inline(d) for d in plan.details if d), _DETAIL)
    _w, dh = details.wrap(width, 1000)
    return title, details, title.height + 4 + dh


def _status_block(plan: PlanOnAPage,
                  width: float) -> tuple[list[tuple[_Line | Paragraph, float]], float]:
    """The status word (bold, larger) over its detail: the pieces with the height of their
    bottoms above the block's, and the block's height."""
    word = _one_line(plan.meta.status, _STATUS_WORD, width)
    if word is not None and not RTL_CHAR.search(plan.meta.status_detail):
        # As one Paragraph of both (a <br/> between) would set them: lines `leading` apart,
        # the first baseline the larger size below the top.
        detail = _paragraph(inline(plan.meta.status_detail), _STATUS)
        _w, h = detail.wrap(width, 1000)
        lead, drop = _STATUS.leading, _STATUS_WORD.fontSize - _STATUS.fontSize
        if not plan.meta.status_detail:
            return [(word, 0.0)], lead
        return [(word, h), (detail, -drop)], h + lead
    text = f'<font name="{FONT_BOLD}" size="13">{inline(plan.meta.status)}</font>'
    if plan.meta.status_detail:
        text += "<br/>" + inline(plan.meta.status_detail)
    para = Paragraph(text, _STATUS)
    _w, h = para.wrap(width, 1000)
    return [(para, 0.0)], h


def render_plan_on_a_page(plan: PlanOnAPage) -> bytes:
    """The PDF bytes of a plan on a page, or PrintFitError naming the column too long."""
    register_fonts()
    width, height = PAGE
    layout, title, details, status, status_h, status_w = _page(plan)
    _size, bodies = _fit(plan, layout)

    buffer = io.BytesIO()
    canvas = new_canvas(buffer, plan.meta, PAGE)
    text = _PlainText(canvas)
    _draw_band(canvas, text, plan, layout, title, details, status, status_h, status_w)
    lefts = [MARGIN + index * (layout.column_width + GUTTER) for index in range(len(plan.columns))]
    _draw_column_boxes(canvas, lefts, layout)
    for x, column, body in zip(lefts, plan.columns, bodies, strict=True):
        _draw_column_text(text, column, body, x, layout)
    text.finish()  # over the boxes, under the DRAFT watermark
    draw_footer(canvas, plan.meta, 1, 1, MARGIN, width - MARGIN, MARGIN * 0.55)
    if plan.meta.sample:
        draw_sample_marker(canvas, width - MARGIN, height - 7)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _page(plan: PlanOnAPage) -> tuple[_Layout, _Line | Paragraph, Paragraph,
                                       list[tuple[_Line | Paragraph, float]], float, float]:
    """Where the title band and the columns go (the band grows with the title)."""
    width, height = PAGE
    status_w = 210.0
    text_w = width - 2 * MARGIN - status_w - 3 * PAD
    title, details, band_text_h = _band_paragraphs(plan, text_w)
    status, status_h = _status_block(plan, status_w - 2 * PAD)
    band_h = max(band_text_h, status_h) + 2 * PAD + 4
    band_top = height - MARGIN
    band_bottom = band_top - band_h
    columns_top = band_bottom - 12
    columns_bottom = MARGIN * 0.55 + 18
    count = max(1, len(plan.columns))
    column_w = (width - 2 * MARGIN - GUTTER * (count - 1)) / count
    layout = _Layout(width, height, band_top, band_bottom, columns_top, columns_bottom,
                     column_w)
    return layout, title, details, status, status_h, status_w


def column_fill(plan: PlanOnAPage) -> list[float]:
    """How full each column is at the smallest readable text size, as a share of its room
    (1.0 is full; above 1.0 the page cannot be printed). The editor shows it while typing."""
    register_fonts()
    layout = _page(plan)[0]
    inner_w = layout.column_width - 2 * PAD
    inner_h = layout.columns_top - layout.columns_bottom - HEAD_H - 2 * PAD
    if not any(column.entries for column in plan.columns):
        return [0.0 for _column in plan.columns]
    return [(_lay_out(_column_flowables(column, MIN_SIZE), inner_w).height / inner_h
             if column.entries else 0.0) for column in plan.columns]


def _fit(plan: PlanOnAPage, layout: _Layout) -> tuple[float, list[_Body]]:
    """The largest text size (MIN_SIZE..MAX_SIZE in STEPs) at which every column fits."""
    inner_w = layout.column_width - 2 * PAD
    inner_h = layout.columns_top - layout.columns_bottom - HEAD_H - 2 * PAD

    sizes = [MAX_SIZE - n * STEP for n in range(int((MAX_SIZE - MIN_SIZE) / STEP) + 1)]
    laid_out: dict[int, tuple[list[_Body], float]] = {}

    def fits(index: int) -> bool:
        if index not in laid_out:
            bodies = [_lay_out(_column_flowables(column, sizes[index]), inner_w)
                      for column in plan.columns]
            laid_out[index] = (bodies, max((body.height for body in bodies), default=0.0))
        return laid_out[index][1] <= inner_h

    # Text height falls as the size falls, about with its square: the tallest column at the
    # largest size gives a guess, and stepping from it finds the size a search over all the
    # sizes would, in two or three layouts of the page instead of four or five.
    if fits(0):
        return sizes[0], laid_out[0][0]
    guess = MAX_SIZE * math.sqrt(inner_h / laid_out[0][1])
    index = min(len(sizes) - 1, max(1, math.ceil((MAX_SIZE - guess) / STEP - 1e-9)))
    if fits(index):
        while index > 1 and fits(index - 1):
            index -= 1
        return sizes[index], laid_out[index][0]
    while index < len(sizes) - 1:
        index += 1
        if fits(index):
            return sizes[index], laid_out[index][0]
    smallest = laid_out[len(sizes) - 1][0]  # the last size tried
    too_long = [(column, body.height / inner_h)
                for column, body in zip(plan.columns, smallest, strict=True)
                if body.height > inner_h]
    names = " and ".join(f"“{column.heading}”" for column, _ratio in too_long)
    worst = max(ratio for _column, ratio in too_long)
    plural = "columns are" if len(too_long) > 1 else "column is"
    items = sum(len(column.entries) for column, _ratio in too_long)
    raise PrintFitError(
        f"{plan.meta.title} does not fit on one page: the {names} {plural} too long even at "
        f"the smallest readable text size ({MIN_SIZE:g} pt); it needs about {worst:.0%} of "
        f"the space. Shorten or remove some of its {items} items; nothing was printed."
    )


def _draw_band(canvas: Canvas, text: _PlainText, plan: PlanOnAPage, layout: _Layout,
               title: _Line | Paragraph, details: Paragraph,
               status: list[tuple[_Line | Paragraph, float]], status_h: float,
               status_w: float) -> None:
    band_h = layout.band_top - layout.band_bottom
    canvas.saveState()
    canvas.setFillColor(NAVY)
    canvas.roundRect(MARGIN, layout.band_bottom, layout.width - 2 * MARGIN, band_h, 4,
                     stroke=0, fill=1)
    y = layout.band_top - PAD - 2  # title and details were wrapped by _band_paragraphs
    text.draw(title, MARGIN + PAD + 2, y - title.height)
    text.draw(details, MARGIN + PAD + 2, y - title.height - 4 - details.height)
    box_x = layout.width - MARGIN - PAD - status_w
    box_h = band_h - 2 * PAD
    canvas.setFillColor(colors.white)
    canvas.roundRect(box_x, layout.band_bottom + PAD, status_w, box_h, 3, stroke=0, fill=1)
    bottom = layout.band_bottom + PAD + (box_h - status_h) / 2
    for piece, above in status:
        text.draw(piece, box_x + PAD, bottom + above)
    canvas.restoreState()


def _draw_column_boxes(canvas: Canvas, lefts: list[float], layout: _Layout) -> None:
    """The columns' boxes, their coloured headings and the chevrons between them. Every box
    is one path (and every heading another) drawn at each column's place: a rounded
    rectangle's curves cost more to write out than the rest of the page's artwork."""
    top, bottom, w = layout.columns_top, layout.columns_bottom, layout.column_width
    box = canvas.beginPath()
    box.roundRect(0, 0, w, top - bottom, 4)
    head = canvas.beginPath()
    head.roundRect(0, 0, w, HEAD_H, 4)
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    for index, x in enumerate(lefts):
        canvas.saveState()
        canvas.translate(x, bottom)
        canvas.setFillColor(PALE)
        canvas.drawPath(box, stroke=1, fill=1)
        canvas.translate(0, top - bottom - HEAD_H)
        canvas.setFillColor(COLUMN_COLOURS[index % 4])
        canvas.drawPath(head, stroke=0, fill=1)
        canvas.rect(0, 0, w, 6, stroke=0, fill=1)  # square bottom corners
        canvas.restoreState()
    canvas.setFillColor(RULE)
    for x in lefts[1:]:
        cx, cy = x - GUTTER / 2, top - HEAD_H / 2
        chevron = canvas.beginPath()
        chevron.moveTo(cx - 4, cy + 7)
        chevron.lineTo(cx + 5, cy)
        chevron.lineTo(cx - 4, cy - 7)
        chevron.close()
        canvas.drawPath(chevron, stroke=0, fill=1)
    canvas.restoreState()


def _draw_column_text(text: _PlainText, column: PlanColumn, body: _Body, x: float,
                      layout: _Layout) -> None:
    top, w = layout.columns_top, layout.column_width
    text.draw(_line_or_paragraph(column.heading, _HEAD, w - 2 * PAD), x + PAD,
              top - HEAD_H + 6)
    y = top - HEAD_H - PAD
    for index, (flowable, h) in enumerate(zip(body.flowables, body.heights, strict=True)):
        if index:
            y -= flowable.getSpaceBefore()
        text.draw(flowable, x + PAD, y - h)
        y -= h + flowable.getSpaceAfter()


@dataclass(frozen=True)
class _Run:
    """Lines of one paragraph (or its bullet) for _PlainText."""

    font: tuple[str, float, float]  # name, size, leading
    colour: Any
    x: float
    y: float  # the first baseline
    lines: list[tuple[float, list[str]]]  # (spare width, words)
    offset: float  # the first line's indent
    star: bool  # each line ends with T* (a bullet does not)


class _PlainText:
    """Paragraphs in one font and colour, set left (ReportLab's "kind 0" lines), drawn as the
    lines of ONE text object for the page, each glyph where Paragraph.drawOn would put it; any
    other paragraph (a RAG badge, a right-to-left run, a line break) draws itself.

    Paragraph.drawOn costs more than the text of a short paragraph: a saved state, a
    translation, a text object for the bullet and one for the lines, the font and colour set
    each time; with some thirty short paragraphs that was a quarter of the page's time. Here
    a font or colour is set only when it changes: everything in reading order (the paragraphs
    that draw themselves too, in their place), then the bullets in a font of their own, so
    that text read out of the file comes in the page's order.
    """

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.text: list[_Run | tuple[Flowable, float, float]] = []
        self.bullets: list[_Run] = []

    def draw(self, para: Flowable | _Line, x: float, y: float) -> None:
        """Draw a wrapped paragraph (or a _Line) with its bottom left corner at (x, y)."""
        if isinstance(para, _Line):
            style = para.style
            self.text.append(_Run((style.fontName, style.fontSize, style.leading),
                                  style.textColor, x + style.leftIndent,
                                  y + style.leading - style.fontSize,
                                  [(para.spare, para.words)], 0.0, True))
            return
        if not self._plain(para):
            self.text.append((para, x, y))  # drawn by finish() in its turn
            return
        frag, style = para.blPara, para.style
        if not frag.lines:
            return  # Paragraph draws nothing, not even a bullet
        baseline = y + para.height - frag.fontSize
        offset = 0.0
        if para.bulletText:  # Paragraph's _drawBullet for a bullet anchored at the start
            font, size = style.bulletFontName, style.bulletFontSize
            colour = getattr(style, "bulletColor", style.textColor)
            self.bullets.append(_Run(
                (font, size, size * 1.2), colour, x + style.bulletIndent,
                baseline + getattr(style, "bulletOffsetY", 0), [(0.0, [para.bulletText])],
                0.0, False))
            end = style.bulletIndent + stringWidth(para.bulletText, font, size) + size * 0.6
            offset = max(offset, end - style.leftIndent)
        self.text.append(_Run((frag.fontName, frag.fontSize, style.leading), frag.textColor,
                              x + style.leftIndent, baseline, frag.lines, offset, True))

    def finish(self) -> None:
        """Put the text on the page (its colours stay inside it)."""
        text = self.canvas.beginText()
        font: tuple[str, float, float] | None = None
        colour: Any = None
        for run in (*self.text, *self.bullets):
            if not isinstance(run, _Run):
                self._put(text)
                para, x, y = run
                para.drawOn(self.canvas, x, y)
                text, font, colour = self.canvas.beginText(), None, None
                continue
            if run.colour != colour:
                colour = run.colour
                text.setFillColor(colour)
            if run.font != font:
                font = run.font
                text.setFont(*font)
            text.setTextOrigin(run.x, run.y)
            for number, (spare, words) in enumerate(run.lines):
                self._line(text, spare, words, run.offset if number == 0 else 0.0, run.star)
        self._put(text)

    def _put(self, text: Any) -> None:
        if text.getCode():
            self.canvas.saveState()
            self.canvas.drawText(text)
            self.canvas.restoreState()

    @staticmethod
    def _line(text: Any, spare: float, words: list[str], offset: float, star: bool) -> None:
        """Paragraph's _leftDrawParaLine: an overfull line's spaces shrink to fit."""
        line = " ".join(words)
        if offset:
            text.setXPos(offset)
        spaces = len(words) + line.count("\u00a0") - 1
        if spare > -1e-8 or spaces <= 0:
            text._textOut(line, star)
        else:
            text.setWordSpace(spare / spaces)
            text._textOut(line, star)
            text.setWordSpace(0)
        if offset:
            text.setXPos(-offset)

    @staticmethod
    def _plain(para: Flowable) -> bool:
        style = para.style
        frag = para.blPara
        return bool(
            frag.kind == 0 and style.alignment == TA_LEFT and not style.firstLineIndent
            and not style.backColor and not style.borderWidth and style.wordWrap is None
            and not getattr(style, "autoLeading", "") and not getattr(para, "_offsets", None)
            and not getattr(frag, "us_lines", None) and not getattr(frag, "link", None)
            and style.bulletAnchor == "start" and isinstance(para.bulletText, str | None)
            and not needs_reordering(para)  # right-to-left text: drawPara puts it in order
        )
