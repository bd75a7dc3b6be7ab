"""The quarterly performance report of the large copy (with 200 indicators × 12 quarters added)
against a bare ReportLab floor: the same texts, as plain paragraphs in tables of the same
columns, in the same embedded fonts, with nothing gathered from a database."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPORT_INDICATORS, REPORT_QUARTERS = 200, 12


def add_indicators(folder: Path, period: str) -> None:
    """200 county indicators spread over the key issues, each with 12 quarters of values up to
    `period` (imported as a CSV, as a council would): setup, not timed."""
    import csv

    from csa_desktop.domain.periods import previous_period
    from csa_desktop.services.copy import Copy
    from csa_desktop.services.value_import import ValueImport

    periods = [period]
    while len(periods) < REPORT_QUARTERS:
        periods.append(previous_period(periods[-1]))
    sheet = folder.parent / "report-values.csv"
    with Copy.open(folder) as copy:
        key_issues = [k.uid for k in copy.records.list_kind("key-issue")]
        for i in range(REPORT_INDICATORS):
            copy.records.create("indicator", {
                "name": f"Benchmark indicator {i:03d}", "polarity": "lower-is-better",
                "frequency": "quarterly", "target_value": "100", "unit": "count",
                "key_issue_uid": key_issues[i % len(key_issues)]})
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Indicator", "Period", "Value", "Note"])
            for i in range(REPORT_INDICATORS):
                for n, quarter in enumerate(reversed(periods)):
                    writer.writerow([f"Benchmark indicator {i:03d}", quarter,
                                     str(80 + (i * 7 + n * 13) % 50), ""])
        service = ValueImport(copy)
        service.apply(service.plan(sheet))


def report_texts(report: Any) -> list[tuple[tuple[float, ...], list[list[str]]]]:
    """Every table of the report as (column shares, rows of cell texts), header row first."""
    from csa_desktop.printing import performance_report as layout

    def action_rows(actions: Any) -> list[list[str]]:
        rows = [[name for name, _share in layout.COLUMNS]]
        for a in actions:
            update = a.latest.narrative[:layout.NARRATIVE_LIMIT] if a.latest else ""
            rows.append([f"{a.title} {a.priority}", a.partnership, a.lead, str(a.due_on),
                         a.status, a.rag, update])
        return rows

    def indicator_rows(indicators: Any) -> list[list[str]]:
        rows = [[name for name, _share in layout.INDICATOR_COLUMNS]]
        for i in indicators:
            rows.append([f"{i.name} {i.owner} {i.unit}", i.baseline, str(i.latest_value),
                         str(i.target), str(i.rag), f"{i.against_previous} {i.against_baseline}",
                         " ".join(value for _period, value in i.values)])
        return rows

    actions = tuple(share for _name, share in layout.COLUMNS)
    indicators = tuple(share for _name, share in layout.INDICATOR_COLUMNS)
    tables = [(actions, action_rows(report.exceptions)),
              (indicators, indicator_rows(report.indicators_off_target)),
              (actions, action_rows(report.overdue)), (actions, action_rows(report.missing))]
    for group in report.issues:
        if group.indicators:
            tables.append((indicators, indicator_rows(group.indicators)))
        if group.actions:
            tables.append((actions, action_rows(group.actions)))
    return tables


def bare_report(tables: list[tuple[tuple[float, ...], list[list[str]]]]) -> Callable[[], bytes]:
    import io
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from csa_desktop.printing.common import FONT, register_fonts

    register_fonts()
    style = ParagraphStyle("floor", fontName=FONT, fontSize=8, leading=10)
    width = landscape(A4)[0] - 72

    def build() -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=36, rightMargin=36,
                                topMargin=36, bottomMargin=36)
        story = [Table([[Paragraph(escape(cell), style) for cell in row] for row in rows],
                       colWidths=[width * share for share in shares], repeatRows=1)
                 for shares, rows in tables]
        doc.build(story)
        return out.getvalue()

    return build


def measure_report_pdf(case: Any, repeat: int, large: Path, work: Path,
                       copy_folder: Callable[[Path, Path], Path]) -> None:
    import datetime as dt

    from csa_desktop.services.copy import Copy
    from csa_desktop.services.performance_report import (
        performance_report_data,
        performance_report_pdf,
        report_period,
    )

    period = report_period(None, dt.date.today())
    folder = copy_folder(large, work / "report-copy")
    add_indicators(folder, period)
    app_runs: list[float] = []
    floor_runs: list[float] = []
    pages = 0
    with Copy.open(folder) as copy:
        report = performance_report_data(copy, period)
        floor = bare_report(report_texts(report))
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            data = performance_report_pdf(copy, period)
            app_runs.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            floor()
            floor_runs.append((time.perf_counter() - started) * 1000)
        pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
    case.record(app_runs, floor_runs)
    case.note = (f"{report.actions:,} actions, {report.indicator_count} indicators × "
                 f"{REPORT_QUARTERS} quarters, {period}; about {pages:,} pages; the app gathers "
                 "the report from the copy and lays it out, the floor only lays out the same "
                 "texts in plain tables")
