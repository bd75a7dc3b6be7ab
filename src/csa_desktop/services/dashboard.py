"""The dashboard a copy opens on: how the actions stand, for the county (a lead or editor
copy) or for my partnerships (a district copy), how many indicators are off target, and the
list behind every number.

Every number is counted by the same ActionFilter that opens its list, so a number and the list
it opens cannot disagree."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS
from csa_desktop.domain.reporting import due_period, needs_update
from csa_desktop.services.copy import Copy
from csa_desktop.services.indicators import indicator_views
from csa_desktop.services.tables import (
    OPEN,
    ActionFilter,
    ActionSummary,
    action_rows,
)
from csa_desktop.storage import queries


@dataclass(frozen=True)
class Tally:
    """The numbers of one partnership, or (partnership_uid None) of all that are shown."""

    partnership_uid: str | None
    name: str
    actions: int  # not archived by an annual refresh
    open: int  # of those, neither completed nor cancelled
    by_rag: dict[str, int]  # open actions per RAG, every RAG listed
    by_status: dict[str, int]  # actions per status, every status listed
    overdue: int
    missing_updates: int  # open actions under way in the period without an update for it
    indicators_off_target: int = 0  # the partnership's own indicators rated red or amber


@dataclass(frozen=True)
class Lists:
    """The reporting period and the lists the numbers of a dashboard count."""

    period: str  # the reporting period whose updates are due (reporting.due_period)
    today: dt.date
    missing: frozenset[str]  # the uids of the actions missing an update for the period
    due_on: dt.date | None = None  # when the period's updates are (or were) due

    def link(self, partnership_uid: str | None = None, *, rag: str | None = None,
             status: str | None = None, overdue: bool = False,
             missing: bool = False) -> ActionFilter:
        """The filter that lists the actions behind a number (one criterion at a time)."""
        return ActionFilter(
            partnership_uid=partnership_uid,
            status=OPEN if rag or missing else status, rag=rag, overdue_only=overdue,
            among=self.missing if missing else None,
            among_label=f"with no progress update for {self.period}" if missing else "")

    def tally(self, uid: str | None, name: str, rows: Sequence[ActionSummary]) -> Tally:
        def count(link: ActionFilter) -> int:
            return len(link.select_indices(rows, self.today))

        return Tally(
            partnership_uid=uid, name=name, actions=count(self.link(uid)),
            open=count(self.link(uid, status=OPEN)),
            by_rag={rag: count(self.link(uid, rag=rag)) for rag in RAGS},
            by_status={status: count(self.link(uid, status=status))
                       for status in ACTION_STATUSES},
            overdue=count(self.link(uid, overdue=True)),
            missing_updates=count(self.link(uid, missing=True)))


@dataclass(frozen=True)
class Dashboard:
    heading: str  # "<agreement>: every partnership" or my partnerships' names
    lists: Lists
    total: Tally
    partnerships: tuple[Tally, ...]  # one per partnership shown, in the navigator's order
    county_off_target: int = 0  # the county's indicators (of the key issues) red or amber


def shown_actions(copy: Copy) -> list[ActionSummary]:
    """The actions a dashboard counts: not archived, of my partnerships in a district copy
    (of every partnership in a lead or editor copy)."""
    mine = set(copy.identity.partnership_uids)
    return [row for row in action_rows(copy)
            if row.archived_in is None and (not mine or row.partnership_uid in mine)]


def reporting_lists(copy: Copy, rows: Sequence[ActionSummary], today: dt.date) -> Lists:
    """The reporting period whose updates are owed on `today` (the county's reporting
    calendar: reporting.due_period) and the actions of `rows` that owe it an update."""
    agreements = copy.records.list_kind("agreement")
    days = agreements[0].fields.get("update_due_days") if agreements else None
    period, due_on = due_period(today, days if isinstance(days, int) else None)
    with copy.store.reader() as session:
        reported = queries.actions_reported_in(session, period)
    return Lists(period, today, frozenset(
        row.uid for row in rows
        if needs_update(row.status, row.start_on, period, row.uid in reported)), due_on)


def build_dashboard(copy: Copy, today: dt.date | None = None) -> Dashboard:
    """The dashboard of `copy` on `today` (default: the real today)."""
    today = today or dt.date.today()
    mine = set(copy.identity.partnership_uids)
    rows = shown_actions(copy)
    lists = reporting_lists(copy, rows, today)
    partnerships = [p for p in copy.records.list_kind("partnership")
                    if not mine or p.uid in mine]
    by_partnership: dict[str, list[ActionSummary]] = {p.uid: [] for p in partnerships}
    for row in rows:
        by_partnership.setdefault(row.partnership_uid, []).append(row)
    off_target: Counter[str | None] = Counter(
        _text(view.indicator.fields.get("partnership_uid")) for view in indicator_views(copy)
        if view.judgement.off_target)
    tallies = tuple(
        replace(lists.tally(p.uid, p.title, by_partnership[p.uid]),
                indicators_off_target=off_target[p.uid])
        for p in partnerships
        if p.uid in mine or by_partnership[p.uid] or off_target[p.uid])  # a lead: the busy
    total = replace(lists.tally(None, "All partnerships", rows),
                    indicators_off_target=sum(t.indicators_off_target for t in tallies))
    return Dashboard(_heading(copy, [p.title for p in partnerships], mine), lists, total,
                     tallies, county_off_target=off_target[None])


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _heading(copy: Copy, names: Sequence[str], mine: set[str]) -> str:
    if mine:
        return ", ".join(names) or copy.identity.name
    agreements = copy.records.list_kind("agreement")
    return f"{agreements[0].title}: every partnership" if agreements else "Every partnership"
