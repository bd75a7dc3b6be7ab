"""The annual refresh: start a new version of the agreement, list and read earlier ones, and
the version-control table of what changed since the previous refresh.

How refreshes are kept (and why):

- The ordinary record tables always hold the refresh in progress, so every view, bundle, merge
  and print works on it unchanged; a refresh is a row of the `refreshes` table (year label,
  based on, started at/by, closed at).
- Starting a refresh closes the one in progress: every live record is copied, as JSON, into
  `refresh_records` under that refresh. Earlier refreshes are read from these snapshots, so they
  stay readable however the live records change later, and two refreshes compare field by field.
- Actions are carried forward as they are. Closed actions (completed or cancelled) get
  `archived_in` = the year of the refresh they closed in: a field, not a status, so the status
  the partnership reported stays true, the action keeps its history and progress updates, and the
  flag travels to district copies in the next baseline like any other field edit.
- Approvals are per refresh: approval records carry `refresh_label`; one without a label belongs
  to the refresh in progress and is stamped with its year when the next refresh starts. The
  agreement goes back to Draft for the new year.
- The version-control table is derived, never typed: the previous refresh's snapshot against this
  refresh's records (sections, key issues, delivery framework rows). Only the one-line summary
  per change is stored, and only when the lead edits it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csa_desktop.domain.cycle import (
    Refresh,
    label_for_year,
    label_year,
    next_label,
    normalise_label,
    year_span,
)
from csa_desktop.domain.kinds import KINDS, Value, is_uid, new_uid
from csa_desktop.domain.records import Changes, Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.storage import backups, records
from csa_desktop.storage import refresh as store
from csa_desktop.storage.database import Session

if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy

CLOSED_ACTION_STATUSES = ("completed", "cancelled")
VERSION_KINDS = ("section", "key-issue", "delivery-framework-row")
VERSION_AREAS = {"section": "Section", "key-issue": "Key issue",
                 "delivery-framework-row": "Delivery framework"}
SUMMARY_MAX = 300

State = store.State


# --- which refresh ---------------------------------------------------------------------------


def the_agreement(session: Session) -> Record:
    agreements = records.list_rows(session, "agreement")
    if not agreements:
        raise InputError("this copy has no agreement yet")
    return agreements[0]


def _first_label(agreement: Record) -> str:
    label = agreement.fields.get("refresh_label")
    if isinstance(label, str) and label.strip():
        return label.strip()
    start = agreement.fields.get("period_start")
    if isinstance(start, dt.date):
        return label_for_year(start.year if start.month >= 4 else start.year - 1)
    return "first version"


def _refreshes(session: Session) -> list[Refresh]:
    agreement = the_agreement(session)
    found = [r for r in store.list_refreshes(session) if r.agreement_uid == agreement.uid]
    if found:
        return found
    origin = store.first_change(session, agreement.uid)
    return [Refresh(None, agreement.uid, _first_label(agreement), None, None,
                    origin[0] if origin else agreement.updated_at,
                    origin[1] if origin else agreement.updated_by, None)]


def list_refreshes(copy: Copy) -> list[Refresh]:
    """Every refresh of the agreement, oldest first; the last is the one in progress."""
    with copy.store.reader() as session:
        return _refreshes(session)


def current_refresh(copy: Copy) -> Refresh:
    return list_refreshes(copy)[-1]


def _find(session: Session, text: str) -> Refresh:
    known = _refreshes(session)
    wanted = text.strip()
    if wanted.lower() in ("current", "live", "now"):
        return known[-1]
    for refresh in known:
        if wanted in (refresh.uid, refresh.label):
            return refresh
    if not is_uid(wanted) and label_year(wanted) is not None:
        label = normalise_label(wanted)
        for refresh in known:
            if refresh.label == label:
                return refresh
    labels = ", ".join(r.label for r in known)
    raise InputError(f"no refresh '{wanted}' in this copy (refreshes: {labels}; or 'current')")


def find_refresh(copy: Copy, text: str) -> Refresh:
    """A refresh by year label ('2023/24', '2023-24'), uid, or 'current'."""
    with copy.store.reader() as session:
        return _find(session, text)


def _state(session: Session, refresh: Refresh, kinds: Iterable[str] | None = None) -> State:
    if refresh.current or refresh.uid is None:
        return store.live_state(session, kinds)
    return store.snapshot(session, refresh.uid, kinds)


def state_view(session: Session, refresh: Refresh) -> store.StateView:
    if refresh.current or refresh.uid is None:
        return store.LiveView(session)
    return store.SnapshotView(session, refresh.uid)


def refresh_state(copy: Copy, refresh: Refresh, kinds: Iterable[str] | None = None) -> State:
    """Every record of a refresh by uid: the live records for the one in progress, the
    snapshot for an earlier one."""
    with copy.store.reader() as session:
        return _state(session, refresh, kinds)


def refresh_records(copy: Copy, refresh: Refresh, kind: str) -> list[Record]:
    """The records of one kind as they stood in `refresh`, in their usual order."""
    spec = KINDS[kind]
    found = list(refresh_state(copy, refresh, [kind]).values())
    if spec.ordered:
        return sorted(found, key=lambda r: (str(r.fields.get("position") or ""), r.uid))
    return sorted(found, key=lambda r: (r.title.casefold(), r.uid))


# --- starting a refresh ----------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshPlan:
    """What starting a refresh would do, for the confirmation a user sees first."""

    label: str
    previous: Refresh
    records: int  # carried forward (every live record)
    archive: tuple[str, ...]  # uids of closed actions to archive
    carry_on: int  # open actions that carry on
    approvals: int  # approval records that stay with the previous refresh


@dataclass(frozen=True)
class RefreshStarted:
    refresh: Refresh
    previous: Refresh
    snapshot_records: int
    archived: tuple[str, ...]
    carried_on: int
    backup: str
    changes: Changes


def _require_lead(copy: Copy) -> None:
    if copy.identity.role is not Role.LEAD:
        raise ScopeError("only the lead's master copy can start an annual refresh; this is a "
                         f"{copy.identity.role.value} copy")


def _plan(session: Session, label_text: str) -> RefreshPlan:
    label = normalise_label(label_text)
    agreement = the_agreement(session)
    known = _refreshes(session)
    previous = known[-1]
    if any(r.label == label for r in known):
        raise InputError(f"the {label} refresh already exists (refreshes: "
                         f"{', '.join(r.label for r in known)})")
    year = int(label[:4])
    previous_year = label_year(previous.label)
    if previous_year is not None and year <= previous_year:
        raise InputError(f"{label} is not after the refresh in progress ({previous.label}); "
                         f"the next one is {label_for_year(previous_year + 1)}")
    start, end = year_span(year)
    period_start = agreement.fields.get("period_start")
    period_end = agreement.fields.get("period_end")
    if (isinstance(period_end, dt.date) and start > period_end) or (
        isinstance(period_start, dt.date) and end < period_start
    ):
        raise InputError(
            f"{label} (April {year} to March {year + 1}) is outside the agreement's period "
            f"({period_start} to {period_end}); change the period first if the agreement "
            "has been extended"
        )
    archive, carry_on = store.actions_by_state(session, CLOSED_ACTION_STATUSES)
    approvals = sum(1 for a in records.list_rows(session, "approval",
                                                 where={"agreement_uid": agreement.uid})
                    if a.fields.get("refresh_label") in (None, previous.label))
    count = sum(records.count(session, kind) for kind in KINDS)
    return RefreshPlan(label, previous, count, tuple(archive), carry_on, approvals)


def plan_refresh(copy: Copy, label: str) -> RefreshPlan:
    """Check a new refresh's year and say what starting it would do; writes nothing."""
    _require_lead(copy)
    with copy.store.reader() as session:
        return _plan(session, label)


def suggested_label(copy: Copy, today: dt.date | None = None) -> str:
    return next_label(current_refresh(copy).label, today or dt.date.today())


def start_refresh(copy: Copy, label: str) -> RefreshStarted:
    """Close the refresh in progress (snapshot of every record) and start `label` from it, in
    one transaction, after a restore point: closed actions are archived, open ones carry on,
    the agreement goes back to Draft."""
    plan = plan_refresh(copy, label)
    backup = backups.make_backup(copy.store.path,
                                 reason=f"before-refresh-{plan.label.replace('/', '-')}")
    who = copy.identity.name
    updated: list[tuple[str, str]] = []
    fields: dict[str, tuple[str, ...]] = {}

    def update(session: Session, kind: str, uid: str, values: Mapping[str, Value]) -> None:
        changed = records.update(session, kind, uid, values, who=who)
        if changed:
            updated.append((kind, uid))
            fields[uid] = changed

    with copy.store.transaction() as session:
        plan = _plan(session, plan.label)  # the same checks, inside the write transaction
        agreement = the_agreement(session)
        previous = plan.previous
        at = records.now()
        if previous.uid is None:
            previous = Refresh(new_uid(), previous.agreement_uid, previous.label, None, None,
                               previous.started_at or at, previous.started_by, None)
            store.add_refresh(session, previous)
        assert previous.uid is not None
        count = store.close_refresh(session, previous.uid, at)
        refresh = Refresh(new_uid(), agreement.uid, plan.label, previous.uid, previous.label,
                          at, who, None)
        store.add_refresh(session, refresh)
        store.archive_actions(session, plan.archive, previous.label, who=who, at=at)
        updated.extend(("action", uid) for uid in plan.archive)
        fields.update((uid, ("archived_in",)) for uid in plan.archive)
        for approval in records.list_rows(session, "approval",
                                          where={"agreement_uid": agreement.uid}):
            if approval.fields.get("refresh_label") is None:
                update(session, "approval", approval.uid, {"refresh_label": previous.label})
        update(session, "agreement", agreement.uid,
               {"refresh_label": plan.label, "status": "draft", "sent_to_pcc_on": None})
    closed = Refresh(previous.uid, previous.agreement_uid, previous.label, previous.based_on_uid,
                     previous.based_on_label, previous.started_at, previous.started_by, at)
    return RefreshStarted(refresh, closed, count, plan.archive, plan.carry_on, str(backup),
                          Changes(updated=tuple(updated), fields=fields))


# --- the version-control table ---------------------------------------------------------------


@dataclass(frozen=True)
class VersionChange:
    """One line of a refresh's version-control table."""

    kind: str  # section, key-issue or delivery-framework-row
    record_uid: str
    area: str  # "Section", "Key issue", "Delivery framework"
    item: str  # e.g. "4 Priorities and key issues"
    change: str  # "added", "changed" or "removed"
    fields: tuple[str, ...]  # labels of the changed fields
    derived_summary: str  # what the history says
    summary: str  # the lead's summary when edited, else the derived one
    edited: bool
    changed_on: dt.date | None


@dataclass(frozen=True)
class VersionTable:
    refresh: Refresh
    based_on: Refresh | None  # None: the first refresh, nothing to compare with
    changes: tuple[VersionChange, ...]


_FIELD_PHRASES = {
    ("section", "body"): "text revised",
    ("section", "title"): "retitled",
    ("section", "number"): "renumbered",
    ("section", "position"): "moved",
    ("section", "restricted"): "restriction changed",
    ("section", "kind"): "section type changed",
    ("section", "agreement_uid"): "moved to another agreement",
    ("key-issue", "name"): "renamed",
    ("key-issue", "statement"): "public statement revised",
    ("key-issue", "rationale"): "rationale revised",
    ("key-issue", "evidence_uids"): "linked evidence changed",
    ("key-issue", "theme_uids"): "themes changed",
    ("key-issue", "position"): "moved",
    ("delivery-framework-row", "key_issue_uid"): "moved to another key issue",
    ("delivery-framework-row", "lead_partnership_uid"): "lead partnership changed",
    ("delivery-framework-row", "lead_name"): "lead changed",
    ("delivery-framework-row", "responsibility"): "responsibility changed",
    ("delivery-framework-row", "delivery_mechanism"): "delivery mechanism revised",
    ("delivery-framework-row", "reports_to"): "reporting line changed",
    ("delivery-framework-row", "frequency"): "reporting frequency changed",
}


def _sentence(phrases: Iterable[str]) -> str:
    unique = list(dict.fromkeys(phrases))
    if not unique:
        return ""
    text = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]
    return text[0].upper() + text[1:] + "."


def derive_summary(kind: str, change: str, changed_fields: Iterable[str]) -> str:
    noun = {"section": "section", "key-issue": "key issue",
            "delivery-framework-row": "delivery framework row"}.get(kind, "record")
    if change == "added":
        return f"New {noun} added."
    if change == "removed":
        return f"{noun[0].upper() + noun[1:]} removed."
    spec = KINDS[kind]
    return _sentence(_FIELD_PHRASES.get((kind, name), f"{spec.field(name).label.lower()} changed")
                     for name in changed_fields)


def _item_title(record: Record, *states: State) -> str:
    if record.kind == "section":
        number = record.fields.get("number")
        return f"{number} {record.title}".strip() if number else record.title
    if record.kind == "delivery-framework-row":
        issue_uid = record.fields.get("key_issue_uid")
        issue = next((s[issue_uid] for s in states if isinstance(issue_uid, str)
                      and issue_uid in s), None)
        lead = record.fields.get("lead_name")
        if not lead:
            partnership_uid = record.fields.get("lead_partnership_uid")
            partnership = next((s[partnership_uid] for s in states
                                if isinstance(partnership_uid, str) and partnership_uid in s),
                               None)
            lead = partnership.title if partnership else ""
        parts = [issue.title if issue else "", str(lead or "")]
        return " — ".join(p for p in parts if p) or "(untitled row)"
    return record.title


def _sort_key(record: Record, states: tuple[State, ...]) -> tuple[int, str, str]:
    order = VERSION_KINDS.index(record.kind)
    if record.kind == "delivery-framework-row":
        issue_uid = record.fields.get("key_issue_uid")
        issue = next((s[issue_uid] for s in states if isinstance(issue_uid, str)
                      and issue_uid in s), None)
        position = str(issue.fields.get("position") or "") if issue else ""
        return order, position, record.uid
    return order, str(record.fields.get("position") or ""), record.uid


def changed_field_names(old: Record, new: Record) -> tuple[str, ...]:
    return tuple(f.name for f in KINDS[new.kind].fields
                 if old.fields.get(f.name) != new.fields.get(f.name))


def _table(session: Session, refresh: Refresh, known: list[Refresh]) -> VersionTable:
    base = next((r for r in known if r.uid is not None and r.uid == refresh.based_on_uid), None)
    if base is None or base.uid is None:
        return VersionTable(refresh, None, ())
    before = store.snapshot(session, base.uid, VERSION_KINDS)
    after = _state(session, refresh, VERSION_KINDS)
    stored = store.notes(session, refresh.uid) if refresh.uid else {}
    found: list[tuple[Record, str, tuple[str, ...]]] = []
    for uid, new in after.items():
        old = before.get(uid)
        if old is None:
            found.append((new, "added", ()))
        elif names := changed_field_names(old, new):
            found.append((new, "changed", names))
    found.extend((old, "removed", ()) for uid, old in before.items() if uid not in after)
    when = store.last_changed(session, [r.uid for r, _, _ in found], after=base.closed_at,
                              until=refresh.closed_at)
    states = (after, before)
    found.sort(key=lambda item: _sort_key(item[0], states))
    changes = []
    for record, change, names in found:
        derived = derive_summary(record.kind, change, names)
        spec = KINDS[record.kind]
        note = stored.get(record.uid)
        changed_at = when.get(record.uid)
        changes.append(VersionChange(
            record.kind, record.uid, VERSION_AREAS[record.kind], _item_title(record, *states),
            change, tuple(spec.field(n).label for n in names), derived,
            note if note is not None else derived, note is not None,
            changed_at.date() if changed_at else None,
        ))
    return VersionTable(refresh, base, tuple(changes))


def version_table(copy: Copy, refresh: Refresh | None = None) -> VersionTable:
    """What changed in the sections, key issues and delivery framework since the previous
    refresh, derived from its snapshot; with the lead's summaries where edited."""
    with copy.store.reader() as session:
        known = _refreshes(session)
        return _table(session, refresh or known[-1], known)


def version_history(copy: Copy) -> list[VersionTable]:
    """The version-control table of every refresh after the first, oldest first (the
    agreement's appendix)."""
    with copy.store.reader() as session:
        known = _refreshes(session)
        return [_table(session, r, known) for r in known if r.based_on_uid is not None]


def set_change_summary(copy: Copy, refresh: Refresh, record_uid: str,
                       summary: str | None) -> bool:
    """Store the lead's one-line summary of a change (empty or None: back to the derived one).
    Returns whether anything changed."""
    _require_lead(copy)
    text = (summary or "").strip()
    if "\n" in text or "\r" in text:
        raise InputError("a change summary is one line")
    if "\x00" in text:
        raise InputError("a change summary cannot contain a NUL character")
    if len(text) > SUMMARY_MAX:
        raise InputError(f"a change summary is at most {SUMMARY_MAX} characters "
                         f"(this one has {len(text)})")
    with copy.store.transaction() as session:
        known = _refreshes(session)
        current = next((r for r in known if r.uid is not None and r.uid == refresh.uid), None)
        if current is None or current.uid is None:
            raise InputError(f"the {refresh.label} refresh has no version-control table "
                             "(it is the first)")
        table = _table(session, current, known)
        line = next((c for c in table.changes if c.record_uid == record_uid), None)
        if line is None:
            raise InputError(f"{record_uid} is not in the version-control table of "
                             f"{current.label}")
        value = text if text and text != line.derived_summary else None
        return store.set_note(session, current.uid, record_uid, value, who=copy.identity.name)


@dataclass(frozen=True)
class VersionRow:
    """One line of the version-control appendix, as printed."""

    refresh: str
    area: str
    item: str
    change: str  # Added, Changed, Removed; "" on a refresh that changed nothing
    summary: str


@dataclass(frozen=True)
class VersionAppendix:
    """The agreement's version-control appendix: every refresh after the first, oldest
    first; `note` says why there are no rows (the first version)."""

    rows: tuple[VersionRow, ...]
    note: str


def version_rows(history: Iterable[VersionTable],
                 hidden: Collection[str] = ()) -> list[VersionRow]:
    """The rows of each refresh's table, without the changes to the records `hidden` (the
    restricted sections a public edition leaves out)."""
    rows = []
    for table in history:
        shown = [c for c in table.changes if c.record_uid not in hidden]
        base = table.based_on.label if table.based_on else ""
        if not shown:
            rows.append(VersionRow(table.refresh.label, "", "", "", (
                "No change to the sections, key issues or delivery framework since "
                f"{base}." if not table.changes else "Only restricted sections changed "
                f"since {base}: the full edition lists the changes.")))
        rows.extend(VersionRow(table.refresh.label, c.area, c.item, c.change.capitalize(),
                               c.summary) for c in shown)
    return rows


def version_appendix(copy: Copy, *, public: bool = False) -> VersionAppendix:
    """The version-control table of the agreement as plain rows, for every print of it; the
    `public` edition's without the changes to restricted sections."""
    with copy.store.reader() as session:
        known = _refreshes(session)
        history = [_table(session, r, known) for r in known if r.based_on_uid is not None]
        hidden = {r.uid for r in records.list_rows(session, "section", include_deleted=True)
                  if r.fields.get("restricted") is True} if public else set()
    rows = tuple(version_rows(history, hidden))
    note = "" if rows else (f"No refresh of the agreement before {known[-1].label} is "
                            "recorded in this copy: there is nothing to compare it with.")
    return VersionAppendix(rows, note)
