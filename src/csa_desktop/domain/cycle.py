"""The yearly cycle as plain values: refresh labels, refreshes, and the approval stages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from csa_desktop.domain.kinds import AGREEMENT_STATUSES, Value
from csa_desktop.errors import InputError

_LABEL_RE = re.compile(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$")


def normalise_label(text: str) -> str:
    """'2023/24', '2023-24', '2023–2024' all become '2023/24' (a financial year, April–March)."""
    match = _LABEL_RE.match(text.strip())
    if not match:
        raise InputError(f"'{text.strip()}' is not a refresh year; write it as 2023/24")
    first = int(match.group(1))
    second = int(match.group(2))
    if second != (first + 1 if second >= 100 else (first + 1) % 100):
        raise InputError(f"'{text.strip()}' is not one year: after {first} comes "
                         f"{(first + 1) % 100:02d} (write {first}/{(first + 1) % 100:02d})")
    return label_for_year(first)


def label_for_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def label_year(label: str | None) -> int | None:
    """The first calendar year of a refresh label, or None when the label is not a year."""
    if not label:
        return None
    try:
        return int(normalise_label(label)[:4])
    except InputError:
        return None


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The financial year that starts in April of `year`."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def next_label(label: str | None, today: dt.date) -> str:
    """The label a new refresh would most likely have: the year after `label`, else this year."""
    year = label_year(label)
    if year is None:
        year = today.year if today.month >= 4 else today.year - 1
        return label_for_year(year)
    return label_for_year(year + 1)


@dataclass(frozen=True)
class Refresh:
    """One annual version of the agreement.

    The open (current) refresh lives in the ordinary record tables; a closed one is a snapshot
    of every record taken when the next refresh started. `uid` is None for the first refresh of
    a copy in which no refresh has been started yet: it exists only as the agreement's label.
    """

    uid: str | None
    agreement_uid: str
    label: str
    based_on_uid: str | None
    based_on_label: str | None
    started_at: dt.datetime | None
    started_by: str
    closed_at: dt.datetime | None

    @property
    def current(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Stage:
    status: str  # one of AGREEMENT_STATUSES
    label: str  # as people say it
    body: str  # who decides; "" when no decision body is recorded
    needs_date: bool
    takes_minute: bool
    verb: str  # the decision, e.g. "Approved"


STAGES: tuple[Stage, ...] = (
    Stage("draft", "Draft", "", False, False, ""),
    Stage("editorial-review", "Editorial review", "Editorial group", False, False,
          "Sent for editorial review"),
    Stage("approved-by-board", "Approved by the Board", "", True, True, "Approved"),
    Stage("noted-by-cabinet", "Noted by Cabinet", "Cabinet", True, True, "Noted"),
    Stage("approved-by-council", "Approved by Full Council", "Full Council", True, True,
          "Approved"),
    Stage("sent-to-pcc", "Sent to the PCC", "Police and Crime Commissioner", True, False,
          "Sent"),
)
assert tuple(s.status for s in STAGES) == AGREEMENT_STATUSES

STAGE_ALIASES = {
    "draft": "draft", "editorial": "editorial-review", "review": "editorial-review",
    "board": "approved-by-board", "cabinet": "noted-by-cabinet",
    "council": "approved-by-council", "full-council": "approved-by-council",
    "pcc": "sent-to-pcc",
}


def stage(status: str) -> Stage:
    for s in STAGES:
        if s.status == status:
            return s
    raise InputError(f"'{status}' is not an approval stage "
                     f"(stages: {', '.join(s.status for s in STAGES)})")


def stage_index(status: str) -> int:
    return AGREEMENT_STATUSES.index(stage(status).status)


def parse_stage(text: str) -> Stage:
    """A stage from its name or a short alias ('board', 'cabinet', 'council', 'pcc')."""
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    return stage(STAGE_ALIASES.get(key, key))


def _legacy_stage(fields: Mapping[str, Value]) -> str | None:
    """The stage of an approval record written without one, from its body."""
    body = str(fields.get("body") or "").casefold()
    decision = str(fields.get("decision") or "").casefold()
    if "board" in body and "approv" in decision:
        return "approved-by-board"
    if body.startswith("cabinet"):
        return "noted-by-cabinet"
    if "full council" in body or (body.endswith("council") and "approv" in decision
                                  and "county council" not in body):
        return "approved-by-council"
    return None


def decision_stage(fields: Mapping[str, Value]) -> str | None:
    """The workflow stage an approval record with these fields is the decision of (None: it
    is another decision, a scrutiny committee's say). What services.approvals.workflow reads
    as a stage's decision is exactly what only the workflow may write (see services.records)."""
    value = fields.get("stage")
    return value if isinstance(value, str) else _legacy_stage(fields)
