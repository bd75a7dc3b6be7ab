"""The plain values a quarterly performance report is printed from (PDF, Word, Excel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.domain.indicators import off_target
from csa_desktop.printing.model import PrintMeta, ProgressLine


@dataclass(frozen=True)
class ReportAction:
    title: str
    partnership: str
    priority: str
    lead: str  # post and organisation
    due_on: dt.date | None
    status: str  # one of domain.kinds.ACTION_STATUSES
    rag: str  # one of domain.kinds.RAGS
    overdue: bool  # on the quarter's last day (or the print date, in the quarter)
    latest: ProgressLine | None  # the update for the quarter, else the latest before it
    latest_is_for_period: bool
    missing_update: bool  # open, under way in the quarter, no update for it


@dataclass(frozen=True)
class ReportIndicator:
    """An indicator as the quarter leaves it: its values up to the quarter's end judged."""

    name: str
    owner: str  # the partnership of a local indicator; "" for a county one
    unit: str
    polarity: str  # higher-is-better, lower-is-better, no-target
    baseline: str  # "120 (2021/22)" or ""
    target: str | None  # the target value as typed, or None
    target_period: str
    latest_period: str | None
    latest_value: str | None
    rag: str | None  # red, amber, green; None: no target or no value
    against_previous: str | None  # improving, worsening, no-change (higher, lower: no target)
    against_baseline: str | None
    values: tuple[tuple[str, str], ...]  # (period, value) oldest first, for the trend chart

    @property
    def off_target(self) -> bool:
        return off_target(self.rag)


@dataclass(frozen=True)
class IssueGroup:
    """A county key issue, the actions that deliver it and its indicators (or the local
    priorities, with the partnerships' own indicators)."""

    title: str
    statement: str
    actions: tuple[ReportAction, ...]
    indicators: tuple[ReportIndicator, ...] = ()


@dataclass(frozen=True)
class PerformanceReport:
    meta: PrintMeta
    period: str  # "2024/25 Q2"
    scope: str  # "Every partnership" or the partnership's name
    as_of: dt.date  # the day "overdue" is judged on
    rag_counts: dict[str, int]  # open actions per RAG, every RAG listed
    status_counts: dict[str, int]  # actions per status, every status listed
    actions: int
    open_actions: int
    exceptions: tuple[ReportAction, ...]  # open red then amber actions
    overdue: tuple[ReportAction, ...]
    missing: tuple[ReportAction, ...]  # open actions without an update for the quarter
    indicators_off_target: tuple[ReportIndicator, ...]  # red then amber
    indicator_count: int
    issues: tuple[IssueGroup, ...]  # each key issue, then the local priorities
