"""The quarterly performance report as a PDF: a summary (open actions by RAG as a chart, the
key numbers, the agreement's approval), the exceptions first (red and amber actions with their
update, overdue actions, updates missing), then each key issue with its actions.

Charts are ReportLab vector drawings and say everything in words and numbers too, so the report
reads in black and white."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
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
    NAVY,
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
from csa_desktop.printing.model import RAG_MEANINGS, short_date
from csa_desktop.printing.report_model import (
    IssueGroup,
    PerformanceReport,
    ReportAction,
    ReportIndicator,
)

PAGE = landscape(A4)
MARGIN = 36.0
NARRATIVE_LIMIT = 600
"""Characters of an update's narrative the report prints (so that no row outgrows a page)."""


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
        ("Indicators", report.indicator_count),
        ("Indicators off target (red or amber)", len(report.indicators_off_target)),
    ] + [(choice_label(s), n) for s, n in report.status_counts.items()]
    figures = Table([[Paragraph(inline(name), st.cell), Paragraph(f"<b>{n:,}</b>", st.cell)]
                     for name, n in numbers], colWidths=[200, 60])
    figures.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 6), PALE),
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
    for number, (heading, note, actions) in enumerate(parts):
        story += _part_heading(f"{heading} ({len(actions):,})", note, st)
        if actions:
            story.append(actions_table(actions, report.period, st, width))
        else:
            story.append(_none(st, "None."))
        if number == 0:  # the indicators off target beside the actions off track
            off = report.indicators_off_target
            story += _part_heading(
                f"Indicators off target ({len(off):,})",
                f"Indicators whose latest value by the end of {report.period} is worse than "
                "the target (red: beyond the tolerance; amber: within it).", st)
            story.append(indicators_table(off, st, width) if off else _none(st, "None."))
    return story


def _part_heading(heading: str, note: str, st: Styles) -> list[Flowable]:
    return [CondPageBreak(110),  # a heading and the first rows, not a heading alone
            Paragraph(inline(heading), st.subheading),
            Paragraph(inline(note), ParagraphStyle("pr-note", parent=st.small, spaceAfter=4))]


def _issue(group: IssueGroup, report: PerformanceReport, st: Styles,
           width: float) -> list[Flowable]:
    heading = Paragraph(inline(group.title), ParagraphStyle(
        "pr-issue", parent=st.subheading, fontSize=12.5, leading=16, spaceBefore=10))
    open_rags = [a.rag for a in group.actions if a.status not in ("completed", "cancelled")]
    tally = "\u2002".join(f"{rag_badge(rag)}{open_rags.count(rag)}" for rag in RAG_WORDS
                          if open_rags.count(rag))
    line = (f"{len(group.actions):,} action{'s' if len(group.actions) != 1 else ''}, "
            f"{len(open_rags):,} open" + (f"\u2003{tally}" if tally else ""))
    if group.indicators:
        off = sum(i.off_target for i in group.indicators)
        line += (f"\u2003·\u2003{len(group.indicators):,} indicator"
                 f"{'s' if len(group.indicators) != 1 else ''}, {off:,} off target")
    story: list[Flowable] = [CondPageBreak(110), heading, Paragraph(line, ParagraphStyle(
        "pr-tally", parent=st.small, leading=14, spaceAfter=4))]
    if group.indicators:
        story.append(indicators_table(group.indicators, st, width))
        story.append(spacer(6))
    if group.actions:
        story.append(actions_table(group.actions, report.period, st, width))
    else:
        story.append(_none(st, "No local plan delivers this key issue with an action yet."))
    return story


INDICATOR_COLUMNS = (("Indicator", 0.27), ("Baseline", 0.09), ("Latest", 0.11),
                     ("Target", 0.09), ("RAG", 0.07), ("Direction of travel", 0.14),
                     ("Trend (dashed: target)", 0.23))
DIRECTION_WORDS = {"improving": "Improving", "worsening": "Worsening",
                   "no-change": "No change", "higher": "Higher", "lower": "Lower"}


def indicators_table(indicators: Sequence[ReportIndicator], st: Styles,
                     width: float) -> Table:
    """Each indicator: baseline, latest value, target, RAG (word and colour), direction of
    travel since the period before and since the baseline (words), and its trend chart."""
    data: list[list[Any]] = [[Paragraph(name, st.cell_head)
                              for name, _share in INDICATOR_COLUMNS]]
    style = grid_style(4)
    widths = [width * share for _name, share in INDICATOR_COLUMNS]
    for row, indicator in enumerate(indicators, start=1):
        name = inline(indicator.name)
        details = " · ".join(inline(d) for d in (indicator.owner, indicator.unit) if d)
        if details:
            name += f'<br/><font color="#555555" size="7.5">{details}</font>'
        latest = "—"
        if indicator.latest_value is not None:
            latest = (f"<b>{inline(indicator.latest_value)}</b><br/>"
                      f'<font size="7.5">{inline(indicator.latest_period or "")}</font>')
        target = inline(indicator.target or "—")
        if indicator.target and indicator.target_period:
            target += f'<br/><font size="7.5">by {inline(indicator.target_period)}</font>'
        rag = indicator.rag or "not-rated"
        rag_word = RAG_WORDS[rag] if indicator.rag else "NO TARGET" \
            if indicator.polarity == "no-target" or not indicator.target else "NO VALUE"
        moves = []
        if indicator.against_previous:
            moves.append(f"{DIRECTION_WORDS.get(indicator.against_previous, '')} "
                         "since the period before")
        if indicator.against_baseline:
            moves.append(f"{DIRECTION_WORDS.get(indicator.against_baseline, '')} "
                         "since the baseline")
        data.append([
            Paragraph(name, st.cell), Paragraph(inline(indicator.baseline) or "—", st.cell),
            Paragraph(latest, st.cell), Paragraph(target, st.cell),
            Paragraph(rag_word, ParagraphStyle(f"pr-irag-{rag}", parent=st.cell_bold,
                                               textColor=RAG_INKS[rag], alignment=1)),
            Paragraph("<br/>".join(inline(m) for m in moves) or "—", st.cell),
            trend_chart(indicator, widths[-1] - 10, 34),
        ])
        style.add("BACKGROUND", (4, row), (4, row), RAG_FILLS[rag])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(style)
    return table


def trend_chart(indicator: ReportIndicator, width: float, height: float) -> Drawing:
    """The values as a line with a marker at each, the first and latest labelled, and the
    target as a dashed line: readable in black and white."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    numbers = [float(value) for _period, value in indicator.values]
    target = float(indicator.target) if indicator.target else None
    if not numbers:
        drawing.add(String(0, height / 2 - 3, "no values yet", fontName=FONT_ITALIC,
                           fontSize=7, fillColor=MUTED))
        return drawing
    span = [*numbers, *([target] if target is not None else [])]
    low, high = min(span), max(span)
    if high == low:
        low, high = low - 1, high + 1
    left, right, bottom, top = 4.0, width - 34, 5.0, height - 5

    def point(index: int, value: float) -> tuple[float, float]:
        x = left + (right - left) * (index / max(len(numbers) - 1, 1))
        return x, bottom + (top - bottom) * (value - low) / (high - low)

    if target is not None:
        y = point(0, target)[1]
        drawing.add(Line(left, y, right, y, strokeColor=INK, strokeWidth=0.6,
                         strokeDashArray=[2, 2]))
    points = [point(i, v) for i, v in enumerate(numbers)]
    if len(points) > 1:
        drawing.add(PolyLine([c for xy in points for c in xy], strokeColor=NAVY,
                             strokeWidth=1))
    for x, y in points:
        drawing.add(Circle(x, y, 1.6, fillColor=NAVY, strokeColor=NAVY))
    x, y = points[-1]
    drawing.add(String(x + 4, y - 3, indicator.values[-1][1], fontName=FONT_BOLD,
                       fontSize=7, fillColor=INK))
    return drawing


def shorten(text: str, limit: int) -> str:
    """`text`, cut at a word before `limit` characters with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


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
    table = Table(data, colWidths=[width * share for _name, share in COLUMNS], repeatRows=1)
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
    if update.narrative:  # a summary for the board; the local plan prints it whole
        text += "<br/>" + inline(shorten(update.narrative, NARRATIVE_LIMIT))
    return Paragraph(text, ParagraphStyle("pr-update", parent=st.cell, fontName=FONT,
                                          leading=11))
