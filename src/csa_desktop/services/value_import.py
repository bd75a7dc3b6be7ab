"""Indicator values from a spreadsheet (.csv or .xlsx; police and council data arrives this
way): columns indicator (its name or uid), period, value and note. A plan says what would
change, row by row; every row that cannot be taken is named by its line and reason, and then
nothing is written. The import is one transaction after a restore point, so one undo takes
it back ('csa restore-points undo'), and history says which file each value came from."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from csa_desktop.domain.indicators import value_uid
from csa_desktop.domain.kinds import KINDS, check_value, new_uid
from csa_desktop.domain.numbers import normalise_decimal
from csa_desktop.domain.periods import parse_period, period_of
from csa_desktop.domain.records import Changes, Record
from csa_desktop.domain.roles import Owner, may_change
from csa_desktop.domain.sheet_values import cell_text, heading_key, one_line
from csa_desktop.errors import InputError, StoreError
from csa_desktop.services.adoption import ADOPTED, BadRow
from csa_desktop.services.copy import Copy
from csa_desktop.services.sheets import SheetRow, SheetTable, read_table
from csa_desktop.storage import bulk, restore_points
from csa_desktop.storage import bundles as bundle_store
from csa_desktop.storage import records as record_store

VALUES_SHEET = "indicator-values"  # the bundle log's kind for such an import
COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicator name", "indicator uid", "measure", "kpi", "uid"),
    "period": ("period", "quarter", "month", "year", "reporting period"),
    "value": ("value", "figure", "actual", "result", "number"),
    "note": ("note", "notes", "comment", "comments", "narrative"),
}
REQUIRED = ("indicator", "period", "value")
NEW, CHANGED, UNCHANGED, RESTORED = "new", "changed", "unchanged", "restored"


@dataclass(frozen=True)
class ProposedValue:
    line: int
    indicator_uid: str
    indicator: str  # its name
    period: str
    value: str
    note: str | None
    held: str | None  # the value the copy holds for the period now (None: none)
    change: str  # new, changed, unchanged or restored (a deleted value entered again)
    uid: str  # domain.indicators.value_uid of the indicator and period


@dataclass(frozen=True)
class ValuesPlan:
    """What importing the sheet would do; nothing is written to make it."""

    table: SheetTable
    columns: dict[str, int]  # column name → index
    values: tuple[ProposedValue, ...]
    bad: tuple[BadRow, ...]

    def count(self, change: str) -> int:
        return sum(1 for v in self.values if v.change == change)

    def preview(self) -> list[str]:
        """One line per value that would change: 'line 4: Repeat calls, 2024/25 Q1: 12 → 14'."""
        lines = []
        for v in self.values:
            if v.change == UNCHANGED:
                continue
            was = f"{v.held} → " if v.change == CHANGED else ""
            how = " (entered again: it had been deleted)" if v.change == RESTORED else (
                " (new)" if v.change == NEW else "")
            lines.append(f"line {v.line}: {v.indicator}, {v.period}: {was}{v.value}{how}")
        return lines


@dataclass(frozen=True)
class ValuesResult:
    plan: ValuesPlan
    restore_point: str | None
    changes: Changes
    dry_run: bool

    def summary(self) -> str:
        p = self.plan
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{verb} {len(p.values)} value(s) from {p.table.file.name}"
                 + (f" (sheet '{p.table.sheet}')" if p.table.sheet != p.table.file.name else "")
                 + f": {p.count(NEW)} new, {p.count(CHANGED)} changed, "
                 f"{p.count(RESTORED)} entered again, {p.count(UNCHANGED)} already so"]
        lines.extend(f"  {line}" for line in p.preview())
        if self.restore_point:
            lines.append(f"undo it with 'csa restore-points undo' (restore point "
                         f"{self.restore_point})")
        return "\n".join(lines)


class BadValueRowsError(InputError):
    """Rows could not be taken; nothing was written."""

    def __init__(self, bad: Sequence[BadRow], file: str) -> None:
        self.bad = tuple(bad)
        shown = "\n".join(f"  {_line(b)}" for b in self.bad[:50])
        more = f"\n  … and {len(self.bad) - 50} more" if len(self.bad) > 50 else ""
        super().__init__(f"{file}: {len(self.bad)} row(s) cannot be imported, so nothing was "
                         f"imported:\n{shown}{more}")


def _line(bad: BadRow) -> str:
    return f"line {bad.row}: {bad.reason}" if bad.sheet == "" else str(bad)


def _columns(table: SheetTable) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(table.headings):
        key = heading_key(heading)
        for name, headings in COLUMNS.items():
            if key in headings and name not in found:
                found[name] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise InputError(
            f"{table.file.name}: no column for {', '.join(missing)} (the columns are "
            f"indicator, period, value and note; this sheet's headings, on line "
            f"{table.heading_row}, are: {', '.join(table.headings)})")
    return found


def read_number(cell: object) -> str:
    """A value cell as a normalised decimal: a number cell as Excel shows it, to 15
    significant digits (0.1 + 0.2 is 0.3, never 0.30000000000000004), text as people type it
    ('1,204')."""
    if isinstance(cell, bool):
        raise InputError(f"'{cell}' is not a number")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        try:
            shown = Decimal(format(cell, ".15g"))
        except InvalidOperation:
            raise InputError(f"'{cell}' is not a number") from None
        if not shown.is_finite():
            raise InputError(f"'{cell}' is not a number")
        return normalise_decimal(format(shown, "f"), "value")
    if isinstance(cell, dt.date):
        raise InputError(f"{cell_text(cell)} is a date, not a number")
    text = cell_text(cell)
    if not text.strip():
        raise InputError("the value is empty")
    return normalise_decimal(text, "value")


class ValueImport:
    def __init__(self, copy: Copy) -> None:
        self.copy = copy

    def plan(self, path: Path, *, sheet: str | None = None) -> ValuesPlan:
        table = read_table(path, sheet)
        columns = _columns(table)
        indicators = self.copy.records.list_kind("indicator")
        by_uid = {i.uid: i for i in indicators}
        by_name: dict[str, list[Record]] = {}
        for indicator in indicators:
            by_name.setdefault(heading_key(indicator.title), []).append(indicator)
        held = {v.uid: v for v in self.copy.records.list_kind("indicator-value",
                                                              include_deleted=True)}
        allowed: dict[str, bool] = {}
        partnerships = {p.uid: p.title for p in self.copy.records.list_kind("partnership")}
        proposed: list[ProposedValue] = []
        bad: list[BadRow] = []
        seen: dict[str, int] = {}
        for row in table.rows:
            try:
                value = self._read(row, columns, by_uid, by_name, partnerships, held, allowed)
            except InputError as exc:
                bad.append(BadRow("", row.number, str(exc)))
                continue
            if value is None:
                continue
            if value.uid in seen:
                bad.append(BadRow("", row.number, f"'{value.indicator}' for {value.period} is "
                                                  f"on line {seen[value.uid]} already"))
                continue
            seen[value.uid] = row.number
            proposed.append(value)
        return ValuesPlan(table, columns, tuple(proposed), tuple(bad))

    def _read(self, row: SheetRow, columns: Mapping[str, int], by_uid: Mapping[str, Record],
              by_name: Mapping[str, list[Record]], partnerships: Mapping[str, str],
              held: Mapping[str, Record], allowed: dict[str, bool]) -> ProposedValue | None:
        def cell(name: str) -> object:
            index = columns.get(name)
            return row.cells[index] if index is not None and index < len(row.cells) else None

        if all(cell(name) in (None, "") or not cell_text(cell(name)).strip()
               for name in columns):
            return None
        named = one_line(cell_text(cell("indicator")))
        if not named:
            raise InputError("the indicator is empty (give its name or uid)")
        indicator = by_uid.get(named.lower())
        if indicator is None:
            matches = by_name.get(heading_key(named), [])
            if not matches:
                raise InputError(f"no indicator is named '{named[:80]}'")
            if len(matches) > 1:
                owners = ", ".join(sorted(partnerships.get(str(m.fields["partnership_uid"]),
                                                           "the county") for m in matches))
                raise InputError(f"{len(matches)} indicators are named '{named[:80]}' "
                                 f"({owners}): give the uid of the one meant")
            indicator = matches[0]
        if indicator.uid not in allowed:  # a value belongs where its indicator does
            owner = indicator.fields.get("partnership_uid")
            allowed[indicator.uid] = may_change(
                self.copy.identity, KINDS["indicator-value"],
                Owner(partnership_uid=owner if isinstance(owner, str) else None))
        if not allowed[indicator.uid]:
            raise InputError(f"'{indicator.title}' is outside this "
                             f"{self.copy.identity.role.value} copy's partnerships")
        frequency = str(indicator.fields["frequency"])
        period_cell = cell("period")
        if isinstance(period_cell, dt.date) and frequency == "monthly":
            period = period_of(period_cell, frequency)  # Excel made '2024-07' a date
        elif isinstance(period_cell, dt.date):
            wanted = ("quarter as 2024/25 Q1" if frequency == "quarterly"
                      else "financial year as 2024/25")
            raise InputError(f"period: {cell_text(period_cell)} is a date; write the {wanted}")
        else:
            period = parse_period(cell_text(period_cell), frequency,
                                  label=f"period of '{indicator.title}'")
        number = read_number(cell("value"))
        note_text = one_line(cell_text(cell("note"))) or None
        note = check_value(KINDS["indicator-value"].field("note"), note_text)
        uid = value_uid(indicator.uid, period)
        existing = held.get(uid)
        if existing is None:
            change, was = NEW, None
        elif existing.deleted:
            change, was = RESTORED, None
        else:
            was = str(existing.fields["value"]) if existing.fields["value"] is not None else None
            same = was is not None and Decimal(was) == Decimal(number) and (
                note is None or note == existing.fields["note"])
            change = UNCHANGED if same else CHANGED
        return ProposedValue(row.number, indicator.uid, indicator.title, period, number,
                             note if isinstance(note, str) else None, was, change, uid)

    def apply(self, plan: ValuesPlan, *, dry_run: bool = False) -> ValuesResult:
        if plan.bad:
            raise BadValueRowsError(plan.bad, plan.table.file.name)
        if not plan.values:
            raise InputError(f"{plan.table.file.name}: no value could be read (the columns "
                             "are indicator, period, value and note)")
        if dry_run or all(v.change == UNCHANGED for v in plan.values):
            return ValuesResult(plan, None, Changes(), dry_run)
        if self.copy.store.read_only:
            raise StoreError("this copy is open read-only: nothing was imported")
        import_id = new_uid()
        data = plan.table.file.read_bytes()
        point = self.copy.store.save_restore_point([
            {"file": plan.table.file.name, "bundle_id": import_id, "kind": VALUES_SHEET,
             "author": self.copy.identity.name}])
        who = self.copy.identity.name
        created: list[tuple[str, str]] = []
        updated: list[tuple[str, str]] = []
        fields: dict[str, tuple[str, ...]] = {}
        try:
            with self.copy.store.transaction() as session:
                live = {i.uid for i in record_store.list_rows(session, "indicator")}
                at = record_store.now()
                fresh: list[dict[str, object]] = []
                history: list[dict[str, object]] = []
                for v in plan.values:
                    if v.change == UNCHANGED:
                        continue
                    values = {"value": v.value, **({"note": v.note} if v.note else {})}
                    if v.indicator_uid not in live:
                        raise InputError(f"line {v.line}: '{v.indicator}' was deleted since "
                                         "the preview; nothing was imported")
                    if v.change == NEW:  # written in bulk below, as adoptions are
                        full = {"indicator_uid": v.indicator_uid, "period": v.period,
                                **values}
                        fresh.append(bulk.record_row("indicator-value", v.uid, full, who=who,
                                                     at=at))
                        history.extend(bulk.history_row(
                            "indicator-value", v.uid, name, None, value, who=who, at=at,
                            bundle_id=import_id) for name, value in full.items())
                        created.append(("indicator-value", v.uid))
                        continue
                    if v.change == RESTORED:
                        record_store.set_deleted(session, "indicator-value", v.uid, False,
                                                 who=who, bundle_id=import_id)
                        created.append(("indicator-value", v.uid))
                    changed = record_store.update(session, "indicator-value", v.uid, values,
                                                  who=who, bundle_id=import_id)
                    if changed and v.change == CHANGED:
                        updated.append(("indicator-value", v.uid))
                    fields[v.uid] = changed
                bulk.insert_records(session, "indicator-value", fresh)
                bulk.insert_history(session, history)
                bundle_store.log_bundle(session, bundle_store.LoggedBundle(
                    bundle_id=import_id, direction=ADOPTED, kind=VALUES_SHEET,
                    replica_id=self.copy.identity.replica_id, author=who, signer_key="",
                    baseline_id=None, seq=0,
                    created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    processed_at=record_store.now(), file_name=plan.table.file.name,
                    sha256=hashlib.sha256(data).hexdigest(), status="imported",
                    summary={"sheet": plan.table.sheet, "new": plan.count(NEW),
                             "changed": plan.count(CHANGED),
                             "restored": plan.count(RESTORED)}))
        except BaseException:
            restore_points.discard(point)
            raise
        restore_points.confirm(self.copy.store.path, point)
        return ValuesResult(plan, point.id, Changes(created=tuple(created),
                                                    updated=tuple(updated), fields=fields),
                            False)

