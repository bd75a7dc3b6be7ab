"""The quarterly performance report, read back from the PDF: the summary's numbers are the
copy's, the exceptions come first (red before amber, then overdue actions and missing updates),
then each key issue with its actions; a quarter that is not one is refused and nothing written."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import document_pdf
from csa_desktop.services.performance_report import performance_report_data
from tests.helpers import dump
from tests.printing.pdfcheck import squashed, text

QUARTER = "2022/23 Q3"  # the demo's updates run from 2022/23 Q1 to Q3
PRINTED = dt.date(2023, 1, 25)


def live_actions(copy: Copy, partnership: str | None = None) -> list:
    return [a for a in copy.records.list_kind("action", partnership=partnership)
            if not a.fields.get("archived_in")]


def test_the_summary_counts_the_open_actions_of_the_copy_by_rag(demo_copy: Copy):
    report = performance_report_data(demo_copy, QUARTER, printed_on=PRINTED)
    actions = live_actions(demo_copy)
    open_actions = [a for a in actions if a["status"] not in ("completed", "cancelled")]
    assert report.actions == len(actions)
    assert report.open_actions == len(open_actions)
    for rag in ("red", "amber", "green"):
        assert report.rag_counts[rag] == sum(a["rag"] == rag for a in open_actions)
    printed = text(document_pdf(demo_copy, "performance-report", period=QUARTER,
                                printed_on=PRINTED))
    assert f"Quarterly performance report {QUARTER}" in printed
    assert f"Open {len(open_actions)}" in printed
    assert f"Red (off track) {report.rag_counts['red']}" in printed


def test_the_exceptions_come_first_red_before_amber_then_each_key_issue(demo_copy: Copy):
    report = performance_report_data(demo_copy, QUARTER, printed_on=PRINTED)
    printed = text(document_pdf(demo_copy, "performance-report", period=QUARTER,
                                printed_on=PRINTED))
    issues_start = printed.index("Each key issue and its actions")
    exceptions_part = printed[printed.index("Exceptions"):issues_start]
    red = [a.title for a in report.exceptions if a.rag == "red"]
    amber = [a.title for a in report.exceptions if a.rag == "amber"]
    assert red and amber
    places = {title: squashed(exceptions_part).find(squashed(title)) for title in red + amber}
    assert all(place >= 0 for place in places.values()), "an exception is not listed first"
    assert max(places[t] for t in red) < min(places[t] for t in amber)
    key_issue = demo_copy.records.list_kind("key-issue")[0].title
    assert printed.find(key_issue, issues_start) > issues_start


def test_an_open_action_without_an_update_for_the_quarter_is_listed_until_one_is_written(
        demo_copy: Copy):
    report = performance_report_data(demo_copy, QUARTER, printed_on=PRINTED)
    assert report.missing
    title = report.missing[0].title
    [action] = [a for a in live_actions(demo_copy) if a.title == title]
    assert f"Progress updates missing for {QUARTER} ({len(report.missing)})" in text(
        document_pdf(demo_copy, "performance-report", period=QUARTER, printed_on=PRINTED))
    demo_copy.records.create("progress-update", {
        "action_uid": action.uid, "period": QUARTER, "reported_on": PRINTED, "rag": "green",
        "narrative": "Back on track this quarter."})
    after = performance_report_data(demo_copy, QUARTER, printed_on=PRINTED)
    assert title not in [a.title for a in after.missing]
    assert len(after.missing) == len(report.missing) - 1
    [line] = [a for group in after.issues for a in group.actions if a.title == title]
    assert line.latest is not None and line.latest.narrative == "Back on track this quarter."
    assert line.latest_is_for_period


def test_a_report_for_one_partnership_holds_only_its_actions(demo_copy: Copy):
    report = performance_report_data(demo_copy, QUARTER, partnership="Pendle CSP",
                                     printed_on=PRINTED)
    listed = [a for group in report.issues for a in group.actions]
    assert len(listed) == report.actions == len(live_actions(demo_copy, "Pendle CSP")) > 0
    assert {a.partnership for a in listed} == {"Pendle CSP"}
    assert report.scope == "Pendle CSP"


def test_overdue_is_judged_on_the_quarters_last_day(demo_copy: Copy):
    before = performance_report_data(demo_copy, "2022/23 Q3", printed_on=dt.date(2023, 6, 1))
    later = performance_report_data(demo_copy, "2022/23 Q4", printed_on=dt.date(2023, 6, 1))
    assert before.as_of == dt.date(2022, 12, 31) and later.as_of == dt.date(2023, 3, 31)
    due_in_q4 = [a for a in later.overdue if a.due_on and a.due_on > dt.date(2022, 12, 31)]
    assert due_in_q4 and not any(a in before.overdue for a in due_in_q4)


@pytest.mark.parametrize("period", ["2022/23 Q5", "2022/24 Q1", "last quarter"])
def test_a_period_that_is_not_a_quarter_is_refused_and_nothing_is_written(
        demo_dir: Path, tmp_path: Path, capsys, period: str):
    before = dump(demo_dir)
    out = tmp_path / "report.pdf"
    code = main(["--data-dir", str(demo_dir), "print", "performance-report", "--period", period,
                 "--out", str(out)])
    assert code == 2
    assert f"'{period}' is not a reporting period" in capsys.readouterr().err
    assert not out.exists()
    assert dump(demo_dir) == before


def test_the_cli_writes_the_report_for_a_partnership(demo_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "pendle.pdf"
    assert main(["--data-dir", str(demo_dir), "print", "performance-report", "--period",
                 QUARTER, "--partnership", "Pendle CSP", "--date", "2023-01-25",
                 "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    printed = text(out.read_bytes())
    assert "Pendle CSP · October to December 2022" in printed
    assert "West Lancashire CSP" not in printed


def test_the_word_report_reads_exceptions_first_with_the_chart_and_the_numbers(
        demo_dir: Path, tmp_path: Path):
    from docx import Document

    out = tmp_path / "report.docx"
    assert main(["--data-dir", str(demo_dir), "print", "performance-report", "--period",
                 QUARTER, "--date", "2023-01-25", "--out", str(out)]) == 0
    with Copy.open(demo_dir) as copy:
        report = performance_report_data(copy, QUARTER, printed_on=PRINTED)
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("Exceptions") < headings.index("Each key issue and its actions")
    assert headings[headings.index("Exceptions") + 1] == (
        f"Red and amber actions ({len(report.exceptions)})")
    assert len(doc.inline_shapes) == 1  # the RAG chart
    rag_table = doc.tables[0]
    assert [c.text for c in rag_table.rows[1].cells] == [
        "Red (off track)", str(report.rag_counts["red"])]
    exceptions = doc.tables[2]
    assert [row.cells[1].text for row in exceptions.rows[1:]] == [
        a.title for a in report.exceptions]
    assert exceptions.rows[1].cells[0].text == "Red"


def test_the_excel_report_has_a_native_chart_and_a_sheet_per_list_exceptions_first(
        demo_dir: Path, tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    assert main(["--data-dir", str(demo_dir), "print", "performance-report", "--period",
                 QUARTER, "--date", "2023-01-25", "--out", str(out)]) == 0
    with Copy.open(demo_dir) as copy:
        report = performance_report_data(copy, QUARTER, printed_on=PRINTED)
        first_issue = copy.records.list_kind("key-issue")[0].title
    book = load_workbook(out)
    names = book.sheetnames
    assert names[:5] == ["Summary", "Red and amber actions", "Indicators off target",
                         "Overdue actions",
                         f"Progress updates missing for {QUARTER}"[:31].replace("/", "-")]
    assert first_issue[:31] in names[5] or names[5].startswith(first_issue[:20])
    assert names[-1] == "Indicators"
    indicators = book["Indicators"]
    assert indicators.max_row - 1 == report.indicator_count > 0
    summary = book["Summary"]
    assert summary["A6"].value == "Red (off track)"
    assert summary["B6"].value == report.rag_counts["red"]
    with zipfile.ZipFile(out) as archive:  # a native chart part, drawing the summary's cells
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = archive.read(charts[0]).decode()
    assert "<barChart>" in chart and "Summary!$B$6:$B$9" in chart.replace("'", "")
    sheet = book["Red and amber actions"]
    titles = [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)]
    assert titles == [a.title for a in report.exceptions]
    assert sheet["A2"].value == "Red" and sheet["A2"].fill.fgColor.rgb.endswith("C00000")


def test_each_key_issue_shows_its_indicators_judged_on_the_values_up_to_the_quarter(
        demo_copy: Copy):
    from csa_desktop.services.indicators import indicator_views

    quarter = "2024/25 Q2"
    report = performance_report_data(demo_copy, quarter, printed_on=dt.date(2024, 10, 20))
    views = {v.indicator.title: v for v in indicator_views(demo_copy)}
    shown = {i.name: i for g in report.issues for i in g.indicators}
    assert set(shown) == set(views)  # every indicator, county and local, once
    repeat = next(i for name, i in shown.items() if name.startswith("Repeat victims"))
    assert repeat.latest_period == quarter  # not a later quarter's value
    assert all(period <= quarter for period, _v in repeat.values if "Q" in period)
    county_issue = next(g for g in report.issues if any(
        i.name.startswith("Repeat victims") for i in g.indicators))
    assert county_issue.title != "Local priorities"
    off = [i.name for i in report.indicators_off_target]
    assert off and all(shown[name].rag in ("red", "amber") for name in off)
    printed = text(document_pdf(demo_copy, "performance-report", period=quarter,
                                printed_on=dt.date(2024, 10, 20)))
    off_part = printed[printed.index(f"Indicators off target ({len(off)})"):
                       printed.index("Overdue actions")]
    assert all(squashed(name)[:30] in squashed(off_part) for name in off)
    assert printed.index("Indicators off target (") < printed.index("Each key issue")


def test_a_long_update_is_shortened_in_the_report_and_never_breaks_the_page(demo_copy: Copy):
    report = performance_report_data(demo_copy, QUARTER, printed_on=PRINTED)
    title = report.exceptions[0].title
    [action] = [a for a in live_actions(demo_copy) if a.title == title]
    demo_copy.records.create("progress-update", {
        "action_uid": action.uid, "period": QUARTER, "reported_on": PRINTED, "rag": "red",
        "narrative": "Delayed again. " * 600})
    printed = text(document_pdf(demo_copy, "performance-report", period=QUARTER,
                                printed_on=PRINTED))
    assert "Delayed again. Delayed again." in printed
    assert "again.…" in printed or "Delayed…" in printed  # cut at a word, and says so
    assert printed.count("Delayed again.") < 200
