"""The quarterly performance report as a PDF: a summary (open actions by RAG as a chart, the
key numbers, the agreement's approval), the exceptions first (red and amber actions with their
update, overdue actions, updates missing), then each key issue with its actions.

Charts are ReportLab vector drawings and say everything in words and numbers too, so the report
reads in black and white."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

from csa_desktop.domain.kinds import choice_label
from csa_desktop.printing.common import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    INK,
    MUTED,
    PALE,
    RAG_FILLS,
    RAG_INKS,
    RAG_WORDS,
    RULE,
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
from csa_desktop.printing.model import short_date
from csa_desktop.printing.report_model import IssueGroup, PerformanceReport, ReportAction

PAGE = landscape(A4)
MARGIN = 36.0
RAG_MEANINGS = {"red": "off track", "amber": "at risk", "green": "on track",
                "not-rated": "no rating yet"}


def render_performance_report(report: PerformanceReport) -> bytes:
    register_fonts()
    st = styles(9.5)
    inner = PAGE[0] - 2 * MARGIN
    story = _summary(report, st, inner)
    story += _exceptions(report, st, inner)
    story.append(Paragraph("Each key issue and its actions", ParagraphStyle(
        "pr-part", parent=st.heading, pageBreakBefore=1)))
    for group in report.issues:
        story += _issue(group, report, st, inner)
    return build_pages(report.meta, story, PAGE, MARGIN)


# --- the summary page ------------------------------------------------------------------------


def _summary(report: PerformanceReport, st: Styles, width: float) -> list[Flowable]:
    meta = report.meta
    details = "\u2002·\u2002".join(inline(d) for d in (
        report.scope, meta.status, f"overdue judged on {short_date(report.as_of)}",
        f"printed {short_date(meta.printed_on)}"))
    band = title_band(f"Quarterly performance report {inline(report.period)}", details,
                      inline(meta.status_detail), "Approval of the agreement", st, width,
                      status_width=260, status_size=10.5)
    numbers = [
        ("Actions (not archived)", report.actions), ("Open", report.open_actions),
        ("Red or amber (exceptions)", len(report.exceptions)),
        ("Overdue", len(report.overdue)),
        (f"Progress updates missing for {report.period}", len(report.missing)),
    ] + [(choice_label(s), n) for s, n in report.status_counts.items()]
    figures = Table([[Paragraph(inline(name), st.cell), Paragraph(f"<b>{n:,}</b>", st.cell)]
                     for name, n in numbers], colWidths=[200, 60])
    figures.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 4), PALE),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    chart_title = Paragraph("<b>Open actions by RAG</b>", st.body)
    side = Table([[[chart_title, rag_chart(report.rag_counts, width - 330)], figures]],
                 colWidths=[width - 300, 300])
    side.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    key = "RAG key:\u2002" + "\u2003".join(
        f"{rag_badge(rag)}{RAG_MEANINGS[rag]}" for rag in RAG_WORDS)
    return [band, spacer(12), side, spacer(6),
            Paragraph(key, ParagraphStyle("pr-key", parent=st.small, leading=14))]


def rag_chart(counts: dict[str, int], width: float) -> Drawing:
    """A horizontal bar per RAG: its word and count are printed beside the bar, so the chart
    reads without colour."""
    bar, gap, label_width = 18.0, 8.0, 110.0
    rags = list(RAG_WORDS)
    height = len(rags) * (bar + gap) + 4
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # the renderer's starting font: embedded, not Helvetica
    longest = max(counts.values(), default=0) or 1
    room = width - label_width - 50
    for row, rag in enumerate(rags):
        y = height - (row + 1) * (bar + gap)
        number = counts.get(rag, 0)
        drawing.add(String(0, y + 5, f"{RAG_WORDS[rag].capitalize()} ({RAG_MEANINGS[rag]})",
                           fontName=FONT, fontSize=8.5, fillColor=INK))
        length = room * number / longest
        if number:
            drawing.add(Rect(label_width, y, length, bar, fillColor=RAG_FILLS[rag],
                             strokeColor=INK, strokeWidth=0.5))
        drawing.add(String(label_width + length + 5, y + 5, f"{number:,}", fontName=FONT_BOLD,
                           fontSize=9, fillColor=INK))
    return drawing


# --- exceptions --------------------------------------------------------------------------------


def _exceptions(report: PerformanceReport, st: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(160), Paragraph("Exceptions", st.heading)]
    parts: Sequence[tuple[str, str, tuple[ReportAction, ...]]] = (
        ("Red and amber actions", "Open actions rated red (off track) or amber (at risk), "
         "with their update for the quarter.", report.exceptions),
        ("Overdue actions", f"Open actions past their due date on {short_date(report.as_of)}.",
         report.overdue),
        (f"Progress updates missing for {report.period}",
         "Open actions under way in the quarter with no update written for it.",
         report.missing),
    )
    for heading, note, actions in parts:
        story.append(CondPageBreak(110))  # a heading and the first rows, not a heading alone
        story.append(Paragraph(f"{inline(heading)} ({len(actions):,})", st.subheading))
        story.append(Paragraph(inline(note), ParagraphStyle("pr-note", parent=st.small,
                                                            spaceAfter=4)))
        if actions:
            story.append(actions_table(actions, report.period, st, width))
        else:
            story.append(_none(st, "None."))
    return story


def _issue(group: IssueGroup, report: PerformanceReport, st: Styles,
           width: float) -> list[Flowable]:
    heading = Paragraph(inline(group.title), ParagraphStyle(
        "pr-issue", parent=st.subheading, fontSize=12.5, leading=16, spaceBefore=10))
    open_rags = [a.rag for a in group.actions if a.status not in ("completed", "cancelled")]
    tally = "\u2002".join(f"{rag_badge(rag)}{open_rags.count(rag)}" for rag in RAG_WORDS
                          if open_rags.count(rag))
    line = (f"{len(group.actions):,} action{'s' if len(group.actions) != 1 else ''}, "
            f"{len(open_rags):,} open" + (f"\u2003{tally}" if tally else ""))
    story: list[Flowable] = [CondPageBreak(110), heading, Paragraph(line, ParagraphStyle(
        "pr-tally", parent=st.small, leading=14, spaceAfter=4))]
    if group.actions:
        story.append(actions_table(group.actions, report.period, st, width))
    else:
        story.append(_none(st, "No local plan delivers this key issue with an action yet."))
    return story


def _none(st: Styles, text: str) -> Paragraph:
    return Paragraph(text, ParagraphStyle("pr-none", parent=st.body, fontName=FONT_ITALIC,
                                          textColor=MUTED))


COLUMNS = (("Action", 0.28), ("Partnership", 0.13), ("Lead", 0.13), ("Due", 0.08),
           ("Status", 0.08), ("RAG", 0.07), ("Update for the quarter", 0.23))


def actions_table(actions: Sequence[ReportAction], period: str, st: Styles,
                  width: float) -> Table:
    data: list[list[Any]] = [[Paragraph(name, st.cell_head) for name, _share in COLUMNS]]
    style = grid_style(5)
    for row, action in enumerate(actions, start=1):
        what = inline(action.title)
        if action.priority:
            what += f'<br/><font color="#555555" size="7.5">{inline(action.priority)}</font>'
        due = short_date(action.due_on) or "—"
        if action.overdue:
            due = f'<font color="#B00020"><b>{due}<br/>OVERDUE</b></font>'
        rag_style = ParagraphStyle(f"pr-rag-{action.rag}", parent=st.cell_bold,
                                   textColor=RAG_INKS[action.rag], alignment=1)
        data.append([
            Paragraph(what, st.cell), Paragraph(inline(action.partnership), st.cell),
            Paragraph(inline(action.lead) or "—", st.cell), Paragraph(due, st.cell),
            Paragraph(choice_label(action.status), st.cell),
            Paragraph(RAG_WORDS[action.rag], rag_style), _update(action, period, st),
        ])
        style.add("BACKGROUND", (5, row), (5, row), RAG_FILLS[action.rag])
    table = Table(data, colWidths=[width * share for _name, share in COLUMNS], repeatRows=1,
                  splitInRow=1)  # an update longer than a page
    table.setStyle(style)
    return table


def _update(action: ReportAction, period: str, st: Styles) -> Paragraph:
    update = action.latest
    missing = (f'<font color="#B00020"><b>No update for {inline(period)}</b></font>'
               if action.missing_update else "")
    if update is None:
        return Paragraph(missing or "No update.", ParagraphStyle(
            "pr-no-update", parent=st.cell, fontName=FONT_ITALIC, textColor=MUTED))
    head = " · ".join(p for p in (inline(update.period), short_date(update.reported_on)) if p)
    text = f"{missing}<br/>Latest: " if missing else ""
    text += f"{rag_badge(update.rag)}<b>{head}</b>"
    if update.narrative:
        text += "<br/>" + inline(update.narrative)
    return Paragraph(text, ParagraphStyle("pr-update", parent=st.cell, fontName=FONT,
                                          leading=11))
