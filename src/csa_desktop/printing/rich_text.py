"""Long user text (Markdown: domain/rich_text.py) as ReportLab flowables: headings, paragraphs
with bold and italic, bulleted and numbered lists (nested), and tables whose header row repeats
on every page. Every piece of text is escaped (printing.common.inline); no markup is ever built
from user text."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from csa_desktop.domain import rich_text
from csa_desktop.domain.rich_text import Block, Heading, Inline, ListBlock, Para, TableBlock
from csa_desktop.printing.common import (
    FONT,
    FONT_BOLD,
    NAVY,
    PALE,
    RULE,
    Styles,
    escape_piece,
    inline,
)


def long_text(text: str, st: Styles, *, body: ParagraphStyle | None = None,
              bullet: ParagraphStyle | None = None) -> list[Flowable]:
    """The blocks of user text as flowables, in `body` (and `bullet` for list items)."""
    body = body or st.body
    bullet = bullet or st.bullet
    out: list[Flowable] = []
    for block in rich_text.parse(text):
        out += _block(block, st, body, bullet, 0)
    return out


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
           depth: int) -> list[Flowable]:
    if isinstance(block, Heading):
        size = body.fontSize * (1.2 if block.level <= 2 else 1.05)
        style = ParagraphStyle(f"rt-h{block.level}", parent=body, fontName=FONT_BOLD,
                               fontSize=size, leading=size * 1.3, textColor=NAVY,
                               spaceBefore=body.fontSize * 0.6, spaceAfter=body.fontSize * 0.3,
                               keepWithNext=1)
        return [Paragraph(markup(block.runs), style)]
    if isinstance(block, Para):
        return [Paragraph(markup(block.runs), body)]
    if isinstance(block, ListBlock):
        return _list(block, st, body, bullet, depth)
    return [_table(block, st), Spacer(1, body.fontSize * 0.5)]


def _list(block: ListBlock, st: Styles, body: ParagraphStyle, bullet: ParagraphStyle,
          depth: int) -> list[Flowable]:
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
                out += _list(part, st, body, bullet, depth + 1)
            elif isinstance(part, Para):
                out.append(Paragraph(markup(part.runs), item_style))
            else:
                out += _block(part, st, body, bullet, depth + 1)
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
