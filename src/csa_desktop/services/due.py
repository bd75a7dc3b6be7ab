"""What is due: the actions past their date and still open, the progress updates owed for the
current quarter (due by its last day), and the agreement's next approval step while its refresh
is under way. A district copy sees its own partnerships; the lead every partnership."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.domain.reporting import quarter_span
from csa_desktop.services.approvals import workflow
from csa_desktop.services.copy import Copy
from csa_desktop.services.dashboard import reporting_lists, shown_actions
from csa_desktop.services.printing import partnership_named

KINDS_OF_DUE = ("overdue-action", "missing-update", "approval")


@dataclass(frozen=True)
class DueItem:
    kind: str  # one of KINDS_OF_DUE
    partnership: str  # "" for the agreement's approvals
    title: str  # the action's title, or the agreement's step
    due_on: dt.date | None  # when it was or is due
    detail: str
    uid: str  # the action, or the agreement

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "partnership": self.partnership or None,
                "title": self.title, "due_on": self.due_on.isoformat() if self.due_on else None,
                "detail": self.detail, "uid": self.uid}


def due_items(copy: Copy, *, partnership: str | None = None,
              today: dt.date | None = None) -> list[DueItem]:
    """Everything due on `today`, oldest first within each kind; `partnership` (a name or uid)
    keeps that partnership's actions and leaves the agreement's approvals out."""
    day = today or dt.date.today()
    chosen = partnership_named(copy, partnership).uid if partnership else None
    rows = [row for row in shown_actions(copy)
            if chosen is None or row.partnership_uid == chosen]
    lists = reporting_lists(copy, rows, day)
    overdue = lists.link(chosen, overdue=True).select(rows, day)
    missing = lists.link(chosen, missing=True).select(rows, day)
    quarter_end = quarter_span(lists.period)[1]
    items = [DueItem("overdue-action", row.partnership_name, row.title, row.due_on,
                     f"{(day - row.due_on).days} days overdue, {row.status.replace('-', ' ')}"
                     if row.due_on else "overdue", row.uid)
             for row in sorted(overdue, key=lambda r: (r.due_on or day, r.partnership_name))]
    items += [DueItem("missing-update", row.partnership_name, row.title, quarter_end,
                      f"no progress update for {lists.period} yet", row.uid)
              for row in sorted(missing, key=lambda r: (r.partnership_name, r.title))]
    if chosen is None and copy.records.list_kind("agreement"):
        flow = workflow(copy)
        step = flow.next_stage
        if step is not None:
            items.append(DueItem(
                "approval", "", f"{step.label}", None,
                f"the {flow.refresh_label} refresh awaits this step "
                f"(now: {flow.current_stage.label})", flow.agreement_uid))
    return items
