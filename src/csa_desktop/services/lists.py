"""Lists back out: the records of a kind as a CSV table or an Excel workbook, with a uid column
so an edited copy can come back in (`csa adopt actions FILE --update`, File ▸ Import
actions…)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from csa_desktop.domain.kinds import KINDS, FieldType
from csa_desktop.domain.records import Record
from csa_desktop.errors import InputError, StoreError
from csa_desktop.services.copy import Copy
from csa_desktop.services.labels import field_value_text, referenced_titles

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A cell that Excel will show as text, never run as a formula (=, +, -, @ first)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


ListCell = str | dt.date


def records_table(copy: Copy, kind_name: str,
                  found: Sequence[Record]) -> tuple[list[str], list[list[ListCell]]]:
    """The headings (uid, then each field's label) and one row per record: references as the
    titles they name, choices as their codes, dates as dates, everything else as text."""
    spec = KINDS[kind_name]
    shown = [f for f in spec.fields if f.type is not FieldType.POSITION]
    with copy.store.reader() as session:
        titles = referenced_titles(session, kind_name, [
            (f.name, r.fields.get(f.name)) for r in found for f in shown])
    rows: list[list[ListCell]] = []
    for record in found:
        cells: list[ListCell] = [record.uid]
        for f in shown:
            value = record.fields.get(f.name)
            if f.type is FieldType.DATE and isinstance(value, dt.date):
                cells.append(value)
            elif f.type is FieldType.CHOICE and value is not None:
                cells.append(str(value))
            else:
                cells.append(field_value_text(kind_name, f.name, value, titles))
        rows.append(cells)
    return ["uid", *(f.label for f in shown)], rows


def records_csv(copy: Copy, kind_name: str, found: Sequence[Record]) -> str:
    """uid, then one column per field (by its label; references as the titles they name)."""
    headings, rows = records_table(copy, kind_name, found)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row[0], *(c.isoformat() if isinstance(c, dt.date) else safe_cell(c)
                                   for c in row[1:])])
    return out.getvalue()


def records_xlsx(copy: Copy, kind_name: str, found: Sequence[Record]) -> bytes:
    """The same table as an Excel workbook: dates as Excel dates (shown day first), every
    text cell stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    headings, rows = records_table(copy, kind_name, found)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(KINDS[kind_name].plural.capitalize()[:31])
    bold = Font(bold=True)
    heading_cells = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            else:
                cell.data_type = "s"  # "=1+1" typed in a title stays text
            cells.append(cell)
        sheet.append(cells)
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORT_SUFFIXES = (".csv", ".xlsx")


def export_records(copy: Copy, kind_name: str, found: Sequence[Record], path: Path) -> Path:
    """Write the records to `path` (.csv, in UTF-8 with a byte-order mark so Excel reads it,
    or .xlsx); the file appears whole or not at all."""
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        data = records_csv(copy, kind_name, found).encode("utf-8-sig")
    elif suffix == ".xlsx":
        data = records_xlsx(copy, kind_name, found)
    else:
        raise InputError(f"{path.name}: export as .csv or .xlsx")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"{path.name} could not be written ({exc.strerror or exc})") from None
    return path
