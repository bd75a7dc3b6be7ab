"""A council's action-plan workbook as districts keep them (a title row, section rows for the
priorities, UK dates, RAG words, a quarter's update column, one row that cannot be read),
built with openpyxl: for the GUI tests, the dialog check and README's screenshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

BAD_ROW = 9  # its target date is "next spring"


def council_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan 2025-26"
    rows: list[list[object]] = [
        ["Pendle Community Safety Partnership — action plan 2025/26"],
        [],
        ["Ref", "Action", "Owner", "Partners", "Target date", "RAG", "Status",
         "Q1 update", "Notes"],
        ["Domestic abuse"],
        ["DA1", "Run awareness weeks in every ward", "Lancashire Constabulary",
         "Pendle Borough Council", "31/03/2026", "G", "Ongoing",
         "Two weeks held in Nelson and Colne", "Funded by the PCC"],
        ["DA2", "Train GP receptionists to spot the signs", "Health lead", None,
         dt.datetime(2025, 12, 31), "Amber", "Not started", None, None],
        ["Anti-social behaviour"],
        ["ASB1", "Off-road bike operations on the moors", "Inspector, Pendle", "Fire and rescue",
         "March 2026", "On track", "Ongoing", "Three bikes seized", None],
        ["ASB2", "Youth diversion sessions in the school holidays", "Youth services", None,
         "next spring", "A", "Ongoing", None, None],
        ["ASB3", "Alley-gating in Brierfield", "Pendle Borough Council", None, "31.10.25",
         "Complete", "Done", "Gates fitted in four alleys", None],
    ]
    for row in rows:
        sheet.append(row)
    for ref in ("A4", "A7"):
        sheet[ref].font = Font(bold=True)
    sheet.merge_cells("A4:I4")
    sheet.merge_cells("A7:I7")
    book.save(path)
    return path
