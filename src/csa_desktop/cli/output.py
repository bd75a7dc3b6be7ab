"""Printing records and tables for people or as JSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Sequence

from csa_desktop.domain.kinds import KINDS, format_value, to_json
from csa_desktop.domain.records import Record


def record_json(record: Record) -> dict[str, object]:
    return {
        "kind": record.kind, "uid": record.uid, "rev": record.rev,
        "updated_at": record.updated_at.isoformat(), "updated_by": record.updated_by,
        "deleted": record.deleted,
        "fields": {name: to_json(value) for name, value in record.fields.items()},
    }


def dumps(data: object) -> str:
    def default(value: object) -> object:
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(data, indent=2, ensure_ascii=False, default=default)


def record_text(record: Record) -> str:
    spec = KINDS[record.kind]
    lines = [f"{spec.label} {record.uid}" + ("  [deleted]" if record.deleted else ""),
             f"  rev {record.rev}, updated {record.updated_at:%Y-%m-%d %H:%M} by "
             f"{record.updated_by}"]
    width = max(len(f.name) for f in spec.fields)
    for f in spec.fields:
        text = format_value(record.fields[f.name])
        if "\n" in text:
            text = text.replace("\n", "\n" + " " * (width + 4))
        lines.append(f"  {f.name:<{width}}  {text}")
    return "\n".join(lines)


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, min(len(c), 60)) for w, c in zip(widths, row, strict=True)]
    def line(cells: Sequence[str]) -> str:
        clipped = (c if len(c) <= 60 else c[:59] + "…" for c in cells)
        return "  ".join(c.ljust(w) for c, w in zip(clipped, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def terminal_text(text: str) -> str:
    """`text` safe to write to a terminal: control characters (which could clear the screen
    or colour the output) shown as escapes instead of acting."""
    return "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" and c not in "\n\t"
                   else c for c in text)
