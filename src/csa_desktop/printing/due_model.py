"""The due list as plain values (services.due fills it, printing.due_list prints it): no
ReportLab here, so `csa due` never loads it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.printing.model import PrintMeta


@dataclass(frozen=True)
class DueLine:
    partnership: str
    title: str
    due_on: dt.date | None
    detail: str


@dataclass(frozen=True)
class DueGroup:
    heading: str
    lines: tuple[DueLine, ...]


@dataclass(frozen=True)
class DueListDocument:
    meta: PrintMeta
    scope: str  # "West Lancashire CSP", or "Every partnership"
    today: dt.date
    groups: tuple[DueGroup, ...]  # only those with lines
