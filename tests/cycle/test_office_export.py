"""Word and Excel exports, read back with python-docx and openpyxl."""

from __future__ import annotations

import datetime as dt
import os

import docx
import openpyxl
import pytest

from csa_desktop.errors import InputError
from csa_desktop.services.approvals import advance
from csa_desktop.services.copy import Copy
from csa_desktop.services.office_export import (
    export_agreement_docx,
    export_local_plans_xlsx,
    sheet_title,
)
from csa_desktop.services.refresh import find_refresh, set_change_summary, start_refresh

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-3+4", "@SUM(A1:A2)",
           "<b>not bold</b> & <script>x</script>"]


def all_text(document: docx.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def table_with(document: docx.Document, heading: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == heading)


def test_the_agreement_docx_has_headings_sections_bullets_and_metadata(demo_copy, tmp_path):
    path = export_agreement_docx(demo_copy, tmp_path / "agreement.docx")
    document = docx.Document(str(path))
    (agreement,) = demo_copy.records.list_kind("agreement")
    assert document.core_properties.title == agreement.title
    assert document.core_properties.language == "en-GB"
    assert document.paragraphs[0].style.name == "Title"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for section in demo_copy.records.list_kind("section"):
        assert f"{section['number']} {section.title}".strip() in headings
    level_two = {p.text for p in document.paragraphs if p.style.name == "Heading 2"}
    assert {k.title for k in demo_copy.records.list_kind("key-issue")} <= level_two
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Appendix C: this detailed agreement" in bullets
    assert "Appendix: version control" in headings
    assert ("Approved by the Board 4 July 2022; Noted by Cabinet 8 September 2022"
            in all_text(document))


def test_the_delivery_framework_is_a_table_with_a_row_per_framework_row(demo_copy, tmp_path):
    document = docx.Document(str(export_agreement_docx(demo_copy, tmp_path / "a.docx")))
    table = table_with(document, "Key issue")
    headings = [c.text for c in table.rows[0].cells]
    assert headings == ["Key issue", "Themes", "Lead partnership or board", "Responsibility",
                        "Delivery mechanism", "Reports to", "How often"]
    rows = demo_copy.records.list_kind("delivery-framework-row")
    assert len(table.rows) == len(rows) + 1
    leads = {r.cells[2].text for r in table.rows[1:]}
    assert "Lancashire Violence Reduction Network" in " ".join(leads)


def test_a_draft_refresh_says_draft_and_carries_its_version_table(demo_dir, tmp_path):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        section = copy.records.list_kind("section")[0]
        copy.records.update(section.uid, {"body": "Updated introduction."})
        set_change_summary(copy, find_refresh(copy, "current"), section.uid,
                           "Introduction rewritten for the refresh.")
        path = export_agreement_docx(copy, tmp_path / "draft.docx")
    document = docx.Document(str(path))
    assert "DRAFT" in document.sections[0].header.paragraphs[0].text
    assert document.paragraphs[1].text.startswith("DRAFT")
    table = table_with(document, "Refresh")
    assert [c.text for c in table.rows[1].cells] == [
        "2023/24", "Section", f"{section['number']} {section.title}", "Changed",
        "Introduction rewritten for the refresh."]
    assert "Not yet approved" in all_text(document)


def test_user_text_goes_into_word_literally(demo_copy, tmp_path):
    section = demo_copy.records.list_kind("section")[0]
    demo_copy.records.update(section.uid, {"body": "\n".join(HOSTILE) + "\n\nTab\there"})
    document = docx.Document(str(export_agreement_docx(demo_copy, tmp_path / "h.docx")))
    text = all_text(document)
    assert "<b>not bold</b> & <script>x</script>" in text
    assert "=HYPERLINK(" in text


def test_the_trackers_xlsx_has_a_sheet_per_partnership_with_filters_and_a_frozen_header(
        demo_copy, tmp_path):
    path = export_local_plans_xlsx(demo_copy, tmp_path / "plans.xlsx")
    book = openpyxl.load_workbook(path)
    partnerships = {p["partnership_uid"] for p in demo_copy.records.list_kind("local-plan")}
    names = demo_copy.records.titles("partnership", list(partnerships))
    assert sorted(book.sheetnames) == sorted(sheet_title(n, set()) for n in names.values())
    ws = book["West Lancashire CSP"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Priority", "County key issue", "What we will do"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:N{ws.max_row}"
    assert ws.column_dimensions["C"].width >= 40
    titles = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    west = demo_copy.records.list_kind("action", partnership="West Lancashire CSP")
    assert sorted(titles) == sorted(a.title for a in west)


def test_rag_is_a_cell_colour_and_a_word_and_dates_are_dates(demo_copy, tmp_path):
    action = demo_copy.records.list_kind("action", partnership="Pendle CSP")[0]
    demo_copy.records.update(action.uid, {"rag": "red", "due_on": dt.date(2024, 3, 31)})
    book = openpyxl.load_workbook(export_local_plans_xlsx(demo_copy, tmp_path / "p.xlsx",
                                                          partnership="Pendle CSP"))
    assert book.sheetnames == ["Pendle CSP"]
    ws = book["Pendle CSP"]
    header = [c.value for c in ws[1]]
    rag, due, what = header.index("RAG") + 1, header.index("Due") + 1, 3
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, what).value == action.title)
    cell = ws.cell(row, rag)
    assert cell.value == "Red"
    assert cell.fill.fgColor.rgb.endswith("C00000")
    words = {ws.cell(r, rag).value for r in range(2, ws.max_row + 1)}
    assert words <= {"Red", "Amber", "Green", "Not rated"}
    due_cell = ws.cell(row, due)
    assert due_cell.is_date and due_cell.value.date() == dt.date(2024, 3, 31)


def test_cells_that_look_like_formulas_are_stored_as_text(demo_copy, tmp_path):
    actions = demo_copy.records.list_kind("action", partnership="Pendle CSP")
    for action, text in zip(actions, HOSTILE, strict=False):
        demo_copy.records.update(action.uid, {"title": text})
    path = export_local_plans_xlsx(demo_copy, tmp_path / "h.xlsx", partnership="Pendle CSP")
    ws = openpyxl.load_workbook(path)["Pendle CSP"]
    cells = {ws.cell(r, 3).value: ws.cell(r, 3) for r in range(2, ws.max_row + 1)}
    for text in HOSTILE:
        assert cells[text].data_type == "s", text
    raw = openpyxl.load_workbook(path, data_only=False)["Pendle CSP"]
    assert all(c.data_type != "f" for row in raw.iter_rows() for c in row)


def test_archived_actions_are_left_out_of_the_tracker(demo_copy, tmp_path):
    start_refresh(demo_copy, "2023/24")
    ws = openpyxl.load_workbook(export_local_plans_xlsx(
        demo_copy, tmp_path / "t.xlsx", partnership="West Lancashire CSP"))["West Lancashire CSP"]
    statuses = {ws.cell(r, 10).value for r in range(2, ws.max_row + 1)}
    assert "Completed" not in statuses and statuses


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    first = sheet_title("Chorley / South Ribble: joint [CSP] partnership board", taken)
    second = sheet_title("Chorley / South Ribble: joint [CSP] partnership board", taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not set("[]:*?/\\") & set(first + second)


def test_an_unknown_partnership_or_wrong_suffix_is_refused(demo_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="unknown partnership"):
        export_local_plans_xlsx(demo_copy, out / "x.xlsx", partnership="Atlantis CSP")
    with pytest.raises(InputError, match=r"should end in \.xlsx"):
        export_local_plans_xlsx(demo_copy, out / "x.csv")
    assert list(out.iterdir()) == []


def test_an_export_into_a_missing_folder_is_refused(demo_copy, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        export_agreement_docx(demo_copy, tmp_path / "nowhere" / "a.docx")


def test_approved_board_date_shows_in_word_after_the_workflow(demo_dir, tmp_path):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        advance(copy, "editorial-review", today=dt.date(2024, 1, 1))
        advance(copy, "board", on=dt.date(2023, 7, 3), minute_ref="CSPB 7",
                today=dt.date(2024, 1, 1))
        path = export_agreement_docx(copy, tmp_path / "approved.docx")
    document = docx.Document(str(path))
    assert "DRAFT" not in document.sections[0].header.paragraphs[0].text
    assert document.paragraphs[1].text == "Approved by the Board 3 July 2023 (minute CSPB 7)"
    approvals = table_with(document, "Body")
    assert [c.text for c in approvals.rows[1].cells][2:] == ["3 July 2023", "CSPB 7"]
    assert len(approvals.rows) == 2  # the 2022/23 decisions belong to that refresh


def test_written_files_get_the_usual_permissions_not_private_ones(demo_copy, tmp_path):
    mask = os.umask(0o022)
    try:
        path = export_agreement_docx(demo_copy, tmp_path / "a.docx")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_cli_print_picks_word_or_excel_from_the_file_name(demo_dir, tmp_path, capsys):
    from csa_desktop.cli import main

    docx_path, xlsx_path = tmp_path / "agreement.docx", tmp_path / "west.xlsx"
    assert main(["--data-dir", str(demo_dir), "print", "agreement", "--out",
                 str(docx_path)]) == 0
    assert main(["--data-dir", str(demo_dir), "print", "local-plan", "--partnership",
                 "West Lancashire CSP", "--out", str(xlsx_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert docx.Document(str(docx_path)).paragraphs[0].style.name == "Title"
    assert openpyxl.load_workbook(xlsx_path).sheetnames == ["West Lancashire CSP"]


def test_cli_refuses_a_word_plan_on_a_page_with_one_line(demo_dir, tmp_path, capsys):
    from csa_desktop.cli import main

    assert main(["--data-dir", str(demo_dir), "print", "plan-on-a-page", "--out",
                 str(tmp_path / "plan.docx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "print plan-on-a-page to .pdf" in err
    assert not (tmp_path / "plan.docx").exists()
