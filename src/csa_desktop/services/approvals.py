"""The approval workflow of the refresh in progress: Draft → Editorial review → Approved by the
Board → Noted by Cabinet → Approved by Full Council → Sent to the PCC.

The stage is the agreement's `status`; each decision (Board, Cabinet, Full Council) is an
approval record with its `stage`, date, minute reference and refresh year, and the date sent to
the PCC is the agreement's `sent_to_pcc_on`. So the workflow travels in baselines and prints
like any other record. Approval records made before stages were recorded (no `stage`) are
recognised by their body, so existing copies show their dates too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csa_desktop.domain.cycle import (
    STAGES,
    Stage,
    decision_stage,
    parse_stage,
    stage,
    stage_index,
)
from csa_desktop.domain.kinds import AGREEMENT_STATUSES, KINDS, Value, check_value, new_uid
from csa_desktop.domain.ordering import key_between
from csa_desktop.domain.records import Changes, Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.refresh import current_refresh
from csa_desktop.storage import records
from csa_desktop.storage.database import Session

if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy

BOARD_INDEX = AGREEMENT_STATUSES.index("approved-by-board")


@dataclass(frozen=True)
class StageState:
    status: str
    label: str
    reached: bool
    current: bool
    decided_on: dt.date | None
    minute_ref: str
    body: str
    approval_uid: str | None  # the decision record, when there is one


@dataclass(frozen=True)
class Workflow:
    """Where the refresh in progress stands, as every print shows it."""

    agreement_uid: str
    refresh_label: str
    status: str
    stages: tuple[StageState, ...]

    @property
    def draft(self) -> bool:
        """A DRAFT watermark until the Board has approved the refresh."""
        return AGREEMENT_STATUSES.index(self.status) < BOARD_INDEX

    @property
    def current_stage(self) -> StageState:
        return next(s for s in self.stages if s.current)

    @property
    def next_stage(self) -> StageState | None:
        index = AGREEMENT_STATUSES.index(self.status)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    @property
    def print_status(self) -> str:
        """One line for the title band and footer of every print."""
        if self.status == "draft":
            return "DRAFT — not yet approved"
        if self.draft:
            return "DRAFT — in editorial review"
        parts = []
        for s in self.stages[BOARD_INDEX:]:
            if not s.reached:
                break
            text = s.label
            if s.decided_on:
                text += f" {long_date(s.decided_on)}"
            if s.minute_ref:
                text += f" (minute {s.minute_ref})"
            parts.append(text)
        return "; ".join(parts)

    @property
    def lines(self) -> tuple[str, ...]:
        """Each stage reached, as a line for an approvals box on a print."""
        found = []
        for s in self.stages[1:]:
            if not s.reached:
                continue
            text = s.label
            if s.decided_on:
                text += f": {long_date(s.decided_on)}"
            if s.minute_ref:
                text += f", minute {s.minute_ref}"
            found.append(text)
        return tuple(found)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def stage_of(approval: Record) -> str | None:
    return decision_stage(approval.fields)


def current_approvals(copy: Copy) -> list[Record]:
    """The approval records of the refresh in progress (earlier refreshes' stay in the copy
    with their year and are left out), in their order."""
    agreements = copy.records.list_kind("agreement")
    if not agreements:
        return []
    label = agreements[0].fields.get("refresh_label")
    return [a for a in copy.records.list_kind("approval",
                                              where={"agreement_uid": agreements[0].uid})
            if a.fields.get("refresh_label") in (None, label)]


def workflow(copy: Copy) -> Workflow:
    agreements = copy.records.list_kind("agreement")
    if not agreements:
        raise InputError("this copy has no agreement yet")
    return workflow_of(agreements[0], copy.records.list_kind(
        "approval", where={"agreement_uid": agreements[0].uid}))


def workflow_of(agreement: Record, approvals: Sequence[Record]) -> Workflow:
    """The workflow of the copy's agreement (the first in order) from its approval records,
    all of them in their order (those of earlier refreshes are left out here)."""
    status = str(agreement.fields["status"])
    index = AGREEMENT_STATUSES.index(status)
    label = agreement.fields.get("refresh_label")
    decisions: dict[str, Record] = {}
    for approval in approvals:
        if approval.fields.get("refresh_label") not in (None, label):
            continue  # an earlier refresh's, as current_approvals leaves out
        found = stage_of(approval)
        if found is not None:
            decisions[found] = approval  # the last one in order wins
    states = []
    for i, s in enumerate(STAGES):
        record = decisions.get(s.status)
        decided_on = record.fields.get("decided_on") if record else None
        if s.status == "sent-to-pcc":
            decided_on = agreement.fields.get("sent_to_pcc_on")
        states.append(StageState(
            s.status, s.label, i <= index, i == index,
            decided_on if isinstance(decided_on, dt.date) else None,
            str(record.fields.get("minute_ref") or "") if record else "",
            str(record.fields.get("body") or "") if record else s.body,
            record.uid if record else None,
        ))
    return Workflow(agreement.uid, str(agreement.fields.get("refresh_label") or ""), status,
                    tuple(states))


def _board_body(agreement: Record) -> str:
    group = str(agreement.fields.get("strategy_group") or "").strip()
    name = group.split(" (", 1)[0].strip()
    return name or "Community Safety Partnership Board"


def _decision_text(target: Stage, refresh_label: str, first: bool) -> str:
    what = "the agreement" if first else f"the {refresh_label} refresh of the agreement"
    match target.status:
        case "approved-by-board":
            return f"Approved {what}."
        case "noted-by-cabinet":
            return f"Noted {what} and recommended that Full Council approve it."
        case "approved-by-council":
            return f"Approved {what} as part of the Council's Policy Framework."
    return f"{target.verb} {what}."


def _require_lead(copy: Copy) -> None:
    if copy.identity.role is not Role.LEAD:
        raise ScopeError("only the lead's master copy records approvals; this is a "
                         f"{copy.identity.role.value} copy")


def advance(copy: Copy, stage_name: str, *, on: dt.date | None = None,
            minute_ref: str | None = None, today: dt.date | None = None) -> Changes:
    """Move the refresh in progress to the next stage, recording the decision.

    Only the next stage is allowed; Board, Cabinet, Full Council and the PCC need a date, not
    in the future and not before the previous decision; a minute reference goes with a Board,
    Cabinet or Full Council decision.
    """
    _require_lead(copy)
    target = parse_stage(stage_name)
    now = workflow(copy)
    today = today or dt.date.today()
    current = stage(now.status)
    target_index = stage_index(target.status)
    current_index = stage_index(current.status)
    minute = (minute_ref or "").strip()
    if target_index == current_index:
        raise InputError(f"the {now.refresh_label} refresh is already at '{target.label}'")
    if target_index < current_index:
        raise InputError(f"the {now.refresh_label} refresh is already past '{target.label}' "
                         f"(it is at '{current.label}'); use 'csa approve undo' to step back")
    if target_index > current_index + 1:
        following = STAGES[current_index + 1]
        raise InputError(f"the {now.refresh_label} refresh is at '{current.label}'; the next "
                         f"step is '{following.label}' (csa approve {following.status}), not "
                         f"'{target.label}'")
    if target.needs_date and on is None:
        raise InputError(f"'{target.label}' needs the date of the decision (--date YYYY-MM-DD)")
    _check_decision(now, target, on, minute, today)
    who = copy.identity.name
    first = current_refresh(copy).based_on_uid is None
    with copy.store.transaction() as session:
        agreement = records.get(session, "agreement", now.agreement_uid)
        assert agreement is not None
        if target.status == "sent-to-pcc":
            changes = _update(session, "agreement", agreement.uid, {"sent_to_pcc_on": on}, who)
        elif target.needs_date:
            stamp = {"decided_on": on, "minute_ref": minute or None, "stage": target.status,
                     "refresh_label": now.refresh_label or None}
            existing = now.stages[target_index].approval_uid
            if existing is not None:
                changes = _update(session, "approval", existing, stamp, who)
            else:
                changes = _create_approval(session, agreement, {
                    "body": _board_body(agreement) if target.status == "approved-by-board"
                    else target.body,
                    "decision": _decision_text(target, now.refresh_label, first), **stamp,
                }, who)
        else:
            changes = Changes()
        changes += _update(session, "agreement", agreement.uid, {"status": target.status}, who)
    return changes


def _check_decision(now: Workflow, target: Stage, on: dt.date | None, minute: str,
                    today: dt.date) -> None:
    """The checks a decision's date and minute reference pass, when recorded or corrected:
    a date only from the Board on, not in the future, in the order of the stages; a minute
    reference only for the Board, Cabinet and Full Council."""
    if on is not None and not target.needs_date:
        raise InputError(f"'{target.label}' is a step of the editorial group and takes no date")
    if on is not None and on > today:
        raise InputError(f"{on.isoformat()} is in the future; record '{target.label}' once it "
                         "has happened")
    if minute and not target.takes_minute:
        raise InputError(f"'{target.label}' has no minute reference")
    if minute:
        check_value(KINDS["approval"].field("minute_ref"), minute)
    if on is None:
        return
    index = stage_index(target.status)
    earlier = [s for s in now.stages[:index] if s.decided_on is not None]
    if earlier and on < earlier[-1].decided_on:  # type: ignore[operator]
        raise InputError(f"{on.isoformat()} is before '{earlier[-1].label}' "
                         f"({earlier[-1].decided_on}); decisions follow the order of the stages")
    later = [s for s in now.stages[index + 1:] if s.reached and s.decided_on is not None]
    if later and on > later[0].decided_on:  # type: ignore[operator]
        raise InputError(f"{on.isoformat()} is after '{later[0].label}' "
                         f"({later[0].decided_on}); decisions follow the order of the stages")


def correct(copy: Copy, stage_name: str, *, on: dt.date | None = None,
            minute_ref: str | None = None, today: dt.date | None = None) -> Changes:
    """Correct the date or minute reference of a decision already recorded (a typo, a wrong
    date) without stepping back through the later stages.

    The checks of `advance` hold: a date not in the future and in the order of the stages
    (after the previous decision, before the next one), a minute reference only where the
    stage takes one. `minute_ref=""` clears it. Body and decision text stay as recorded.
    """
    _require_lead(copy)
    target = parse_stage(stage_name)
    now = workflow(copy)
    today = today or dt.date.today()
    index = stage_index(target.status)
    current = stage(now.status)
    if not target.needs_date:
        raise InputError(f"'{target.label}' has no date or minute reference to correct")
    if index > stage_index(current.status):
        raise InputError(f"the {now.refresh_label} refresh has not reached '{target.label}' "
                         f"(it is at '{current.label}'); record it with 'csa approve "
                         f"{target.status} --date YYYY-MM-DD'")
    if on is None and minute_ref is None:
        raise InputError(f"say what to correct in '{target.label}': --date YYYY-MM-DD, "
                         "--minute REF, or both")
    minute = None if minute_ref is None else minute_ref.strip()
    _check_decision(now, target, on, minute or "", today)
    state = now.stages[index]
    who = copy.identity.name
    first = current_refresh(copy).based_on_uid is None
    with copy.store.transaction() as session:
        if target.status == "sent-to-pcc":
            return _update(session, "agreement", now.agreement_uid,
                           {"sent_to_pcc_on": on or state.decided_on}, who)
        fix: dict[str, Value] = {"decided_on": on or state.decided_on}
        if minute is not None:
            fix["minute_ref"] = minute or None
        stamp = {**fix, "stage": target.status, "refresh_label": now.refresh_label or None}
        if state.approval_uid is not None:
            recorded = records.get(session, "approval", state.approval_uid)
            assert recorded is not None
            if all(recorded.fields.get(name) == value for name, value in fix.items()):
                return Changes()  # already so: a record of the days before stages stays as is
            return _update(session, "approval", state.approval_uid, stamp, who)
        # A stage reached in a copy that kept no decision record for it: record one now.
        if stamp["decided_on"] is None:
            raise InputError(f"'{target.label}' has no decision recorded yet; give its date "
                             "(--date YYYY-MM-DD)")
        agreement = records.get(session, "agreement", now.agreement_uid)
        assert agreement is not None
        return _create_approval(session, agreement, {
            "body": _board_body(agreement) if target.status == "approved-by-board"
            else target.body,
            "decision": _decision_text(target, now.refresh_label, first), **stamp,
        }, who)


def _update(session: Session, kind: str, uid: str, values: Mapping[str, Value],
            who: str) -> Changes:
    changed = records.update(session, kind, uid, values, who=who)
    return Changes(updated=((kind, uid),), fields={uid: changed}) if changed else Changes()


def _create_approval(session: Session, agreement: Record, values: Mapping[str, Value],
                     who: str) -> Changes:
    siblings = records.list_rows(session, "approval", where={"agreement_uid": agreement.uid},
                                 include_deleted=True)
    positions = [p for r in siblings if isinstance(p := r.fields.get("position"), str)]
    clean: dict[str, Value] = {f.name: None for f in KINDS["approval"].fields}
    clean.update({"agreement_uid": agreement.uid, **values,
                  "position": key_between(max(positions) if positions else None, None)})
    for name, value in clean.items():
        clean[name] = check_value(KINDS["approval"].field(name), value)
    record = records.insert(session, "approval", new_uid(), clean, who=who)
    return Changes(created=(("approval", record.uid),), fields={record.uid: tuple(clean)})


def step_back(copy: Copy) -> Changes:
    """Undo the last stage: the status goes back one step and that stage's decision record is
    deleted (kept in the history) or the date sent to the PCC cleared."""
    _require_lead(copy)
    now = workflow(copy)
    index = AGREEMENT_STATUSES.index(now.status)
    if index == 0:
        raise InputError(f"the {now.refresh_label} refresh is a draft; there is no step to undo")
    last = now.stages[index]
    who = copy.identity.name
    with copy.store.transaction() as session:
        changes = Changes()
        if last.status == "sent-to-pcc":
            changes += _update(session, "agreement", now.agreement_uid,
                               {"sent_to_pcc_on": None}, who)
        elif last.approval_uid is not None:
            records.set_deleted(session, "approval", last.approval_uid, True, who=who)
            changes += Changes(deleted=(("approval", last.approval_uid),))
        changes += _update(session, "agreement", now.agreement_uid,
                           {"status": AGREEMENT_STATUSES[index - 1]}, who)
    return changes
