"""Rows for the large tables of the GUI (actions, evidence), read with one query each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.reporting import CLOSED_STATUSES
from csa_desktop.domain.roles import Owner, may_change
from csa_desktop.services.copy import Copy
from csa_desktop.storage import queries

OPEN = "open"
"""A status filter for every action still open: neither completed nor cancelled."""
_date = dt.date.fromisoformat


@dataclass(frozen=True, slots=True)
class ActionSummary:
    """One line of the actions table: an action with its names resolved."""

    uid: str
    plan_uid: str
    partnership_uid: str
    partnership_name: str
    priority_uid: str | None
    priority_title: str | None
    title: str
    lead_organisation_uid: str | None
    lead_organisation_name: str | None
    lead_role: str | None
    partners: str | None
    measure: str | None
    start_on: dt.date | None
    due_on: dt.date | None
    status: str
    rag: str
    archived_in: str | None  # the refresh it closed in (an annual refresh archived it)
    themes: str  # the theme uids of the action, its priority and its key issue (as text)
    editable: bool  # whether this copy's scope covers the action's partnership
    search: str = field(init=False, compare=False, repr=False)  # search_text(self)

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", search_text(self))

    def overdue(self, today: dt.date) -> bool:
        """Past its due date and neither completed nor cancelled (nor archived)."""
        return self.due_on is not None and self.due_on < today and (
            self.status not in CLOSED_STATUSES and self.archived_in is None
        )


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    """One line of the evidence table."""

    uid: str
    assessment: str | None
    area_uid: str | None
    area_name: str | None  # None: county-wide
    topic: str
    statement: str
    figure: str | None
    period: str | None
    source: str | None
    editable: bool


def action_rows(
    copy: Copy,
    *,
    plan_uids: Sequence[str] | None = None,
    priority_uids: Sequence[str] | None = None,
    uids: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[ActionSummary]:
    """Live actions in plan order (partnership, plan, priority, action), archived ones
    included, optionally limited to some plans, priorities or action uids, or to the first
    `limit` of them (a table's first screenful)."""
    identity = copy.identity
    spec = KINDS["action"]
    in_scope: dict[str, bool] = {}
    result: list[ActionSummary] = []
    with copy.store.reader() as session:
        rows = queries.action_rows(session, plan_uids=plan_uids, priority_uids=priority_uids,
                                   uids=uids, limit=limit)
    for row in rows:
        partnership_uid = row[2]
        editable = in_scope.get(partnership_uid)
        if editable is None:
            editable = may_change(identity, spec, Owner(partnership_uid=partnership_uid))
            in_scope[partnership_uid] = editable
        start, due = row[12], row[13]
        result.append(ActionSummary(
            *row[:12], _date(start) if start else None, _date(due) if due else None,
            *row[14:], editable,
        ))
    return result


def evidence_rows(copy: Copy) -> list[EvidenceSummary]:
    """Live evidence items, county-wide first, then by area and topic."""
    spec = KINDS["evidence-item"]
    with copy.store.reader() as session:
        rows = queries.evidence_rows(session)
        scope_areas = copy.records.scope_area_uids(session)
    return [
        EvidenceSummary(*row, may_change(copy.identity, spec, Owner(area_uid=row[2]),
                                scope_areas))
        for row in rows
    ]


@dataclass(frozen=True)
class ActionFilter:
    """What the filter bar of the actions table asks for; empty parts match everything.

    Actions archived by an annual refresh are left out unless `show_archived`.
    """

    text: str = ""
    partnership_uid: str | None = None
    priority_uid: str | None = None
    status: str | None = None
    rag: str | None = None
    theme_uid: str | None = None  # tagged on the action, its priority or its key issue
    overdue_only: bool = False
    show_archived: bool = False
    among: frozenset[str] | None = None  # only these actions (a list the dashboard opened)
    among_label: str = ""  # what they are: "with no progress update for 2026/27 Q3"

    @property
    def empty(self) -> bool:
        """No criterion chosen (whether archived actions show is not a criterion)."""
        return not (self.text.strip() or self.partnership_uid or self.priority_uid
                    or self.status or self.rag or self.theme_uid or self.overdue_only
                    or self.among is not None)

    def matches(self, row: ActionSummary, today: dt.date) -> bool:
        """Whether `row` passes."""
        return bool(self.select_indices([row], today))

    def select(self, rows: Sequence[ActionSummary], today: dt.date) -> list[ActionSummary]:
        """The rows that pass, in their order."""
        return [rows[n] for n in self.select_indices(rows, today)]

    def select_indices(self, rows: Sequence[ActionSummary], today: dt.date) -> list[int]:
        """The places in `rows` of the rows that pass, ascending: one pass per criterion,
        cheapest first (a table of tens of thousands filters in milliseconds)."""
        chosen: Iterable[int] = range(len(rows))
        if not self.show_archived:
            chosen = [n for n in chosen if rows[n].archived_in is None]
        if self.partnership_uid:
            chosen = [n for n in chosen if rows[n].partnership_uid == self.partnership_uid]
        if self.priority_uid:
            chosen = [n for n in chosen if rows[n].priority_uid == self.priority_uid]
        if self.among is not None:
            chosen = [n for n in chosen if rows[n].uid in self.among]
        if self.status == OPEN:
            chosen = [n for n in chosen if rows[n].status not in CLOSED_STATUSES]
        elif self.status:
            chosen = [n for n in chosen if rows[n].status == self.status]
        if self.rag:
            chosen = [n for n in chosen if rows[n].rag == self.rag]
        if self.theme_uid:
            chosen = [n for n in chosen if self.theme_uid in rows[n].themes]
        if self.overdue_only:
            chosen = [n for n in chosen if rows[n].overdue(today)]
        for word in self.text.casefold().split():
            chosen = [n for n in chosen if word in rows[n].search]
        return list(chosen)


def search_text(row: ActionSummary) -> str:
    """The text a filter searches: title, lead, partners, measure, priority, partnership."""
    return (f"{row.title}\n{row.lead_organisation_name or ''}\n{row.lead_role or ''}\n"
            f"{row.partners or ''}\n{row.measure or ''}\n{row.priority_title or ''}\n"
            f"{row.partnership_name}").casefold()


def action_counts(copy: Copy) -> dict[tuple[str, str | None], int]:
    """Live actions not archived, per (plan uid, priority uid); None: actions without a (live)
    priority."""
    with copy.store.reader() as session:
        return {(plan, priority): number
                for plan, priority, number in queries.action_counts(session)}
