"""The boards' meetings (the county's and each partnership's), read for the GUI's Meetings page:
soonest coming first, then the past ones, latest first. `csa due` and the dashboard list the
next of each body (services.due)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csa_desktop.printing.model import long_date
from csa_desktop.services.copy import Copy

COUNTY = "The county"
"""How a meeting with no partnership (the county's board) is shown."""


@dataclass(frozen=True)
class MeetingSummary:
    uid: str
    body: str
    held_on: dt.date | None
    partnership: str  # the partnership's name, or COUNTY
    editable: bool
    days_away: int | None  # from today: 0 today, negative when past, None when undated

    @property
    def upcoming(self) -> bool:
        return self.days_away is not None and self.days_away >= 0

    @property
    def when(self) -> str:
        """'in 12 days', 'today', '3 weeks ago'…"""
        days = self.days_away
        if days is None:
            return ""
        if days == 0:
            return "today"
        if days > 0:
            return f"in {_span(days)}"
        return f"{_span(-days)} ago"

    @property
    def date_text(self) -> str:
        return long_date(self.held_on) if self.held_on else ""


def _span(days: int) -> str:
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 70:
        return f"{days // 7} weeks"
    return f"{round(days / 30.4)} months"


def meeting_rows(copy: Copy, *, today: dt.date | None = None) -> list[MeetingSummary]:
    """Every meeting the copy holds: those coming (soonest first), then those past (latest
    first); within a day, by partnership and body."""
    day = today or dt.date.today()
    names = {p.uid: p.title for p in copy.records.list_kind("partnership")}
    rows = []
    for meeting in copy.records.list_kind("meeting"):
        held = meeting.fields.get("held_on")
        owner = meeting.fields.get("partnership_uid")
        held_on = held if isinstance(held, dt.date) else None
        rows.append(MeetingSummary(
            meeting.uid, meeting.title, held_on,
            names.get(owner, "") if isinstance(owner, str) else COUNTY,
            copy.records.can_change(meeting),
            (held_on - day).days if held_on is not None else None))

    def order(row: MeetingSummary) -> tuple[int, int, str, str]:
        days = row.days_away
        if days is None:
            return (2, 0, row.partnership, row.body)
        return (0, days, row.partnership, row.body) if days >= 0 else (
            1, -days, row.partnership, row.body)

    return sorted(rows, key=order)
