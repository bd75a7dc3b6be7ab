"""The local partnership plan / action tracker: actions grouped by priority with lead,
partners, due date, status, RAG (colour and word) and the latest progress update."""

from __future__ import annotations

from collections import Counter
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Table,
)

from csa_desktop.printing.common import (
    FONT_ITALIC,
    MUTED,
    RAG_FILLS,
    RAG_INKS,
    RAG_WORDS,
    Styles,
    build_pages,
    grid_style,
    inline,
    rag_badge,
    register_fonts,
    spacer,
    styles,
    title_band,
)
from csa_desktop.printing.model import (
    RAG_MEANINGS,
    ActionLine,
    LocalPlanDocument,
    PriorityGroup,
    short_date,
)
from csa_desktop.printing.rich_text import long_text

PAGE = landscape(A4)
MARGIN = 36.0
STATUS_LABELS = {
    "not-started": "Not started", "in-progress": "In progress", "completed": "Completed",
    "on-hold": "On hold", "cancelled": "Cancelled",
}
COLUMNS = (("What we will do", 0.25), ("Lead", 0.13), ("Who else is involved", 0.13),
           ("Due", 0.085), ("Status", 0.08), ("RAG", 0.07), ("Latest progress update", 0.255))


def render_local_plan(document: LocalPlanDocument) -> bytes:
    register_fonts()
    st = styles(9.5)
    inner = PAGE[0] - 2 * MARGIN
    story = _header(document, st, inner)
    for group in document.priorities:
        story += _priority(group, st, inner)
    if not document.priorities:
        story.append(Paragraph("This plan has no priorities or actions yet.", ParagraphStyle(
            "lp-empty", parent=st.body, fontName=FONT_ITALIC, textColor=MUTED)))
    return build_pages(document.meta, story, PAGE, MARGIN)


def _header(document: LocalPlanDocument, st: Styles, width: float) -> list[Flowable]:
    meta = document.meta
    details = "\u2002·\u2002".join(inline(d) for d in (
        document.partnership, document.period, "Local partnership plan / action tracker") if d)
    band = title_band(inline(document.plan_title), details, inline(meta.status), "Plan status",
                      st, width)
    actions = [a for g in document.priorities for a in g.actions]
    rags = Counter(a.rag if a.rag in RAG_WORDS else "not-rated" for a in actions)
    statuses = Counter(a.status for a in actions)
    parts = [f"{rag_badge(rag)}{rags[rag]}" for rag in RAG_WORDS if rags[rag]]
    summary = (f"<b>{len(actions)} action{'s' if len(actions) != 1 else ''}</b>\u2003"
               + "\u2002·\u2002".join(parts))
    overdue = sum(1 for a in actions if a.overdue)
    if overdue:
        summary += f'\u2003·\u2003<font color="#B00020"><b>{overdue} overdue</b></font>'
    if statuses:
        summary += "\u2003·\u2003" + ", ".join(
            f"{statuses[s]} {label.lower()}" for s, label in STATUS_LABELS.items()
            if statuses[s])
    key = "RAG key:\u2002" + "\u2003".join(
        f"{rag_badge(rag)}{RAG_MEANINGS[rag]}" for rag in RAG_WORDS)
    summary_style = ParagraphStyle("lp-summary", parent=st.body, leading=16, spaceAfter=2)
    story: list[Flowable] = [band, spacer(10)]
    if document.chain:
        approvals = (f"<b>Approvals:</b> {inline(document.approvals)}"
                     f"\u2003<font color=\"#555555\">(chain: {inline(document.chain)})</font>")
        story.append(Paragraph(approvals, ParagraphStyle("lp-approvals", parent=st.body,
                                                         leading=16, spaceAfter=2)))
    return [*story, Paragraph(summary, summary_style),
            Paragraph(key, ParagraphStyle("lp-key", parent=st.small, leading=14)), spacer(4)]


def _priority(group: PriorityGroup, st: Styles, width: float) -> list[Flowable]:
    heading = ParagraphStyle("lp-priority", parent=st.subheading, fontSize=12.5, leading=16,
                             spaceBefore=12, keepWithNext=1)
    story: list[Flowable] = [Paragraph(inline(group.title), heading)]
    if group.key_issue:
        note = ("County key issue"
                if group.key_issue.casefold() == group.title.casefold()
                else f"Delivers the county key issue: {inline(group.key_issue)}")
        story.append(Paragraph(note, ParagraphStyle("lp-issue", parent=st.small,
                                                    spaceAfter=3, keepWithNext=1)))
    else:
        story.append(Paragraph("Local priority", ParagraphStyle(
            "lp-local", parent=st.small, spaceAfter=3, keepWithNext=1)))
    if group.description:
        story += long_text(group.description, st, body=ParagraphStyle(
            "lp-desc", parent=st.body, spaceAfter=4, keepWithNext=1))
    if not group.actions:
        story.append(Paragraph("No actions yet.", ParagraphStyle(
            "lp-none", parent=st.body, fontName=FONT_ITALIC, textColor=MUTED)))
        return story
    story.append(_actions_table(group.actions, st, width))
    return story


def _actions_table(actions: tuple[ActionLine, ...], st: Styles, width: float) -> Table:
    data: list[list[Any]] = [[Paragraph(name, st.cell_head) for name, _share in COLUMNS]]
    style = grid_style(5)
    for row, action in enumerate(actions, start=1):
        what = inline(action.title)
        if action.measure:
            what += ("<br/><font color=\"#555555\" size=\"7.5\">How we will know: "
                     f"{inline(action.measure)}</font>")
        due = short_date(action.due_on) or "—"
        if action.overdue:  # colour and word, as RAG is printed
            due = f'<font color="#B00020"><b>{due}<br/>OVERDUE</b></font>'
        if action.start_on:
            due += f"<br/><font color=\"#555555\" size=\"7\">from {short_date(action.start_on)}" \
                   "</font>"
        rag = action.rag if action.rag in RAG_WORDS else "not-rated"
        rag_style = ParagraphStyle(f"rag-{rag}", parent=st.cell_bold, textColor=RAG_INKS[rag],
                                   alignment=1)
        data.append([
            Paragraph(what, st.cell),
            Paragraph(inline(action.lead) or "—", st.cell),
            Paragraph(inline(action.partners) or "—", st.cell),
            Paragraph(due, st.cell),
            Paragraph(STATUS_LABELS.get(action.status, inline(action.status)), st.cell),
            Paragraph(RAG_WORDS[rag], rag_style),
            _latest(action, st),
        ])
        style.add("BACKGROUND", (5, row), (5, row), RAG_FILLS[rag])
    widths = [width * share for _name, share in COLUMNS]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)  # a long update
    table.setStyle(style)
    return table


def _latest(action: ActionLine, st: Styles) -> Paragraph:
    update = action.latest
    if update is None:
        return Paragraph("No update yet.", ParagraphStyle("lp-no-update", parent=st.cell,
                                                          fontName=FONT_ITALIC,
                                                          textColor=MUTED))
    head = " · ".join(p for p in (inline(update.period), short_date(update.reported_on)) if p)
    text = f"{rag_badge(update.rag)}<b>{head}</b>"
    if update.narrative:
        text += "<br/>" + inline(update.narrative)
    if update.author:
        text += f"<br/><font color=\"#555555\" size=\"7\">— {inline(update.author)}</font>"
    return Paragraph(text, ParagraphStyle("lp-update", parent=st.cell, leading=11))
