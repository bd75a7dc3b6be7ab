"""A local plan's own sign-off: its chain (default: its partnership's board, then sent to the
PCC; services/approvals.set_chain with the plan sets another), the decisions recorded along it
in the district's copy (kind `plan-approval`), travelling in its bundle to the county."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csa_desktop.domain.cycle import PLAN_CHAIN, ChainStep, Stage, parse_stage
from csa_desktop.domain.kinds import KINDS, Value, check_value
from csa_desktop.domain.records import Changes, Record
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.approvals import (
    ChainChange,
    PlanTarget,
    StageState,
    chain_of,
    create_record,
    set_chain,
    stage_lines,
    update_record,
)
from csa_desktop.storage import records

if TYPE_CHECKING:
    from csa_desktop.services.copy import Copy



@dataclass(frozen=True)
class PlanWorkflow:
    """A local plan's approvals along its own chain (default: its partnership's board, then
    sent to the PCC). A step is reached when its decision is recorded, in order."""

    plan_uid: str
    plan_title: str
    partnership_uid: str
    partnership_name: str
    stages: tuple[StageState, ...]
    specs: tuple[Stage, ...]
    chain_recorded: bool

    @property
    def reached(self) -> int:
        return sum(1 for s in self.stages if s.reached)

    @property
    def current_stage(self) -> StageState | None:
        return self.stages[self.reached - 1] if self.reached else None

    @property
    def next_stage(self) -> StageState | None:
        return self.stages[self.reached] if self.reached < len(self.stages) else None

    @property
    def lines(self) -> tuple[str, ...]:
        return stage_lines(self.stages)

    @property
    def print_status(self) -> str:
        if not self.reached:
            return "Not yet approved (" + " → ".join(s.label for s in self.stages) + ")"
        return "; ".join(self.lines)


def plan_of(copy: Copy, partnership: str) -> Record:
    """The local plan of the partnership `partnership` names (its name or uid)."""
    partnerships = copy.records.list_kind("partnership")
    wanted = partnership.strip()
    chosen = next((p for p in partnerships if wanted in (p.uid, p.title)
                   or p.title.casefold() == wanted.casefold()), None)
    if chosen is None:
        with_plans = {p["partnership_uid"] for p in copy.records.list_kind("local-plan")}
        names = ", ".join(p.title for p in partnerships if p.uid in with_plans) or "none"
        raise InputError(f"no partnership is called '{wanted}' (with a local plan: {names})")
    plans = copy.records.list_kind("local-plan", where={"partnership_uid": chosen.uid})
    if not plans:
        raise InputError(f"{chosen.title} has no local plan yet")
    return plans[0]


def plan_workflow_of(plan: Record, partnership_name: str, steps: Sequence[Record],
                     decisions: Sequence[Record]) -> PlanWorkflow:
    chain = chain_of(steps, PLAN_CHAIN)
    specs = tuple(step.as_stage() for step in chain)
    by_step: dict[str, Record] = {}
    for decision in decisions:
        if not decision.deleted:
            by_step[str(decision.fields["step"])] = decision
    states = []
    reaching = True
    for s in specs:
        record = by_step.get(s.name)
        reaching = reaching and record is not None
        decided_on = record.fields.get("decided_on") if record else None
        states.append(StageState(
            s.status, s.label, reaching, False,
            decided_on if isinstance(decided_on, dt.date) else None,
            str(record.fields.get("minute_ref") or "") if record else "",
            str(record.fields.get("body") or "") if record else (s.body or partnership_name),
            record.uid if record else None,
            s.name, True, s.takes_minute, s.minute_required, s.sends_to_pcc))
    reached = sum(1 for st in states if st.reached)
    if reached:
        last = states[reached - 1]
        states[reached - 1] = StageState(**{**last.__dict__, "current": True})
    return PlanWorkflow(plan.uid, plan.title, str(plan.fields["partnership_uid"]),
                        partnership_name, tuple(states), specs,
                        any(not r.deleted for r in steps))


def plan_workflow(copy: Copy, partnership: str) -> PlanWorkflow:
    plan = plan_of(copy, partnership)
    name = copy.records.titles("partnership", [str(plan.fields["partnership_uid"])])
    return plan_workflow_of(
        plan, next(iter(name.values()), ""),
        copy.records.list_kind("approval-step", where={"plan_uid": plan.uid}),
        copy.records.list_kind("plan-approval", where={"plan_uid": plan.uid}))


def _require_plan_scope(copy: Copy, flow: PlanWorkflow) -> None:
    if not copy.records.can_create("plan-approval", {"plan_uid": flow.plan_uid}):
        raise ScopeError(f"this {copy.identity.role.value} copy cannot record the approvals "
                         f"of {flow.partnership_name}'s plan: it is outside its scope")


def _plan_dates(flow: PlanWorkflow, index: int, on: dt.date, today: dt.date) -> None:
    label = flow.stages[index].label
    if on > today:
        raise InputError(f"{on.isoformat()} is in the future; record '{label}' once it has "
                         "happened")
    earlier = [s for s in flow.stages[:index] if s.decided_on is not None]
    if earlier and on < earlier[-1].decided_on:  # type: ignore[operator]
        raise InputError(f"{on.isoformat()} is before '{earlier[-1].label}' "
                         f"({earlier[-1].decided_on}); decisions follow the order of the steps")
    later = [s for s in flow.stages[index + 1:] if s.decided_on is not None]
    if later and on > later[0].decided_on:  # type: ignore[operator]
        raise InputError(f"{on.isoformat()} is after '{later[0].label}' "
                         f"({later[0].decided_on}); decisions follow the order of the steps")


def plan_advance(copy: Copy, partnership: str, step_name: str, *, on: dt.date | None,
                 minute_ref: str | None = None, today: dt.date | None = None) -> Changes:
    """Record the decision of the next step of a local plan's chain (`csa approve STEP
    --plan PARTNERSHIP`): a date, not in the future nor before the previous decision, and
    a minute reference where the step takes (or requires) one."""
    flow = plan_workflow(copy, partnership)
    _require_plan_scope(copy, flow)
    target = parse_stage(step_name, flow.specs)
    index = flow.specs.index(target)
    minute = (minute_ref or "").strip()
    what = f"{flow.partnership_name}'s plan"
    if index < flow.reached:
        raise InputError(f"{what} is already past '{target.label}'; correct it with --correct "
                         "or step back with 'csa approve undo --plan'")
    if index > flow.reached:
        following = flow.stages[flow.reached]
        raise InputError(f"the next step of {what} is '{following.label}' (csa approve "
                         f"{following.name} --plan …), not '{target.label}'")
    if on is None:
        raise InputError(f"'{target.label}' needs the date of the decision (--date YYYY-MM-DD)")
    if minute and not target.takes_minute:
        raise InputError(f"'{target.label}' has no minute reference")
    if target.minute_required and not minute:
        raise InputError(f"'{target.label}' needs the minute reference of the decision "
                         "(--minute REF): this chain requires one for the step")
    if minute:
        check_value(KINDS["plan-approval"].field("minute_ref"), minute)
    _plan_dates(flow, index, on, today or dt.date.today())
    decision = ("Sent the local plan to the Police and Crime Commissioner."
                if target.sends_to_pcc else f"{target.verb} the local plan.")
    with copy.store.transaction() as session:
        return create_record(session, "plan-approval", "plan_uid", flow.plan_uid, {
            "step": target.name, "body": target.body or flow.partnership_name,
            "decision": decision, "decided_on": on, "minute_ref": minute or None,
        }, copy.identity.name)


def plan_correct(copy: Copy, partnership: str, step_name: str, *, on: dt.date | None = None,
                 minute_ref: str | None = None, today: dt.date | None = None) -> Changes:
    flow = plan_workflow(copy, partnership)
    _require_plan_scope(copy, flow)
    target = parse_stage(step_name, flow.specs)
    index = flow.specs.index(target)
    state = flow.stages[index]
    if state.approval_uid is None or not state.reached:
        raise InputError(f"'{target.label}' of {flow.partnership_name}'s plan is not recorded "
                         "yet: record it without --correct")
    if on is None and minute_ref is None:
        raise InputError(f"say what to correct in '{target.label}': --date YYYY-MM-DD, "
                         "--minute REF, or both")
    fix: dict[str, Value] = {}
    if on is not None:
        _plan_dates(flow, index, on, today or dt.date.today())
        fix["decided_on"] = on
    if minute_ref is not None:
        minute = minute_ref.strip()
        if minute and not target.takes_minute:
            raise InputError(f"'{target.label}' has no minute reference")
        if not minute and target.minute_required:
            raise InputError(f"'{target.label}' keeps its minute reference: this chain "
                             "requires one for the step")
        fix["minute_ref"] = check_value(KINDS["plan-approval"].field("minute_ref"),
                                        minute or None)
    with copy.store.transaction() as session:
        return update_record(session, "plan-approval", state.approval_uid, fix, copy.identity.name)


def plan_step_back(copy: Copy, partnership: str) -> Changes:
    """Withdraw the last decision recorded on a local plan (kept in the history)."""
    flow = plan_workflow(copy, partnership)
    _require_plan_scope(copy, flow)
    last = flow.current_stage
    if last is None or last.approval_uid is None:
        raise InputError(f"{flow.partnership_name}'s plan has no approval recorded to undo")
    with copy.store.transaction() as session:
        records.set_deleted(session, "plan-approval", last.approval_uid, True,
                            who=copy.identity.name)
    return Changes(deleted=(("plan-approval", last.approval_uid),))


def set_plan_chain(copy: Copy, partnership: str, chain: Sequence[ChainStep]) -> ChainChange:
    """Make `chain` the approval chain of the partnership's local plan (approvals.set_chain)."""
    found = plan_of(copy, partnership)
    if not copy.records.can_create("approval-step", {"plan_uid": found.uid}):
        raise ScopeError(f"this {copy.identity.role.value} copy cannot change the approval "
                         f"chain of {found.title}: it is outside its scope")
    target = PlanTarget(found.uid, plan_workflow(copy, partnership).lines)
    return set_chain(copy, chain, plan=target)
