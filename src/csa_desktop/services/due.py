"""What is due: the actions past their date and still open, the progress updates owed for the
reporting period (the county's calendar: due a number of days after a quarter ends, listed
once due; with none, the current quarter, due by its last day), the approvals waiting on the
next step of their chain (the agreement's refresh, and each local plan once its sign-off has
begun), the agreement or a local plan not yet sent to the PCC after its last approval, and
the next meeting of each board. A district copy sees its own partnerships (and the county's
meetings); the lead every partnership. The due list prints the same for a meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from csa_desktop.domain.cycle import next_label, year_span
from csa_desktop.domain.records import Record
from csa_desktop.domain.reporting import quarter_span
from csa_desktop.domain.roles import Role
from csa_desktop.printing.due_model import DueGroup, DueLine, DueListDocument
from csa_desktop.printing.model import PrintMeta, long_date
from csa_desktop.services.approvals import StageState, Workflow, workflow
from csa_desktop.services.copy import Copy
from csa_desktop.services.dashboard import reporting_lists, shown_actions
from csa_desktop.services.plan_approvals import plan_workflow_of
from csa_desktop.services.printing import partnership_named

KINDS_OF_DUE = ("overdue-action", "missing-update", "approval", "not-sent-to-pcc",
                "next-meeting", "next-refresh")
HEADINGS = {"overdue-action": "Actions past their due date",
            "missing-update": "Progress updates owed",
            "approval": "Approvals waiting on the next step",
            "not-sent-to-pcc": "Not yet sent to the PCC after the last approval",
            "next-meeting": "Next meetings",
            "next-refresh": "The next refresh"}


@dataclass(frozen=True)
class DueItem:
    kind: str  # one of KINDS_OF_DUE
    partnership: str  # "" for the agreement's approvals
    title: str  # the action's title, or the agreement's step
    due_on: dt.date | None  # when it was or is due
    detail: str
    uid: str  # the action, the agreement, or the local plan

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "partnership": self.partnership or None,
                "title": self.title, "due_on": self.due_on.isoformat() if self.due_on else None,
                "detail": self.detail, "uid": self.uid}


def due_items(copy: Copy, *, partnership: str | None = None, today: dt.date | None = None,
              actions: bool = True) -> list[DueItem]:
    """Everything due on `today`, oldest first within each kind; `partnership` (a name or uid)
    keeps that partnership's actions and leaves the agreement's approvals out. `actions`
    False: not the actions past due and the updates owed (the dashboard counts those)."""
    day = today or dt.date.today()
    chosen = partnership_named(copy, partnership).uid if partnership else None
    items = _action_items(copy, chosen, day) if actions else []
    agreements = copy.records.list_kind("agreement")
    if chosen is None and agreements:
        items += _agreement_items(workflow(copy), day)
    items += _plan_items(copy, chosen, day)
    items += _meeting_items(copy, chosen, day)
    if agreements:
        items += _refresh_items(agreements[0], day)
    return items


def _action_items(copy: Copy, chosen: str | None, day: dt.date) -> list[DueItem]:
    rows = [row for row in shown_actions(copy)
            if chosen is None or row.partnership_uid == chosen]
    lists = reporting_lists(copy, rows, day)
    overdue = lists.link(chosen, overdue=True).select(rows, day)
    missing = lists.link(chosen, missing=True).select(rows, day)
    update_due = lists.due_on or quarter_span(lists.period)[1]
    items = [DueItem("overdue-action", row.partnership_name, row.title, row.due_on,
                     f"{(day - row.due_on).days} days overdue, {row.status.replace('-', ' ')}"
                     if row.due_on else "overdue", row.uid)
             for row in sorted(overdue, key=lambda r: (r.due_on or day, r.partnership_name))]
    items += [DueItem("missing-update", row.partnership_name, row.title, update_due,
                      f"no progress update for {lists.period} yet", row.uid)
              for row in sorted(missing, key=lambda r: (r.partnership_name, r.title))]
    return items


def _refresh_items(agreement: Record, day: dt.date) -> list[DueItem]:
    """The next annual refresh (its financial year's first day), or a new agreement when the
    agreement ends before that year begins (a rolling one never does)."""
    label = agreement.fields.get("refresh_label")
    following = next_label(label if isinstance(label, str) else None, day)
    starts = year_span(int(following[:4]))[0]
    end = agreement.fields.get("period_end")
    if agreement.fields.get("rolling") is not True and isinstance(end, dt.date) and starts > end:
        return [DueItem("next-refresh", "", "A new agreement", end,
                        f"this agreement ends {long_date(end)} ({_from_today(end, day)}): the "
                        "next one rests on a new strategic assessment", agreement.uid)]
    return [DueItem("next-refresh", "", f"The {following} refresh", starts,
                    f"its year begins {long_date(starts)} ({_from_today(starts, day)}): "
                    f"csa refresh start --year {following}, or Agreement ▸ Start annual "
                    "refresh…", agreement.uid)]


def _from_today(when: dt.date, day: dt.date) -> str:
    days = (when - day).days
    if days == 0:
        return "today"
    plural = "s" if abs(days) != 1 else ""
    return f"in {days} day{plural}" if days > 0 else f"{-days} day{plural} ago"


def _wanted(copy: Copy, chosen: str | None) -> set[str] | None:
    """The partnerships whose items are listed: `chosen`, or the copy's scope (None: all)."""
    if chosen is not None:
        return {chosen}
    if copy.identity.role is Role.LEAD:
        return None
    return set(copy.identity.partnership_uids)


def _meeting_items(copy: Copy, chosen: str | None, day: dt.date) -> list[DueItem]:
    """The next meeting (on or after `day`) of each body: the county's, and those of the
    partnerships listed."""
    wanted = _wanted(copy, chosen)
    names = {p.uid: p.title for p in copy.records.list_kind("partnership")}
    following: dict[tuple[str, str], tuple[dt.date, str]] = {}
    for meeting in copy.records.list_kind("meeting"):
        held = meeting.fields.get("held_on")
        owner = meeting.fields.get("partnership_uid")
        partnership = owner if isinstance(owner, str) else ""
        if not isinstance(held, dt.date) or held < day:
            continue
        if partnership and wanted is not None and partnership not in wanted:
            continue
        key = (partnership, meeting.title.casefold())
        if key not in following or held < following[key][0]:
            following[key] = (held, meeting.uid)
    found = []
    for (partnership, _body), (held, uid) in following.items():
        record = copy.records.get(uid)
        found.append(DueItem("next-meeting", names.get(partnership, ""), record.title, held,
                             f"{long_date(held)}, {_from_today(held, day)}", uid))
    return sorted(found, key=lambda i: (i.due_on or day, i.partnership, i.title))


def due_list_data(copy: Copy, *, partnership: str | None = None,
                  today: dt.date | None = None, invariant: bool = False) -> DueListDocument:
    """The due list for a meeting: `due_items` under their headings, as on `today`."""
    day = today or dt.date.today()
    items = due_items(copy, partnership=partnership, today=day)
    scope = partnership_named(copy, partnership).title if partnership else (
        "Every partnership" if copy.identity.role is Role.LEAD else ", ".join(
            copy.records.titles("partnership", copy.identity.partnership_uids).values())
        or copy.identity.name)
    groups = tuple(
        DueGroup(heading, tuple(DueLine(i.partnership, i.title, i.due_on, i.detail)
                                for i in items if i.kind == kind))
        for kind, heading in HEADINGS.items() if any(i.kind == kind for i in items))
    agreements = copy.records.list_kind("agreement")
    refresh = agreements[0].fields.get("refresh_label") if agreements else None
    meta = PrintMeta(
        title="What is due", subject=f"What is due: {scope}, as on {long_date(day)}",
        author=copy.identity.name,
        version=f"{refresh} refresh" if isinstance(refresh, str) and refresh else "",
        printed_on=day, status=f"{len(items)} due", sample=copy.is_sample(),
        invariant=invariant)
    return DueListDocument(meta, scope, day, groups)


def due_list_pdf(copy: Copy, *, partnership: str | None = None, today: dt.date | None = None,
                 invariant: bool = False) -> bytes:
    from csa_desktop.printing.due_list import render_due_list

    return render_due_list(due_list_data(copy, partnership=partnership, today=today,
                                         invariant=invariant))


def _last_decision(stages: Sequence[StageState]) -> StageState | None:
    decided = [s for s in stages if s.reached and s.decided_on is not None]
    return decided[-1] if decided else None


def _agreement_items(flow: Workflow, day: dt.date) -> list[DueItem]:
    step = flow.next_stage
    if step is None:
        return []
    last = _last_decision(flow.stages)
    if step.sends_to_pcc and last is not None and last.decided_on is not None:
        return [DueItem(
            "not-sent-to-pcc", "", step.label, last.decided_on,
            f"the {flow.refresh_label} refresh was last approved {long_date(last.decided_on)} "
            f"({last.label}, {_from_today(last.decided_on, day)}) and is not yet sent to the "
            f"Police and Crime Commissioner: csa approve {step.name} --date YYYY-MM-DD",
            flow.agreement_uid)]
    since = (f"; waiting since {long_date(last.decided_on)} ({_from_today(last.decided_on, day)})"
             if last is not None and last.decided_on is not None else "")
    return [DueItem("approval", "", step.label, None,
                    f"the {flow.refresh_label} refresh awaits this step "
                    f"(now: {flow.current_stage.label}){since}", flow.agreement_uid)]


def _plan_items(copy: Copy, chosen: str | None, day: dt.date) -> list[DueItem]:
    """Each local plan (of `chosen`, else of the copy's scope) whose sign-off has begun and
    waits on its next step, or on being sent to the PCC."""
    wanted = _wanted(copy, chosen)
    names = {p.uid: p.title for p in copy.records.list_kind("partnership")}
    steps = copy.records.list_kind("approval-step")
    decisions = copy.records.list_kind("plan-approval")
    seen: set[str] = set()
    found: list[DueItem] = []
    for plan in copy.records.list_kind("local-plan"):
        partnership = str(plan.fields["partnership_uid"])
        if (wanted is not None and partnership not in wanted) or partnership in seen:
            continue
        seen.add(partnership)  # its plan in order: the one its page and prints show
        flow = plan_workflow_of(plan, names.get(partnership, ""),
                                [s for s in steps if s.fields.get("plan_uid") == plan.uid],
                                [d for d in decisions if d.fields.get("plan_uid") == plan.uid])
        step, last = flow.next_stage, _last_decision(flow.stages)
        if step is None or last is None or last.decided_on is None:
            continue
        if step.sends_to_pcc:
            found.append(DueItem(
                "not-sent-to-pcc", flow.partnership_name, f"{plan.title}: {step.label}",
                last.decided_on,
                f"approved {long_date(last.decided_on)} ({last.label}, "
                f"{_from_today(last.decided_on, day)}), not yet shared with the Police and Crime "
                f"Commissioner: csa approve {step.name} --plan \"{flow.partnership_name}\" "
                "--date YYYY-MM-DD", plan.uid))
        else:
            found.append(DueItem(
                "approval", flow.partnership_name, f"{plan.title}: {step.label}", None,
                f"waiting since {long_date(last.decided_on)} ({last.label}, "
                f"{_from_today(last.decided_on, day)})", plan.uid))
    return sorted(found, key=lambda i: (i.kind, i.partnership))
