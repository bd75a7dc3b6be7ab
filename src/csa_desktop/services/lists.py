"""Lists back out: the records of a kind as a CSV table people open in Excel, with a uid
column so an edited copy can come back in (`csa adopt actions FILE --update`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from csa_desktop.domain.kinds import KINDS, FieldType
from csa_desktop.domain.records import Record
from csa_desktop.services.copy import Copy
from csa_desktop.services.labels import field_value_text, referenced_titles

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A cell that Excel will show as text, never run as a formula (=, +, -, @ first)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def records_csv(copy: Copy, kind_name: str, found: Sequence[Record]) -> str:
    """uid, then one column per field (by its label; references as the titles they name)."""
    spec = KINDS[kind_name]
    shown = [f for f in spec.fields if f.type is not FieldType.POSITION]
    with copy.store.reader() as session:
        titles = referenced_titles(session, kind_name, [
            (f.name, r.fields.get(f.name)) for r in found for f in shown])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["uid", *(f.label for f in shown)])
    for record in found:
        cells = []
        for f in shown:
            value = record.fields.get(f.name)
            text = (value.isoformat() if f.type is FieldType.DATE and value is not None
                    and hasattr(value, "isoformat") else
                    str(value) if f.type is FieldType.CHOICE and value is not None else
                    field_value_text(kind_name, f.name, value, titles))
            cells.append(safe_cell(text))
        writer.writerow([record.uid, *cells])
    return out.getvalue()
