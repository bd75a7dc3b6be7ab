"""A record's history as people read it: one line per value it has had, with who, when, how and
from which bundle; a record's creation as one line; choices as labels and references as the
titles of the records they name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.records import HistoryEntry
from csa_desktop.services.copy import Copy
from csa_desktop.services.labels import field_value_text, referenced_titles
from csa_desktop.storage import bundles as bundle_store
from csa_desktop.storage import records as record_store

OUTCOMES = {"edit": "edited here", "accepted": "from a bundle", "lost": "did not win",
            "superseded": "replaced by the sender", "conflict": "held for a decision",
            "resolved": "decided", "undone": "decision undone",
            "cleaned": "control characters removed (upgrade)"}
LOSING = frozenset({"lost", "superseded"})


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    who: str
    how: str  # "edited here", "from a bundle", "created here", ...
    field: str  # the field's label, or "" for a whole record created
    old: str
    new: str
    bundle_id: str
    lost: bool  # a value that did not win


def history_lines(copy: Copy, uid: str) -> list[HistoryLine]:
    """Oldest first. The first values of a record written together are its creation."""
    record = copy.records.get(uid)
    with copy.store.reader() as session:
        entries = record_store.history(session, record.uid)
        titles = referenced_titles(session, record.kind, [
            (e.field, v) for e in entries for v in (e.old, e.new)])
        files = {b: entry.file_name for b in {e.bundle_id for e in entries if e.bundle_id}
                 if (entry := bundle_store.logged_bundle(session, b)) is not None
                 and entry.direction == "adopted"}
    return [replace(line, how=f"imported from {files[line.bundle_id]}")
            if line.bundle_id in files else line for line in lines_of(entries, titles)]


def lines_of(entries: list[HistoryEntry], titles: dict[str, str]) -> list[HistoryLine]:
    lines: list[HistoryLine] = []
    start = 0
    if entries:
        first = entries[0]
        key = (first.at, first.who, first.bundle_id, first.outcome)
        while start < len(entries) and entries[start].old in (None, []) and (
                entries[start].at, entries[start].who, entries[start].bundle_id,
                entries[start].outcome) == key and entries[start].field not in (
                    e.field for e in entries[:start]):
            start += 1
        if start > 1:  # the first values, written together: the record was created
            lines.append(_created(entries[:start], titles))
        else:
            start = 0
    for entry in entries[start:]:
        spec = KINDS.get(entry.kind)
        label = (spec.field(entry.field).label if spec and spec.has_field(entry.field)
                 else entry.field.capitalize())
        lines.append(HistoryLine(
            entry.at, entry.who, OUTCOMES.get(entry.outcome, entry.outcome), label,
            field_value_text(entry.kind, entry.field, entry.old, titles),
            field_value_text(entry.kind, entry.field, entry.new, titles),
            entry.bundle_id or "", entry.outcome in LOSING))
    return lines


def _created(entries: list[HistoryEntry], titles: dict[str, str]) -> HistoryLine:
    first = entries[0]
    spec = KINDS[first.kind]
    title = next((e.new for e in entries if e.field == spec.title_field), None)
    shown = [f"{spec.field(e.field).label}: "
             f"{field_value_text(e.kind, e.field, e.new, titles)}"
             for e in entries if spec.has_field(e.field) and e.field != "position"]
    via = OUTCOMES.get(first.outcome, first.outcome)
    how = "created here" if first.outcome == "edit" else f"created ({via})"
    new = (f"{title}" if isinstance(title, str) else spec.label) + "\n" + "\n".join(shown)
    return HistoryLine(first.at, first.who, how, "", "", new, first.bundle_id or "", False)
