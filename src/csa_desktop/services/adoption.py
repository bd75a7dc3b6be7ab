"""Adopt an existing action plan from a spreadsheet: columns mapped to fields (guessed from the
headings, overridable), every row read as a council writes it, every unreadable row named by
sheet, row and reason. Nothing is written while a row is bad unless the caller skips those
rows; the adoption is one transaction after a restore point, so one undo takes it back."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csa_desktop.domain import ordering, reporting
from csa_desktop.domain.kinds import KINDS, Value, check_value, new_uid
from csa_desktop.domain.records import Changes, Record
from csa_desktop.domain.sheet_values import (
    MULTI_TARGETS,
    TARGETS,
    cell_text,
    guess_target,
    long_text,
    one_line,
    progress_date,
    progress_period,
    read_date,
    read_rag,
    read_status,
)
from csa_desktop.errors import CsaError, InputError, ScopeError, StoreError
from csa_desktop.services.copy import Copy
from csa_desktop.services.import_plan import Cancelled, Progress, cancellable
from csa_desktop.services.sheets import SheetRow, SheetTable, column_letter, read_table
from csa_desktop.storage import bulk, restore_points
from csa_desktop.storage import bundles as bundle_store
from csa_desktop.storage import records as record_store
from csa_desktop.storage.database import Session

ADOPTED = "adopted"  # the bundle log's direction for an adoption (a file, not a bundle)
ACTION_SHEET = "action-sheet"


@dataclass(frozen=True)
class BadRow:
    sheet: str
    row: int
    reason: str
    needs_update: bool = False  # the row names an existing action, and updating was not asked

    def __str__(self) -> str:
        return f"sheet '{self.sheet}', row {self.row}: {self.reason}"


@dataclass(frozen=True)
class ProposedUpdate:
    period: str
    reported_on: dt.date
    rag: str
    narrative: str


@dataclass(frozen=True)
class ProposedAction:
    row: int
    priority: str  # title of its priority ("" for none)
    values: dict[str, Value]  # action fields (plan and priority uids filled at writing)
    updates: tuple[ProposedUpdate, ...] = ()
    uid: str | None = None  # an existing action to update

    @property
    def title(self) -> str:
        return str(self.values.get("title") or "")


@dataclass(frozen=True)
class ActionSheetPlan:
    """What adopting the sheet would do; nothing is written to make it."""

    table: SheetTable
    partnership: str
    partnership_uid: str
    mapping: dict[int, str]  # column index → target
    actions: tuple[ProposedAction, ...]
    bad: tuple[BadRow, ...]
    new_priorities: tuple[str, ...]
    plan_title: str  # the local plan the actions go into
    new_plan: bool

    @property
    def updates(self) -> int:
        return sum(len(a.updates) for a in self.actions)


@dataclass(frozen=True)
class AdoptionResult:
    plan: ActionSheetPlan
    created: int
    updated: int
    skipped: tuple[BadRow, ...]
    restore_point: str | None
    changes: Changes = field(default_factory=Changes)
    dry_run: bool = False

    def summary(self) -> str:
        p = self.plan
        verb = "would adopt" if self.dry_run else "adopted"
        lines = [f"{verb} {self.created} new action(s) and updated {self.updated} from "
                 f"{p.table.file.name} (sheet '{p.table.sheet}') into '{p.plan_title}'"
                 + (" (a new local plan)" if p.new_plan else "")]
        if p.new_priorities:
            lines.append(f"new priorities: {', '.join(p.new_priorities)}")
        if p.updates:
            lines.append(f"progress updates: {p.updates}")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} row(s) that could not be read:")
            lines.extend(f"  {bad}" for bad in self.skipped)
        if self.restore_point:
            lines.append(f"undo it with 'csa restore-points undo' (restore point "
                         f"{self.restore_point})")
        return "\n".join(lines)


class BadRowsError(InputError):
    """Rows could not be read; nothing was written. The message says what and where; how to
    go on (skip the rows, allow updates) is worded by each surface (`cli_hint`)."""

    def __init__(self, bad: Sequence[BadRow], file: str) -> None:
        self.bad = tuple(bad)
        self.file = file
        shown = "\n".join(f"  {b}" for b in self.bad[:50])
        more = f"\n  … and {len(self.bad) - 50} more" if len(self.bad) > 50 else ""
        super().__init__(f"{file}: {len(self.bad)} row(s) cannot be read, so nothing was "
                         f"imported:\n{shown}{more}")

    @property
    def cli_hint(self) -> str:
        hint = "Correct them, or import the other rows and leave these out (--skip-bad)"
        if any(b.needs_update for b in self.bad):
            hint += "; rows with a uid change those actions with --update"
        return hint


class MappingError(InputError):
    """The column mapping cannot be used; `cli_hint` says how to fix it on the command line
    (the GUI says it in its own words)."""

    def __init__(self, message: str, cli_hint: str) -> None:
        super().__init__(message)
        self.cli_hint = cli_hint


def parse_map(text: str) -> dict[str, str]:
    """'Action=title,Owner=lead' → {heading: target}; a target must be one of TARGETS."""
    found: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        heading, sep, target = part.rpartition("=")
        target = target.strip()
        if not sep or not heading.strip():
            raise InputError(f"--map: '{part.strip()}' is not COLUMN=field")
        if target not in TARGETS:
            raise InputError(f"--map: '{target}' is not a field to import into (fields: "
                             f"{', '.join(TARGETS)})")
        found[heading.strip()] = target
    return found


def guess_mapping(headings: Sequence[str]) -> dict[int, str]:
    """Column index → target, guessed from the headings; a target other than progress is
    given to its first column only."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, heading in enumerate(headings):
        target = guess_target(heading)
        if target in taken and target not in MULTI_TARGETS:
            target = "ignore"
        taken.add(target)
        mapping[index] = target
    return mapping


def apply_map(headings: Sequence[str], mapping: Mapping[int, str],
              overrides: Mapping[str, str]) -> dict[int, str]:
    """`mapping` with the columns named in `overrides` (by heading or letter) changed."""
    result = dict(mapping)
    for heading, target in overrides.items():
        matches = [i for i, h in enumerate(headings)
                   if h.casefold() == heading.casefold() or column_letter(i) == heading.upper()]
        if not matches:
            raise InputError(f"--map: the sheet has no column '{heading}' (columns: "
                             f"{', '.join(headings)})")
        for index in matches:
            result[index] = target
    check_mapping(headings, result)
    return result


def check_mapping(headings: Sequence[str], mapping: Mapping[int, str]) -> None:
    """The mapping names one column for the action's text and at most one for every field
    other than progress (MappingError otherwise)."""
    if "title" not in mapping.values():
        raise MappingError(f"no column is chosen for the action's text ('{TARGETS['title']}')",
                           'say which with --map "COLUMN=title"')
    for target in sorted(set(mapping.values()) - MULTI_TARGETS):
        columns = [headings[i] for i, t in mapping.items() if t == target]
        if len(columns) > 1:
            raise MappingError(f"'{TARGETS[target]}' is chosen for more than one column "
                               f"({', '.join(columns)}); keep one",
                               f'map the others elsewhere, e.g. --map "{columns[-1]}=ignore"')


class ActionSheetAdoption:
    def __init__(self, copy: Copy, *, today: dt.date | None = None) -> None:
        self.copy = copy
        self.today = today or dt.date.today()

    # --- planning ---------------------------------------------------------------------------

    def plan(self, path: Path, partnership: str, *, sheet: str | None = None,
             mapping: Mapping[int, str] | None = None,
             overrides: Mapping[str, str] | None = None,
             table: SheetTable | None = None, update: bool = False) -> ActionSheetPlan:
        """What adopting would do. Rows with a uid (a list exported from CSA Desktop) change
        those actions when `update`, and are refused otherwise."""
        table = table or read_table(path, sheet)
        chosen = dict(mapping) if mapping is not None else guess_mapping(table.headings)
        chosen = apply_map(table.headings, chosen, overrides or {})
        with self.copy.store.reader() as session:
            partnership_uid = self.copy.records._partnership_uid(session, partnership)
            name = record_store.titles(session, "partnership", [partnership_uid])[partnership_uid]
            local_plan = self._local_plan(session, partnership_uid)
            organisations = {r.title.casefold(): r.uid
                             for r in record_store.list_rows(session, "organisation")}
            existing = ({r.title.casefold(): r.title for r in record_store.list_rows(
                session, "local-priority", where={"plan_uid": local_plan.uid})}
                if local_plan else {})
            own_actions = ({r.uid for r in record_store.list_rows(
                session, "action", partnership_uid=partnership_uid)})
        year = self._year_start(local_plan)
        reader = _RowReader(table, chosen, organisations, year, self.today, own_actions, update)
        actions: list[ProposedAction] = []
        bad: list[BadRow] = []
        for row in table.rows:
            try:
                proposed = reader.read(row)
            except _NeedsUpdateError as exc:
                bad.append(BadRow(table.sheet, row.number, str(exc), needs_update=True))
                continue
            except InputError as exc:
                bad.append(BadRow(table.sheet, row.number, str(exc)))
                continue
            if proposed is not None:
                actions.append(proposed)
        new_priorities = tuple(dict.fromkeys(
            a.priority for a in actions if a.priority and a.priority.casefold() not in existing))
        plan_title = local_plan.title if local_plan else f"{name} action plan"
        return ActionSheetPlan(table, name, partnership_uid, chosen, tuple(actions), tuple(bad),
                               new_priorities, plan_title, local_plan is None)

    def _local_plan(self, session: Session, partnership_uid: str) -> Record | None:
        plans = [p for p in record_store.list_rows(
            session, "local-plan", where={"partnership_uid": partnership_uid})
            if p.fields.get("status") != "archived"]
        plans.sort(key=lambda p: (p.fields.get("period_start") or dt.date.min, p.uid))
        return plans[-1] if plans else None

    def _year_start(self, plan: Record | None) -> int:
        start = plan.fields.get("period_start") if plan else None
        day = start if isinstance(start, dt.date) else self.today
        return day.year if day.month >= 4 else day.year - 1

    # --- writing ----------------------------------------------------------------------------

    def adopt(self, plan: ActionSheetPlan, *, skip_bad: bool = False, dry_run: bool = False,
              progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> AdoptionResult:
        """Write the plan's actions and updates (`cancelled`: checked between steps; a
        cancel rolls everything back)."""
        progress = cancellable(progress, cancelled)
        if plan.bad and not skip_bad:
            raise BadRowsError(plan.bad, plan.table.file.name)
        if not plan.actions:
            raise InputError(f"{plan.table.file.name}: no action could be read from sheet "
                             f"'{plan.table.sheet}'")
        if self.copy.store.read_only:
            raise StoreError("this copy is open read-only: nothing was imported")
        if not self.copy.records.can_create("local-plan",
                                            {"partnership_uid": plan.partnership_uid}):
            raise ScopeError(f"this {self.copy.identity.role.value} copy cannot change the "
                             f"plans of {plan.partnership}")
        created = sum(1 for a in plan.actions if a.uid is None)
        updated = len(plan.actions) - created
        if dry_run:
            return AdoptionResult(plan, created, updated, plan.bad, None, dry_run=True)
        def write(session: Session, adoption_id: str) -> tuple[Changes, dict[str, Any]]:
            changes = _Writer(self.copy, session, plan, adoption_id, progress).run()
            return changes, {"sheet": plan.table.sheet, "created": created, "updated": updated,
                             "skipped": [str(b) for b in plan.bad]}

        changes, point = write_adoption(self.copy, plan.table.file, ACTION_SHEET, write)
        return AdoptionResult(plan, created, updated, plan.bad, point, changes)


def write_adoption(copy: Copy, file: Path, kind: str,
                   write: Callable[[Session, str], tuple[Changes, dict[str, Any]]]) -> tuple[
                       Changes, str]:
    """Write an adoption of `file` as one change in history and one undo: a restore point,
    then one transaction in which `write(session, adoption_id)` makes the records (stamping
    their history with the adoption's id) and returns them with a summary for the bundle log,
    which then records the file ("imported from FILE"). Returns the changes and the restore
    point's id."""
    data = file.read_bytes()
    adoption_id = new_uid()
    point = copy.store.save_restore_point([
        {"file": file.name, "bundle_id": adoption_id, "kind": kind,
         "author": copy.identity.name}])
    try:
        with copy.store.transaction() as session:
            changes, summary = write(session, adoption_id)
            bundle_store.log_bundle(session, bundle_store.LoggedBundle(
                bundle_id=adoption_id, direction=ADOPTED, kind=kind,
                replica_id=copy.identity.replica_id, author=copy.identity.name,
                signer_key="", baseline_id=None, seq=0,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                processed_at=record_store.now(), file_name=file.name,
                sha256=hashlib.sha256(data).hexdigest(), status="imported", summary=summary))
    except BaseException:
        restore_points.discard(point)
        raise
    restore_points.confirm(copy.store.path, point)
    return changes, point.id


class _NeedsUpdateError(InputError):
    """A row names an existing action while updating was not asked for."""


class _RowReader:
    def __init__(self, table: SheetTable, mapping: Mapping[int, str],
                 organisations: Mapping[str, str], year: int, today: dt.date,
                 own_actions: set[str], update: bool) -> None:
        self.update = update
        self.table = table
        self.mapping = mapping
        self.organisations = organisations
        self.year = year
        self.today = today
        self.own_actions = own_actions
        self.section = ""
        self.spec = KINDS["action"]

    def _column(self, target: str) -> int | None:
        return next((i for i, t in self.mapping.items() if t == target), None)

    def read(self, row: SheetRow) -> ProposedAction | None:
        filled = row.filled
        mapped = [i for i in filled if self.mapping.get(i, "ignore") != "ignore"]
        marks = self.table.merged_across
        one_cell = filled == [0] or (mapped and len(filled) == 1
                                     and self.mapping.get(filled[0]) != "title")
        alone_in_title = len(filled) == 1 and self.mapping.get(filled[0]) == "title"
        if (row.number in marks and len(filled) == 1) or (
                one_cell and not (marks and alone_in_title)):
            # a section row, even when its column ("Ref") is not imported; when the sheet
            # marks its sections by merging them across, only those rows are sections, and an
            # action written in its title cell alone stays an action
            self.section = one_line(cell_text(row.cells[filled[0]]))[:300]
            return None
        if not mapped:
            return None
        values: dict[str, Value] = {}
        title_at = self._column("title")
        assert title_at is not None
        title = one_line(cell_text(row.cells[title_at]))
        if not title:
            raise InputError(f"the action's text ({self.table.headings[title_at]}) is empty")
        values["title"] = title
        priority = self.section
        uid = None
        updates: list[ProposedUpdate] = []
        for index, target in self.mapping.items():
            cell = row.cells[index]
            heading = self.table.headings[index]
            try:
                match target:
                    case "priority":
                        text = one_line(cell_text(cell))
                        priority = text[:300] if text else self.section
                    case "lead":
                        text = one_line(cell_text(cell))
                        org = self.organisations.get(text.casefold())
                        if org:
                            values["lead_organisation_uid"] = org
                        elif text:
                            values["lead_role"] = text
                    case "lead_role":
                        values["lead_role"] = one_line(cell_text(cell)) or None
                    case "partners" | "measure":
                        values[target] = one_line(cell_text(cell)) or None
                    case "start_on" | "due_on":
                        values[target] = read_date(cell, end_of_month=target == "due_on")
                    case "status":
                        values["status"] = read_status(cell)
                    case "rag":
                        values["rag"] = read_rag(cell)
                    case "uid":
                        text = cell_text(cell)
                        if text:
                            if not self.update:
                                raise _NeedsUpdateError(
                                    "the row names an existing action by its uid, and "
                                    "changing existing actions was not chosen")
                            if text not in self.own_actions:
                                raise InputError(f"no action of this partnership has the uid "
                                                 f"'{text[:40]}'")
                            uid = text
            except _NeedsUpdateError:
                raise
            except InputError as exc:
                raise InputError(f"column '{heading}': {exc}") from None
        if uid is None:
            values.setdefault("status", "not-started")
            values.setdefault("rag", "not-rated")
        for name, value in values.items():
            try:
                values[name] = check_value(self.spec.field(name), value)
            except InputError as exc:
                raise InputError(str(exc)) from None
        problems = reporting.action_problems(values.get("start_on"), values.get("due_on"))
        if problems:
            raise InputError("; ".join(problems))
        for index, target in self.mapping.items():
            if target != "progress":
                continue
            narrative = long_text(cell_text(row.cells[index]))
            if not narrative:
                continue
            period = progress_period(self.table.headings[index], self.year, self.today)
            try:
                reported = progress_date(period, self.today)
                check_value(KINDS["progress-update"].field("narrative"), narrative)
            except InputError as exc:
                raise InputError(f"column '{self.table.headings[index]}': {exc}") from None
            updates.append(ProposedUpdate(period, reported, str(values.get("rag") or "not-rated"),
                                          narrative))
        return ProposedAction(row.number, priority, values, tuple(updates), uid)


class _Writer:
    """One transaction: the local plan and priorities the sheet needs, then every action and
    progress update in bulk (Core executemany, DESIGN §6), with their history stamped with the
    adoption's id; existing actions (uid column) through the ordinary update."""

    def __init__(self, copy: Copy, session: Session, plan: ActionSheetPlan, adoption_id: str,
                 progress: Progress | None) -> None:
        self.copy, self.session, self.plan = copy, session, plan
        self.adoption_id = adoption_id
        self.progress = progress
        self.who = copy.identity.name
        self.at = record_store.now()
        self.history: list[dict[str, Any]] = []
        self.created: list[tuple[str, str]] = []

    def _insert(self, kind: str, rows: list[tuple[str, dict[str, Value]]]) -> None:
        if not rows:
            return
        bulk.insert_records(self.session, kind, (
            bulk.record_row(kind, uid, values, who=self.who, at=self.at) for uid, values in rows))
        for uid, values in rows:
            self.created.append((kind, uid))
            full = bulk.record_row(kind, uid, values, who=self.who, at=self.at)
            self.history.extend(
                bulk.history_row(kind, uid, f.name, None, full[f.name], who=self.who,
                                 at=self.at, bundle_id=self.adoption_id)
                for f in KINDS[kind].fields if full[f.name] not in (None, []))

    def run(self) -> Changes:
        plan = self.plan
        session = self.session
        local = ActionSheetAdoption(self.copy)._local_plan(session, plan.partnership_uid)
        if local is None:
            plan_uid = new_uid()
            self._insert("local-plan", [(plan_uid, {
                "partnership_uid": plan.partnership_uid, "title": plan.plan_title,
                "status": "draft"})])
        else:
            plan_uid = local.uid
        priorities = {r.title.casefold(): r.uid for r in record_store.list_rows(
            session, "local-priority", where={"plan_uid": plan_uid})}
        new_priorities = [p for p in plan.new_priorities if p.casefold() not in priorities]
        keys = keys_after(session, "local-priority", ("plan_uid", plan_uid), len(new_priorities))
        rows: list[tuple[str, dict[str, Value]]] = []
        for title, key in zip(new_priorities, keys, strict=True):
            uid = new_uid()
            priorities[title.casefold()] = uid
            rows.append((uid, {"plan_uid": plan_uid, "title": check_value(
                KINDS["local-priority"].field("title"), title), "position": key}))
        self._insert("local-priority", rows)
        fresh = [a for a in plan.actions if a.uid is None]
        keys = keys_after(session, "action", ("plan_uid", plan_uid), len(fresh))
        actions: list[tuple[str, dict[str, Value]]] = []
        updates: list[tuple[str, dict[str, Value]]] = []
        updated: list[tuple[str, str]] = []
        fields: dict[str, tuple[str, ...]] = {}
        key_iter = iter(keys)
        total = len(plan.actions)
        for done, proposed in enumerate(plan.actions):
            if self.progress and done % 500 == 0:
                self.progress(done, total, "writing actions")
            values = dict(proposed.values)
            if proposed.priority or proposed.uid is None:  # an update keeps its priority
                values["priority_uid"] = priorities.get(proposed.priority.casefold()) if (
                    proposed.priority) else None
            if proposed.uid is None:
                uid = new_uid()
                actions.append((uid, {**values, "plan_uid": plan_uid,
                                      "position": next(key_iter)}))
            else:
                uid = proposed.uid
                changed = record_store.update(session, "action", uid, values, who=self.who,
                                              bundle_id=self.adoption_id)
                if changed:
                    updated.append(("action", uid))
                    fields[uid] = changed
            for update in proposed.updates:
                updates.append((new_uid(), {
                    "action_uid": uid, "period": update.period,
                    "reported_on": update.reported_on, "rag": update.rag,
                    "narrative": update.narrative}))
        self._insert("action", actions)
        self._insert("progress-update", updates)
        bulk.insert_history(session, self.history)
        if self.progress:
            self.progress(total, total, "done")
        return Changes(created=tuple(self.created), updated=tuple(updated), fields=fields)


def keys_after(session: Session, kind: str, parent: tuple[str, str], count: int) -> list[str]:
    """`count` increasing position keys after the last `kind` record whose field
    `parent[0]` is `parent[1]` (its plan, its agreement)."""
    if count == 0:
        return []
    from csa_desktop.services.generate import fixed_width_keys

    siblings = record_store.list_rows(session, kind, where={parent[0]: parent[1]},
                                      include_deleted=True)
    positions = [p for r in siblings if isinstance(p := r.fields.get("position"), str)]
    prefix = ordering.key_between(max(positions) if positions else None, None)
    return [prefix + key for key in fixed_width_keys(count)]


def adoption_file(copy: Copy, bundle_id: str | None) -> str | None:
    """The file an adoption brought in, for history ("imported from FILE")."""
    if not bundle_id:
        return None
    with copy.store.reader() as session:
        entry = bundle_store.logged_bundle(session, bundle_id)
    return entry.file_name if entry is not None and entry.direction == ADOPTED else None


__all__ = ["ActionSheetAdoption", "ActionSheetPlan", "AdoptionResult", "BadRow",
           "BadRowsError", "CsaError", "MappingError", "ProposedAction", "guess_mapping",
           "parse_map"]
