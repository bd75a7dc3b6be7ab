"""Read a spreadsheet (.xlsx with openpyxl, read-only; .csv with the csv module) into plain
rows: the heading row found, merged cells filled down, blank rows dropped, each row keeping
its number as the spreadsheet shows it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csa_desktop.domain.sheet_values import guess_target
from csa_desktop.errors import InputError
from csa_desktop.files import check_size

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
HEADING_SEARCH = 20  # rows above the heading row (a title, a date) are looked past
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

Cell = str | int | float | dt.date | dt.datetime | None


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet shows it (the heading row is usually 1)
    cells: tuple[Cell, ...]

    @property
    def filled(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if not _empty(c)]


@dataclass(frozen=True)
class SheetTable:
    file: Path
    sheet: str  # the sheet's name; the file's name for a CSV
    sheets: tuple[str, ...]  # every sheet of the workbook
    headings: tuple[str, ...]
    heading_row: int
    rows: tuple[SheetRow, ...]  # below the headings, blank rows left out
    merged_across: frozenset[int] = frozenset()
    """The numbers of the rows with a range merged across them (how a sheet marks its section
    headings); empty for a CSV."""


def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(path: Path, sheet: str | None = None) -> SheetTable:
    """The table on `sheet` (default: the first) of an .xlsx, or of a .csv file."""
    suffix = path.suffix.casefold()
    check_size(path, MAX_BYTES, "an import")
    sheets: tuple[str, ...]
    across: frozenset[int] = frozenset()
    if suffix in CSV_SUFFIXES:
        name, sheets, raw = path.name, (path.name,), _read_csv(path)
    elif suffix in XLSX_SUFFIXES:
        name, sheets, raw, across = _read_xlsx(path, sheet)
    elif suffix == ".xls":
        raise InputError(f"{path.name} is an old Excel 97–2003 file: open it in Excel and "
                         "save it as an Excel workbook (.xlsx) or as CSV, then import that")
    else:
        raise InputError(f"{path.name}: import an Excel workbook (.xlsx) or a CSV file")
    return _table(path, name, sheets, raw, across)


def _table(path: Path, name: str, sheets: tuple[str, ...],
           raw: list[tuple[int, tuple[Cell, ...]]],
           across: frozenset[int] = frozenset()) -> SheetTable:
    rows = [(number, cells) for number, cells in raw if any(not _empty(c) for c in cells)]
    if not rows:
        raise InputError(f"{path.name}, sheet '{name}': the sheet is empty")
    heading_at = _heading_index(rows)
    number, cells = rows[heading_at]
    width = max(i + 1 for _, row in rows[heading_at:] for i, c in enumerate(row)
                if not _empty(c))  # read-only sheets pad every row to the widest
    headings = tuple(_heading(cells[i] if i < len(cells) else None, i) for i in range(width))
    body = tuple(SheetRow(n, tuple(c[:width]) + (None,) * (width - len(c))) for n, c in
                 rows[heading_at + 1:])
    return SheetTable(path, name, sheets, headings, number, body, across)


def _heading(cell: Cell, index: int) -> str:
    if _empty(cell):
        return f"Column {column_letter(index)}"
    return " ".join(str(cell).split())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _heading_index(rows: Sequence[tuple[int, tuple[Cell, ...]]]) -> int:
    """The first row of two or more filled cells that names a known column; failing that, the
    first with two or more filled cells; failing that, the first."""
    first_wide = None
    for index, (_, cells) in enumerate(rows[:HEADING_SEARCH]):
        filled = [c for c in cells if not _empty(c)]
        if len(filled) < 2:
            continue
        if first_wide is None:
            first_wide = index
        if any(isinstance(c, str) and guess_target(c) != "ignore" for c in filled):
            return index
    return first_wide if first_wide is not None else 0


def _read_csv(path: Path) -> list[tuple[int, tuple[Cell, ...]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    sample = text[:16_384]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.casefold() == ".tsv" else csv.excel
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise InputError(f"{path.name} has more than {MAX_ROWS:,} rows")
            rows.append((number, tuple(c for c in cells[:MAX_COLUMNS])))
    except csv.Error as exc:
        raise InputError(f"{path.name}, line {reader.line_num}: {exc}") from None
    return rows


def _read_xlsx(path: Path, wanted: str | None
               ) -> tuple[str, tuple[str, ...], list[tuple[int, tuple[Cell, ...]]],
                          frozenset[int]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path.name} is not an Excel workbook that can be read "
                         f"({type(exc).__name__}: {str(exc)[:120]})") from None
    try:
        names = tuple(book.sheetnames)
        if wanted is None:
            name = names[0]
        else:
            found = [n for n in names if n == wanted] or [
                n for n in names if n.casefold() == wanted.strip().casefold()]
            if not found:
                raise InputError(f"{path.name} has no sheet '{wanted}' (sheets: "
                                 f"{', '.join(names)})")
            name = found[0]
        sheet = book[name]
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS,
                                                       values_only=True), start=1):
            if number > MAX_ROWS:
                raise InputError(f"{path.name}, sheet '{name}' has more than {MAX_ROWS:,} rows")
            rows.append((number, tuple(_xlsx_value(c) for c in cells)))
        merged = _merged_ranges(sheet)
    finally:
        book.close()
    across = frozenset(m[0] for m in merged if m[2] == m[0] and m[3] > m[1])
    return name, names, _fill_merged(rows, merged), across


def _xlsx_value(value: object) -> Cell:
    if isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, str | int | float | dt.date):
        return value
    return str(value)  # a time, a timedelta, an error value


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of every merged range; the read-only sheet does
    not keep them, so they are read from the sheet's XML (mergeCell elements)."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    found: list[tuple[int, int, int, int]] = []
    try:
        source = sheet._get_source()
    except (AttributeError, KeyError):
        return found
    with source:
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                found.append((min_row, min_col, max_row, max_col))
            elif element.tag.endswith("}row"):
                element.clear()
    return found


def _fill_merged(rows: list[tuple[int, tuple[Cell, ...]]],
                 merged: list[tuple[int, int, int, int]]) -> list[tuple[int, tuple[Cell, ...]]]:
    """A range merged down several rows (a priority beside its actions) gives its value to
    every row it spans; a range merged across one row (a section heading) stays as it is."""
    tall = [m for m in merged if m[2] > m[0]]
    if not tall:
        return rows
    by_number = {number: index for index, (number, _) in enumerate(rows)}
    filled = [list(cells) for _, cells in rows]
    for min_row, min_col, max_row, _max_col in tall:
        top = by_number.get(min_row)
        if top is None or min_col - 1 >= len(filled[top]):
            continue
        value = filled[top][min_col - 1]
        for number in range(min_row + 1, max_row + 1):
            index = by_number.get(number)
            if index is not None and min_col - 1 < len(filled[index]):
                filled[index][min_col - 1] = value
    return [(number, tuple(cells)) for (number, _), cells in zip(rows, filled, strict=True)]
