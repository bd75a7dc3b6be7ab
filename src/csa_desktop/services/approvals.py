"""The approval workflow of the refresh in progress: Draft → Editorial review → the steps of the
county's approval chain (two-tier: Board → Cabinet → Full Council → sent to the PCC; unitary;
board-only; or its own), and each local plan's own chain.

The chain is data: `approval-step` records (no local plan: the agreement's; none recorded: the
two-tier preset). The stage is the agreement's `status` (a step's code, cycle.ChainStep.status);
each decision (Board, Cabinet, Full Council) is an
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
    DEFAULT_PRESET,
    FIRST_STEP,
    PLAN_CHAIN,
    PRESETS,
    ChainStep,
    Stage,
    check_chain,
    decision_stage,
    parse_stage,
    stages_of,
)
from csa_desktop.domain.kinds import KINDS, Value, check_value, new_uid
from csa_desktop.domain.ordering import key_between
from csa_desktop.domain.records import Changes, Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.printing.model import long_date  # English months whatever the locale
from csa_desktop.services.refresh import current_refresh
from csa_desktop.storage import records
from csa_desktop.storage.database import Session

if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy

BOARD_INDEX = FIRST_STEP  # the first step of the chain: a DRAFT watermark until it is reached


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
    name: str = ""  # the short name people type ("" for draft and editorial review)
    needs_date: bool = False
    takes_minute: bool = False
    minute_required: bool = False
    sends_to_pcc: bool = False


@dataclass(frozen=True)
class Workflow:
    """Where the refresh in progress stands, as every print shows it."""

    agreement_uid: str
    refresh_label: str
    status: str
    stages: tuple[StageState, ...]
    specs: tuple[Stage, ...] = ()  # the stages of the chain, as parse_stage reads them
    chain_recorded: bool = True  # False: the copy records no chain and follows two-tier

    @property
    def index(self) -> int:
        return next(i for i, s in enumerate(self.stages) if s.current)

    @property
    def draft(self) -> bool:
        """A DRAFT watermark until the chain's first step (the Board) has approved it."""
        return self.index < BOARD_INDEX

    @property
    def current_stage(self) -> StageState:
        return self.stages[self.index]

    @property
    def next_stage(self) -> StageState | None:
        index = self.index
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    @property
    def chain(self) -> tuple[StageState, ...]:
        """The steps of the county's chain, after draft and editorial review."""
        return self.stages[BOARD_INDEX:]

    @property
    def chain_line(self) -> str:
        """The chain in one line, each step done ticked: "✓ Approved by the Board →
        Noted by Cabinet → Sent to the PCC"."""
        return " → ".join(("✓ " if s.reached else "") + s.label for s in self.chain)

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
        return stage_lines(self.stages[1:])


def stage_lines(stages: Sequence[StageState]) -> tuple[str, ...]:
    """Each stage reached, with its date and minute: the lines of an approvals box."""
    found = []
    for s in stages:
        if not s.reached:
            continue
        text = s.label
        if s.decided_on:
            text += f": {long_date(s.decided_on)}"
        if s.minute_ref:
            text += f", minute {s.minute_ref}"
        found.append(text)
    return tuple(found)


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
        "approval", where={"agreement_uid": agreements[0].uid}),
        copy.records.list_kind("approval-step", where={"plan_uid": None}))


def chain_of(steps: Sequence[Record], default: Sequence[ChainStep] = PRESETS[DEFAULT_PRESET],
             ) -> tuple[ChainStep, ...]:
    """The chain the live `approval-step` records make, in order; `default` when none."""
    live = [r for r in steps if not r.deleted]
    if not live:
        return tuple(default)
    return tuple(ChainStep(str(r.fields["name"]), str(r.fields["label"]),
                           str(r.fields.get("body") or ""),
                           bool(r.fields.get("minute_required")),
                           bool(r.fields.get("sends_to_pcc"))) for r in live)


def agreement_chain(copy: Copy) -> tuple[ChainStep, ...]:
    return chain_of(copy.records.list_kind("approval-step", where={"plan_uid": None}))


def preset_named(name: str) -> tuple[ChainStep, ...]:
    key = name.strip().lower()
    if key not in PRESETS:
        raise InputError(f"'{name}' is not a chain preset (presets: {', '.join(PRESETS)})")
    return PRESETS[key]


def preset_of(chain: Sequence[ChainStep]) -> str | None:
    """The preset a chain is (labels and bodies aside), or None for a county's own."""
    shape = [(s.name, s.minute_required, s.sends_to_pcc) for s in chain]
    for name, steps in PRESETS.items():
        if shape == [(s.name, s.minute_required, s.sends_to_pcc) for s in steps]:
            return name
    return None


def _index_of(status: str, specs: Sequence[Stage], reached: Sequence[bool]) -> int:
    """Where `status` stands among `specs`; a step no longer in the chain (a bundle made
    before the lead changed it) stands at the last step with a decision recorded."""
    for i, s in enumerate(specs):
        if s.status == status:
            return i
    if status == "draft":
        return 0
    found = [i for i, done in enumerate(reached) if done]
    return found[-1] if found else BOARD_INDEX - 1


def workflow_of(agreement: Record, approvals: Sequence[Record],
                steps: Sequence[Record] = ()) -> Workflow:
    """The workflow of the copy's agreement (the first in order) from its approval records,
    all of them in their order (those of earlier refreshes are left out here), along its
    chain (`steps`: the agreement's `approval-step` records; none: two-tier)."""
    chain = chain_of(steps)
    specs = stages_of(chain)
    status = str(agreement.fields["status"])
    label = agreement.fields.get("refresh_label")
    decisions: dict[str, Record] = {}
    for approval in approvals:
        if approval.fields.get("refresh_label") not in (None, label):
            continue  # an earlier refresh's, as current_approvals leaves out
        found = stage_of(approval)
        if found is not None:
            decisions[found] = approval  # the last one in order wins
    sent_on = agreement.fields.get("sent_to_pcc_on")
    recorded = [s.status in decisions or (s.sends_to_pcc and sent_on is not None)
                for s in specs]
    index = _index_of(status, specs, recorded)
    states = []
    for i, s in enumerate(specs):
        record = decisions.get(s.status)
        decided_on = record.fields.get("decided_on") if record else None
        if s.sends_to_pcc:
            decided_on = sent_on
        states.append(StageState(
            s.status, s.label, i <= index, i == index,
            decided_on if isinstance(decided_on, dt.date) else None,
            str(record.fields.get("minute_ref") or "") if record else "",
            str(record.fields.get("body") or "") if record else
            (s.body or (_board_body(agreement) if s.needs_date else "")),
            record.uid if record else None,
            s.name, s.needs_date, s.takes_minute, s.minute_required, s.sends_to_pcc,
        ))
    return Workflow(agreement.uid, str(agreement.fields.get("refresh_label") or ""),
                    specs[index].status, tuple(states), specs,
                    any(not r.deleted for r in steps))


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


def _step_help(target: Stage) -> str:
    return target.name or target.status


def advance(copy: Copy, stage_name: str, *, on: dt.date | None = None,
            minute_ref: str | None = None, today: dt.date | None = None) -> Changes:
    """Move the refresh in progress to the next stage, recording the decision.

    Only the next stage is allowed; every step of the chain needs a date, not in the future
    and not before the previous decision; a minute reference goes with a decision (not with
    sending to the PCC), and must, where the chain says the step requires one.
    """
    _require_lead(copy)
    now = workflow(copy)
    specs = now.specs
    target = parse_stage(stage_name, specs)
    today = today or dt.date.today()
    current = specs[now.index]
    target_index = specs.index(target)
    current_index = now.index
    minute = (minute_ref or "").strip()
    if target_index == current_index:
        raise InputError(f"the {now.refresh_label} refresh is already at '{target.label}'")
    if target_index < current_index:
        raise InputError(f"the {now.refresh_label} refresh is already past '{target.label}' "
                         f"(it is at '{current.label}'); use 'csa approve undo' to step back")
    if target_index > current_index + 1:
        following = specs[current_index + 1]
        raise InputError(f"the {now.refresh_label} refresh is at '{current.label}'; the next "
                         f"step is '{following.label}' (csa approve {_step_help(following)}), "
                         f"not '{target.label}'")
    if target.needs_date and on is None:
        raise InputError(f"'{target.label}' needs the date of the decision (--date YYYY-MM-DD)")
    if target.minute_required and not minute:
        raise InputError(f"'{target.label}' needs the minute reference of the decision "
                         "(--minute REF): this chain requires one for the step")
    _check_decision(now, target, on, minute, today)
    who = copy.identity.name
    first = current_refresh(copy).based_on_uid is None
    with copy.store.transaction() as session:
        agreement = records.get(session, "agreement", now.agreement_uid)
        assert agreement is not None
        if target.sends_to_pcc:
            changes = update_record(session, "agreement", agreement.uid,
                                    {"sent_to_pcc_on": on}, who)
        elif target.needs_date:
            stamp = {"decided_on": on, "minute_ref": minute or None, "stage": target.status,
                     "refresh_label": now.refresh_label or None}
            existing = now.stages[target_index].approval_uid
            if existing is not None:
                changes = update_record(session, "approval", existing, stamp, who)
            else:
                changes = _create_approval(session, agreement, {
                    "body": target.body or _board_body(agreement),
                    "decision": _decision_text(target, now.refresh_label, first), **stamp,
                }, who)
        else:
            changes = Changes()
        changes += update_record(session, "agreement", agreement.uid,
                                 {"status": target.status}, who)
    return changes


def _check_decision(now: Workflow, target: Stage, on: dt.date | None, minute: str,
                    today: dt.date) -> None:
    """The checks a decision's date and minute reference pass, when recorded or corrected:
    a date only from the chain's first step on, not in the future, in the order of the
    stages; a minute reference only for a decision (not sending to the PCC)."""
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
    index = list(now.specs).index(target)
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
    stage takes one. `minute_ref=""` clears it, unless the chain requires one.
    """
    _require_lead(copy)
    now = workflow(copy)
    target = parse_stage(stage_name, now.specs)
    today = today or dt.date.today()
    index = list(now.specs).index(target)
    current = now.specs[now.index]
    if not target.needs_date:
        raise InputError(f"'{target.label}' has no date or minute reference to correct")
    if index > now.index:
        raise InputError(f"the {now.refresh_label} refresh has not reached '{target.label}' "
                         f"(it is at '{current.label}'); record it with 'csa approve "
                         f"{_step_help(target)} --date YYYY-MM-DD'")
    if on is None and minute_ref is None:
        raise InputError(f"say what to correct in '{target.label}': --date YYYY-MM-DD, "
                         "--minute REF, or both")
    minute = None if minute_ref is None else minute_ref.strip()
    if minute == "" and target.minute_required:
        raise InputError(f"'{target.label}' keeps its minute reference: this chain requires "
                         "one for the step (give the right one with --minute REF)")
    _check_decision(now, target, on, minute or "", today)
    state = now.stages[index]
    who = copy.identity.name
    first = current_refresh(copy).based_on_uid is None
    with copy.store.transaction() as session:
        if target.sends_to_pcc:
            return update_record(session, "agreement", now.agreement_uid,
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
            return update_record(session, "approval", state.approval_uid, stamp, who)
        # A stage reached in a copy that kept no decision record for it: record one now.
        if stamp["decided_on"] is None:
            raise InputError(f"'{target.label}' has no decision recorded yet; give its date "
                             "(--date YYYY-MM-DD)")
        agreement = records.get(session, "agreement", now.agreement_uid)
        assert agreement is not None
        return _create_approval(session, agreement, {
            "body": target.body or _board_body(agreement),
            "decision": _decision_text(target, now.refresh_label, first), **stamp,
        }, who)


def update_record(session: Session, kind: str, uid: str, values: Mapping[str, Value],
            who: str) -> Changes:
    changed = records.update(session, kind, uid, values, who=who)
    return Changes(updated=((kind, uid),), fields={uid: changed}) if changed else Changes()


def create_record(session: Session, kind: str, parent_field: str, parent_uid: str | None,
            values: Mapping[str, Value], who: str) -> Changes:
    siblings = records.list_rows(session, kind, where={parent_field: parent_uid},
                                 include_deleted=True)
    positions = [p for r in siblings if isinstance(p := r.fields.get("position"), str)]
    clean: dict[str, Value] = {f.name: None for f in KINDS[kind].fields}
    clean.update({parent_field: parent_uid, **values,
                  "position": key_between(max(positions) if positions else None, None)})
    for name, value in clean.items():
        clean[name] = check_value(KINDS[kind].field(name), value)
    record = records.insert(session, kind, new_uid(), clean, who=who)
    return Changes(created=((kind, record.uid),), fields={record.uid: tuple(clean)})


def _create_approval(session: Session, agreement: Record, values: Mapping[str, Value],
                     who: str) -> Changes:
    return create_record(session, "approval", "agreement_uid", agreement.uid, values, who)


def step_back(copy: Copy) -> Changes:
    """Undo the last stage: the status goes back one step and that stage's decision record is
    deleted (kept in the history) or the date sent to the PCC cleared."""
    _require_lead(copy)
    now = workflow(copy)
    index = now.index
    if index == 0:
        raise InputError(f"the {now.refresh_label} refresh is a draft; there is no step to undo")
    last = now.stages[index]
    who = copy.identity.name
    with copy.store.transaction() as session:
        changes = Changes()
        if last.sends_to_pcc:
            changes += update_record(session, "agreement", now.agreement_uid,
                               {"sent_to_pcc_on": None}, who)
        elif last.approval_uid is not None:
            records.set_deleted(session, "approval", last.approval_uid, True, who=who)
            changes += Changes(deleted=(("approval", last.approval_uid),))
        changes += update_record(session, "agreement", now.agreement_uid,
                           {"status": now.specs[index - 1].status}, who)
    return changes


# --- the chain itself -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainChange:
    """What setting a chain did: the steps added, kept and removed, the decisions already
    recorded (all kept), and where the status moved when its step left the chain."""

    changes: Changes
    chain: tuple[ChainStep, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    kept_decisions: tuple[str, ...]  # "Approved by the Board: 4 July 2022", as lines
    status_moved: tuple[str, str] | None  # (from, to) labels

    @property
    def empty(self) -> bool:
        return self.changes.empty


@dataclass(frozen=True)
class PlanTarget:
    """A local plan whose chain is set (services/plan_approvals.set_plan_chain finds it)."""

    uid: str
    lines: tuple[str, ...]  # its approvals so far, for the change's report


def set_chain(copy: Copy, chain: Sequence[ChainStep], *,
              plan: PlanTarget | None = None) -> ChainChange:
    """Make `chain` the agreement's approval chain (with `plan`: that local plan's, as
    plan_approvals.set_plan_chain gives it), as `approval-step` records: a step keeps its
    record (and its history) by its short name; a step left out is deleted, kept in the
    history. Decisions already recorded stay as they are; when the agreement's current step
    leaves the chain, its status goes back to the last step of the new chain with a decision
    recorded."""
    steps = check_chain(chain)
    if plan is not None:
        plan_uid: str | None = plan.uid
        before_lines = plan.lines
        before = None
    else:
        _require_lead(copy)
        plan_uid = None
        before = workflow(copy)
        before_lines = before.lines
    board_body = ""
    who = copy.identity.name
    added: list[str] = []
    removed: list[str] = []
    with copy.store.transaction() as session:
        if plan_uid is None:
            agreement = records.get(session, "agreement", before.agreement_uid)  # type: ignore[union-attr]
            assert agreement is not None
            board_body = _board_body(agreement)
        held = records.list_rows(session, "approval-step", where={"plan_uid": plan_uid},
                                 include_deleted=True)
        changes = Changes()
        if not held:  # the default chain was followed: record it first, so that what this
            # change leaves out is deleted with its history like any other step
            default = PRESETS[DEFAULT_PRESET] if plan_uid is None else PLAN_CHAIN
            changes += _write_steps(session, default, plan_uid, board_body, {}, who)
            held = records.list_rows(session, "approval-step", where={"plan_uid": plan_uid},
                                     include_deleted=True)
        by_name = {str(r.fields["name"]): r for r in held}
        for step in steps:
            record = by_name.get(step.name)
            if record is None or record.deleted:
                added.append(step.name)
        changes += _write_steps(session, steps, plan_uid, board_body, by_name, who)
        wanted = {s.name for s in steps}
        for name, record in by_name.items():
            if name not in wanted and not record.deleted:
                records.set_deleted(session, "approval-step", record.uid, True, who=who)
                changes += Changes(deleted=(("approval-step", record.uid),))
                removed.append(name)
        moved: tuple[str, str] | None = None
        if before is not None:
            codes = [s.status for s in steps]
            if before.status not in ("draft", "editorial-review") and before.status not in codes:
                done = [s for s in steps if any(
                    st.status == s.status and st.reached and
                    (st.approval_uid is not None or st.decided_on is not None)
                    for st in before.stages)]
                target = done[-1].status if done else "editorial-review"
                changes += update_record(session, "agreement", before.agreement_uid,
                                   {"status": target}, who)
                moved = (before.current_stage.label,
                         next((s.label for s in steps if s.status == target),
                              "Editorial review"))
    return ChainChange(changes, steps, tuple(added), tuple(removed), before_lines, moved)


def _write_steps(session: Session, steps: Sequence[ChainStep], plan_uid: str | None,
                 board_body: str, by_name: Mapping[str, Record], who: str) -> Changes:
    """Write `steps` in order: a step held in `by_name` (live or deleted) keeps its record."""
    changes = Changes()
    position: str | None = None
    for step in steps:
        position = key_between(position, None)
        values: dict[str, Value] = {
            "plan_uid": plan_uid, "name": step.name, "label": step.label.strip(),
            "body": step.body.strip() or (board_body if step.name == "board" else None),
            "minute_required": step.minute_required, "sends_to_pcc": step.sends_to_pcc,
            "position": position}
        for name, value in values.items():
            values[name] = check_value(KINDS["approval-step"].field(name), value)
        record = by_name.get(step.name)
        if record is None:
            made = records.insert(session, "approval-step", new_uid(), values, who=who)
            changes += Changes(created=(("approval-step", made.uid),),
                               fields={made.uid: tuple(values)})
            continue
        if record.deleted:
            records.set_deleted(session, "approval-step", record.uid, False, who=who)
            changes += Changes(updated=(("approval-step", record.uid),),
                               fields={record.uid: ("deleted",)})
        changes += update_record(session, "approval-step", record.uid, values, who)
    return changes
