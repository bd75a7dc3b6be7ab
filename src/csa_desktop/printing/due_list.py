"""The due list for a partnership meeting: what is due, grouped under plain headings (actions
past their date, progress updates owed, approvals waiting, not yet sent to the PCC, the next
meetings), one table each, on A4 portrait."""

from __future__ import annotations

from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table

from csa_desktop.printing.common import (
    FONT_ITALIC,
    MUTED,
    Styles,
    build_pages,
    grid_style,
    inline,
    register_fonts,
    spacer,
    styles,
    title_band,
)
from csa_desktop.printing.due_model import DueGroup, DueListDocument
from csa_desktop.printing.model import long_date, short_date

PAGE = A4
MARGIN = 40.0


def render_due_list(document: DueListDocument) -> bytes:
    register_fonts()
    st = styles(9.5)
    width = PAGE[0] - 2 * MARGIN
    total = sum(len(g.lines) for g in document.groups)
    details = "\u2002·\u2002".join(inline(d) for d in (
        document.scope, f"as on {long_date(document.today)}", document.meta.version) if d)
    story: list[Flowable] = [
        title_band(inline(document.meta.title), details,
                   f"{total} item{'s' if total != 1 else ''}", "Due", st, width,
                   status_width=120),
        spacer(10),
    ]
    if not document.groups:
        story.append(Paragraph("Nothing is due.", ParagraphStyle(
            "due-none", parent=st.body, fontName=FONT_ITALIC, textColor=MUTED)))
    for group in document.groups:
        story += _group(group, st, width)
    return build_pages(document.meta, story, PAGE, MARGIN)


def _group(group: DueGroup, st: Styles, width: float) -> list[Flowable]:
    heading = Paragraph(f"{inline(group.heading)} ({len(group.lines)})", ParagraphStyle(
        "due-heading", parent=st.subheading, spaceBefore=10, keepWithNext=1))
    data: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in (
        "Partnership", "What", "Due", "Detail")]]
    for line in group.lines:
        data.append([Paragraph(inline(line.partnership) or "County", st.cell),
                     Paragraph(inline(line.title), st.cell_bold),
                     Paragraph(short_date(line.due_on) or "—", st.cell),
                     Paragraph(inline(line.detail), st.cell)])
    table = Table(data, colWidths=[width * f for f in (0.2, 0.32, 0.11, 0.37)], repeatRows=1)
    table.setStyle(grid_style(2))
    if len(group.lines) > 12:  # a long list splits across pages, its header repeated:
        heading.keepWithNext = 0  # not kept whole with its heading (that left a page blank);
        return [CondPageBreak(90), heading, table]  # room for the heading and a few rows
    return [KeepTogether([heading, table])]
