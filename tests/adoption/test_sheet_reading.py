"""Reading spreadsheets as councils save them: the files are built here."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from csa_desktop.errors import InputError
from csa_desktop.services.adoption import guess_mapping
from csa_desktop.services.sheets import read_table


def test_a_csv_saved_by_excel_on_windows_is_read_in_its_own_encoding(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes("Action\tLead\nCafé drop-in – weekly\tYouth worker\n".encode("cp1252"))
    table = read_table(path)
    assert table.headings == ("Action", "Lead")
    assert table.rows[0].cells == ("Café drop-in – weekly", "Youth worker")


def test_the_heading_row_is_found_below_a_title_and_blank_rows_are_left_out(
        tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("2025-26")
    for row in (["Burnley CSP action plan"], [], ["Ref", "Action", "Owner", "Due"],
                [1, "Patrol the park", "PCSO", "31/03/2026"], [], [2, "Mark bikes", "", ""]):
        sheet.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    table = read_table(path, "2025-26")
    assert table.heading_row == 3 and [r.number for r in table.rows] == [4, 6]
    assert guess_mapping(table.headings) == {0: "ignore", 1: "title", 2: "lead", 3: "due_on"}
    with pytest.raises(InputError, match=r"no sheet 'Summary'.*Notes, 2025-26"):
        read_table(path, "Summary")


def test_an_old_xls_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "plan.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as an Excel workbook"):
        read_table(path)


def test_a_file_that_is_not_a_workbook_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"plan\.xlsx is not an Excel workbook"):
        read_table(path)
