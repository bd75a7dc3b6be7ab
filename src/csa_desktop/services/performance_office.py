"""The quarterly performance report in Word and Excel, from the same values as the PDF
(printing.report_model): the summary with a chart of open actions by RAG, the exceptions first,
then each key issue's actions.

The Word chart is a picture (python-docx cannot make native charts) drawn with its words and
numbers beside each bar; the Excel chart is a native bar chart over the summary's cells."""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path
from typing import Any

from csa_desktop.files import write_atomically
from csa_desktop.printing.model import RAG_MEANINGS
from csa_desktop.printing.report_model import PerformanceReport, ReportAction, ReportIndicator
from csa_desktop.services.office_export import (
    RAG_FILLS,
    RAG_WORDS,
    STATUS_WORDS,
    clean,
    docx_table,
    long_day,
    set_cell_text,
    sheet_title,
)

ACTION_HEADINGS = ("RAG", "Action", "Priority", "Partnership", "Lead", "Due", "Status",
                   "Overdue", "Update for the quarter")


INDICATOR_HEADINGS = ("Indicator", "For", "Unit", "Baseline", "Latest period", "Latest value",
                      "Target", "RAG", "Since the period before", "Since the baseline",
                      "Values (oldest first)")


def indicator_values(indicator: ReportIndicator) -> list[str]:
    target = indicator.target or ""
    if target and indicator.target_period:
        target += f" by {indicator.target_period}"
    words = {"no-change": "No change"}
    return [indicator.name, indicator.owner or "County", indicator.unit, indicator.baseline,
            indicator.latest_period or "", indicator.latest_value or "", target,
            RAG_WORDS[indicator.rag] if indicator.rag else "No RAG",
            words.get(indicator.against_previous or "", (indicator.against_previous or
                                                          "").capitalize()),
            words.get(indicator.against_baseline or "", (indicator.against_baseline or
                                                          "").capitalize()),
            "; ".join(f"{period}: {value}" for period, value in indicator.values)]


def every_indicator(report: PerformanceReport) -> list[tuple[str, ReportIndicator]]:
    """(group title, indicator) in the report's order."""
    return [(group.title, i) for group in report.issues for i in group.indicators]


def summary_rows(report: PerformanceReport) -> list[tuple[str, int]]:
    return [("Actions (not archived)", report.actions), ("Open", report.open_actions),
            ("Red or amber (exceptions)", len(report.exceptions)),
            ("Overdue", len(report.overdue)),
            (f"Progress updates missing for {report.period}", len(report.missing)),
            ("Indicators", report.indicator_count),
            ("Indicators off target (red or amber)", len(report.indicators_off_target)),
            *((STATUS_WORDS[s], n) for s, n in report.status_counts.items())]


def parts(report: PerformanceReport) -> list[tuple[str, tuple[ReportAction, ...]]]:
    """The lists of the report in its order: the exceptions, then each key issue."""
    return [("Red and amber actions", report.exceptions), ("Overdue actions", report.overdue),
            (f"Progress updates missing for {report.period}", report.missing),
            *((group.title, group.actions) for group in report.issues)]


def action_values(action: ReportAction, period: str) -> list[object]:
    update = ""
    if action.missing_update:
        update = f"No update for {period}."
    if action.latest is not None:
        head = " · ".join(p for p in (action.latest.period, long_day(action.latest.reported_on))
                          if p)
        latest = f"{RAG_WORDS[action.latest.rag]} · {head}: {action.latest.narrative}"
        update = f"{update} Latest: {latest}" if update else latest
    return [action.rag, action.title, action.priority, action.partnership, action.lead,
            action.due_on, STATUS_WORDS.get(action.status, action.status),
            "Overdue" if action.overdue else "", update]


# --- Word -------------------------------------------------------------------------------------


def report_docx(report: PerformanceReport) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    meta = report.meta
    doc: Any = Document()
    props = doc.core_properties
    props.title, props.subject = clean(meta.title), clean(meta.subject)
    props.author, props.language = clean(meta.author), "en-GB"
    if meta.invariant:
        moment = dt.datetime.combine(meta.printed_on, dt.time())
        props.created = props.modified = moment
        props.revision = 1
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.6))
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(clean(f"Quarterly performance report {report.period}"), level=0)
    doc.add_paragraph(clean(f"{report.scope} · {meta.status} · overdue judged on "
                            f"{long_day(report.as_of)} · printed {long_day(meta.printed_on)}"))
    doc.add_paragraph(clean(meta.status_detail))
    if meta.sample:
        doc.add_paragraph("SAMPLE DATA — contains illustrative content.").runs[0].bold = True
    doc.add_heading("Summary", level=1)
    doc.add_paragraph("Open actions by RAG")
    doc.add_picture(io.BytesIO(rag_chart_png(report.rag_counts)), width=Cm(14))
    docx_table(doc, ("Open actions by RAG", "Number"),
               [(f"{RAG_WORDS[r]} ({RAG_MEANINGS[r]})", f"{n:,}")
                for r, n in report.rag_counts.items()], widths=(8, 3))
    doc.add_paragraph()
    docx_table(doc, ("The quarter in numbers", "Number"),
               [(name, f"{n:,}") for name, n in summary_rows(report)], widths=(8, 3))
    indicator_widths = (5.0, 2.6, 1.8, 2.0, 1.9, 1.6, 2.4, 1.5, 2.0, 2.0, 3.7)
    groups = {group.title: group for group in report.issues}
    for number, (heading, actions) in enumerate(parts(report)):
        if number == 0:
            doc.add_page_break()
            doc.add_heading("Exceptions", level=1)
        if number == 3:
            doc.add_page_break()
            doc.add_heading("Each key issue and its actions", level=1)
        doc.add_heading(clean(f"{heading} ({len(actions):,})"), level=2)
        indicators = groups[heading].indicators if number >= 3 and heading in groups else ()
        if indicators:
            doc.add_paragraph("Indicators")
            docx_table(doc, INDICATOR_HEADINGS, [indicator_values(i) for i in indicators],
                       widths=indicator_widths)
            doc.add_paragraph("Actions")
        if not actions:
            doc.add_paragraph("None.")
            continue
        rows = [[_docx_value(v) for v in action_values(a, report.period)] for a in actions]
        docx_table(doc, ACTION_HEADINGS, rows,
                   widths=(1.6, 5.5, 3.2, 2.8, 3.0, 2.0, 1.9, 1.7, 4.8))
        if number == 0:
            off = report.indicators_off_target
            doc.add_heading(clean(f"Indicators off target ({len(off):,})"), level=2)
            if off:
                docx_table(doc, INDICATOR_HEADINGS, [indicator_values(i) for i in off],
                           widths=indicator_widths)
            else:
                doc.add_paragraph("None.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_value(value: object) -> str:
    if isinstance(value, dt.date):
        return long_day(value)
    if value in RAG_WORDS:
        return RAG_WORDS[str(value)]
    return "" if value is None else str(value)


def rag_chart_png(counts: dict[str, int]) -> bytes:
    """A horizontal bar per RAG, its word and number beside it (readable in black and white)."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = resources.files("csa_desktop.resources").joinpath("fonts")
    with resources.as_file(fonts.joinpath("DejaVuSans.ttf")) as regular, \
            resources.as_file(fonts.joinpath("DejaVuSans-Bold.ttf")) as bold:
        font = ImageFont.truetype(str(regular), 26)
        number_font = ImageFont.truetype(str(bold), 28)
    width, bar, gap, label = 1400, 44, 22, 420
    image = Image.new("RGB", (width, len(counts) * (bar + gap) + gap), "white")
    draw = ImageDraw.Draw(image)
    longest = max(counts.values(), default=0) or 1
    for row, (rag, number) in enumerate(counts.items()):
        y = gap + row * (bar + gap)
        draw.text((0, y + 6), f"{RAG_WORDS[rag]} ({RAG_MEANINGS[rag]})", fill="black",
                  font=font)
        length = (width - label - 120) * number / longest
        if number:
            draw.rectangle((label, y, label + length, y + bar), fill=f"#{RAG_FILLS[rag][0]}",
                           outline="black", width=2)
        draw.text((label + length + 14, y + 5), f"{number:,}", fill="black", font=number_font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- Excel ------------------------------------------------------------------------------------


def report_xlsx(report: PerformanceReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    book.properties.title = clean(report.meta.title)
    book.properties.creator = clean(report.meta.author)
    book.properties.language = "en-GB"
    bold = Font(bold=True)
    summary["A1"] = clean(f"Quarterly performance report {report.period}")
    summary["A1"].font = Font(bold=True, size=14)
    set_cell_text(summary["A2"], f"{report.scope} · {report.meta.status} · overdue judged on "
                                 f"{long_day(report.as_of)}")
    set_cell_text(summary["A3"], report.meta.status_detail)
    summary["A5"], summary["B5"] = "Open actions by RAG", "Number"
    for row, (rag, number) in enumerate(report.rag_counts.items(), start=6):
        summary.cell(row=row, column=1, value=f"{RAG_WORDS[rag]} ({RAG_MEANINGS[rag]})")
        summary.cell(row=row, column=2, value=number)
    first_numbers = 6 + len(report.rag_counts) + 1
    summary.cell(row=first_numbers, column=1, value="The quarter in numbers").font = bold
    for row, (name, number) in enumerate(summary_rows(report), start=first_numbers + 1):
        summary.cell(row=row, column=1, value=name)
        summary.cell(row=row, column=2, value=number)
    for cell in (summary["A5"], summary["B5"]):
        cell.font = bold
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 10
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Open actions by RAG"
    chart.legend = None
    chart.add_data(Reference(summary, min_col=2, min_row=5, max_row=5 + len(report.rag_counts)),
                   titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=6,
                                   max_row=5 + len(report.rag_counts)))
    chart.y_axis.title = "Open actions"
    chart.dataLabels = DataLabelList(showVal=True)  # the numbers, not colour alone
    for index, rag in enumerate(report.rag_counts):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = RAG_FILLS[rag][0]
        point.graphicalProperties.line.solidFill = "000000"
        chart.series[0].dPt.append(point)
    summary.add_chart(chart, "D5")
    fills = {rag: (PatternFill("solid", fgColor=fill), Font(bold=True, color=ink))
             for rag, (fill, ink) in RAG_FILLS.items()}
    widths = (11, 48, 30, 24, 28, 12, 13, 10, 60)
    taken: set[str] = {"summary"}
    for heading, actions in parts(report):
        ws = book.create_sheet(sheet_title(heading, taken))
        for col, (name, width) in enumerate(zip(ACTION_HEADINGS, widths, strict=True), 1):
            ws.cell(row=1, column=col, value=name).font = bold
            ws.column_dimensions[get_column_letter(col)].width = width
        for r, action in enumerate(actions, start=2):
            for col, value in enumerate(action_values(action, report.period), 1):
                cell = ws.cell(row=r, column=col)
                cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 3, 5, 9))
                if col == 1:
                    cell.value = RAG_WORDS[action.rag]
                    cell.fill, cell.font = fills[action.rag]
                elif isinstance(value, dt.date):
                    cell.value = value
                    cell.number_format = "dd/mm/yyyy"
                elif value:
                    set_cell_text(cell, str(value))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(ACTION_HEADINGS))}{len(actions) + 1}"
    for title, chosen in (("Indicators off target", [(g, i) for g, i in every_indicator(report)
                                                      if i.off_target]),
                          ("Indicators", every_indicator(report))):
        ws = book.create_sheet(sheet_title(title, taken), index=2 if chosen and title.endswith(
            "target") else None)
        headings = ("Key issue or group", *INDICATOR_HEADINGS)
        for col, name in enumerate(headings, 1):
            ws.cell(row=1, column=col, value=name).font = bold
            ws.column_dimensions[get_column_letter(col)].width = 44 if col in (1, 2) else 16
        for r, (group, indicator) in enumerate(chosen, start=2):
            for col, value in enumerate((group, *indicator_values(indicator)), 1):
                cell = ws.cell(row=r, column=col)
                if col == 9 and indicator.rag:
                    cell.value = RAG_WORDS[indicator.rag]
                    cell.fill, cell.font = fills[indicator.rag]
                elif value:
                    set_cell_text(cell, value)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_report(report: PerformanceReport, path: Path) -> Path:
    """Write the report as .docx or .xlsx, by the file's name."""
    suffix = path.suffix.lower()
    data = report_docx(report) if suffix == ".docx" else report_xlsx(report)
    return write_atomically(data, path)

