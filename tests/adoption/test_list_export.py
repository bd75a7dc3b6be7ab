"""Lists back out as files: the actions written as CSV and as an Excel workbook, read back with
the csv module and openpyxl, and an edited workbook coming back in as an update."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from csa_desktop.errors import InputError
from csa_desktop.services.adoption import ActionSheetAdoption
from csa_desktop.services.copy import Copy
from csa_desktop.services.lists import export_records

PARTNERSHIP = "Pendle CSP"


def _actions(copy: Copy) -> list:
    return copy.records.list_kind("action", partnership=PARTNERSHIP)


def test_actions_exported_as_csv_read_back_with_their_uids_and_labels(demo_copy: Copy,
                                                                       tmp_path: Path) -> None:
    actions = _actions(demo_copy)
    first = actions[0]
    demo_copy.records.update(first.uid, {"title": "=HYPERLINK(\"x\") café"})
    actions = _actions(demo_copy)
    path = export_records(demo_copy, "action", actions, tmp_path / "actions.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["uid"] for r in rows] == [a.uid for a in actions]
    row = next(r for r in rows if r["uid"] == first.uid)
    assert row["What we will do"] == "'=HYPERLINK(\"x\") café"  # shown as text, never run
    assert not list(tmp_path.glob(".*.part"))


def test_actions_exported_as_excel_read_back_with_dates_as_dates_and_text_as_text(
        demo_copy: Copy, tmp_path: Path) -> None:
    first = _actions(demo_copy)[0]
    demo_copy.records.update(first.uid, {"title": "=1+1", "due_on": dt.date(2026, 3, 31)})
    actions = _actions(demo_copy)
    path = export_records(demo_copy, "action", actions, tmp_path / "actions.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "Actions"
    rows = list(sheet.iter_rows(values_only=True))
    headings = list(rows[0])
    assert headings[0] == "uid" and "What we will do" in headings
    found = {r[0]: dict(zip(headings, r, strict=True)) for r in rows[1:]}
    assert list(found) == [a.uid for a in actions]
    mine = found[first.uid]
    assert mine["What we will do"] == "=1+1"
    assert sheet.cell(row=2 + [a.uid for a in actions].index(first.uid),
                      column=headings.index("What we will do") + 1).data_type == "s"
    due = next(h for h in headings if h.startswith("Due"))
    assert mine[due] == dt.datetime(2026, 3, 31)


def test_an_exported_workbook_edited_comes_back_as_an_update(demo_copy: Copy,
                                                             tmp_path: Path) -> None:
    actions = _actions(demo_copy)
    path = export_records(demo_copy, "action", actions, tmp_path / "actions.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    headings = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headings.index("What we will do") + 1, value="Edited in Excel")
    book.save(path)
    adoption = ActionSheetAdoption(demo_copy)
    result = adoption.adopt(adoption.plan(path, PARTNERSHIP, update=True))
    assert result.created == 0
    assert demo_copy.records.get(actions[0].uid).title == "Edited in Excel"


def test_an_export_to_another_kind_of_file_is_refused(demo_copy: Copy, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"csv or \.xlsx"):
        export_records(demo_copy, "action", _actions(demo_copy), tmp_path / "actions.pdf")
    assert not (tmp_path / "actions.pdf").exists()
