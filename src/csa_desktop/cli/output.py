"""Printing records and tables for people or as JSON for scripts. Whatever reaches the
terminal is made safe first: a control character still held by old data (an escape sequence
that would clear the screen or colour the output) is shown as its code, never sent raw."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from csa_desktop.domain.kinds import CONTROL_PATTERN, KINDS, format_value, to_json
from csa_desktop.domain.records import Record

_CONTROL = re.compile(CONTROL_PATTERN)
_C1 = re.compile("[\u0080-\u009f]")


def terminal_text(text: str) -> str:
    """`text` with every control character but line feed and tab written as its code
    (ESC as \\x1b): what a terminal can be given without obeying it."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class TerminalSafeStream:
    """A text stream (stdout, stderr) that writes through `terminal_text`; `raw` is the
    stream itself, for the few writes that mean their control characters (a progress bar's
    carriage return)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(terminal_text(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)


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

    text = json.dumps(data, indent=2, ensure_ascii=False, default=default)
    # json escapes C0 controls itself; C1 ones too, so that the JSON stays JSON on a terminal
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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


class ProgressBar:
    """A one-line progress bar on stderr for long work (joining, importing, adopting,
    exporting), only when stderr is a terminal: piped or redirected output stays clean. Use it
    as the work's `progress(done, total, what)` and close it when the work ends."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.active:
            return
        width = 30
        filled = width * done // max(total, 1)
        stream = getattr(sys.stderr, "raw", sys.stderr)  # its carriage return is meant
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] "
                     f"{terminal_text(what[:40]):<40}")
        stream.flush()

    def close(self) -> None:
        if self.active:
            stream = getattr(sys.stderr, "raw", sys.stderr)
            stream.write("\r" + " " * 75 + "\r")
            stream.flush()
