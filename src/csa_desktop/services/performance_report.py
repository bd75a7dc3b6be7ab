"""The quarterly performance report to the board: gather a copy's actions (and the updates
written for the quarter) into the plain values of printing.report_model, exceptions first.

A report is for one quarter ("2024/25 Q2") and for every partnership or one. An action is
counted as it stands now; "overdue" is judged on the quarter's last day, or on the print date
while the quarter is still running; its update is the one written for the quarter, else the
latest written before it (shown as earlier)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from csa_desktop.domain.indicators import judge
from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS
from csa_desktop.domain.periods import period_key
from csa_desktop.domain.records import Record
from csa_desktop.domain.reporting import CLOSED_STATUSES, needs_update, quarter_of, quarter_span
from csa_desktop.errors import InputError
from csa_desktop.printing.model import PrintMeta, ProgressLine, has_sample_marker
from csa_desktop.printing.report_model import (
    IssueGroup,
    PerformanceReport,
    ReportAction,
    ReportIndicator,
)
from csa_desktop.services.copy import Copy
from csa_desktop.services.indicators import indicator_views
from csa_desktop.services.printing import agreement_status, partnership_named
from csa_desktop.services.tables import ActionSummary, action_rows

LOCAL_PRIORITIES = "Local priorities"
"""The group of actions whose priority adopts no county key issue (or that have none)."""


def report_period(period: str | None, today: dt.date) -> str:
    """The quarter asked for, checked ("2024/25 Q2"); the quarter of `today` when none."""
    if period is None or not period.strip():
        return quarter_of(today)
    quarter_span(period)  # an InputError naming the period when it is not a quarter
    return period.strip()


def performance_report_data(copy: Copy, period: str | None = None, *,
                            partnership: str | None = None,
                            printed_on: dt.date | None = None,
                            invariant: bool = False) -> PerformanceReport:
    day = printed_on or dt.date.today()
    quarter = report_period(period, day)
    first, last = quarter_span(quarter)
    as_of = min(day, last)
    records = copy.records
    chosen = partnership_named(copy, partnership) if partnership else None
    rows = [row for row in action_rows(copy) if row.archived_in is None
            and (chosen is None or row.partnership_uid == chosen.uid)]
    wanted = {row.uid for row in rows}
    updates = [u for u in records.list_kind("progress-update") if u["action_uid"] in wanted]
    for_quarter, earlier = _updates_by_action(updates, quarter, first)
    priorities = {p.uid: p for p in records.list_kind("local-priority")}
    key_issues = records.list_kind("key-issue")

    def line(row: ActionSummary) -> ReportAction:
        update = for_quarter.get(row.uid) or earlier.get(row.uid)
        lead = ", ".join(p for p in (row.lead_role, row.lead_organisation_name) if p)
        return ReportAction(
            title=row.title, partnership=row.partnership_name,
            priority=row.priority_title or "", lead=lead, due_on=row.due_on,
            status=row.status, rag=row.rag if row.rag in RAGS else "not-rated",
            overdue=row.overdue(as_of), latest=None if update is None else _progress(update),
            latest_is_for_period=row.uid in for_quarter,
            missing_update=needs_update(row.status, row.start_on, quarter,
                                        row.uid in for_quarter))

    lines = [(row, line(row)) for row in rows]
    open_lines = [a for _row, a in lines if a.status not in CLOSED_STATUSES]
    by_issue: dict[str, list[ReportAction]] = {k.uid: [] for k in key_issues}
    local: list[ReportAction] = []
    for row, action in lines:
        priority = priorities.get(row.priority_uid or "")
        issue = priority.fields.get("key_issue_uid") if priority else None
        if isinstance(issue, str) and issue in by_issue:
            by_issue[issue].append(action)
        else:
            local.append(action)
    indicators = _indicators(copy, chosen.uid if chosen else None, last)
    county: dict[str, list[ReportIndicator]] = {k.uid: [] for k in key_issues}
    own: list[ReportIndicator] = []
    for key_issue_uid, indicator in indicators:
        if key_issue_uid in county and not indicator.owner:
            county[key_issue_uid].append(indicator)
        else:
            own.append(indicator)
    groups = [IssueGroup(k.title, str(k.fields.get("statement") or ""), tuple(by_issue[k.uid]),
                         tuple(county[k.uid])) for k in key_issues]
    if local or own:
        groups.append(IssueGroup(LOCAL_PRIORITIES, "Actions for priorities a partnership set "
                                 "itself, or with no priority, and the partnerships' own "
                                 "indicators.", tuple(local), tuple(own)))
    every = [indicator for _uid, indicator in indicators]
    rags = Counter(a.rag for a in open_lines)
    statuses = Counter(a.status for _row, a in lines)
    status, detail = agreement_status(copy)
    scope = chosen.title if chosen else "Every partnership"
    meta = PrintMeta(
        title=f"Performance report: {scope}",
        subject=f"Quarterly performance report to the board, {quarter}",
        author=copy.identity.name, version=quarter, printed_on=day,
        status=f"{first:%B} to {last:%B %Y}",
        status_detail=f"Agreement: {detail or status.capitalize()}",
        sample=copy.is_sample() or _any_sample(rows, updates), invariant=invariant)
    exceptions = tuple(sorted((a for a in open_lines if a.rag in ("red", "amber")),
                              key=lambda a: (a.rag != "red", a.partnership, a.title)))
    return PerformanceReport(
        meta=meta, period=quarter, scope=scope, as_of=as_of,
        rag_counts={rag: rags[rag] for rag in RAGS},
        status_counts={s: statuses[s] for s in ACTION_STATUSES},
        actions=len(lines), open_actions=len(open_lines),
        exceptions=exceptions,
        overdue=tuple(a for _row, a in lines if a.overdue),
        missing=tuple(a for _row, a in lines if a.missing_update),
        indicators_off_target=tuple(sorted((i for i in every if i.off_target),
                                           key=lambda i: (i.rag != "red", i.owner, i.name))),
        indicator_count=len(every), issues=tuple(groups))


def _indicators(copy: Copy, partnership_uid: str | None,
                last: dt.date) -> list[tuple[str | None, ReportIndicator]]:
    """(key issue uid, indicator) for the county's indicators and the local ones of the
    partnership (of every partnership, when None), judged on their values up to `last`."""
    names = {p.uid: p.title for p in copy.records.list_kind("partnership")}
    found: list[tuple[str | None, ReportIndicator]] = []
    for view in indicator_views(copy):
        fields = view.indicator.fields
        owner = fields.get("partnership_uid")
        if partnership_uid and owner not in (None, partnership_uid):
            continue
        held = [(str(v["period"]), v["value"]) for v in view.values
                if v["value"] is not None and period_key(str(v["period"]))[1] <= last]
        judgement = judge(fields, held)
        baseline = _text(fields.get("baseline_value"))
        if baseline and fields.get("baseline_period"):
            baseline += f" ({fields['baseline_period']})"
        key_issue = fields.get("key_issue_uid")
        found.append((key_issue if isinstance(key_issue, str) else None, ReportIndicator(
            name=view.indicator.title, owner=names.get(str(owner), "") if owner else "",
            unit=_text(fields.get("unit")), polarity=_text(fields.get("polarity")),
            baseline=baseline, target=_text(fields.get("target_value")) or None,
            target_period=_text(fields.get("target_period")),
            latest_period=judgement.latest_period, latest_value=judgement.latest_value,
            rag=judgement.rag, against_previous=judgement.against_previous,
            against_baseline=judgement.against_baseline,
            values=tuple((period, str(value)) for period, value in held))))
    return found


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _updates_by_action(updates: Sequence[Record], quarter: str, first: dt.date,
                       ) -> tuple[dict[str, Record], dict[str, Record]]:
    """Per action: its update for `quarter` (the latest written, if several) and its latest
    update for an earlier quarter (by the quarter's start, then the date reported)."""
    for_quarter: dict[str, Record] = {}
    earlier: dict[str, Record] = {}

    def when(update: Record) -> tuple[dt.date, dt.date, dt.datetime]:
        reported = update["reported_on"]
        return (_quarter_start(str(update["period"])),
                reported if isinstance(reported, dt.date) else dt.date.min, update.updated_at)

    for update in updates:
        action = str(update["action_uid"])
        if update["period"] == quarter:
            if action not in for_quarter or when(update) > when(for_quarter[action]):
                for_quarter[action] = update
        elif _quarter_start(str(update["period"])) < first and (
                action not in earlier or when(update) > when(earlier[action])):
            earlier[action] = update
    return for_quarter, earlier


def _quarter_start(period: str) -> dt.date:
    try:
        return quarter_span(period)[0]
    except InputError:  # an update from before periods were checked: oldest of all
        return dt.date.min


def _progress(update: Record) -> ProgressLine:
    reported = update["reported_on"]
    return ProgressLine(str(update["period"] or ""),
                        reported if isinstance(reported, dt.date) else None,
                        str(update["rag"] or "not-rated"), str(update["narrative"] or ""),
                        str(update["author"] or ""))


def _any_sample(rows: Sequence[ActionSummary], updates: Sequence[Record]) -> bool:
    return any(has_sample_marker(row.title) for row in rows) or any(
        has_sample_marker(str(u["narrative"] or "")) for u in updates)


def performance_report_pdf(copy: Copy, period: str | None = None, *,
                           partnership: str | None = None, printed_on: dt.date | None = None,
                           invariant: bool = False) -> bytes:
    from csa_desktop.printing.performance_report import render_performance_report

    return render_performance_report(performance_report_data(
        copy, period, partnership=partnership, printed_on=printed_on, invariant=invariant))
