"""Long user text (Markdown: domain/rich_text.py) as ReportLab flowables: headings, paragraphs
with bold and italic, bulleted and numbered lists (nested), tables whose header row repeats
on every page, and attachments' images scaled to the column with their alt text as caption.
Every piece of text is escaped (printing.common.inline); no markup is ever built from user
text."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from csa_desktop.domain import rich_text
from csa_desktop.domain.rich_text import (
    Block,
    Heading,
    ImageBlock,
    Inline,
    ListBlock,
    Para,
    TableBlock,
)
from csa_desktop.printing.common import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    MUTED,
    NAVY,
    PALE,
    RULE,
    Styles,
    escape_piece,
    inline,
)
from csa_desktop.printing.model import PrintImage

HeadingMaker = Callable[[Heading, str, ParagraphStyle], Flowable]
"""Makes a heading's flowable from its block, its markup (escaped) and its style: the
agreement numbers its headings and puts them in the contents and the outline."""

IMAGE_MAX_HEIGHT = 360.0  # points: about half an A4 page, so an image never fills a page
PIXELS_PER_POINT = 96 / 72  # an image's natural size: 96 pixels to the inch


@dataclass
class TextContext:
    """What long text may need beyond its styles: the attachments it may show (None: this
    print shows images as their alt text in brackets) and how its headings are made."""

    images: Mapping[str, PrintImage] | None = None
    heading: HeadingMaker | None = None
    missing: list[str] = field(default_factory=list)  # attachments shown as placeholders
    withheld: frozenset[str] = frozenset()  # attachments this edition leaves out, unseen


LONG_TABLE = 20
"""Rows beyond which a table is not kept whole with its heading (measuring it whole costs
more than the page it might save): the heading asks only for room for its first rows."""


def long_text(text: str, st: Styles, *, body: ParagraphStyle | None = None,
              bullet: ParagraphStyle | None = None,
              context: TextContext | None = None) -> list[Flowable]:
    """The blocks of user text as flowables, in `body` (and `bullet` for list items)."""
    body = body or st.body
    bullet = bullet or st.bullet
    context = context or TextContext()
    out: list[Flowable] = []
    heading: list[Flowable] = []  # a heading waiting for what it heads
    for block in rich_text.without_images(rich_text.parse(text), context.withheld):
        made = _block(block, st, body, bullet, 0, context)
        if isinstance(block, Heading):
            heading += made
            continue
        if heading and made:  # never a heading at the foot of a page, its image overleaf
            if isinstance(block, TableBlock) and len(block.rows) > LONG_TABLE:
                # a long table splits anyway: room for its first rows is enough (and the
                # heading's keepWithNext would keep the whole table with it)
                for flowable in heading:
                    flowable.keepWithNext = 0
                out += [CondPageBreak(body.fontSize * 12), *heading]
            else:
                out.append(KeepTogether(heading + made[:1]))
                made = made[1:]
        elif heading:
            out += heading
        heading = []
        out += made
    return out + heading


class ScaledImage(Flowable):  # type: ignore[misc]
    """An image at its natural size (96 pixels to the inch), scaled down to fit the column
    it is placed in and IMAGE_MAX_HEIGHT, keeping its proportions."""

    def __init__(self, data: bytes, *, max_height: float = IMAGE_MAX_HEIGHT) -> None:
        super().__init__()
        self.reader = ImageReader(io.BytesIO(data))
        pixels_wide, pixels_high = self.reader.getSize()
        self.natural = (pixels_wide / PIXELS_PER_POINT, pixels_high / PIXELS_PER_POINT)
        self.max_height = max_height
        self.drawn = self.natural

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.natural
        scale = min(1.0, avail_width / width, self.max_height / height)
        self.drawn = (width * scale, height * scale)
        return self.drawn

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, *self.drawn, mask="auto")


def markup(runs: Inline) -> str:
    """Runs as paragraph markup: escaped, bold and italic as <b> and <i>."""
    if not rich_text.styled(runs):
        return inline(rich_text.plain(runs))
    pieces = []
    last = len(runs) - 1
    for number, run in enumerate(runs):
        text = run.text.lstrip() if number == 0 else run.text
        text = text.rstrip() if number == last else text
        piece = escape_piece(text)
        if run.italic:
            piece = f"<i>{piece}</i>"
        if run.bold:
            piece = f"<b>{piece}</b>"
        pieces.append(piece)
    return "".join(pieces)


def _block(block: Block, st: Styles, body: ParagraphStyle, bullet: ParagraphStyle,
           depth: int, context: TextContext) -> list[Flowable]:
    if isinstance(block, Heading):
        size = body.fontSize * (1.2 if block.level <= 2 else 1.05)
        style = ParagraphStyle(f"rt-h{block.level}", parent=body, fontName=FONT_BOLD,
                               fontSize=size, leading=size * 1.3, textColor=NAVY,
                               spaceBefore=body.fontSize * 0.6, spaceAfter=body.fontSize * 0.3,
                               keepWithNext=1)
        if context.heading is not None:
            return [context.heading(block, markup(block.runs), style)]
        return [Paragraph(markup(block.runs), style)]
    if isinstance(block, Para):
        return [Paragraph(markup(block.runs), body)]
    if isinstance(block, ListBlock):
        return _list(block, st, body, bullet, depth, context)
    if isinstance(block, ImageBlock):
        return _image(block, st, body, context)
    return [_table(block, st), Spacer(1, body.fontSize * 0.5)]


def _image(block: ImageBlock, st: Styles, body: ParagraphStyle,
           context: TextContext) -> list[Flowable]:
    """The image with its alt text as caption; an attachment the copy lacks as a placeholder
    that says so (never a crash, never a blank)."""
    alt = block.alt.strip() or "an image with no description"
    if context.images is None:
        return [Paragraph(inline(f"[image: {alt}]"), body)]
    image = context.images.get(block.uid)
    caption = ParagraphStyle("rt-caption", parent=st.small, fontName=FONT_ITALIC,
                             spaceBefore=2, spaceAfter=body.fontSize * 0.7)
    if image is None:
        context.missing.append(block.uid)
        box = Table([[Paragraph(inline(f"Image not available: {alt}"), st.small_bold)],
                     [Paragraph(inline(f"(the attachment {block.uid[:36]} is not in this "
                                       "copy)"), st.small)]])
        box.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), FONT), ("BOX", (0, 0), (-1, -1), 0.75, MUTED),
            ("BACKGROUND", (0, 0), (-1, -1), PALE),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return [box, Spacer(1, body.fontSize * 0.6)]
    return [KeepTogether([Spacer(1, 2), ScaledImage(image.data),
                          Paragraph(inline(image.alt_text if not block.alt.strip() else alt),
                                    caption)])]


def _list(block: ListBlock, st: Styles, body: ParagraphStyle, bullet: ParagraphStyle,
          depth: int, context: TextContext) -> list[Flowable]:
    step = bullet.leftIndent or body.fontSize * 1.3
    item_style = ParagraphStyle(f"rt-item-{depth}", parent=bullet,
                                leftIndent=step * (depth + 1),
                                bulletIndent=bullet.bulletIndent + step * depth)
    out: list[Flowable] = []
    for number, item in enumerate(block.items):
        marker = f"{block.start + number}." if block.ordered else "•" if depth == 0 else "◦"
        marked = False
        for part in item:
            if isinstance(part, Para) and not marked:
                out.append(Paragraph(markup(part.runs), item_style, bulletText=marker))
                marked = True
            elif isinstance(part, ListBlock):
                out += _list(part, st, body, bullet, depth + 1, context)
            elif isinstance(part, Para):
                out.append(Paragraph(markup(part.runs), item_style))
            else:
                out += _block(part, st, body, bullet, depth + 1, context)
        if not marked and not item:
            out.append(Paragraph("", item_style, bulletText=marker))
    if depth == 0:
        out.append(Spacer(1, body.fontSize * 0.5))
    return out


def _table(block: TableBlock, st: Styles) -> Table:
    """A table of the text: its header row repeated on every page it runs onto."""
    head = ParagraphStyle("rt-th", parent=st.cell_bold)
    rows = [[Paragraph(markup(cell), head) for cell in block.header]]
    rows += [[Paragraph(markup(cell), st.cell) for cell in row] for row in block.rows]
    columns = max(len(block.header), 1)
    table = Table(rows, colWidths=[f"{100 / columns:.4f}%"] * columns, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table
